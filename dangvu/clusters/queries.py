"""Figures of a cluster and the assembled data of its quarterly briefing.

Every figure is aggregated in the database over the subtrees of the member organisations (one OR of
path prefixes), in a fixed number of queries whatever the size of the cluster. The briefing context is a
plain dict (STYLE §11): the page, the JSON and text output and the Word file all render it.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import reduce
from operator import itemgetter, or_
from typing import Any

from django.db.models import Count, Q

from dangvu.clusters.models import Briefing, Cluster, ClusterYear
from dangvu.evaluations.models import MemberRating, OrgRating
from dangvu.exchange.exports import Column as ExportColumn
from dangvu.exchange.exports import Kind as ExportKind
from dangvu.exchange.exports import Table
from dangvu.members.lifecycle import ON_ROLL, EventKind
from dangvu.members.models import Member, MemberEvent
from dangvu.orgs.kinds import GRASSROOTS_KINDS, OrgKind, kind_label
from dangvu.orgs.models import Org
from dangvu.plans.models import InspectionKind
from dangvu.plans.progress import VERBS, inspection_progress_by_org, sentence, share, vn_int

NO_STAFF_DATA = "Chưa có dữ liệu cán bộ, công chức của các tổ chức trong cụm."
NO_INSPECTION_PLAN = "Kiểm tra, giám sát: các tổ chức trong cụm chưa có kế hoạch kiểm tra, giám sát năm {year}."
QUARTER_SENTENCE = (
    "{verb} được {done_orgs}/{planned_orgs} tổ chức, {done_members}/{planned_members} đảng viên theo kế hoạch quý"
)
NO_RATINGS = "Chưa có kết quả xếp loại quý này."


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a calendar quarter (QĐ 366 rates by calendar quarter)."""
    first = date(year, 3 * quarter - 2, 1)
    following = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, following - timedelta(days=1)


def _under(orgs: list[Org], field: str) -> Q:
    """Rows whose organisation (`field` = the path lookup) sits in the subtree of one of `orgs`."""
    if not orgs:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field}__in_subtree": org.path}) for org in orgs))


def _grassroots_of(path: str, orgs: list[Org]) -> Org | None:
    return next((org for org in orgs if path.startswith(org.path)), None)


def cluster_figures(cluster: Cluster, year: int) -> dict[str, Any]:
    """{orgs: [Org], by_kind: [(label, n)], cells: n, on_roll: n, probationary: n, staff: None, staff_note,
    leader, deputy} of the cluster in `year`. Four queries."""
    orgs = list(cluster.member_orgs(year))
    by_kind: dict[str, int] = {}
    for org in orgs:
        by_kind[org.kind] = by_kind.get(org.kind, 0) + 1
    cells = Org.objects.active().filter(_under(orgs, "path"), kind=OrgKind.CELL).count()
    members = Member.objects.filter(_under(orgs, "current_org__path"), status__in=ON_ROLL).aggregate(
        on_roll=Count("pk"), probationary=Count("pk", filter=Q(is_probationary=True))
    )
    elected = ClusterYear.objects.select_related("leader", "deputy").filter(cluster=cluster, year=year).first()
    return {
        "year": year,
        "orgs": orgs,
        "by_kind": [(kind_label(kind), by_kind[kind]) for kind in OrgKind.values if by_kind.get(kind)],
        "not_grassroots": [org for org in orgs if org.kind not in GRASSROOTS_KINDS],
        "cells": cells,
        "on_roll": members["on_roll"],
        "probationary": members["probationary"],
        "staff": None,
        "staff_note": NO_STAFF_DATA,
        "leader": elected.leader if elected else None,
        "deputy": elected.deputy if elected else None,
    }


def _events_by_org(orgs: list[Org], kind: str, first: date, last: date) -> tuple[int, dict[int, int]]:
    """(total, {grassroots org id: n}) of the live events of `kind` dated first..last (both included),
    counted where the member now belongs. One grouped query."""
    rows = (
        MemberEvent.objects.live()
        .filter(_under(orgs, "member__current_org__path"), kind=kind, on__gte=first, on__lte=last)
        .values("member__current_org__path")
        .annotate(n=Count("pk"))
    )
    per_org: dict[int, int] = {}
    total = 0
    for row in rows:
        owner = _grassroots_of(row["member__current_org__path"], orgs)
        if owner is not None:
            per_org[owner.pk] = per_org.get(owner.pk, 0) + row["n"]
            total += row["n"]
    return total, per_org


