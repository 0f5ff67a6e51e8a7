"""The demo province's 2025 restructuring, applied with the restructuring operations.

`tree.plan_tree` plans every organisation with its whole history, including the two reorganisations of 2025
(DOMAIN-RULES §6, QĐ 294-QĐ/TW and HD 31-HD/BTCTW): the provincial blocks regrouped on 01/02/2025, and on
01/07/2025 the district committees dissolved, each pair of old communes merged into a new commune committee
directly under the province, the village cells becoming chi bộ cơ sở of the new commune. Here the tree is written
as it stood before 2025 (bulk, like the rest of the demo), then those changes are made as restructuring
decisions (`dangvu.restructure`: one for the blocks, one per district) applied through the services, so the
history of 2025 is exactly what a committee doing it by hand would leave: versions dated at the effective date
with the decision's reference, the old organisations dissolved on that day. Organisations founded with the new
communes (their People's Committee committees and cells) are written after. The result is checked against the
plan: today's tree is the planned one.

The services write one audit row per change; a demo load is recorded as one row (`Action.LOAD`), so the reform's
rows are removed at the end (the decisions themselves stay, applied, on `/sap-xep/`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from dangvu.audit.models import AuditRecord
from dangvu.demo.tree import BLOCKS_2025, PROVINCE_NAME, REFORM_2025, OrgPlan, Segment
from dangvu.lib.text import fold
from dangvu.orgs.kinds import OrgKind
from dangvu.orgs.models import Org, OrgVersion
from dangvu.restructure.models import Decision, Operation, OperationKind
from dangvu.restructure.services import decision_apply, decision_create, operation_add

DECISION_DATES = (BLOCKS_2025, REFORM_2025)
ISSUED_BY = f"Ban Thường vụ Tỉnh ủy {PROVINCE_NAME}"
ERR_PLAN = "Sắp xếp mẫu: trạng thái của “{name}” sau các quyết định khác với kế hoạch: {got} ≠ {want}."


def _segments_before(plan: OrgPlan, day: date) -> list[Segment]:
    return [s for s in plan.history if s.valid_from < day]


def _bulk_write(plans: list[OrgPlan], rows: dict[int, Org], *, until: date | None) -> None:
    """Write `plans` (parents before children, or already in `rows`) with their history up to `until`."""
    pending = list(plans)
    while pending:
        batch = [p for p in pending if _parent(p, until) is None or _parent(p, until) in rows]
        if not batch:
            raise RuntimeError("Sắp xếp mẫu: tổ chức cấp trên chưa có.")
        batch_ids = {p.index for p in batch}
        pending = [p for p in pending if p.index not in batch_ids]
        orgs = []
        for plan in batch:
            parent_index = _parent(plan, until)
            parent = rows[parent_index] if parent_index is not None else None
            last = _segments(plan, until)[-1]
            orgs.append(
                Org(
                    code=plan.code,
                    name=last.name,
                    name_search=fold(last.name),
                    kind=last.kind,
                    sector=last.sector,
                    parent=parent,
                    depth=parent.depth + 1 if parent else 0,
                    founded_on=plan.founded_on,
                    dissolved_on=_dissolved(plan, until),
                )
            )
        Org.objects.bulk_create(orgs)
        for plan, org in zip(batch, orgs, strict=True):
            org.path = f"{org.parent.path if org.parent else '/'}{org.pk}/"
            rows[plan.index] = org
        Org.objects.bulk_update(orgs, ["path"], batch_size=500)
    versions = []
    for plan in plans:
        segments = _segments(plan, until)
        for number, segment in enumerate(segments):
            following = segments[number + 1].valid_from if number + 1 < len(segments) else _dissolved(plan, until)
            versions.append(
                OrgVersion(
                    org=rows[plan.index],
                    code=plan.code,
                    name=segment.name,
                    kind=segment.kind,
                    sector=segment.sector,
                    parent=rows[segment.parent] if segment.parent is not None else None,
                    valid_from=segment.valid_from,
                    valid_to=following,
                    reason=segment.reason or ("Thành lập" if number == 0 else ""),
                )
            )
    OrgVersion.objects.bulk_create(versions, batch_size=500)


def _segments(plan: OrgPlan, until: date | None) -> list[Segment]:
    return _segments_before(plan, until) if until else plan.history


def _parent(plan: OrgPlan, until: date | None) -> int | None:
    return _segments(plan, until)[-1].parent


def _dissolved(plan: OrgPlan, until: date | None) -> date | None:
    if plan.dissolved_on is not None and (until is None or plan.dissolved_on < until):
        return plan.dissolved_on
    return None


def _decisions(plans: list[OrgPlan], created: set[int]) -> list[tuple[date, str, list[tuple[str, dict[str, Any]]]]]:
    """(effective date, summary, operations by code) of each decision, derived from the planned histories.

    On each date: every new upper-level committee is a merger of the organisations whose sub-organisations all
    go to it (the two old communes; the old block), then a move of the others that go to it (the district's
    grassroots cells); the organisations that go away without a successor (the districts) are dissolved last.
    One decision per committee above the merged ones (each district; the province for the blocks)."""
    by_index = {p.index: p for p in plans}
    decisions: list[tuple[date, str, list[tuple[str, dict[str, Any]]]]] = []
    for day in DECISION_DATES:

        def parent_before(plan: OrgPlan, day: date = day) -> int | None:
            return _segments_before(plan, day)[-1].parent

        moved = {
            p.index: next(s.parent for s in p.history[1:] if s.valid_from == day)
            for p in plans
            if any(s.valid_from == day for s in p.history[1:])
        }
        live_children: dict[int, list[int]] = defaultdict(list)
        for plan in plans:
            if plan.founded_on < day and (plan.dissolved_on is None or plan.dissolved_on >= day):
                parent = parent_before(plan)
                if parent is not None:
                    live_children[parent].append(plan.index)
        groups: dict[int, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        merged: set[int] = set()
        for upper in (by_index[i] for i in sorted(created) if by_index[i].founded_on == day):
            arriving = [i for i, parent in moved.items() if parent == upper.index]
            sources = sorted(
                {
                    parent
                    for parent in (parent_before(by_index[i]) for i in arriving)
                    if parent is not None
                    and by_index[parent].dissolved_on == day
                    and all(moved.get(child) == upper.index for child in live_children[parent])
                }
            )
            merged.update(sources)
            first = upper.history[0]
            assert first.parent is not None
            spec = {
                "code": upper.code,
                "name": first.name,
                "kind": first.kind,
                "sector": first.sector,
                "parent": by_index[first.parent].code,
            }
            above = parent_before(by_index[sources[0]]) if sources else None
            key = above if above is not None and by_index[above].dissolved_on == day else 0
            groups[key].append((OperationKind.MERGE, {"sources": [by_index[i].code for i in sources], "new": spec}))
            for index in arriving:
                if parent_before(by_index[index]) not in sources:
                    groups[key].append((OperationKind.MOVE, {"org": by_index[index].code, "parent": upper.code}))
        for plan in plans:
            if plan.dissolved_on == day and plan.index not in merged:
                groups[plan.index].append((OperationKind.DISSOLVE, {"org": plan.code}))
        for key, operations in groups.items():
            name = by_index[key].history[-1].name.removeprefix("Đảng bộ ")
            summary = (
                f"Sắp xếp tổ chức đảng khi kết thúc hoạt động của {name}, hợp nhất các đảng bộ xã, phường"
                if key
                else "Sắp xếp lại các đảng bộ khối trực thuộc Tỉnh ủy"
            )
            decisions.append((day, summary, operations))
    return decisions


def write_tree_with_reform(plans: list[OrgPlan]) -> dict[int, Org]:
    """Write the demo tree: its shape before 2025 in bulk, the 2025 decisions through the restructuring
    services, then the organisations founded with the new communes. Returns plan index → Org like
    `generator._write_orgs`."""
    Operation.objects.all().delete()
    Decision.objects.all().delete()
    first = min(DECISION_DATES)
    for plan in plans:
        later = [s.valid_from for s in plan.history[1:] if s.valid_from >= first]
        if any(day not in DECISION_DATES for day in later) or (
            plan.dissolved_on is not None and plan.dissolved_on >= first and plan.dissolved_on not in DECISION_DATES
        ):
            raise RuntimeError(f"Sắp xếp mẫu: “{plan.name}” thay đổi ngoài các ngày của quyết định.")
    created = {
        p.index
        for p in plans
        if p.founded_on in DECISION_DATES and p.kind == OrgKind.UPPER and p.history[0].parent is not None
    }
    rows: dict[int, Org] = {}
    _bulk_write([p for p in plans if p.founded_on < first and p.index not in created], rows, until=first)
    audit_start = AuditRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    province = rows[0]
    by_code = {p.code: p.index for p in plans}
    for number, (day, summary, operations) in enumerate(_decisions(plans, created), start=1):
        decision = decision_create(
            actor=None,
            committee=province,
            number=f"{1150 + number * 7}-QĐ/TU",
            signed_on=day - timedelta(days=10),
            issued_by=ISSUED_BY,
            effective_on=day,
            note=summary,
        )
        for kind, params in operations:
            operation_add(actor=None, decision=decision, kind=kind, params=params)
        preview = decision_apply(decision=decision, actor=None)
        if not preview.ok:
            raise RuntimeError("Sắp xếp mẫu: " + " ".join(preview.errors))
        for op in decision.operations.all():
            for step in op.steps:
                if step["t"] == "created":
                    org = Org.objects.get(pk=step["org"])
                    rows[by_code[org.code]] = org
    remaining = [p for p in plans if p.index not in rows]
    _bulk_write(remaining, rows, until=None)
    AuditRecord.objects.filter(pk__gt=audit_start).delete()
    _check_against_plan(plans, rows)
    return rows


def _check_against_plan(plans: list[OrgPlan], rows: dict[int, Org]) -> None:
    current = {o.pk: o for o in Org.objects.all()}
    for plan in plans:
        org = current[rows[plan.index].pk]
        rows[plan.index] = org
        parent = rows[plan.parent].pk if plan.parent is not None else None
        got = (org.code, org.name, org.kind, org.parent_id, org.dissolved_on)
        want = (plan.code, plan.name, plan.kind, parent, plan.dissolved_on)
        if got != want:
            raise RuntimeError(ERR_PLAN.format(name=plan.name, got=got, want=want))
