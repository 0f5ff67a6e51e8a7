"""The audit trail pages: newest first, per object (`?type=member&id=7`), per user (`?actor=3`), per
action (`?action=reveal`). Readers: the roles in AUDIT_READERS; everyone else gets a 403."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from dangvu.accounts.models import AUDIT_READERS, User
from dangvu.audit.models import Action, AuditRecord
from dangvu.lib.text import clean
from dangvu.members.models import Member, MemberEvent
from dangvu.members.views import org_url
from dangvu.orgs.models import Org

PAGE_SIZE = 50
TARGET_TYPES: dict[str, tuple[str, type[models.Model]]] = {
    "member": ("Đảng viên", Member),
    "event": ("Sự kiện đảng viên", MemberEvent),
    "org": ("Tổ chức đảng", Org),
    "user": ("Người dùng", User),
}
EMPTY = "—"


@dataclass(frozen=True)
class AuditFilter:
    type: str = ""
    id: int | None = None
    actor: int | None = None
    action: str = ""
    page: int = 1

    @classmethod
    def parse(cls, data: Mapping[str, str]) -> AuditFilter:
        def number(name: str) -> int | None:
            value = clean(str(data.get(name, "") or ""))
            return int(value) if value.isdigit() and len(value) < 19 else None

        target_type = str(data.get("type", ""))
        action = str(data.get("action", ""))
        return cls(
            type=target_type if target_type in TARGET_TYPES else "",
            id=number("id"),
            actor=number("actor"),
            action=action if action in Action.values else "",
            page=max(number("page") or 1, 1),
        )

    def is_filtered(self) -> bool:
        return bool(self.type or self.id is not None or self.actor is not None or self.action)


def audit_records(params: AuditFilter) -> models.QuerySet[AuditRecord]:
    """Audit rows matching the filter, newest first. The history of a member includes the rows of its
    events (their additions, edits and removals)."""
    records = AuditRecord.objects.order_by("-at", "-pk")
    if params.type:
        condition = Q(target_type=params.type)
        if params.id is not None:
            condition &= Q(target_id=params.id)
            if params.type == "member":
                events = MemberEvent.objects.filter(member_id=params.id).values("pk")
                condition |= Q(target_type="event", target_id__in=events)
        records = records.filter(condition)
    if params.actor is not None:
        records = records.filter(actor_id=params.actor)
    if params.action:
        records = records.filter(action=params.action)
    return records


# Readable changes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str
    created: bool = False
    deleted: bool = False


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def field_label(model: type[models.Model] | None, name: str) -> str:
    field = _field(model, name)
    label = str(getattr(field, "verbose_name", "") or name)
    return label[:1].upper() + label[1:]


def readable(model: type[models.Model] | None, name: str, value: Any) -> str:
    """A stored JSON value as a person reads it: labels for choices, dd/mm/yyyy dates, Có/Không."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "Có" if value else "Không"
    field = _field(model, name)
    choices = dict(getattr(field, "flatchoices", None) or [])
    if choices and value in choices:
        return str(choices[value])
    if isinstance(value, str) and isinstance(field, models.DateTimeField):
        try:
            return timezone.localtime(datetime.fromisoformat(value)).strftime("%d/%m/%Y %H:%M")
        except ValueError:
            return value
    if isinstance(value, str) and isinstance(field, models.DateField):
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(readable(model, name, item) for item in value)
    return str(value)


def _field_order(model: type[models.Model] | None, name: str) -> tuple[int, str]:
    """Fields in the order the model declares them (the form's order), unknown names last."""
    names = [field.name for field in model._meta.get_fields()] if model is not None else []
    return (names.index(name) if name in names else len(names), name)


def readable_changes(record: AuditRecord) -> list[Change]:
    model = TARGET_TYPES.get(record.target_type, ("", None))[1]
    changes = record.changes if isinstance(record.changes, dict) else {}
    if record.action == Action.REVEAL:  # {"field": name} or {"fields": [names]}: what was looked at
        names = changes.get("fields") or [changes.get("field")]
        seen = ", ".join(field_label(model, str(n)) for n in names if n)
        return [Change("Đã xem", "", seen)] if seen else []
    rows = []
    for name, pair in sorted(changes.items(), key=lambda item: _field_order(model, item[0])):
        if isinstance(pair, list) and len(pair) == 2:
            before, after = pair
        else:
            before, after = None, pair
        rows.append(
            Change(
                label=field_label(model, name),
                before=readable(model, name, before),
                after=readable(model, name, after),
                created=record.action == Action.CREATE,
                deleted=record.action == Action.DELETE,
            )
        )
    return rows


# Page -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditRow:
    record: AuditRecord
    type_label: str
    target_url: str
    changes: list[Change]
    note: str


def _target_urls(user: User, records: Iterable[AuditRecord]) -> dict[tuple[str, int], str]:
    """Links to the objects that still exist and that the user may see: one query per kind of object."""
    ids: dict[str, set[int]] = {}
    for record in records:
        if record.target_id is not None:
            ids.setdefault(record.target_type, set()).add(record.target_id)
    urls: dict[tuple[str, int], str] = {}
    if member_ids := ids.get("member"):
        for pk in Member.objects.visible_to(user).filter(pk__in=member_ids).values_list("pk", flat=True):
            urls["member", pk] = reverse("members:detail", args=[pk])
    if event_ids := ids.get("event"):
        visible_events = MemberEvent.objects.visible_to(user).filter(pk__in=event_ids)
        for pk, member_id in visible_events.values_list("pk", "member_id"):
            urls["event", pk] = reverse("members:detail", args=[member_id]) + "#h-timeline"
    if org_ids := ids.get("org"):
        for org in Org.objects.visible_to(user).filter(pk__in=org_ids).only("pk"):
            urls["org", org.pk] = org_url(org)
    return urls


def _note(record: AuditRecord, changes: list[Change]) -> str:
    """The row's note, unless it only repeats the name of the field a reveal row shows already."""
    if record.action == Action.REVEAL and any(record.note.lower() == c.after.lower() for c in changes):
        return ""
    return record.note


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if user.role not in AUDIT_READERS:
        raise PermissionDenied("Chỉ quản trị hệ thống được xem nhật ký.")
    params = AuditFilter.parse(request.GET)
    page = Paginator(audit_records(params), PAGE_SIZE).get_page(params.page)
    records = list(page.object_list)
    urls = _target_urls(user, records)
    rows = [
        AuditRow(
            record=record,
            type_label=TARGET_TYPES.get(record.target_type, (record.target_type, None))[0],
            target_url=urls.get((record.target_type, record.target_id), "") if record.target_id is not None else "",
            changes=(changes := readable_changes(record)),
            note=_note(record, changes),
        )
        for record in records
    ]
    subject = ""
    if params.type and params.id is not None:
        subject = next((r.target_repr for r in records if r.target_type == params.type), "")
        subject = f"{TARGET_TYPES[params.type][0]}: {subject or f'mã {params.id}'}"
    actor_name = ""
    if params.actor is not None:
        actor_name = next((r.actor_name for r in records), "") or f"người dùng mã {params.actor}"
    return render(
        request,
        "audit/list.html",
        {
            "nav": "audit",
            "params": params,
            "page": page,
            "rows": rows,
            "total": page.paginator.count,
            "subject": subject,
            "actor_name": actor_name,
            "type_choices": [(key, label) for key, (label, _model) in TARGET_TYPES.items()],
            "action_choices": Action.choices,
        },
    )
