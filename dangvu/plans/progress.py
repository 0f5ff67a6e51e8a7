"""Progress of targets and inspection plans, always computed from live data.

`target_progress(target, today)` -> {"target", "elapsed", "rows": [ROW for the organisation, then each
direct child]}, ROW = {"pk", "name", "numerator", "denominator", "actual", "status", "excellent",
"excellent_status", "bar"}. `inspection_progress(org, year, today)` -> the published sentences per kind,
per quarter and year to date ("kiểm tra được 45/60 tổ chức (đạt 75,0% kế hoạch năm), …").
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import BigIntegerField, Case, Count, Exists, OuterRef, Q, Value, When

from dangvu.evaluations.periods import YEAR, PeriodKey
from dangvu.evaluations.regimes.base import HTTNV, HTXSNV
from dangvu.members.lifecycle import EventKind
from dangvu.members.models import Member, MemberEvent
from dangvu.orgs.kinds import GRASSROOTS_KINDS
from dangvu.orgs.models import Org
from dangvu.plans.models import (
    COUNT_KINDS,
    InspectionItem,
    InspectionKind,
    Registration,
    RegistrationKind,
    Target,
    TargetKind,
)
from dangvu.plans.status import Status, target_status
from dangvu.reports.report import ratings_report

SELF = 0
QUARTER_ENDS = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}
VERBS = {InspectionKind.INSPECTION: "kiểm tra", InspectionKind.SUPERVISION: "giám sát"}


def share(numerator: int, denominator: int) -> Decimal | None:
    """Percent, one decimal, half up (45/60 → 75,0)."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def vn_pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",") + "%"


