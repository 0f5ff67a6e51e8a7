"""Cell-meeting figures of an organisation's subtree for a year, and its recognised model cells.
Read-only; the organisation must be in the user's scope (else 404)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from dangvu.api.auth import current_user
from dangvu.api.orgs import visible_org
from dangvu.api.schemas import ERRORS
from dangvu.meetings.queries import recognised, year_stats

router = Router(tags=["Sinh hoạt chi bộ"])


class MeetingStatsIn(Schema):
    org: str = Field(..., min_length=1, max_length=32)
    year: int = Field(..., ge=1930, le=2200)


class CellMeetingsOut(Schema):
    code: str
    name: str
    regular_by_month: list[int]
    thematic: int
    held: int
    present: int
    excused: int
    absent: int
    rate: str
    missed_months: list[int]


class MeetingStatsOut(Schema):
    org: str
    year: int
    held: int
    rate: str
    cells_missing_months: int
    cells: list[CellMeetingsOut]


class ModelCellOut(Schema):
    code: str
    name: str
    period_from: date
    period_to: date
    decision_number: str
    decision_on: date | None


@router.get("/meetings/stats", response={200: MeetingStatsOut, **ERRORS}, summary="Thống kê sinh hoạt chi bộ")
def meeting_stats(request: HttpRequest, params: Query[MeetingStatsIn]) -> MeetingStatsOut:
    org = visible_org(current_user(request), params.org)
    stats = year_stats(org, params.year, timezone.localdate())
    return MeetingStatsOut(
        org=org.code,
        year=params.year,
        held=stats.held,
        rate=stats.rate,
        cells_missing_months=len(stats.missing_cells),
        cells=[
            CellMeetingsOut(
                code=r.cell.code,
                name=r.cell.name,
                regular_by_month=r.months,
                thematic=r.thematic,
                held=r.held,
                present=r.present,
                excused=r.excused,
                absent=r.absent,
                rate=r.rate,
                missed_months=list(r.missed),
            )
            for r in stats.cells
        ],
    )


@router.get("/model-cells", response={200: list[ModelCellOut], **ERRORS}, summary="Chi bộ kiểu mẫu được công nhận")
def model_cells(request: HttpRequest, org: str = Query(..., min_length=1, max_length=32)) -> list[ModelCellOut]:
    scope = visible_org(current_user(request), org)
    return [
        ModelCellOut(
            code=a.cell.code,
            name=a.cell.name,
            period_from=a.period_from,
            period_to=a.period_to,
            decision_number=a.decision_number,
            decision_on=a.decision_on,
        )
        for a in recognised(scope)
    ]
