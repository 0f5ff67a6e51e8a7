"""The pipeline's handlers of the plans' import kinds (`plan_kinds.py`): inspection and supervision plan
items, emulation registrations, cell meetings with attendance.

Same contract as the handlers of `pipeline.py`: per chunk, one query per table to find what is stored;
each row classified new / changed / unchanged / rejected with its problems tagged by column; on commit
(and only while no row anywhere has failed) the chunk is written in bulk with one audit row per created or
changed record, noting the file and the job. Scope as everywhere: a committee, an organisation, a cell or a
member outside the user's scope is an error naming the row and the column, never a silent skip.

Natural keys (a re-import of the same file changes nothing):
- inspection item: year + committee + subject (organisation, or member) + kind + content;
- registration: year + kind + organisation or member + content;
- meeting: cell + date + kind; its attendance: meeting + member.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q

from dangvu.audit.models import Action, AuditRecord
from dangvu.audit.services import _plain
from dangvu.exchange.kinds import ParsedRow
from dangvu.exchange.models import Kind
from dangvu.exchange.pipeline import (
    ERR_NO_MEMBER,
    ERR_ORG_OUT_OF_SCOPE,
    ERR_UNKNOWN_ORG,
    Context,
    Handler,
    OrgInfo,
    _flush,
    _fmt,
)
from dangvu.lib.text import fold
from dangvu.meetings.models import Attendance, Meeting
from dangvu.members.lifecycle import ON_ROLL
from dangvu.members.models import Member, Membership
from dangvu.orgs.kinds import CELL_KINDS
from dangvu.plans.models import InspectionItem, InspectionPlan, Registration

ERR_FUTURE = "Ngày {day} ở tương lai."
ERR_NOT_UNDER = "“{code}” không thuộc {committee}."
ERR_MEMBER_NOT_UNDER = "Đảng viên {who} không sinh hoạt trong {committee}."
ERR_NOT_CELL = "“{code}” không phải là chi bộ."
ERR_NOT_IN_CELL = "Đảng viên {who} không sinh hoạt ở chi bộ “{cell}” vào ngày đó (chỉ điểm danh đảng viên của chi bộ)."
ERR_MEETING_DIFFERS = "{header} khác với dòng {row} của cùng buổi sinh hoạt; mỗi buổi chỉ ghi một nội dung."
ERR_NOT_ON_ROLL = "Đảng viên {who} không còn trong danh sách đảng viên."
WARN_OTHER_YEAR = "Ngày thực hiện {day} không thuộc năm kế hoạch {year}: không tính vào tiến độ năm đó."
WARN_DONE_BEFORE_REGISTERED = "Đã có kết quả đánh giá nhưng năm {year} chưa kết thúc."

ITEM_FIELDS = (
    "quarter",
    "by_whom",
    "done_on",
    "findings",
    "conclusion",
    "follow_up",
    "follow_up_due",
    "follow_up_done_on",
)
REGISTRATION_FIELDS = ("registered_on", "assessment", "level", "has_product")
MEETING_FIELDS = ("theme", "upper_cadre", "resolutions")


def _who(v: dict[str, Any]) -> str:
    return f"số thẻ {v['card_number']}" if v.get("card_number") else f"số CCCD {v.get('citizen_id')}"


class _MemberLookup:
    """Members named by the rows of a chunk (card number, else CCCD): one query."""

    def __init__(self, rows: Iterable[ParsedRow]):
        rows = list(rows)
        cards = {r.values["card_number"] for r in rows if r.values.get("card_number")}
        ids = {r.values["citizen_id"] for r in rows if r.values.get("citizen_id") and not r.values.get("card_number")}
        found = list(Member.objects.filter(Q(card_number__in=cards) | Q(citizen_id__in=ids))) if cards or ids else []
        self.by_card = {m.card_number: m for m in found if m.card_number}
        self.by_cccd = {m.citizen_id: m for m in found if m.citizen_id}

    def find(self, ctx: Context, row: ParsedRow) -> Member | None:
        """The member of the row, or an error on its identity column (not found and out of scope read alike)."""
        v = row.values
        card, cccd = v.get("card_number"), v.get("citizen_id")
        member = self.by_card.get(card) if card else self.by_cccd.get(cccd or "")
        info = ctx.org_by_pk(member.current_org_id) if member is not None else None
        if member is None or (ctx.scope_path is not None and (info is None or not ctx.in_scope(info.path))):
            key, what, value = ("card_number", "số thẻ", card) if card else ("citizen_id", "số CCCD", cccd)
            row.error(key, ERR_NO_MEMBER.format(what=what, value=value))
            return None
        return member


def _org(ctx: Context, row: ParsedRow, key: str) -> OrgInfo | None:
    """A stored organisation in the user's scope named by the row's `key` column, else an error."""
    code = row.values[key]
    info = ctx.orgs.get(code)
    if info is None or info.pk is None:
        row.error(key, ERR_UNKNOWN_ORG.format(code=code))
        return None
    if not ctx.in_scope(info.path):
        row.error(key, ERR_ORG_OUT_OF_SCOPE.format(code=code))
        return None
    return info


def _not_future(ctx: Context, row: ParsedRow, *keys: str) -> None:
    for key in keys:
        day = row.values.get(key)
        if day is not None and day > ctx.today:
            row.error(key, ERR_FUTURE.format(day=_fmt(day)))


def _changes(obj: Any, v: dict[str, Any], fields: Iterable[str]) -> dict[str, list[Any]]:
    """{field: [stored, file]} for the fields the file gives with another value (an empty cell erases nothing)."""
    return {
        name: [_plain(getattr(obj, name)), _plain(v[name])]
        for name in fields
        if name in v and getattr(obj, name) != v[name]
    }


# --- inspection and supervision plan items -------------------------------------------------------------------


class InspectionHandler(Handler):
    what = "nội dung kiểm tra, giám sát (năm, cấp ủy, đối tượng, hình thức, nội dung)"

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        self.plans: dict[tuple[int, int], InspectionPlan] = {}

    def key(self, row: ParsedRow) -> Any:
        v = row.values
        who = v.get("org_code") or v.get("card_number") or v.get("citizen_id")
        return (v.get("year"), v.get("committee_code"), who, v.get("kind"), fold(v.get("subject", "")))

    def process(self, rows: list[ParsedRow]) -> None:
        ctx = self.ctx
        members = _MemberLookup(r for r in rows if not r.errors)
        committees = {pk for r in rows if (pk := getattr(ctx.orgs.get(r.values.get("committee_code", "")), "pk", None))}
        years = {r.values["year"] for r in rows if r.values.get("year")}
        stored: dict[Any, InspectionItem] = {}
        for item in InspectionItem.objects.filter(plan__org_id__in=committees, plan__year__in=years).select_related(
            "plan"
        ):
            stored[self._stored_key(item.plan.org_id, item.plan.year, item)] = item
        new: list[tuple[ParsedRow, InspectionItem]] = []
        changed: list[tuple[InspectionItem, dict[str, Any]]] = []
        for row in rows:
            plan = None if row.errors else self._check(row, members, stored)
            status = _flush(ctx, row)
            if plan is not None and status == "new":
                new.append((row, plan[0]))
            elif plan is not None and status == "changed":
                changed.append(plan)
        if ctx.commit and not ctx.report.errors:
            self._write(new, changed)

    @staticmethod
    def _stored_key(committee: int, year: int, item: InspectionItem) -> Any:
        return (committee, year, item.target_org_id, item.target_member_id, item.kind, fold(item.subject))

    def _check(
        self, row: ParsedRow, members: _MemberLookup, stored: dict[Any, InspectionItem]
    ) -> tuple[InspectionItem, dict[str, Any]] | None:
        ctx, v = self.ctx, row.values
        committee = _org(ctx, row, "committee_code")
        if committee is None:
            return None
        target_org, member = None, None
        if v.get("org_code"):
            target_org = ctx.orgs.get(v["org_code"])
            if target_org is None or target_org.pk is None:
                row.error("org_code", ERR_UNKNOWN_ORG.format(code=v["org_code"]))
            elif not target_org.path.startswith(committee.path):
                row.error("org_code", ERR_NOT_UNDER.format(code=v["org_code"], committee=committee.name))
        else:
            member = members.find(ctx, row)
            if member is not None:
                info = ctx.org_by_pk(member.current_org_id)
                if info is None or not info.path.startswith(committee.path):
                    row.error("card_number", ERR_MEMBER_NOT_UNDER.format(who=_who(v), committee=committee.name))
        _not_future(ctx, row, "done_on", "follow_up_done_on")
        if row.errors:
            return None
        if v.get("done_on") is not None and v["done_on"].year != v["year"]:
            row.warn("done_on", WARN_OTHER_YEAR.format(day=_fmt(v["done_on"]), year=v["year"]))
        key = (committee.pk, v["year"], target_org.pk if target_org else None, member.pk if member else None)
        existing = stored.get((*key, v["kind"], fold(v["subject"])))
        if existing is not None:
            changes = _changes(existing, v, ITEM_FIELDS)
            v["_status"] = "changed" if changes else "unchanged"
            for name in changes:
                setattr(existing, name, v[name])
            return (existing, changes) if changes else None
        item = InspectionItem(
            target_org_id=key[2],
            target_member_id=key[3],
            subject=v["subject"],
            kind=v["kind"],
            **{name: v[name] for name in ITEM_FIELDS if name in v},
        )
        item._plan_key = (committee.pk, v["year"])  # type: ignore[attr-defined]
        v["_status"] = "new"
        return item, {}

    def _plan(self, committee: int, year: int) -> InspectionPlan:
        if (committee, year) not in self.plans:
            name = self.ctx.org_by_pk(committee)
            self.plans[(committee, year)], _ = InspectionPlan.objects.get_or_create(
                org_id=committee,
                year=year,
                defaults={"title": f"Kế hoạch kiểm tra, giám sát năm {year} của {name.name if name else ''}"},
            )
        return self.plans[(committee, year)]

    def _write(self, new: list[tuple[ParsedRow, InspectionItem]], changed: list[tuple[InspectionItem, Any]]) -> None:
        ctx = self.ctx
        for _, item in new:
            item.plan = self._plan(*item._plan_key)  # type: ignore[attr-defined]
        created = InspectionItem.objects.bulk_create([item for _, item in new])
        audits = [
            ctx.audit(
                Action.CREATE,
                "inspectionitem",
                item,
                {"subject": [None, item.subject], "kind": [None, item.kind], "quarter": [None, item.quarter]},
            )
            for item in created
        ]
        if changed:
            InspectionItem.objects.bulk_update([item for item, _ in changed], list(ITEM_FIELDS))
            audits += [ctx.audit(Action.UPDATE, "inspectionitem", item, changes) for item, changes in changed]
        AuditRecord.objects.bulk_create(audits)


# --- emulation registrations ---------------------------------------------------------------------------------


class RegistrationHandler(Handler):
    what = "đăng ký (năm, loại, đối tượng, nội dung)"

    def key(self, row: ParsedRow) -> Any:
        v = row.values
        who = v.get("org_code") or v.get("card_number") or v.get("citizen_id")
        return (v.get("year"), v.get("kind"), who, fold(v.get("text", "")))

    def process(self, rows: list[ParsedRow]) -> None:
        ctx = self.ctx
        members = _MemberLookup(r for r in rows if not r.errors)
        org_pks = [ctx.orgs[c].pk for r in rows if (c := r.values.get("org_code")) in ctx.orgs]
        member_pks = [m.pk for m in [*members.by_card.values(), *members.by_cccd.values()]]
        years = {r.values["year"] for r in rows if r.values.get("year")}
        stored = {
            (r.year, r.kind, r.org_id, r.member_id, fold(r.text)): r
            for r in Registration.objects.filter(Q(org_id__in=org_pks) | Q(member_id__in=member_pks), year__in=years)
        }
        new: list[Registration] = []
        changed: list[tuple[Registration, dict[str, Any]]] = []
        for row in rows:
            plan = None if row.errors else self._check(row, members, stored)
            status = _flush(ctx, row)
            if plan is not None and status == "new":
                new.append(plan[0])
            elif plan is not None and status == "changed":
                changed.append(plan)
        if ctx.commit and not ctx.report.errors:
            created = Registration.objects.bulk_create(new)
            audits = [
                ctx.audit(Action.CREATE, "registration", r, {"kind": [None, r.kind], "text": [None, r.text]})
                for r in created
            ]
            if changed:
                Registration.objects.bulk_update([r for r, _ in changed], list(REGISTRATION_FIELDS))
                audits += [ctx.audit(Action.UPDATE, "registration", r, changes) for r, changes in changed]
            AuditRecord.objects.bulk_create(audits)

    def _check(
        self, row: ParsedRow, members: _MemberLookup, stored: dict[Any, Registration]
    ) -> tuple[Registration, dict[str, Any]] | None:
        ctx, v = self.ctx, row.values
        org, member = None, None
        if v.get("org_code"):
            org = _org(ctx, row, "org_code")
        else:
            member = members.find(ctx, row)
            if member is not None and member.status not in ON_ROLL:
                row.error("card_number", ERR_NOT_ON_ROLL.format(who=_who(v)))
        _not_future(ctx, row, "registered_on")
        if row.errors:
            return None
        if v.get("assessment") and v["year"] >= ctx.today.year:
            row.warn("assessment", WARN_DONE_BEFORE_REGISTERED.format(year=v["year"]))
        org_pk, member_pk = (org.pk if org else None), (member.pk if member else None)
        existing = stored.get((v["year"], v["kind"], org_pk, member_pk, fold(v["text"])))
        if existing is not None:
            changes = _changes(existing, v, REGISTRATION_FIELDS)
            v["_status"] = "changed" if changes else "unchanged"
            for name in changes:
                setattr(existing, name, v[name])
            return (existing, changes) if changes else None
        v["_status"] = "new"
        registration = Registration(
            year=v["year"],
            kind=v["kind"],
            org_id=org_pk,
            member_id=member_pk,
            text=v["text"],
            **{name: v[name] for name in REGISTRATION_FIELDS if name in v},
        )
        return registration, {}


# --- cell meetings and attendance ----------------------------------------------------------------------------


class MeetingHandler(Handler):
    what = "điểm danh (chi bộ, ngày, loại buổi, đảng viên)"

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        # (cell pk, date, kind) -> the meeting's values as first given: {"row": n, field: value, "_obj": Meeting}
        self.meetings: dict[tuple[int, date, str], dict[str, Any]] = {}
        # (member, cell) -> the member's stretches in the cell, for the chunk being checked
        self.stints: dict[tuple[int, int], list[tuple[date, date | None]]] = {}

    def key(self, row: ParsedRow) -> Any:
        v = row.values
        who = v.get("card_number") or v.get("citizen_id")
        return (v.get("cell_code"), v.get("held_on"), v.get("kind"), who or f"buổi-{row.number}")

    def process(self, rows: list[ParsedRow]) -> None:
        ctx = self.ctx
        members = _MemberLookup(r for r in rows if not r.errors)
        cells = {ctx.orgs[c].pk for r in rows if (c := r.values.get("cell_code")) in ctx.orgs}
        days = {r.values["held_on"] for r in rows if r.values.get("held_on")}
        stored = {
            (m.cell_id, m.held_on, m.kind): m for m in Meeting.objects.filter(cell_id__in=cells, held_on__in=days)
        }
        attendance = {
            (a.meeting_id, a.member_id): a for a in Attendance.objects.filter(meeting__in=list(stored.values()))
        }
        # Who was in which of these cells when (members.history): a member who has moved on since is still
        # taken for a meeting held while they were in the cell.
        found = {m.pk for m in [*members.by_card.values(), *members.by_cccd.values()]}
        self.stints = {}
        for member_id, org_id, start, end in Membership.objects.filter(
            member_id__in=found, org_id__in=[pk for pk in cells if pk is not None]
        ).values_list("member_id", "org_id", "valid_from", "valid_to"):
            self.stints.setdefault((member_id, org_id), []).append((start, end))
        plans: list[MeetingPlan] = []
        for row in rows:
            plan = None if row.errors else self._check(row, members, stored, attendance)
            status = _flush(ctx, row)
            if plan is not None and status in ("new", "changed"):
                plans.append(plan)
        if ctx.commit and not ctx.report.errors:
            self._write(plans)

    def _check(
        self,
        row: ParsedRow,
        members: _MemberLookup,
        stored: dict[tuple[int, date, str], Meeting],
        attendance: dict[tuple[int, int], Attendance],
    ) -> MeetingPlan | None:
        ctx, v = self.ctx, row.values
        cell = _org(ctx, row, "cell_code")
        if cell is not None and cell.kind not in CELL_KINDS:
            row.error("cell_code", ERR_NOT_CELL.format(code=cell.code))
        _not_future(ctx, row, "held_on")
        member = None
        if v.get("card_number") or v.get("citizen_id"):
            member = members.find(ctx, row)
            if member is not None and cell is not None and not self._in_cell(member, cell.pk or 0, v.get("held_on")):
                column = "card_number" if v.get("card_number") else "citizen_id"
                row.error(column, ERR_NOT_IN_CELL.format(who=_who(v), cell=cell.name))
        if row.errors or cell is None or cell.pk is None:
            return None
        key = (cell.pk, v["held_on"], v["kind"])
        meeting = stored.get(key)
        seen = self.meetings.setdefault(key, {"row": row.number, "_obj": None})
        if seen["_obj"] is None:
            seen["_obj"] = meeting
        # The meeting's own fields: the first row that gives one sets it; another row of the same meeting may
        # repeat it or leave it empty, never give another value.
        changes: dict[str, list[Any]] = {}
        for name in MEETING_FIELDS:
            if name not in v:
                continue
            if name in seen and seen[name][1] != v[name]:
                row.error(name, ERR_MEETING_DIFFERS.format(header=ctx.kind.header(name), row=seen[name][0]))
                continue
            seen.setdefault(name, (row.number, v[name]))
            if meeting is not None and getattr(meeting, name) != v[name]:
                changes[name] = [getattr(meeting, name), v[name]]
        if row.errors:
            return None
        stored_presence = None
        if meeting is None:
            status = "new" if member is not None or seen["row"] == row.number else "unchanged"
        elif member is not None and (stored_presence := attendance.get((meeting.pk, member.pk))) is None:
            status = "new"
        elif stored_presence is not None and stored_presence.presence != v["presence"]:
            status = "changed"
            changes[f"điểm danh {_who(v)}"] = [stored_presence.presence, v["presence"]]
        else:
            status = "changed" if changes else "unchanged"
        v["_status"] = status
        return MeetingPlan(key, member, v.get("presence", ""), stored_presence, changes)

    def _in_cell(self, member: Member, cell: int, day: date | None) -> bool:
        """The member was in the cell on the meeting's day (today's cell when no history is kept)."""
        stints = self.stints.get((member.pk, cell))
        if day is None or (stints is None and member.current_org_id == cell):
            return member.current_org_id == cell
        return any(start <= day and (end is None or day < end) for start, end in stints or [])

    def _write(self, plans: list[MeetingPlan]) -> None:
        ctx = self.ctx
        audits: list[AuditRecord] = []
        fresh = []
        for key in dict.fromkeys(plan.key for plan in plans):
            seen = self.meetings[key]
            if seen["_obj"] is None:
                values = {name: seen[name][1] for name in MEETING_FIELDS if name in seen}
                fresh.append(Meeting(cell_id=key[0], held_on=key[1], kind=key[2], **values))
        created = Meeting.objects.bulk_create(fresh)
        for meeting in created:
            self.meetings[(meeting.cell_id, meeting.held_on, meeting.kind)]["_obj"] = meeting
            values = {"held_on": meeting.held_on.isoformat(), "kind": meeting.kind, "theme": meeting.theme}
            audits.append(ctx.audit(Action.CREATE, "meeting", meeting, {k: [None, x] for k, x in values.items()}))
        fresh_pks = {meeting.pk for meeting in created}
        updated: dict[int, tuple[Meeting, dict[str, Any]]] = {}
        new_attendance: list[Attendance] = []
        changed_attendance: list[Attendance] = []
        for plan in plans:
            seen = self.meetings[plan.key]
            meeting = seen["_obj"]
            if meeting.pk not in fresh_pks and plan.changes:
                for name, (_, after) in plan.changes.items():
                    if name in MEETING_FIELDS:
                        setattr(meeting, name, after)
                updated.setdefault(meeting.pk, (meeting, {}))[1].update(plan.changes)
            if plan.member is None:
                continue
            if plan.stored is not None:
                plan.stored.presence = plan.presence
                changed_attendance.append(plan.stored)
            else:
                new_attendance.append(Attendance(meeting=meeting, member=plan.member, presence=plan.presence))
        if updated:
            Meeting.objects.bulk_update([m for m, _ in updated.values()], list(MEETING_FIELDS))
            audits += [ctx.audit(Action.UPDATE, "meeting", m, changes) for m, changes in updated.values()]
        Attendance.objects.bulk_create(new_attendance)
        Attendance.objects.bulk_update(changed_attendance, ["presence"])
        AuditRecord.objects.bulk_create(audits)


@dataclass
class MeetingPlan:
    key: tuple[int, date, str]
    member: Member | None
    presence: str
    stored: Attendance | None
    changes: dict[str, list[Any]]


HANDLERS: dict[str, type[Handler]] = {
    Kind.INSPECTIONS: InspectionHandler,
    Kind.REGISTRATIONS: RegistrationHandler,
    Kind.MEETINGS: MeetingHandler,
}