def vn_int(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def elapsed_share(year_from: int, year_to: int, today: date) -> float:
    start, end = date(year_from, 1, 1), date(year_to, 12, 31)
    if today > end:
        return 1.0
    if today < start:
        return 0.0
    return (today - start).days / ((end - start).days + 1)


def children_of(org: Org) -> list[Org]:
    return list(Org.objects.filter(parent=org, dissolved_on__isnull=True).order_by("code", "pk"))


def _bucket(children: list[Org], lookup: str) -> Case:
    whens = [When(**{f"{lookup}__in_subtree": c.path}, then=Value(c.pk)) for c in children]
    return Case(*whens, default=Value(SELF), output_field=BigIntegerField())


def _grouped(qs: Any, children: list[Org], lookup: str, **counts: Any) -> dict[int, dict[str, int]]:
    """{bucket: {name: n}} with the organisation's own total under SELF."""
    rows = qs.annotate(bucket=_bucket(children, lookup)).values("bucket").annotate(**counts).order_by()
    out: dict[int, dict[str, int]] = {c.pk: dict.fromkeys(counts, 0) for c in children}
    out[SELF] = dict.fromkeys(counts, 0)
    total = dict.fromkeys(counts, 0)
    for row in rows:
        out[row["bucket"]] = {k: row[k] for k in counts}
        for k in counts:
            total[k] += row[k]
    out[SELF] = total
    return out


# {(org pk, year): the rating report}: a page with several rating targets of one committee computes the
# (costly) report once.
ReportCache = dict[tuple[int, int], dict[str, Any]]


def _report(org: Org, year: int, reports: ReportCache | None) -> dict[str, Any]:
    if reports is None:
        return ratings_report(org, PeriodKey(year, YEAR))
    key = (org.pk, year)
    if key not in reports:
        reports[key] = ratings_report(org, PeriodKey(year, YEAR))
    return reports[key]


def _pairs(
    target: Target, org: Org, children: list[Org], today: date, reports: ReportCache | None = None
) -> dict[int, tuple[int, int, int]]:
    """{SELF or child pk: (numerator, denominator, excellent numerator)}."""
    years = Q(year__gte=target.year_from, year__lte=target.year_to)
    kind = target.kind
    if kind in (TargetKind.ORGS_GOOD, TargetKind.MEMBERS_GOOD):
        year = min(target.year_to, max(target.year_from, today.year))
        report = _report(org, year, reports)
        name = "grassroots_orgs" if kind == TargetKind.ORGS_GOOD else "members"

        def of(block: dict[str, Any]) -> tuple[int, int, int]:
            levels = block["levels"]
            return levels.get(HTXSNV, 0) + levels.get(HTTNV, 0), block["rated"], levels.get(HTXSNV, 0)

        out = {SELF: of(report[name])}
        for row in report["children"]:
            out[row["pk"]] = of(row[name])
        return out
    if kind in (TargetKind.ADMITTED_SHARE, TargetKind.ADMITTED_COUNT):
        admitted = _grouped(
            MemberEvent.objects.live().filter(
                kind=EventKind.ADMITTED,
                org__path__in_subtree=org.path,
                on__year__gte=target.year_from,
                on__year__lte=target.year_to,
            ),
            children,
            "org__path",
            n=Count("pk"),
        )
        members = _grouped(Member.objects.on_roll().in_subtree(org.path), children, "current_org__path", n=Count("pk"))
        return {k: (admitted.get(k, {"n": 0})["n"], members[k]["n"], 0) for k in members}
    if kind == TargetKind.ORGS_REGISTERED:
        registered = Registration.objects.filter(years, org=OuterRef("pk"), kind=RegistrationKind.INITIATIVE)
        grouped = _grouped(
            Org.objects.subtree(org).filter(kind__in=GRASSROOTS_KINDS, dissolved_on__isnull=True),
            children,
            "path",
            n=Count("pk"),
            done=Count("pk", filter=Q(Exists(registered))),
        )
        return {k: (v["done"], v["n"], 0) for k, v in grouped.items()}
    if kind == TargetKind.MEMBERS_REGISTERED:
        committed = Registration.objects.filter(years, member=OuterRef("pk"), kind=RegistrationKind.COMMITMENT)
        grouped = _grouped(
            Member.objects.on_roll().in_subtree(org.path),
            children,
            "current_org__path",
            n=Count("pk"),
            done=Count("pk", filter=Q(Exists(committed))),
        )
        return {k: (v["done"], v["n"], 0) for k, v in grouped.items()}
    grouped = _grouped(
        InspectionItem.objects.filter(plan__org__path__in_subtree=org.path, plan__year__gte=target.year_from).filter(
            plan__year__lte=target.year_to
        ),
        children,
        "plan__org__path",
        n=Count("pk"),
        done=Count("pk", filter=Q(done_on__isnull=False)),
    )
    return {k: (v["done"], v["n"], 0) for k, v in grouped.items()}


def target_progress(target: Target, today: date, reports: ReportCache | None = None) -> dict[str, Any]:
    """`reports`: a cache of rating reports shared by the targets of one page (filled as needed)."""
    org = target.org
    children = children_of(org)
    elapsed = elapsed_share(target.year_from, target.year_to, today)
    pairs = _pairs(target, org, children, today, reports)
    excellent_goal = target.excellent_goal
    rows = []
    for pk, name in [(SELF, org.name), *((c.pk, c.name) for c in children)]:
        num, den, exc = pairs.get(pk, (0, 0, 0))
        actual = Decimal(num) if target.kind == TargetKind.ADMITTED_COUNT else share(num, den)
        excellent = share(exc, den) if excellent_goal else None
        high = target.high if target.high is not None else target.low
        scale = max(high or Decimal(1), actual or Decimal(0), Decimal(1))
        if target.unit == "%":
            scale = Decimal(100)
        rows.append(
            {
                "pk": org.pk if pk == SELF else pk,
                "name": name,
                "is_self": pk == SELF,
                "numerator": num,
                "denominator": den,
                "actual": actual,
                "actual_text": vn_int(num) if target.kind == TargetKind.ADMITTED_COUNT else vn_pct(actual),
                # A count (e.g. "12.000–13.000 đảng viên") is the committee's own: its children show their
                # figure without a status.
                "status": target_status(actual, target.goal, elapsed)
                if pk == SELF or target.kind not in COUNT_KINDS
                else None,
                "excellent": excellent,
                "excellent_text": vn_pct(excellent),
                "excellent_status": target_status(excellent, excellent_goal, elapsed) if excellent_goal else None,
                "bar": float(min((actual or 0) / scale * 100, Decimal(100))),
                "mark_low": float((target.low or 0) / scale * 100) if target.low is not None else None,
                "mark_high": float(min(target.high / scale * 100, Decimal(100))) if target.high is not None else None,
            }
        )
    return {"target": target, "elapsed": elapsed, "rows": rows, "status": rows[0]["status"]}


def targets_progress(org: Org, year: int, today: date) -> list[dict[str, Any]]:
    """Every target of `org` running in `year`; the rating report is computed once per (org, year)."""
    targets = Target.objects.filter(org=org, year_from__lte=year, year_to__gte=year).select_related("org")
    reports: ReportCache = {}
    return [target_progress(t, today, reports) for t in targets]


def inspection_progress(org: Org, year: int) -> list[dict[str, Any]]:
    """Per kind: the year's plan of the committee, done per quarter and year to date.

    [{"kind", "label", "planned_orgs", "planned_members", "quarters": [{"quarter", "planned_orgs",
    "done_orgs", "planned_members", "done_members", "ytd_orgs", "ytd_members", "ytd_orgs_share",
    "ytd_members_share", "sentence"}], "sentence" (year to date, the last quarter)}]"""
    return inspection_progress_by_org([org], year)[org.pk]


def inspection_progress_by_org(orgs: list[Org], year: int) -> dict[int, list[dict[str, Any]]]:
    """`inspection_progress` of each committee of `orgs` (org pk → its list, empty without a plan), in one
    grouped query whatever the number of committees (a cluster's briefing adds them up)."""
    counts: dict[str, Any] = {}
    is_org, is_member = Q(target_org__isnull=False), Q(target_member__isnull=False)
    for q, (month, day) in QUARTER_ENDS.items():
        start, end = date(year, month - 2, 1), date(year, month, day)
        counts[f"p{q}o"] = Count("pk", filter=is_org & Q(quarter=q))
        counts[f"p{q}m"] = Count("pk", filter=is_member & Q(quarter=q))
        counts[f"d{q}o"] = Count("pk", filter=is_org & Q(done_on__gte=start, done_on__lte=end))
        counts[f"d{q}m"] = Count("pk", filter=is_member & Q(done_on__gte=start, done_on__lte=end))
    grouped: dict[int, dict[str, dict[str, Any]]] = {org.pk: {} for org in orgs}
    items = InspectionItem.objects.filter(plan__org__in=orgs, plan__year=year)
    for row in items.values("plan__org_id", "kind").annotate(**counts).order_by():
        grouped[row["plan__org_id"]][row["kind"]] = dict(row)
    return {
        pk: [_kind_progress(kind, rows[kind.value]) for kind in InspectionKind if kind.value in rows]
        for pk, rows in grouped.items()
    }


def _kind_progress(kind: InspectionKind, row: dict[str, Any]) -> dict[str, Any]:
    planned_o = sum(row[f"p{q}o"] for q in QUARTER_ENDS)
    planned_m = sum(row[f"p{q}m"] for q in QUARTER_ENDS)
    quarters = []
    ytd_o = ytd_m = 0
    for q in QUARTER_ENDS:
        ytd_o += row[f"d{q}o"]
        ytd_m += row[f"d{q}m"]
        quarters.append(
            {
                "quarter": q,
                "planned_orgs": row[f"p{q}o"],
                "done_orgs": row[f"d{q}o"],
                "planned_members": row[f"p{q}m"],
                "done_members": row[f"d{q}m"],
                "ytd_orgs": ytd_o,
                "ytd_members": ytd_m,
                "ytd_orgs_share": share(ytd_o, planned_o),
                "ytd_members_share": share(ytd_m, planned_m),
                "sentence": sentence(kind, ytd_o, planned_o, ytd_m, planned_m),
            }
        )
    return {
        "kind": kind.value,
        "label": str(kind.label),
        "planned_orgs": planned_o,
        "planned_members": planned_m,
        "quarters": quarters,
        "sentence": quarters[-1]["sentence"],
    }


def sentence(kind: str, done_o: int, planned_o: int, done_m: int, planned_m: int) -> str:
    """ "kiểm tra được 45/60 tổ chức (đạt 75,0% kế hoạch năm), 130/520 đảng viên (25,0%)"."""
    return (
        f"{VERBS[InspectionKind(kind)]} được {vn_int(done_o)}/{vn_int(planned_o)} tổ chức "
        f"(đạt {vn_pct(share(done_o, planned_o))} kế hoạch năm), "
        f"{vn_int(done_m)}/{vn_int(planned_m)} đảng viên ({vn_pct(share(done_m, planned_m))})"
    )


def follow_ups_due(org: Org, until: date) -> Any:
    """Inspection follow-ups in the subtree not yet done, due by `until` (QuerySet of InspectionItem)."""
    return (
        InspectionItem.objects.filter(
            plan__org__path__in_subtree=org.path,
            follow_up_due__isnull=False,
            follow_up_due__lte=until,
            follow_up_done_on__isnull=True,
        )
        .select_related("plan__org", "target_org", "target_member")
        .order_by("follow_up_due", "pk")
    )


__all__ = ["Status", "follow_ups_due", "inspection_progress", "target_progress", "targets_progress"]
