"""Emulation clusters (cụm thi đua): the list, one cluster with its figures for a year, and the data of
its quarterly briefing (giao ban). Read-only; a cluster whose owning committee is outside the user's scope
is a 404, as on the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema

from dangvu.api.auth import current_user
from dangvu.api.errors import not_found
from dangvu.api.orgs import org_ref, visible_org
from dangvu.api.schemas import ERRORS, MAX_ID, MAX_YEAR, MIN_YEAR, OrgRefOut, PageIn
from dangvu.clusters.models import Cluster
from dangvu.clusters.queries import briefing_context, cluster_figures
from dangvu.orgs.kinds import kind_label

router = Router(tags=["Cụm thi đua, giao ban"])

ClusterId = Path(..., ge=1, le=MAX_ID, description="Số của cụm thi đua")


class ClustersIn(PageIn):
    owner: str | None = Field(None, min_length=1, max_length=32, description="Mã cấp ủy quản lý cụm")


class ClusterOut(Schema):
    id: int
    name: str
    owner: OrgRefOut
    note: str


class ClusterPage(Schema):
    items: list[ClusterOut]
    count: int
    limit: int
    offset: int


class ClusterYearIn(Schema):
    year: int | None = Field(None, ge=MIN_YEAR, le=MAX_YEAR, description="Năm (mặc định: năm nay)")


class ClusterOrgOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str


class KindCountOut(Schema):
    label: str
    count: int


class ClusterDetailOut(ClusterOut):
    year: int
    leader: OrgRefOut | None
    deputy: OrgRefOut | None
    orgs: list[ClusterOrgOut]
    by_kind: list[KindCountOut]
    cells: int
    on_roll: int
    probationary: int
    staff: int | None
    staff_note: str


class BriefingIn(Schema):
    year: int = Field(..., ge=MIN_YEAR, le=MAX_YEAR, description="Năm")
    quarter: int = Field(..., ge=1, le=4, description="Quý 1–4")


class BriefingOrgRowOut(Schema):
    org: str
    admitted: int
    confirmed: int


class LevelCountOut(Schema):
    level: str
    count: int


class BriefingRatingsOut(Schema):
    orgs: list[LevelCountOut]
    members: list[LevelCountOut]
    any: bool


class InspectionKindOut(Schema):
    kind: str
    label: str
    planned_orgs: int
    planned_members: int
    quarter_planned_orgs: int
    quarter_done_orgs: int
    quarter_planned_members: int
    quarter_done_members: int
    ytd_orgs: int
    ytd_members: int
    ytd_orgs_share: float | None
    ytd_members_share: float | None
    quarter_sentence: str
    sentence: str


class InspectionOrgKindOut(Schema):
    kind: str
    label: str
    sentence: str


class InspectionOrgOut(Schema):
    org: str
    code: str
    kinds: list[InspectionOrgKindOut]


class BriefingInspectionsOut(Schema):
    available: bool
    note: str
    kinds: list[InspectionKindOut]
    rows: list[InspectionOrgOut]


class BriefingFiguresOut(Schema):
    orgs: int
    by_kind: list[KindCountOut]
    cells: int
    on_roll: int
    probationary: int


class BriefingOut(Schema):
    cluster: ClusterOut
    year: int
    quarter: int
    first_day: str
    last_day: str
    leader: str
    deputy: str
    figures: BriefingFiguresOut
    admitted: int
    confirmed: int
    rows: list[BriefingOrgRowOut]
    ratings: BriefingRatingsOut
    ratings_note: str
    inspections: BriefingInspectionsOut
    summary: str
    notable_events: list[str]
    directions: str


def _cluster_out(cluster: Cluster) -> ClusterOut:
    owner = org_ref(cluster.owner)
    assert owner is not None
    return ClusterOut(id=cluster.pk, name=cluster.name, owner=owner, note=cluster.note)


def _visible_cluster(request: HttpRequest, cluster_id: int) -> Cluster:
    cluster = Cluster.objects.visible_to(current_user(request)).select_related("owner").filter(pk=cluster_id).first()
    if cluster is None:
        raise not_found()
    return cluster


@router.get("/clusters", response={200: ClusterPage, **ERRORS}, summary="Danh sách cụm thi đua")
def cluster_list(request: HttpRequest, filters: Query[ClustersIn]) -> ClusterPage:
    """Clusters whose owning committee is in scope, by owner (tree order) then name; `owner` = one committee."""
    user = current_user(request)
    clusters = Cluster.objects.visible_to(user).select_related("owner")
    if filters.owner:
        clusters = clusters.filter(owner=visible_org(user, filters.owner))
    count = clusters.count()
    rows = clusters.order_by("owner__path", "name", "pk")[filters.offset : filters.offset + filters.limit]
    return ClusterPage(items=[_cluster_out(c) for c in rows], count=count, limit=filters.limit, offset=filters.offset)


@router.get("/clusters/{cluster_id}", response={200: ClusterDetailOut, **ERRORS}, summary="Một cụm, với số liệu")
def cluster_detail(
    request: HttpRequest, filters: Query[ClusterYearIn], cluster_id: int = ClusterId
) -> ClusterDetailOut:
    """The cluster's organisations in `year` and its figures (grassroots organisations by kind, attached cells,
    members on the roll, probationers), with the year's leader and deputy."""
    cluster = _visible_cluster(request, cluster_id)
    year = filters.year or timezone.localdate().year
    figures = cluster_figures(cluster, year)
    return ClusterDetailOut(
        **_cluster_out(cluster).dict(),
        year=year,
        leader=org_ref(figures["leader"]),
        deputy=org_ref(figures["deputy"]),
        orgs=[
            ClusterOrgOut(code=o.code, name=o.name, kind=o.kind, kind_label=kind_label(o.kind)) for o in figures["orgs"]
        ],
        by_kind=[KindCountOut(label=label, count=n) for label, n in figures["by_kind"]],
        cells=figures["cells"],
        on_roll=figures["on_roll"],
        probationary=figures["probationary"],
        staff=figures["staff"],
        staff_note=figures["staff_note"],
    )


@router.get(
    "/clusters/{cluster_id}/briefing", response={200: BriefingOut, **ERRORS}, summary="Số liệu giao ban quý của cụm"
)
def cluster_briefing(request: HttpRequest, params: Query[BriefingIn], cluster_id: int = ClusterId) -> BriefingOut:
    """The quarterly briefing as the page and the Word file show it: members admitted and confirmed in the
    quarter (per organisation), the quarter's ratings, inspections and supervisions against plan (the quarter
    and the year to date) and the committees' own text."""
    cluster = _visible_cluster(request, cluster_id)
    b: dict[str, Any] = briefing_context(cluster, params.year, params.quarter)
    return BriefingOut(
        **{
            **b,
            "cluster": _cluster_out(cluster),
            "figures": {
                **b["figures"],
                "by_kind": [KindCountOut(label=label, count=n) for label, n in b["figures"]["by_kind"]],
            },
            "ratings": BriefingRatingsOut(
                orgs=[LevelCountOut(level=level, count=n) for level, n in b["ratings"]["orgs"]],
                members=[LevelCountOut(level=level, count=n) for level, n in b["ratings"]["members"]],
                any=b["ratings"]["any"],
            ),
        }
    )
