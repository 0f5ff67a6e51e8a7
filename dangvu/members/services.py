"""Workflows on member records: create, edit, add/edit/remove events, reveal a sensitive field.

Each function validates with the pure rules (`checks.check_record`, `lifecycle.derive_state`),
writes in one transaction with its audit row, and raises `ValidationError` (Vietnamese, keyed by form
field where there is one) for impossibilities. Warnings are returned, never raised.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangvu.accounts.models import User
from dangvu.audit.models import Action
from dangvu.audit.services import audit_record, diff, snapshot
from dangvu.lib.collation import name_sort_key
from dangvu.lib.text import clean, fold
from dangvu.members.checks import RecordFacts, check_record
from dangvu.members.history import sync_memberships
from dangvu.members.lifecycle import NEEDS_ORG, EventFact, EventKind, MemberState, derive_state
from dangvu.members.models import SENSITIVE_FIELDS, Member, MemberEvent
from dangvu.orgs.kinds import CELL_KINDS
from dangvu.orgs.models import Org

PERSONAL_FIELDS = (
    "full_name",
    "sex",
    "birth_date",
    "home_town",
    "ethnicity",
    "religion",
    "citizen_id",
    "card_number",
    "education",
    "professional_level",
    "political_theory",
    "occupation",
    "position",
    "phone",
    "address",
)
DERIVED_FIELDS = (
    "status",
    "is_probationary",
    "current_org",
    "admitted_on",
    "ceremony_on",
    "official_on",
    "status_since",
)
EVENT_FIELDS = ("kind", "on", "org", "external_org", "ceremony_on", "expected_end", "decision_no", "decided_by", "note")

ERR_NOT_A_CELL = "“{org}” không phải là chi bộ; đảng viên chỉ sinh hoạt ở chi bộ cơ sở hoặc chi bộ trực thuộc."
ERR_CELL_DISSOLVED = "Chi bộ “{org}” đã giải thể."
ERR_CARD_TAKEN = "Số thẻ đảng viên {value} đã có trong hồ sơ của “{name}”."
ERR_CCCD_TAKEN = "Số CCCD {value} đã có trong hồ sơ của “{name}”."
# The other record may be outside the user's scope: then it is not named (Nghị định 13/2023).
OTHER_OUT_OF_SCOPE = "một đảng viên ngoài phạm vi của bạn"
ERR_LAST_ADMISSION = "Không thể xóa sự kiện kết nạp duy nhất của hồ sơ; hãy sửa ngày hoặc chi bộ của sự kiện này."
ERR_EVENT_FUTURE = "Ngày của sự kiện ({day}) không được sau ngày hôm nay."
ERR_EVENT_DELETED = "Sự kiện này đã bị xóa."
ERR_UNKNOWN_FIELD = "Trường “{field}” không phải là thông tin nhạy cảm."


@dataclass
class Outcome:
    """A saved member and the warnings to show beside it."""

    member: Member
    warnings: list[str]


def _check_cell(org: Org | None, field: str = "org") -> None:
    if org is None:
        return
    if org.kind not in CELL_KINDS:
        raise ValidationError({field: ERR_NOT_A_CELL.format(org=org.name)})
    if org.is_dissolved:
        raise ValidationError({field: ERR_CELL_DISSOLVED.format(org=org.name)})


def _clean_personal(data: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in PERSONAL_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, str):
            value = clean(value)
            if name in {"citizen_id", "card_number"}:
                value = value.replace(" ", "") or None
            if name == "phone":
                value = value.replace(" ", "").replace(".", "")
        values[name] = value
    return values


def _check_unique(values: Mapping[str, Any], member: Member | None, actor: User | None) -> None:
    errors: dict[str, str] = {}
    for name, message in (("card_number", ERR_CARD_TAKEN), ("citizen_id", ERR_CCCD_TAKEN)):
        value = values.get(name)
        if not value:
            continue
        others = Member.objects.filter(**{name: value})
        if member is not None:
            others = others.exclude(pk=member.pk)
        other = others.first()
        if other is not None:
            named = actor is None or Member.objects.visible_to(actor).filter(pk=other.pk).exists()
            errors[name] = message.format(value=value, name=other.full_name if named else OTHER_OUT_OF_SCOPE)
    if errors:
        raise ValidationError(errors)


def _facts_of(member: Member, state: MemberState | None = None, **override: Any) -> RecordFacts:
    source = state or member
    values: dict[str, Any] = {
        "birth_date": member.birth_date,
        "citizen_id": member.citizen_id or "",
        "phone": member.phone,
        "admitted_on": source.admitted_on,
        "ceremony_on": source.ceremony_on,
        "official_on": source.official_on,
    }
    values.update(override)
    return RecordFacts(**values)


def _event_facts(events: list[MemberEvent]) -> list[EventFact]:
    return [
        EventFact(kind=e.kind, on=e.on, org_id=e.org_id, ceremony_on=e.ceremony_on, seq=e.pk or 10**12 + i)
        for i, e in enumerate(events)
    ]


def _derive_or_refuse(member: Member, events: list[MemberEvent]) -> MemberState:
    """Replay the events; refuse if the timeline is impossible or the resulting dates are."""
    state = derive_state(_event_facts(events))
    if state.errors:
        raise ValidationError(state.errors)
    result = check_record(_facts_of(member, state), today=timezone.localdate())
    date_errors = [m for name in ("admitted_on", "ceremony_on", "official_on") for m in result.errors.get(name, [])]
    if date_errors:
        raise ValidationError(date_errors)
    return state


def _store_state(member: Member, state: MemberState) -> None:
    member.status, member.is_probationary = state.status, state.is_probationary
    member.current_org_id = state.org_id
    member.admitted_on, member.ceremony_on, member.official_on = state.admitted_on, state.ceremony_on, state.official_on
    member.status_since = state.status_since


def member_sync(member: Member) -> MemberState:
    """Recompute the derived fields from the live events and save them."""
    live = list(member.events.live())
    state = derive_state(_event_facts(live))
    _store_state(member, state)
    member.save(update_fields=[*DERIVED_FIELDS, "updated_at"])
    sync_memberships(member, live)
    return state


def member_warnings(member: Member, *, today: date | None = None, events: list[MemberEvent] | None = None) -> list[str]:
    """Doubtful-but-possible findings on a saved record, shown on its page. `events`: the member's live
    events in date order, when the caller has read them already (the record page)."""
    live = events if events is not None else list(member.events.live())
    state = derive_state(_event_facts(live))
    result = check_record(_facts_of(member, state), today=today or timezone.localdate())
    return [*result.warnings, *state.warnings]


@transaction.atomic
def member_create(
    *,
    actor: User | None,
    data: Mapping[str, Any],
    cell: Org,
    admitted_on: date,
    ceremony_on: date | None = None,
    official_on: date | None = None,
    decision_no: str = "",
) -> Outcome:
    """A new record, with its admission event (and confirmation event when the official date is known)."""
    values = _clean_personal(data)
    _check_cell(cell, "cell")
    facts = RecordFacts(
        birth_date=values.get("birth_date"),
        citizen_id=values.get("citizen_id") or "",
        phone=values.get("phone", ""),
        admitted_on=admitted_on,
        ceremony_on=ceremony_on,
        official_on=official_on,
    )
    errors = check_record(facts, today=timezone.localdate()).errors  # official before ceremony included
    if errors:
        raise ValidationError(errors)
    _check_unique(values, None, actor)
    member = Member(**values)
    member.name_search, member.name_sort_key = fold(member.full_name), name_sort_key(member.full_name)
    member.save()
    events = [
        MemberEvent(
            member=member,
            kind=EventKind.ADMITTED,
            on=admitted_on,
            org=cell,
            ceremony_on=ceremony_on,
            decision_no=decision_no,
            created_by=_user(actor),
        )
    ]
    if official_on:
        events.append(MemberEvent(member=member, kind=EventKind.CONFIRMED, on=official_on, created_by=_user(actor)))
    MemberEvent.objects.bulk_create(events)
    member_sync(member)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=member,
        changes=diff({}, snapshot(member, PERSONAL_FIELDS + DERIVED_FIELDS)),
    )
    return Outcome(member, member_warnings(member))


@transaction.atomic
def member_update(*, actor: User | None, member: Member, data: Mapping[str, Any]) -> Outcome:
    """Edit the personal fields of a record (dates of admission and status change through events)."""
    values = _clean_personal(data)
    before = snapshot(member, PERSONAL_FIELDS)
    for name, value in values.items():
        setattr(member, name, value)
    result = check_record(_facts_of(member), today=timezone.localdate())
    if result.errors:
        raise ValidationError(result.errors)
    _check_unique(values, member, actor)
    member.name_search, member.name_sort_key = fold(member.full_name), name_sort_key(member.full_name)
    member.save()
    changes = diff(before, snapshot(member, PERSONAL_FIELDS))
    if changes:
        audit_record(actor=actor, action=Action.UPDATE, target=member, changes=changes)
    return Outcome(member, member_warnings(member))


def _user(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


def _check_event(event: MemberEvent) -> None:
    if event.on > timezone.localdate():
        raise ValidationError({"on": ERR_EVENT_FUTURE.format(day=f"{event.on:%d/%m/%Y}")})
    if event.org_id is not None:
        _check_cell(event.org)
    if event.kind not in NEEDS_ORG and event.kind not in {
        EventKind.ADMITTED,
        EventKind.READMITTED,
        EventKind.TRANSFER_OUT,
    }:
        event.org = None  # only admissions and transfers move a member to a cell


@transaction.atomic
def event_add(*, actor: User | None, member: Member, values: Mapping[str, Any]) -> Outcome:
    event = MemberEvent(
        member=member, created_by=_user(actor), **{k: v for k, v in values.items() if k in EVENT_FIELDS}
    )
    _check_event(event)
    live = list(member.events.live())
    state = _derive_or_refuse(member, [*live, event])
    event.save()
    before = snapshot(member, DERIVED_FIELDS)
    _store_state(member, state)
    member.save()
    sync_memberships(member, [*live, event])
    audit_record(actor=actor, action=Action.CREATE, target=event, changes=diff({}, snapshot(event, EVENT_FIELDS)))
    if changes := diff(before, snapshot(member, DERIVED_FIELDS)):
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            target=member,
            changes=changes,
            note=f"Theo sự kiện: {event.get_kind_display()}",
        )
    return Outcome(member, member_warnings(member))


@transaction.atomic
def event_update(*, actor: User | None, event: MemberEvent, values: Mapping[str, Any]) -> Outcome:
    if event.deleted_at is not None:
        raise ValidationError(ERR_EVENT_DELETED)
    member = event.member
    before_event = snapshot(event, EVENT_FIELDS)
    for name, value in values.items():
        if name in EVENT_FIELDS:
            setattr(event, name, value)
    _check_event(event)
    others = [e for e in member.events.live() if e.pk != event.pk]
    state = _derive_or_refuse(member, [*others, event])
    event.save()
    before = snapshot(member, DERIVED_FIELDS)
    _store_state(member, state)
    member.save()
    sync_memberships(member, [*others, event])
    if changes := diff(before_event, snapshot(event, EVENT_FIELDS)):
        audit_record(actor=actor, action=Action.UPDATE, target=event, changes=changes)
    if changes := diff(before, snapshot(member, DERIVED_FIELDS)):
        audit_record(actor=actor, action=Action.UPDATE, target=member, changes=changes, note="Theo sửa sự kiện")
    return Outcome(member, member_warnings(member))


@transaction.atomic
def event_delete(*, actor: User | None, event: MemberEvent, reason: str = "") -> Outcome:
    """Soft delete: the event leaves the timeline but stays stored, with who removed it and when."""
    if event.deleted_at is not None:
        raise ValidationError(ERR_EVENT_DELETED)
    member = event.member
    others = [e for e in member.events.live() if e.pk != event.pk]
    if event.kind == EventKind.ADMITTED and not any(e.kind == EventKind.ADMITTED for e in others):
        raise ValidationError(ERR_LAST_ADMISSION)
    state = _derive_or_refuse(member, others)
    event.deleted_at, event.deleted_by = timezone.now(), _user(actor)
    event.save(update_fields=["deleted_at", "deleted_by"])
    before = snapshot(member, DERIVED_FIELDS)
    _store_state(member, state)
    member.save()
    sync_memberships(member, others)
    audit_record(
        actor=actor, action=Action.DELETE, target=event, changes=diff(snapshot(event, EVENT_FIELDS), {}), note=reason
    )
    if changes := diff(before, snapshot(member, DERIVED_FIELDS)):
        audit_record(actor=actor, action=Action.UPDATE, target=member, changes=changes, note="Theo xóa sự kiện")
    return Outcome(member, member_warnings(member))


@transaction.atomic
def member_reveal(*, actor: User, member: Member, field: str, ip_address: str | None = None) -> str:
    """The value of a sensitive field, with an audit row saying who looked at it and when."""
    if field not in SENSITIVE_FIELDS:
        raise ValidationError(ERR_UNKNOWN_FIELD.format(field=field))
    audit_record(
        actor=actor,
        action=Action.REVEAL,
        target=member,
        note=str(getattr(Member._meta.get_field(field), "verbose_name", field)),
        changes={"field": field},
        ip_address=ip_address,
    )
    return str(getattr(member, field) or "")
