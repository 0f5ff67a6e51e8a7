"""An emulation cluster of the demo province: "Cụm thi đua số 1" of the block committee of the Party
agencies, with its grassroots organisations since 2025, a leader and a deputy for each year, and the
committees' text of the last complete quarter's briefing. Called by `demo_load` in its transaction;
deterministic. The tables are emptied first (`demo_reset` deletes organisations with raw SQL)."""

from __future__ import annotations

from datetime import date

from dangvu.clusters.models import Briefing, Cluster, ClusterMembership, ClusterYear
from dangvu.orgs.kinds import GRASSROOTS_KINDS, OrgKind, Sector
from dangvu.orgs.models import Org
from dangvu.plans.models import InspectionItem, InspectionKind, InspectionPlan

FIRST_YEAR = 2025


def clusters_demo(*, province: Org, today: date) -> Cluster | None:
    Briefing.objects.all().delete()
    ClusterYear.objects.all().delete()
    ClusterMembership.objects.all().delete()
    Cluster.objects.all().delete()
    block = (
        Org.objects.filter(parent=province, kind=OrgKind.UPPER, sector=Sector.PARTY_AGENCY)
        .active()
        .order_by("code")
        .first()
    )
    if block is None:
        return None
    members = list(block.children.filter(kind__in=GRASSROOTS_KINDS).active().order_by("code")[:7])
    if len(members) < 2:
        return None
    cluster = Cluster.objects.create(
        name="Cụm thi đua số 1", owner=block, note="Các tổ chức cơ sở đảng khối cơ quan Đảng tỉnh"
    )
    ClusterMembership.objects.bulk_create(
        ClusterMembership(cluster=cluster, org=org, from_year=FIRST_YEAR) for org in members
    )
    ClusterYear.objects.bulk_create(
        ClusterYear(
            cluster=cluster, year=year, leader=members[i % len(members)], deputy=members[(i + 1) % len(members)]
        )
        for i, year in enumerate(range(FIRST_YEAR, today.year + 1))
    )
    quarter = (today.month - 1) // 3  # the last complete quarter
    year = today.year if quarter else today.year - 1
    _inspection_plans(members, year, today)
    Briefing.objects.create(
        cluster=cluster,
        year=year,
        quarter=quarter or 4,
        summary="Các đơn vị trong cụm duy trì sinh hoạt chi bộ thường kỳ, hoàn thành các chỉ tiêu quý.",
        notable_events=(
            "Tổ chức hội nghị giao ban cụm tại đơn vị cụm trưởng\nTrao đổi kinh nghiệm xây dựng chi bộ kiểu mẫu"
        ),
        directions="Chuẩn bị kiểm điểm, đánh giá, xếp loại chất lượng cuối năm; phát triển đảng viên mới.",
    )
    return cluster


def _inspection_plans(orgs: list[Org], year: int, today: date) -> None:
    """Each organisation of the cluster plans to inspect its attached cells (or supervise itself), one a
    quarter: the briefing's "inspections against plan" adds these plans up. Done when the planned day has
    passed, except every third item."""
    items = []
    for org in orgs:
        plan = InspectionPlan.objects.create(
            org=org, year=year, title=f"Kế hoạch kiểm tra, giám sát năm {year} của {org.name}"
        )
        cells = list(Org.objects.filter(parent=org).active().order_by("code")[:4]) or [org]
        for index, cell in enumerate(cells):
            quarter = index % 4 + 1
            planned = date(year, quarter * 3 - 1, 10)
            done = planned if planned <= today and (index + org.pk) % 3 else None
            items.append(
                InspectionItem(
                    plan=plan,
                    target_org=cell,
                    subject="Việc thực hiện Quy định về sinh hoạt chi bộ",
                    kind=InspectionKind.INSPECTION if cell != org else InspectionKind.SUPERVISION,
                    by_whom=f"Chi ủy, Đảng ủy {org.name}",
                    quarter=quarter,
                    done_on=done,
                    conclusion="Đạt yêu cầu." if done else "",
                )
            )
    InspectionItem.objects.bulk_create(items)
