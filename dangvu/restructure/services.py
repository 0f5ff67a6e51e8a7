"""Applying, previewing and undoing a restructuring decision.

Every write goes through `dangvu.orgs.services` (create, move, update, dissolve — history versions, shape
rules, cycle checks and audit rows) and `dangvu.members.services.event_add` (a member moved by a decision
gets a `TRANSFER_OUT` event whose `org` is the receiving cell, dated at the effective date, with the decision's
number and body). So the history readers (`dangvu.orgs.history`) see a decision without knowing about it.

- `decision_preview`: runs every operation in a transaction that is rolled back, each in its own savepoint, and
  reports what each does (what moves where, member counts) or why it is refused (Vietnamese reasons from the
  services: shapes of `orgs/kinds.py`, cycles, members left in a dissolved organisation…).
- `decision_apply`: the same run, committed only when no operation is refused (all or nothing).
- `decision_undo`: takes back the steps in reverse order, each only if the record is still as the decision left
  it; one refusal and nothing is undone.

Operation parameters (by organisation code, `Operation.params`):
  move         {"org", "parent", "kind"?}
  merge        {"sources": [code…], "target": code} or {"sources": […], "new": {"code", "name", "kind", "sector",
               "parent"}}: members of merged cells go to the target cell, sub-organisations are re-parented under
               the target, the merged organisations are dissolved
  split        {"source", "parts": [{"target" | "new", "members": [member id…], "children": [code…]}…],
               "dissolve": bool}
  dissolve     {"org", "members_to"?, "children_to"?}
  rename       {"org", "name", "new_code"?}
  change_kind  {"org", "kind", "cell"?: {"code", "name"}} (a chi bộ cơ sở becoming a đảng bộ cơ sở: its members
               go into the new attached cell `cell`)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dangvu.accounts.models import ORG_EDITORS, User
from dangvu.audit.models import Action
from dangvu.audit.services import audit_record
from dangvu.lib.text import clean
from dangvu.members.lifecycle import ON_ROLL, EventKind, Status
from dangvu.members.models import Member, MemberEvent, Membership
from dangvu.members.services import event_add, event_delete
from dangvu.orgs.kinds import ALLOWED_CHILDREN, CELL_KINDS, OrgKind, Sector, kind_label
from dangvu.orgs.models import Org, OrgVersion
from dangvu.orgs.services import (
    org_create,
    org_dissolve,
    org_move,
    org_undo_change,
    org_undo_create,
    org_undo_dissolve,
    org_update,
)
from dangvu.restructure.models import Decision, DecisionStatus, Operation, OperationKind

# Members a decision moves with their cell: those on its roll and those hosted there temporarily.
MOVED_STATUSES = frozenset({*ON_ROLL, Status.HOSTED})
# When a node goes under a parent that does not allow its kind, the equivalent kind one level over.
ADAPTED_KIND: dict[str, str] = {
    OrgKind.CELL: OrgKind.GRASSROOTS_CELL,
    OrgKind.GRASSROOTS_CELL: OrgKind.CELL,
    OrgKind.SUB_COMMITTEE: OrgKind.GRASSROOTS_COMMITTEE,
    OrgKind.GRASSROOTS_COMMITTEE: OrgKind.SUB_COMMITTEE,
}

ERR_NOT_EDITOR = "Chỉ cán bộ Ban Tổ chức hoặc quản trị mới được sắp xếp tổ chức."
ERR_UNKNOWN_ORG = "Không có tổ chức mã “{code}” trong phạm vi của bạn."
ERR_DISSOLVED_ORG = "“{org}” đã giải thể ngày {day:%d/%m/%Y}."
ERR_NOT_DRAFT = "Quyết định đã được áp dụng; không thể sửa hay áp dụng lại."
ERR_NOT_APPLIED = "Chỉ hoàn tác được quyết định đã áp dụng."
ERR_NO_OPERATIONS = "Quyết định chưa có thao tác nào."
ERR_FUTURE = "Ngày hiệu lực ({day:%d/%m/%Y}) không được sau ngày hôm nay; hãy áp dụng khi quyết định có hiệu lực."
ERR_MERGE_NO_SOURCES = "Hãy chọn ít nhất một tổ chức được hợp nhất."
ERR_MERGE_INTO_ITSELF = "“{org}” vừa là tổ chức bị hợp nhất vừa là tổ chức nhận."
ERR_MEMBERS_NEED_CELL = (
    "“{source}” có {count} đảng viên nhưng “{target}” không phải là chi bộ; đảng viên chỉ sinh hoạt ở chi bộ."
)
ERR_SPLIT_NO_PARTS = "Hãy chọn ít nhất một tổ chức nhận."
ERR_SPLIT_MEMBER = "Đảng viên mã {member} không sinh hoạt ở “{source}”."
ERR_SPLIT_CHILD = "“{child}” không trực thuộc “{source}”."
ERR_SPLIT_TWICE = "“{what}” được chọn cho hai tổ chức nhận."
ERR_NEW_FIELD = "Tổ chức mới: thiếu {field}."
ERR_BAD_KIND = "Loại tổ chức “{kind}” không hợp lệ."
ERR_KIND_SAME = "“{org}” đã là {kind}."
ERR_MEMBER_EVENT = "Đảng viên {name}: {reason}"
ERR_UNDO_EVENT = "Đảng viên {name} đã có sự kiện mới sau quyết định này; không thể hoàn tác."
ERR_UNKNOWN_KIND = "Thao tác không hợp lệ."
ERR_UNDO_STALE = "Lịch sử của “{org}” đã thay đổi sau quyết định này; không thể hoàn tác."


class _Rollback(Exception):
    """Raised at the end of a dry run so that nothing of it is kept."""


@dataclass
class OperationReport:
    position: int
    kind: str
    title: str
    lines: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    members_moved: int = 0
    source_rows: str = ""


@dataclass
class Preview:
    operations: list[OperationReport]

    @property
    def ok(self) -> bool:
        return bool(self.operations) and not any(op.errors for op in self.operations)

    @property
    def errors(self) -> list[str]:
        return [f"Thao tác {op.position}: {message}" for op in self.operations for message in op.errors]

    @property
    def members_moved(self) -> int:
        return sum(op.members_moved for op in self.operations)


def _name(org: Org) -> str:
    return f"“{org.name}” ({org.code})"


class _Runner:
    """Runs a decision's operations once: the same code for the preview (rolled back) and the apply."""

    def __init__(self, decision: Decision, actor: User | None) -> None:
        self.decision = decision
        self.actor = actor
        self.day = decision.effective_on
        self.reason = decision.reference
        # An actor is limited to what it may edit; the system (demo, tests' setup) to nothing less than all.
        self.orgs = Org.objects.editable_by(actor) if actor is not None else Org.objects.all()
        self.steps: list[dict[str, Any]] = []
        self.lines: list[str] = []
        self.moved = 0

    # --- resolving --------------------------------------------------------------------------------------
    def org(self, code: str) -> Org:
        code = clean(str(code or "")).upper()
        org = self.orgs.filter(code=code).first()
        if org is None:
            raise ValidationError(ERR_UNKNOWN_ORG.format(code=code))
        if org.dissolved_on is not None:
            raise ValidationError(ERR_DISSOLVED_ORG.format(org=org.name, day=org.dissolved_on))
        return org

    def _latest_version(self, org: Org) -> OrgVersion:
        version = org.versions.order_by("-valid_from", "-pk").first()
        assert version is not None
        return version

    # --- steps through the services ----------------------------------------------------------------------
    def create(self, spec: dict[str, Any]) -> Org:
        for key, label in (("code", "mã"), ("name", "tên"), ("kind", "loại"), ("parent", "mã cấp trên")):
            if not clean(str(spec.get(key) or "")):
                raise ValidationError(ERR_NEW_FIELD.format(field=label))
        kind = str(spec["kind"])
        if kind not in OrgKind.values:
            raise ValidationError(ERR_BAD_KIND.format(kind=kind))
        sector = str(spec.get("sector") or Sector.OTHER)
        if sector not in Sector.values:
            sector = Sector.OTHER
        parent = self.org(spec["parent"])
        org = org_create(
            actor=self.actor,
            code=str(spec["code"]),
            name=str(spec["name"]),
            kind=kind,
            sector=sector,
            parent=parent,
            founded_on=self.day,
            effective_on=self.day,
            reason=self.reason,
        )
        self.steps.append({"t": "created", "org": org.pk})
        self.lines.append(f"Thành lập {kind_label(kind).lower()} {_name(org)} trực thuộc “{parent.name}”.")
        return org

    def move(self, org: Org, parent: Org, kind: str | None = None) -> None:
        wanted = kind or org.kind
        if wanted not in ALLOWED_CHILDREN.get(parent.kind, frozenset()) and ADAPTED_KIND.get(wanted) in (
            ALLOWED_CHILDREN.get(parent.kind, frozenset())
        ):
            wanted = ADAPTED_KIND[wanted]
        before = org.versions.order_by("-valid_from", "-pk").values_list("pk", flat=True).first()
        old_kind = org.kind
        org_move(
            actor=self.actor,
            org=org,
            new_parent=parent,
            effective_on=self.day,
            reason=self.reason,
            kind=wanted if wanted != org.kind else None,
        )
        version = self._latest_version(org)
        if version.pk != before:
            self.steps.append({"t": "version", "org": org.pk, "version": version.pk})
            note = f", thành {kind_label(wanted).lower()}" if wanted != old_kind else ""
            self.lines.append(f"Chuyển {_name(org)} về trực thuộc “{parent.name}”{note}.")

    def update(self, org: Org, *, code: str | None = None, name: str | None = None, kind: str | None = None) -> None:
        before = self._latest_version(org).pk
        old = (org.code, org.name, org.kind)
        org_update(
            actor=self.actor,
            org=org,
            code=code or org.code,
            name=name or org.name,
            kind=kind or org.kind,
            sector=org.sector,
            founded_on=org.founded_on,
            effective_on=self.day,
            reason=self.reason,
        )
        version = self._latest_version(org)
        if version.pk != before:
            self.steps.append({"t": "version", "org": org.pk, "version": version.pk})
            if kind and kind != old[2]:
                self.lines.append(f"Đổi “{org.name}” từ {kind_label(old[2]).lower()} thành {kind_label(kind).lower()}.")
            if (org.code, org.name) != old[:2]:
                self.lines.append(f"Đổi tên “{old[1]}” ({old[0]}) thành “{org.name}” ({org.code}).")

    def dissolve(self, org: Org) -> None:
        org_dissolve(actor=self.actor, org=org, effective_on=self.day, reason=self.reason)
        self.steps.append({"t": "dissolved", "org": org.pk, "version": self._latest_version(org).pk})
        self.lines.append(f"Giải thể {_name(org)} từ ngày {self.day:%d/%m/%Y}.")

    def transfer(self, members: list[Member], source: Org, target: Org) -> None:
        """Each member gets a transfer event into `target` on the effective date, with the decision."""
        if not members:
            return
        if target.kind not in CELL_KINDS:
            raise ValidationError(
                ERR_MEMBERS_NEED_CELL.format(source=source.name, count=len(members), target=target.name)
            )
        for member in members:
            try:
                event_add(
                    actor=self.actor,
                    member=member,
                    values={
                        "kind": EventKind.TRANSFER_OUT,
                        "on": self.day,
                        "org": target,
                        "decision_no": self.decision.number,
                        "decided_by": self.decision.issued_by[:120],
                        "note": f"Sắp xếp tổ chức: từ “{source.name}” sang “{target.name}”"[:500],
                    },
                )
            except ValidationError as error:
                raise ValidationError(
                    [ERR_MEMBER_EVENT.format(name=member.full_name, reason=m) for m in error.messages]
                ) from error
            event = (
                MemberEvent.objects.live()
                .filter(member=member, kind=EventKind.TRANSFER_OUT, on=self.day, org=target)
                .latest("pk")
            )
            self.steps.append({"t": "event", "event": event.pk, "member": member.pk})
        self.moved += len(members)
        self.lines.append(f"Chuyển {len(members)} đảng viên từ “{source.name}” sang “{target.name}”.")

    def members_of(self, cell: Org) -> list[Member]:
        """Who the decision moves out of `cell`: those on its roll (or hosted there) today, and those who were on
        its roll the day before the effective date and have left it since (a decision recorded late): their move
        is dated at the effective date, before what happened to them later."""
        day_before = self.day - timedelta(days=1)
        eve = Membership.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=day_before),
            org=cell,
            status__in=ON_ROLL,
            valid_from__lte=day_before,
        ).values("member_id")
        return list(
            Member.objects.filter(Q(current_org=cell, status__in=MOVED_STATUSES) | Q(pk__in=eve)).order_by("pk")
        )

    def live_children(self, org: Org) -> list[Org]:
        return list(org.children.filter(dissolved_on__isnull=True).order_by("code"))

    # --- operations ---------------------------------------------------------------------------------------
    def run(self, op: Operation) -> None:
        handler: Callable[[dict[str, Any]], None] | None = getattr(self, f"op_{op.kind}", None)
        if handler is None:
            raise ValidationError(ERR_UNKNOWN_KIND)
        handler(op.params)

    def op_move(self, params: dict[str, Any]) -> None:
        org, parent = self.org(params.get("org", "")), self.org(params.get("parent", ""))
        kind = params.get("kind") or None
        if kind is not None and kind not in OrgKind.values:
            raise ValidationError(ERR_BAD_KIND.format(kind=kind))
        count = Member.objects.filter(current_org__path__in_subtree=org.path, status__in=ON_ROLL).count()
        self.move(org, parent, kind)
        self.lines.append(f"(Cả nhánh: {count} đảng viên đi cùng tổ chức, không đổi chi bộ.)")

    def op_merge(self, params: dict[str, Any]) -> None:
        codes = [c for c in params.get("sources", []) if clean(str(c or ""))]
        if not codes:
            raise ValidationError(ERR_MERGE_NO_SOURCES)
        sources = [self.org(code) for code in codes]
        target = self.create(params["new"]) if params.get("new") else self.org(params.get("target", ""))
        for source in sources:
            if source.pk == target.pk:
                raise ValidationError(ERR_MERGE_INTO_ITSELF.format(org=source.name))
        for source in sources:
            self._empty_into(source, target, target)
            self.dissolve(source)

    def _empty_into(self, source: Org, members_to: Org | None, children_to: Org | None) -> None:
        if children_to is not None:
            for child in self.live_children(source):
                self.move(child, children_to)
        if members_to is not None and source.kind in CELL_KINDS:
            self.transfer(self.members_of(source), source, members_to)

    def op_split(self, params: dict[str, Any]) -> None:
        source = self.org(params.get("source", ""))
        parts = params.get("parts") or []
        if not parts:
            raise ValidationError(ERR_SPLIT_NO_PARTS)
        members = {m.pk: m for m in self.members_of(source)}
        children = {c.code: c for c in self.live_children(source)}
        seen: set[str] = set()
        for part in parts:
            target = self.create(part["new"]) if part.get("new") else self.org(part.get("target", ""))
            for code in part.get("children", []):
                child = children.get(str(code).upper())
                if child is None:
                    raise ValidationError(ERR_SPLIT_CHILD.format(child=code, source=source.name))
                if child.code in seen:
                    raise ValidationError(ERR_SPLIT_TWICE.format(what=child.name))
                seen.add(child.code)
                self.move(child, target)
            chosen: list[Member] = []
            for member_id in part.get("members", []):
                member = members.get(int(member_id))
                if member is None:
                    raise ValidationError(ERR_SPLIT_MEMBER.format(member=member_id, source=source.name))
                if f"m{member.pk}" in seen:
                    raise ValidationError(ERR_SPLIT_TWICE.format(what=member.full_name))
                seen.add(f"m{member.pk}")
                chosen.append(member)
            self.transfer(chosen, source, target)
        if params.get("dissolve"):
            self.dissolve(source)
        else:
            left = Member.objects.filter(current_org=source, status__in=ON_ROLL).count()
            self.lines.append(f"“{source.name}” tiếp tục hoạt động với {left} đảng viên.")

    def op_dissolve(self, params: dict[str, Any]) -> None:
        org = self.org(params.get("org", ""))
        members_to = self.org(params["members_to"]) if params.get("members_to") else None
        children_to = self.org(params["children_to"]) if params.get("children_to") else None
        self._empty_into(org, members_to, children_to)
        self.dissolve(org)

    def op_rename(self, params: dict[str, Any]) -> None:
        org = self.org(params.get("org", ""))
        name = clean(str(params.get("name") or ""))
        if not name:
            raise ValidationError(ERR_NEW_FIELD.format(field="tên mới"))
        self.update(org, name=name, code=clean(str(params.get("new_code") or "")) or None)

    def op_change_kind(self, params: dict[str, Any]) -> None:
        org = self.org(params.get("org", ""))
        kind = str(params.get("kind") or "")
        if kind not in OrgKind.values:
            raise ValidationError(ERR_BAD_KIND.format(kind=kind))
        if kind == org.kind:
            raise ValidationError(ERR_KIND_SAME.format(org=org.name, kind=kind_label(kind).lower()))
        cell_spec = params.get("cell") or None
        if cell_spec and org.kind in CELL_KINDS and kind not in CELL_KINDS and org.parent is not None:
            # The members go into a new attached cell: created beside the organisation (a cell cannot have
            # children yet), filled, and put under it once it has become a committee, all on the same day.
            cell = self.create(
                {
                    "code": cell_spec.get("code"),
                    "name": cell_spec.get("name"),
                    "kind": OrgKind.GRASSROOTS_CELL,
                    "sector": org.sector,
                    "parent": org.parent.code,
                }
            )
            self.lines.pop()
            self.transfer(self.members_of(org), org, cell)
            self.update(org, kind=kind)
            self.move(cell, org, OrgKind.CELL)
            self.lines.append(f"Thành lập chi bộ trực thuộc {_name(cell)} trong “{org.name}”.")
        else:
            self.update(org, kind=kind)


