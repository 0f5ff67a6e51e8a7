"""Targets with their live progress and the inspection plan's progress of an organisation for a year.
Read-only; the organisation must be in the user's scope (else 404)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from dangvu.api.auth import current_user
from dangvu.api.orgs import visible_org
from dangvu.api.schemas import ERRORS
from dangvu.plans.rows import inspection_rows, registration_rows, target_rows

router = Router(tags=["Chỉ tiêu, kiểm tra giám sát"])


class PlansIn(Schema):
    org: str = Field(..., min_length=1, max_length=32)
    year: int = Field(..., ge=1930, le=2200)


class TargetRowOut(Schema):
    target: str
    goal: str
    years: str
    org_code: str
    org: str
    numerator: int
    denominator: int
    actual: float | None
    status: str
    status_label: str


class InspectionRowOut(Schema):
    kind: str
    quarter: int
    planned_orgs: int
    done_orgs: int
    planned_members: int
    done_members: int
    ytd_orgs: int
    ytd_members: int
    ytd_orgs_share: float | None
    ytd_members_share: float | None
    sentence: str


class TargetsOut(Schema):
    org: str
    year: int
    targets: list[TargetRowOut]


class InspectionsOut(Schema):
    org: str
    year: int
    inspections: list[InspectionRowOut]


@router.get("/plans/targets", response={200: TargetsOut, **ERRORS}, summary="Chỉ tiêu và tiến độ thực hiện")
def targets(request: HttpRequest, params: Query[PlansIn]) -> Any:
    org = visible_org(current_user(request), params.org)
    rows = [TargetRowOut(**row) for row in target_rows(org, params.year)]
    return TargetsOut(org=org.code, year=params.year, targets=rows)


@router.get("/plans/inspections", response={200: InspectionsOut, **ERRORS}, summary="Tiến độ kiểm tra, giám sát")
def inspections(request: HttpRequest, params: Query[PlansIn]) -> Any:
    org = visible_org(current_user(request), params.org)
    rows = [InspectionRowOut(**row) for row in inspection_rows(org, params.year)]
    return InspectionsOut(org=org.code, year=params.year, inspections=rows)


class RegistrationOut(Schema):
    year: int
    kind: str
    kind_label: str
    org_code: str
    org: str
    card_number: str
    member: str
    text: str
    registered_on: date
    assessment: str
    assessment_label: str
    level: str
    has_product: bool


class RegistrationsOut(Schema):
    org: str
    year: int
    registrations: list[RegistrationOut]


@router.get(
    "/plans/registrations",
    response={200: RegistrationsOut, **ERRORS},
    summary="Đăng ký thi đua, cam kết, mô hình mới và kết quả đánh giá",
)
def registrations(request: HttpRequest, params: Query[PlansIn]) -> Any:
    """The year's registrations of the organisations and members of the organisation's subtree (`org_code`:
    the organisation, or the member's cell), with the year-end assessment."""
    org = visible_org(current_user(request), params.org)
    rows = [RegistrationOut(**row) for row in registration_rows(org, params.year)]
    return RegistrationsOut(org=org.code, year=params.year, registrations=rows)