def _ratings(orgs: list[Org], year: int, quarter: int) -> dict[str, Any]:
    """Counts by level of the quarter's decided ratings of organisations and members in the cluster."""
    org_levels = (
        OrgRating.objects.filter(_under(orgs, "org__path"), year=year, quarter=quarter)
        .exclude(level="")
        .values("level")
        .annotate(n=Count("pk"))
        .order_by("level")
    )
    member_levels = (
        MemberRating.objects.filter(_under(orgs, "org__path"), year=year, quarter=quarter)
        .exclude(level="")
        .values("level")
        .annotate(n=Count("pk"))
        .order_by("level")
    )
    orgs_rows = [(row["level"].upper(), row["n"]) for row in org_levels]
    member_rows = [(row["level"].upper(), row["n"]) for row in member_levels]
    return {"orgs": orgs_rows, "members": member_rows, "any": bool(orgs_rows or member_rows)}


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _inspections(orgs: list[Org], year: int, quarter: int) -> dict[str, Any]:
    """Inspections and supervisions against plan of the cluster's organisations (each grassroots
    committee's own yearly plan, `plans.progress.inspection_progress`): per kind, what the quarter planned
    and what was done in it, and the year to date at the quarter's end against the year's plan, for the
    cluster and for each organisation. One grouped query."""
    by_org = inspection_progress_by_org(orgs, year)
    totals: dict[str, dict[str, int]] = {}
    rows = []
    for org in orgs:
        kinds = []
        for progress in by_org.get(org.pk, []):
            q = progress["quarters"][quarter - 1]
            figures = {
                "planned_orgs": progress["planned_orgs"],
                "planned_members": progress["planned_members"],
                "quarter_planned_orgs": q["planned_orgs"],
                "quarter_done_orgs": q["done_orgs"],
                "quarter_planned_members": q["planned_members"],
                "quarter_done_members": q["done_members"],
                "ytd_orgs": q["ytd_orgs"],
                "ytd_members": q["ytd_members"],
            }
            total = totals.setdefault(progress["kind"], dict.fromkeys(figures, 0))
            for name, value in figures.items():
                total[name] += value
            kinds.append({"kind": progress["kind"], "label": progress["label"], "sentence": q["sentence"]})
        if kinds:
            rows.append({"org": org.name, "code": org.code, "kinds": kinds})
    kinds_out = []
    for kind in InspectionKind:
        if kind.value not in totals:
            continue
        t = totals[kind.value]
        kinds_out.append(
            {
                "kind": kind.value,
                "label": str(kind.label),
                **t,
                "ytd_orgs_share": _float(share(t["ytd_orgs"], t["planned_orgs"])),
                "ytd_members_share": _float(share(t["ytd_members"], t["planned_members"])),
                "quarter_sentence": QUARTER_SENTENCE.format(
                    verb=VERBS[kind],
                    done_orgs=vn_int(t["quarter_done_orgs"]),
                    planned_orgs=vn_int(t["quarter_planned_orgs"]),
                    done_members=vn_int(t["quarter_done_members"]),
                    planned_members=vn_int(t["quarter_planned_members"]),
                ),
                "sentence": sentence(kind, t["ytd_orgs"], t["planned_orgs"], t["ytd_members"], t["planned_members"]),
            }
        )
    return {
        "available": bool(kinds_out),
        "note": "" if kinds_out else NO_INSPECTION_PLAN.format(year=year),
        "kinds": kinds_out,
        "rows": rows,
    }


def inspection_lines(inspections: dict[str, Any]) -> list[str]:
    """The briefing's sentences on inspections: per kind, the quarter and the year to date."""
    if not inspections["available"]:
        return [inspections["note"]]
    return [
        f"{k['label']}: trong quý {k['quarter_sentence']}; lũy kế từ đầu năm {k['sentence']}."
        for k in inspections["kinds"]
    ]