def _check_actor(actor: User | None) -> None:
    if actor is not None and actor.role not in ORG_EDITORS:
        raise ValidationError(ERR_NOT_EDITOR)


def _run_all(decision: Decision, actor: User | None) -> tuple[Preview, list[tuple[Operation, list[dict[str, Any]]]]]:
    """Run every operation, each in a savepoint (a refused one leaves nothing behind and the next still runs)."""
    reports: list[OperationReport] = []
    recorded: list[tuple[Operation, list[dict[str, Any]]]] = []
    runner = _Runner(decision, actor)
    for op in decision.operations.order_by("position", "pk"):
        runner.steps, runner.lines, runner.moved = [], [], 0
        report = OperationReport(position=op.position, kind=op.kind, title=describe(op), source_rows=op.source_rows)
        try:
            with transaction.atomic():
                runner.run(op)
        except ValidationError as error:
            report.errors = list(dict.fromkeys(error.messages))
        else:
            report.lines, report.members_moved = runner.lines, runner.moved
            recorded.append((op, runner.steps))
        reports.append(report)
    return Preview(reports), recorded


def _check_runnable(decision: Decision, actor: User | None) -> None:
    _check_actor(actor)
    if decision.status != DecisionStatus.DRAFT:
        raise ValidationError(ERR_NOT_DRAFT)
    if not decision.operations.exists():
        raise ValidationError(ERR_NO_OPERATIONS)
    if decision.effective_on > timezone.localdate():
        raise ValidationError(ERR_FUTURE.format(day=decision.effective_on))


