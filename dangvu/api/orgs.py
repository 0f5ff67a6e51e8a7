"""Organisations: list and search, one organisation with its counts, its children, its history.

Every query starts from `Org.objects.visible_to(user)`; an organisation outside it is a 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router

from dangvu.accounts.models import User
from dangvu.api.auth import current_user
from dangvu.api.errors import not_found
from dangvu.api.schemas import (
    ERRORS,
    ChildrenIn,
    CountsOut,
    CrumbOut,
    OrgChildOut,
    OrgChildPage,
    OrgDetailOut,
    OrgOut,
    OrgPage,
    OrgRefOut,
    OrgsIn,
    OrgVersionOut,
)
from dangvu.orgs.kinds import Sector, kind_label
from dangvu.orgs.models import Org
from dangvu.orgs.queries import Counts, breadcrumbs, history, nodes_with_counts, subtree_counts, tree_order

router = Router(tags=["Tổ chức đảng"])

OrgCode = Path(..., min_length=1, max_length=32, description="Mã tổ chức", examples=["X01"])


def visible_org(user: User, code: str) -> Org:
    """The organisation with this code among those the user may see; else 404."""
    org = Org.objects.visible_to(user).select_related("parent").filter(code=code).first()
    if org is None:
        raise not_found()
    return org


def org_fields(org: Org) -> dict[str, Any]:
    return {
        "code": org.code,
        "name": org.name,
        "kind": org.kind,
        "kind_label": kind_label(org.kind),
        "sector": org.sector,
        "sector_label": str(Sector(org.sector).label) if org.sector in Sector.values else org.sector,
        "parent": org.parent.code if org.parent is not None else None,
        "depth": org.depth,
        "founded_on": org.founded_on,
        "dissolved_on": org.dissolved_on,
    }


def org_ref(org: Org | None) -> OrgRefOut | None:
    return OrgRefOut(code=org.code, name=org.name) if org is not None else None


def counts_out(counts: Counts) -> CountsOut:
    return CountsOut(
        orgs=dict(counts.orgs),
        members=dict(counts.members),
        probationary=counts.probationary,
        full=counts.full,
        on_roll=counts.on_roll,
    )


@router.get("/orgs", response={200: OrgPage, **ERRORS}, summary="Danh sách, tìm kiếm tổ chức")
def org_list(request: HttpRequest, filters: Query[OrgsIn]) -> OrgPage:
    """Organisations in scope, the shallowest first then by code; `q` searches names accent-insensitively."""
    user = current_user(request)
    orgs = Org.objects.visible_to(user)
    if filters.q and filters.q.strip():
        orgs = orgs.search(filters.q)
    if filters.kind:
        orgs = orgs.filter(kind=filters.kind)
    if filters.sector:
        orgs = orgs.filter(sector=filters.sector)
    if filters.parent:
        orgs = orgs.filter(parent=visible_org(user, filters.parent))
    if filters.within:
        orgs = orgs.subtree(visible_org(user, filters.within))
    if not filters.include_dissolved:
        orgs = orgs.active()
    count = orgs.count()
    ordered = orgs.select_related("parent").order_by("depth", "code", "pk")
    rows = ordered[filters.offset : filters.offset + filters.limit]
    return OrgPage(
        items=[OrgOut(**org_fields(org)) for org in rows], count=count, limit=filters.limit, offset=filters.offset
    )


@router.get("/orgs/{code}", response={200: OrgDetailOut, **ERRORS}, summary="Một tổ chức, với số liệu")
def org_detail(request: HttpRequest, code: str = OrgCode) -> OrgDetailOut:
    """The organisation, its ancestors (`in_scope` false above the user's scope) and its subtree counts."""
    user = current_user(request)
    org = visible_org(user, code)
    crumbs = [CrumbOut(code=c.code, name=c.name, in_scope=c.linked) for c in breadcrumbs(org, user)]
    return OrgDetailOut(**org_fields(org), ancestors=crumbs, counts=counts_out(subtree_counts(org)))


@router.get("/orgs/{code}/children", response={200: OrgChildPage, **ERRORS}, summary="Tổ chức trực thuộc")
def org_children(request: HttpRequest, filters: Query[ChildrenIn], code: str = OrgCode) -> OrgChildPage:
    """The direct children in tree order (kind, then Vietnamese name order), each with its subtree counts."""
    user = current_user(request)
    org = visible_org(user, code)
    children = Org.objects.filter(parent=org).select_related("parent")
    if not filters.include_dissolved:
        children = children.active()
    ordered = sorted(children, key=tree_order)
    page = ordered[filters.offset : filters.offset + filters.limit]
    nodes = nodes_with_counts(page, include_dissolved=filters.include_dissolved)
    return OrgChildPage(
        items=[
            OrgChildOut(**org_fields(n.org), has_children=n.has_children, counts=counts_out(n.counts)) for n in nodes
        ],
        count=len(ordered),
        limit=filters.limit,
        offset=filters.offset,
    )


@router.get("/orgs/{code}/history", response={200: list[OrgVersionOut], **ERRORS}, summary="Lịch sử tổ chức")
def org_history(request: HttpRequest, code: str = OrgCode) -> list[OrgVersionOut]:
    """Every state the organisation held (name, code, kind, sector, parent), oldest first."""
    org = visible_org(current_user(request), code)
    return [
        OrgVersionOut(
            code=row.version.code,
            name=row.version.name,
            kind=row.version.kind,
            sector=row.version.sector,
            parent=org_ref(row.version.parent),
            valid_from=row.version.valid_from,
            valid_to=row.version.valid_to,
            last_day=row.last_day,
            reason=row.version.reason,
        )
        for row in history(org)
    ]