def briefing_context(cluster: Cluster, year: int, quarter: int) -> dict[str, Any]:
    """Everything the quarterly briefing shows, as plain values."""
    first, last = quarter_bounds(year, quarter)
    figures = cluster_figures(cluster, year)
    orgs: list[Org] = figures["orgs"]
    admitted, admitted_by = _events_by_org(orgs, EventKind.ADMITTED, first, last)
    confirmed, confirmed_by = _events_by_org(orgs, EventKind.CONFIRMED, first, last)
    briefing = Briefing.objects.filter(cluster=cluster, year=year, quarter=quarter).first()
    return {
        "cluster": {"id": cluster.pk, "name": cluster.name, "owner": cluster.owner.name},
        "year": year,
        "quarter": quarter,
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
        "leader": figures["leader"].name if figures["leader"] else "",
        "deputy": figures["deputy"].name if figures["deputy"] else "",
        "figures": {
            "orgs": len(orgs),
            "by_kind": figures["by_kind"],
            "cells": figures["cells"],
            "on_roll": figures["on_roll"],
            "probationary": figures["probationary"],
        },
        "admitted": admitted,
        "confirmed": confirmed,
        "rows": [
            {
                "org": org.name,
                "admitted": admitted_by.get(org.pk, 0),
                "confirmed": confirmed_by.get(org.pk, 0),
            }
            for org in orgs
        ],
        "ratings": _ratings(orgs, year, quarter),
        "ratings_note": NO_RATINGS,
        "inspections": _inspections(orgs, year, quarter),
        "summary": briefing.summary if briefing else "",
        "notable_events": briefing.event_lines() if briefing else [],
        "directions": briefing.directions if briefing else "",
    }


def briefing_text(context: dict[str, Any]) -> str:
    """The briefing as plain text, for the command line."""
    lines = [
        f"{context['cluster']['name']} — giao ban quý {context['quarter']}/{context['year']}",
        f"Cấp ủy quản lý: {context['cluster']['owner']}",
        f"Cụm trưởng: {context['leader'] or '—'}; cụm phó: {context['deputy'] or '—'}",
        f"Tổ chức cơ sở đảng: {context['figures']['orgs']}; chi bộ trực thuộc: {context['figures']['cells']}; "
        f"đảng viên: {context['figures']['on_roll']} (dự bị {context['figures']['probationary']})",
        f"Kết nạp đảng viên trong quý: {context['admitted']}",
        f"Công nhận đảng viên chính thức trong quý: {context['confirmed']}",
    ]
    for row in context["rows"]:
        lines.append(f"  - {row['org']}: kết nạp {row['admitted']}, chính thức {row['confirmed']}")
    ratings = context["ratings"]
    if ratings["any"]:
        lines.append("Xếp loại tổ chức: " + ", ".join(f"{level} {n}" for level, n in ratings["orgs"]))
        lines.append("Xếp loại đảng viên: " + ", ".join(f"{level} {n}" for level, n in ratings["members"]))
    else:
        lines.append(context["ratings_note"])
    lines.extend(inspection_lines(context["inspections"]))
    for row in context["inspections"]["rows"]:
        lines.extend(f"  - {row['org']}: {k['sentence']}" for k in row["kinds"])
    if context["notable_events"]:
        lines.append("Sự kiện nổi bật:")
        lines.extend(f"  - {event}" for event in context["notable_events"])
    if context["summary"]:
        lines += ["Đánh giá chung:", context["summary"]]
    if context["directions"]:
        lines += ["Phương hướng quý tới:", context["directions"]]
    return "\n".join(lines) + "\n"


def briefing_table(context: dict[str, Any]) -> Table:
    """The briefing's figures per organisation as a table (the command's csv and xlsx): admitted, confirmed,
    and per inspection kind what the quarter did against its plan and the year to date against the year's."""
    by_org = {row["org"]: {k["kind"]: k["sentence"] for k in row["kinds"]} for row in context["inspections"]["rows"]}
    rows = [
        {
            "org": row["org"],
            "admitted": row["admitted"],
            "confirmed": row["confirmed"],
            **{kind.value: by_org.get(row["org"], {}).get(kind.value, "") for kind in InspectionKind},
        }
        for row in context["rows"]
    ]
    columns = [
        ExportColumn("Tổ chức cơ sở đảng", itemgetter("org")),
        ExportColumn("Kết nạp trong quý", itemgetter("admitted"), ExportKind.INT),
        ExportColumn("Công nhận chính thức trong quý", itemgetter("confirmed"), ExportKind.INT),
        *(ExportColumn(f"{kind.label} (lũy kế)", itemgetter(kind.value)) for kind in InspectionKind),
    ]
    name = f"giao-ban-cum-{context['cluster']['id']}-quy-{context['quarter']}-{context['year']}"
    return Table(
        name=name, title=f"Giao ban quý {context['quarter']} năm {context['year']}", columns=columns, rows=rows
    )