def decision_preview(*, decision: Decision, actor: User | None) -> Preview:
    """What applying would do, operation by operation, without keeping anything."""
    _check_runnable(decision, actor)
    preview: Preview | None = None
    try:
        with transaction.atomic():
            preview, _ = _run_all(decision, actor)
            raise _Rollback
    except _Rollback:
        pass
    assert preview is not None
    return preview


def decision_apply(*, decision: Decision, actor: User | None) -> Preview:
    """Apply every operation in one transaction, or nothing when one is refused (the preview says why)."""
    with transaction.atomic():
        decision.refresh_from_db()
        Decision.objects.select_for_update().filter(pk=decision.pk).first()
        _check_runnable(decision, actor)
        preview, recorded = _run_all(decision, actor)
        if not preview.ok:
            transaction.set_rollback(True)
            return preview
        for op, steps in recorded:
            op.steps = steps
            op.save(update_fields=["steps"])
        decision.status, decision.applied_at = DecisionStatus.APPLIED, timezone.now()
        decision.applied_by = actor if actor is not None and actor.pk else None
        decision.save(update_fields=["status", "applied_at", "applied_by"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            target=decision,
            changes={
                "status": [DecisionStatus.DRAFT, DecisionStatus.APPLIED],
                "operations": len(recorded),
                "members_moved": preview.members_moved,
            },
            note=f"Áp dụng {decision.reference}",
        )
    return preview


def _undo_steps(decision: Decision, actor: User | None) -> None:
    note = f"Hoàn tác {decision.reference}"
    created = {step["org"] for op in decision.operations.all() for step in op.steps if step["t"] == "created"}
    for op in decision.operations.order_by("-position", "-pk"):
        for step in reversed(op.steps):
            kind = step["t"]
            if kind == "event":
                event = MemberEvent.objects.select_related("member").filter(pk=step["event"]).first()
                if event is None or event.deleted_at is not None:
                    raise ValidationError(ERR_UNDO_EVENT.format(name=f"mã {step['member']}"))
                newer = MemberEvent.objects.live().filter(member_id=event.member_id, pk__gt=event.pk).exists()
                if newer:
                    raise ValidationError(ERR_UNDO_EVENT.format(name=event.member.full_name))
                event_delete(actor=actor, event=event, reason=note)
                if event.org_id in created:
                    # The organisation the decision created goes away with it: its removed events must not
                    # keep pointing at it (their creation and removal stay in the audit trail).
                    MemberEvent.objects.filter(pk=event.pk, deleted_at__isnull=False).delete()
                continue
            org = Org.objects.get(pk=step["org"])
            if kind == "created":
                org_undo_create(actor=actor, org=org, reason=note)
            elif kind == "version":
                version = OrgVersion.objects.filter(pk=step["version"]).first()
                if version is None:
                    raise ValidationError(ERR_UNDO_STALE.format(org=org.name))
                org_undo_change(actor=actor, org=org, version=version, reason=note)
            elif kind == "dissolved":
                version = OrgVersion.objects.filter(pk=step["version"]).first()
                if version is None:
                    raise ValidationError(ERR_UNDO_STALE.format(org=org.name))
                org_undo_dissolve(actor=actor, org=org, version=version, reason=note)


def undo_problems(*, decision: Decision, actor: User | None) -> list[str]:
    """Why the decision cannot be undone now (empty: it can), found by a dry run of the undo."""
    decision.refresh_from_db()
    try:
        _check_actor(actor)
        if decision.status != DecisionStatus.APPLIED:
            return [ERR_NOT_APPLIED]
        with transaction.atomic():
            _undo_steps(decision, actor)
            raise _Rollback
    except _Rollback:
        return []
    except ValidationError as error:
        return list(dict.fromkeys(error.messages))


@transaction.atomic
def decision_undo(*, decision: Decision, actor: User | None) -> None:
    """Take back a whole applied decision, or nothing: refused (ValidationError) as soon as one of its records
    has been changed since (a later version of an organisation, a newer event of a moved member, data attached to
    an organisation it created)."""
    Decision.objects.select_for_update().filter(pk=decision.pk).first()
    decision.refresh_from_db()
    _check_actor(actor)
    if decision.status != DecisionStatus.APPLIED:
        raise ValidationError(ERR_NOT_APPLIED)
    _undo_steps(decision, actor)
    decision.status, decision.undone_at = DecisionStatus.UNDONE, timezone.now()
    decision.undone_by = actor if actor is not None and actor.pk else None
    decision.save(update_fields=["status", "undone_at", "undone_by"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=decision,
        changes={"status": [DecisionStatus.APPLIED, DecisionStatus.UNDONE]},
        note=f"Hoàn tác {decision.reference}",
    )


# --- drafting ------------------------------------------------------------------------------------------------


@transaction.atomic
def decision_create(
    *,
    actor: User | None,
    committee: Org,
    number: str,
    signed_on: date,
    issued_by: str,
    effective_on: date,
    note: str = "",
) -> Decision:
    _check_actor(actor)
    decision = Decision.objects.create(
        committee=committee,
        number=clean(number),
        signed_on=signed_on,
        issued_by=clean(issued_by),
        effective_on=effective_on,
        note=clean(note),
        created_by=actor if actor is not None and actor.pk else None,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=decision,
        changes={
            "number": [None, decision.number],
            "effective_on": [None, effective_on.isoformat()],
            "committee": [None, str(committee)],
        },
    )
    return decision


@transaction.atomic
def operation_add(
    *, actor: User | None, decision: Decision, kind: str, params: dict[str, Any], source_rows: str = ""
) -> Operation:
    _check_actor(actor)
    if not decision.is_draft:
        raise ValidationError(ERR_NOT_DRAFT)
    if kind not in OperationKind.values:
        raise ValidationError(ERR_UNKNOWN_KIND)
    last = decision.operations.order_by("-position").values_list("position", flat=True).first() or 0
    op = Operation.objects.create(
        decision=decision, position=last + 1, kind=kind, params=params, source_rows=source_rows
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=decision,
        changes={"operation": [None, describe(op)]},
        note="Thêm thao tác",
    )
    return op


@transaction.atomic
def operation_remove(*, actor: User | None, op: Operation) -> None:
    _check_actor(actor)
    if not op.decision.is_draft:
        raise ValidationError(ERR_NOT_DRAFT)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=op.decision,
        changes={"operation": [describe(op), None]},
        note="Bỏ thao tác",
    )
    op.delete()


@transaction.atomic
def operations_replace(
    *, actor: User | None, decision: Decision, operations: list[tuple[str, dict[str, Any], str]], note: str = ""
) -> list[Operation]:
    """Put a whole plan (the bulk sheet) in place of the draft's operations."""
    _check_actor(actor)
    if not decision.is_draft:
        raise ValidationError(ERR_NOT_DRAFT)
    decision.operations.all().delete()
    created = Operation.objects.bulk_create(
        [
            Operation(decision=decision, position=n, kind=kind, params=params, source_rows=rows)
            for n, (kind, params, rows) in enumerate(operations, start=1)
        ]
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=decision,
        changes={"operations": len(created)},
        note=note or "Nạp bảng kê sắp xếp",
    )
    return created


def describe(op: Operation) -> str:
    """One Vietnamese line saying what the operation asks for, by code (before it is run)."""
    p = op.params
    if op.kind == OperationKind.MOVE:
        return f"Chuyển {p.get('org')} (cả nhánh) về trực thuộc {p.get('parent')}"
    if op.kind == OperationKind.MERGE:
        sources = ", ".join(str(c) for c in p.get("sources", []))
        if p.get("new"):
            new = p["new"]
            return f"Hợp nhất {sources} thành tổ chức mới {new.get('code')} “{new.get('name')}”"
        return f"Sáp nhập {sources} vào {p.get('target')}"
    if op.kind == OperationKind.SPLIT:
        parts = [(part.get("new") or {}).get("code") or part.get("target") or "?" for part in p.get("parts", [])]
        tail = " và giải thể" if p.get("dissolve") else ""
        return f"Chia, tách {p.get('source')} sang {', '.join(str(x) for x in parts)}{tail}"
    if op.kind == OperationKind.DISSOLVE:
        extra = []
        if p.get("members_to"):
            extra.append(f"đảng viên chuyển về {p['members_to']}")
        if p.get("children_to"):
            extra.append(f"tổ chức trực thuộc chuyển về {p['children_to']}")
        return f"Giải thể {p.get('org')}" + (f" ({'; '.join(extra)})" if extra else "")
    if op.kind == OperationKind.RENAME:
        code = f", mã mới {p['new_code']}" if p.get("new_code") else ""
        return f"Đổi tên {p.get('org')} thành “{p.get('name')}”{code}"
    if op.kind == OperationKind.CHANGE_KIND:
        kind = p.get("kind", "")
        label = kind_label(kind).lower() if kind in OrgKind.values else kind
        cell = f"; đảng viên vào chi bộ mới {p['cell'].get('code')}" if p.get("cell") else ""
        return f"Đổi {p.get('org')} thành {label}{cell}"
    return str(op)
