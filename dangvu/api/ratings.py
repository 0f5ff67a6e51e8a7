"""Ratings of members and of organisations by year or quarter, and the rating report.

Member ratings are those of the members the user may see (`Member.objects.visible_to`); `org`
narrows them to the cell they were rated in, as the report counts them. Organisation ratings are those
of the organisations the user may see.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router

from dangvu.api.auth import current_user
from dangvu.api.errors import ApiError
from dangvu.api.orgs import visible_org
from dangvu.api.schemas import (
    ERRORS,
    MemberRatingOut,
    MemberRatingPage,
    MemberRatingsIn,
    OrgRatingOut,
    OrgRatingPage,
    OrgRatingsIn,
    OrgRefOut,
    RatingsReportOut,
    ReportIn,
)
from dangvu.evaluations.models import MemberRating, OrgRating
from dangvu.evaluations.periods import PeriodKey
from dangvu.members.models import Member
from dangvu.orgs.models import Org
from dangvu.reports.report import ratings_report

router = Router(tags=["Xếp loại và báo cáo"])


def member_rating_out(rating: MemberRating) -> MemberRatingOut:
    return MemberRatingOut(
        id=rating.pk,
        member_id=rating.member_id,
        member_name=rating.member.full_name,
        org=OrgRefOut(code=rating.org.code, name=rating.org.name),
        year=rating.year,
        quarter=rating.quarter,
        regime=rating.regime,
        score=float(rating.score) if rating.score is not None else None,
        proposed_level=rating.proposed_level,
        level=rating.level,
        exemplary=rating.exemplary,
        rerated=rating.rerated,
        updated_at=rating.updated_at,
    )


def org_rating_out(rating: OrgRating) -> OrgRatingOut:
    return OrgRatingOut(
        id=rating.pk,
        org=OrgRefOut(code=rating.org.code, name=rating.org.name),
        org_kind=rating.org.kind,
        year=rating.year,
        quarter=rating.quarter,
        regime=rating.regime,
        score=float(rating.score) if rating.score is not None else None,
        proposed_level=rating.proposed_level,
        level=rating.level,
        exemplary=rating.exemplary,
        outstanding=rating.outstanding,
        rerated=rating.rerated,
        updated_at=rating.updated_at,
    )


@router.get("/ratings/members", response={200: MemberRatingPage, **ERRORS}, summary="Xếp loại đảng viên")
def member_rating_list(request: HttpRequest, filters: Query[MemberRatingsIn]) -> MemberRatingPage:
    """Newest period first, then by cell and member."""
    user = current_user(request)
    ratings = MemberRating.objects.filter(member__in=Member.objects.visible_to(user))
    if filters.year is not None:
        ratings = ratings.filter(year=filters.year)
    if filters.quarter is not None:
        ratings = ratings.filter(quarter=filters.quarter)
    if filters.org:
        ratings = ratings.filter(org__path__in_subtree=visible_org(user, filters.org).path)
    if filters.level:
        ratings = ratings.filter(level=filters.level)
    if filters.exemplary is not None:
        ratings = ratings.filter(exemplary=filters.exemplary)
    if filters.member is not None:
        ratings = ratings.filter(member_id=filters.member)
    count = ratings.count()
    order = ("-year", "quarter", "org__path", "member__name_sort_key", "pk")
    rows = ratings.select_related("member", "org").order_by(*order)
    page = rows[filters.offset : filters.offset + filters.limit]
    return MemberRatingPage(
        items=[member_rating_out(r) for r in page], count=count, limit=filters.limit, offset=filters.offset
    )


@router.get("/ratings/orgs", response={200: OrgRatingPage, **ERRORS}, summary="Xếp loại tổ chức đảng")
def org_rating_list(request: HttpRequest, filters: Query[OrgRatingsIn]) -> OrgRatingPage:
    """Newest period first, then in tree (path) order."""
    user = current_user(request)
    ratings = OrgRating.objects.filter(org__in=Org.objects.visible_to(user))
    if filters.year is not None:
        ratings = ratings.filter(year=filters.year)
    if filters.quarter is not None:
        ratings = ratings.filter(quarter=filters.quarter)
    if filters.org:
        ratings = ratings.filter(org__path__in_subtree=visible_org(user, filters.org).path)
    if filters.level:
        ratings = ratings.filter(level=filters.level)
    if filters.exemplary is not None:
        ratings = ratings.filter(exemplary=filters.exemplary)
    if filters.kind:
        ratings = ratings.filter(org__kind=filters.kind)
    if filters.sector:
        ratings = ratings.filter(org__sector=filters.sector)
    count = ratings.count()
    rows = ratings.select_related("org").order_by("-year", "quarter", "org__path", "pk")
    page = rows[filters.offset : filters.offset + filters.limit]
    return OrgRatingPage(
        items=[org_rating_out(r) for r in page], count=count, limit=filters.limit, offset=filters.offset
    )


@router.get("/reports/ratings", response={200: RatingsReportOut, **ERRORS}, summary="Báo cáo xếp loại")
def ratings_report_view(request: HttpRequest, query: Query[ReportIn]) -> RatingsReportOut:
    """The rating report of an organisation for a year (or a quarter under QĐ 366): the dict of
    `reports.report.ratings_report`, as the page and `dangvu report ratings --format json` give it."""
    org = visible_org(current_user(request), query.org)
    try:
        report = ratings_report(org, PeriodKey(query.year, query.quarter))
    except ValidationError as error:
        raise ApiError(400, "invalid_period", " ".join(error.messages)) from error
    return RatingsReportOut.model_validate(report)
