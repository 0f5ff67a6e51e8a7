"""Input and output schemas of the API: every field named and typed here, nothing inferred from the
models. Dates are ISO 8601; kinds, sectors, statuses and rating levels are stable codes, each with
its Vietnamese label beside it where a person reads it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from dangvu.members.lifecycle import EventKind
from dangvu.orgs.kinds import OrgKind, Sector

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
MAX_ID = 2**53  # ids beyond any real row (and within every database's integer type)
MIN_YEAR, MAX_YEAR = 1930, 2200

# Coded query values, spelled out so the OpenAPI document lists them (tests check them against the
# sources: members.queries and members.lifecycle).
StatusCode = Literal[
    "all",
    "active",
    "away",
    "hosted",
    "exempt",
    "suspended",
    "transferred_out",
    "temp_ended",
    "struck_off",
    "expelled",
    "deceased",
    "none",
]
AgeBand = Literal["duoi-30", "30-45", "46-60", "tren-60"]
Membership = Literal["du-bi", "chinh-thuc"]
LevelCode = Literal["HTXSNV", "HTTNV", "HTNV", "KHTNV", "TSVM", "YK", "VPTC"]
RatingFilter = Literal[
    "HTXSNV",
    "HTTNV",
    "HTNV",
    "KHTNV",
    "TSVM",
    "YK",
    "VPTC",
    "da",
    "tieu-bieu",
    "khong",
    "chua",
    "exempt",
    "suspended",
    "new",
]
Sex = Literal["male", "female"]

Code = Field(None, min_length=1, max_length=32, description="Mã tổ chức")
Year = Field(None, ge=MIN_YEAR, le=MAX_YEAR, description="Năm")
Quarter = Field(None, ge=0, le=4, description="Quý 1–4; 0 = cả năm")


# Errors ------------------------------------------------------------------------------------------


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    code: str = Field(..., examples=["not_found"])
    message: str = Field(..., examples=["Không tìm thấy đối tượng này, hoặc đối tượng nằm ngoài phạm vi của bạn."])
    errors: list[FieldErrorOut] | None = None


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# Pagination --------------------------------------------------------------------------------------


class PageIn(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Số dòng mỗi trang (tối đa {MAX_LIMIT})")
    offset: int = Field(0, ge=0, le=MAX_ID, description="Bỏ qua bấy nhiêu dòng đầu")


# Organisations -----------------------------------------------------------------------------------


class OrgRefOut(Schema):
    code: str
    name: str


class OrgOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    sector: str
    sector_label: str
    parent: str | None = Field(..., description="Mã tổ chức cấp trên")
    depth: int
    founded_on: date | None
    dissolved_on: date | None


class CountsOut(Schema):
    orgs: dict[str, int] = Field(..., description="Tổ chức đang hoạt động bên dưới, theo loại")
    members: dict[str, int] = Field(..., description="Đảng viên theo tình trạng")
    probationary: int
    full: int
    on_roll: int


class CrumbOut(Schema):
    code: str
    name: str
    in_scope: bool


class OrgDetailOut(OrgOut):
    ancestors: list[CrumbOut]
    counts: CountsOut


class OrgChildOut(OrgOut):
    has_children: bool
    counts: CountsOut


class OrgVersionOut(Schema):
    code: str
    name: str
    kind: str
    sector: str
    parent: OrgRefOut | None
    valid_from: date
    valid_to: date | None = Field(..., description="Ngày đầu tiên không còn hiệu lực (không tính)")
    last_day: date | None = Field(..., description="Ngày cuối cùng còn hiệu lực; null: đang hiệu lực")
    reason: str


class OrgsIn(PageIn):
    q: str | None = Field(None, max_length=100, description="Tên (không dấu cũng được) hoặc đầu mã")
    kind: OrgKind | None = None
    sector: Sector | None = None
    parent: str | None = Code
    within: str | None = Field(None, min_length=1, max_length=32, description="Chỉ trong cây con của mã này")
    include_dissolved: bool = False


class ChildrenIn(PageIn):
    include_dissolved: bool = False


class OrgPage(Schema):
    items: list[OrgOut]
    count: int
    limit: int
    offset: int


class OrgChildPage(Schema):
    items: list[OrgChildOut]
    count: int
    limit: int
    offset: int


# Members -----------------------------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    full_name: str
    sex: str
    birth_date: date
    card_number: str | None
    status: str
    status_label: str
    is_probationary: bool
    org: OrgRefOut | None = Field(..., description="Chi bộ hiện tại (hoặc cuối cùng)")
    admitted_on: date | None
    official_on: date | None
    home_town: str
    citizen_id: str | None = Field(..., description="Nhạy cảm: null khi bị che")
    ethnicity: str | None = Field(..., description="Nhạy cảm: null khi bị che")
    religion: str | None = Field(..., description="Nhạy cảm: null khi bị che")
    phone: str | None = Field(..., description="Nhạy cảm: null khi bị che")
    address: str | None = Field(..., description="Nhạy cảm: null khi bị che")
    masked: bool = Field(..., description="true khi có trường nhạy cảm bị che")
    masked_fields: list[str]


class MemberDetailOut(MemberOut):
    ceremony_on: date | None
    status_since: date | None
    education: str
    professional_level: str
    political_theory: str
    occupation: str
    position: str
    revealed: list[str] = Field(..., description="Trường nhạy cảm được hiện theo ?reveal= (đã ghi nhật ký)")


class MembersIn(PageIn):
    q: str | None = Field(None, max_length=100, description="Tên; hoặc số thẻ đảng viên, số CCCD")
    org: str | None = Field(None, min_length=1, max_length=32, description="Mã tổ chức: đảng viên trong cây con")
    status: StatusCode | None = Field(None, description="Bỏ trống: đang trong danh sách; all: mọi tình trạng")
    sex: Sex | None = None
    age: AgeBand | None = None
    ethnicity: str | None = Field(None, max_length=40)
    membership: Membership | None = None
    year: int | None = Year
    quarter: int | None = Quarter
    rating: RatingFilter | None = Field(None, description="Mức xếp loại (mã) hoặc bộ lọc xếp loại; cần year")
    sector: Sector | None = None


class MemberIn(Schema):
    reveal: str | None = Field(
        None, max_length=100, description="Hiện trường nhạy cảm, cách nhau dấu phẩy: citizen_id,phone (ghi nhật ký)"
    )


class MemberPage(Schema):
    items: list[MemberOut]
    count: int
    limit: int
    offset: int


# Events ------------------------------------------------------------------------------------------


class EventOut(Schema):
    id: int
    member_id: int
    member_name: str
    kind: str
    kind_label: str
    on: date
    org: OrgRefOut | None
    external_org: str
    ceremony_on: date | None
    expected_end: date | None
    decision_no: str
    decided_by: str
    note: str


class EventsIn(PageIn):
    kind: EventKind | None = None
    org: str | None = Field(None, min_length=1, max_length=32, description="Mã tổ chức: sự kiện tại cây con")
    member: int | None = Field(None, ge=1, le=MAX_ID)
    date_from: date | None = None
    date_to: date | None = None


class EventPage(Schema):
    items: list[EventOut]
    count: int
    limit: int
    offset: int


# Ratings -----------------------------------------------------------------------------------------


class MemberRatingOut(Schema):
    id: int
    member_id: int
    member_name: str
    org: OrgRefOut = Field(..., description="Chi bộ nơi đảng viên được xếp loại")
    year: int
    quarter: int
    regime: str
    score: float | None
    proposed_level: str
    level: str = Field(..., description="Mức được quyết định (mã); rỗng: chưa xếp loại")
    exemplary: bool
    rerated: bool
    updated_at: datetime


class OrgRatingOut(Schema):
    id: int
    org: OrgRefOut
    org_kind: str
    year: int
    quarter: int
    regime: str
    score: float | None
    proposed_level: str
    level: str
    exemplary: bool
    outstanding: bool
    rerated: bool
    updated_at: datetime


class RatingsIn(PageIn):
    year: int | None = Year
    quarter: int | None = Quarter
    org: str | None = Field(None, min_length=1, max_length=32, description="Mã tổ chức: xếp loại trong cây con")
    level: LevelCode | None = None
    exemplary: bool | None = None


class MemberRatingsIn(RatingsIn):
    member: int | None = Field(None, ge=1, le=MAX_ID)


class OrgRatingsIn(RatingsIn):
    kind: OrgKind | None = None
    sector: Sector | None = None


class MemberRatingPage(Schema):
    items: list[MemberRatingOut]
    count: int
    limit: int
    offset: int


class OrgRatingPage(Schema):
    items: list[OrgRatingOut]
    count: int
    limit: int
    offset: int


# The rating report (reports.report.ratings_report) -------------------------------------------------


class ReportIn(Schema):
    org: str = Field(..., min_length=1, max_length=32, description="Mã tổ chức", examples=["X01"])
    year: int = Field(..., ge=MIN_YEAR, le=MAX_YEAR, examples=[2025])
    quarter: int = Field(0, ge=0, le=4, description="Quý 1–4; 0 = cả năm")


class PeriodOut(Schema):
    year: int
    quarter: int
    label: str


class LevelOut(Schema):
    code: str
    label: str


class RegimeOut(Schema):
    code: str
    name: str
    member_levels: list[LevelOut]
    org_levels: list[LevelOut]


class BlockOut(Schema):
    total: int
    rated: int
    levels: dict[str, int]
    percent: dict[str, float]
    exemplary: int
    not_rated: dict[str, int]
    by_kind: dict[str, int] | None = None


class QuotaOut(Schema):
    top: int
    base: int
    share: float
    limit: float
    exceeded: bool
    base_levels: list[str]
    article: str
    text: str


class ReportQuotaOut(Schema):
    members: QuotaOut | None
    orgs: QuotaOut | None


class ReportChildOut(Schema):
    code: str
    name: str
    kind: str
    sector: str
    own_level: str
    grassroots_orgs: BlockOut
    attached_cells: BlockOut
    members: BlockOut
    quota: ReportQuotaOut


class ReportSectorOut(Schema):
    code: str
    name: str
    grassroots_orgs: BlockOut
    attached_cells: BlockOut
    members: BlockOut


class YearBlockOut(Schema):
    rated: int
    levels: dict[str, int]
    percent: dict[str, float]


class ReportYearOut(Schema):
    year: int
    regime: str
    grassroots_orgs: YearBlockOut
    members: YearBlockOut


class ReportWarningOut(Schema):
    code: str
    org: str
    message: str


class RatingsReportOut(Schema):
    code: str
    name: str
    kind: str
    period: PeriodOut
    regime: RegimeOut
    rounding: str
    own_level: str
    grassroots_orgs: BlockOut
    attached_cells: BlockOut
    members: BlockOut
    quota: ReportQuotaOut
    children: list[ReportChildOut]
    sectors: list[ReportSectorOut]
    years: list[ReportYearOut]
    warnings: list[ReportWarningOut]


# Imports (exchange.models.ImportJob) --------------------------------------------------------------


class ImportCountsOut(Schema):
    new: int
    changed: int
    unchanged: int
    rejected: int
    warnings: int
    errors: int


class ImportJobOut(Schema):
    id: int
    kind: str
    kind_label: str
    filename: str
    sha256: str
    size: int
    user: str = Field(..., description="Tên đăng nhập của người nhập")
    status: str
    status_label: str
    phase: str
    finished: bool
    rows_done: int
    rows_total: int | None
    percent: int
    counts: ImportCountsOut
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    committed_at: datetime | None


class ImportProblemOut(Schema):
    row: int | None
    column: str
    message: str
    level: str


class ImportJobDetailOut(ImportJobOut):
    problems: list[ImportProblemOut]
    problems_more: int = Field(..., description="Số lỗi, cảnh báo không được lưu (chỉ đếm)")
    failure: str
    timings: dict[str, float]


class ImportsIn(PageIn):
    kind: Literal["orgs", "members", "events", "ratings", "inspections", "registrations", "meetings"] | None = None
    status: Literal["queued", "running", "dry_run_done", "committed", "rejected", "failed"] | None = None


class ImportJobPage(Schema):
    items: list[ImportJobOut]
    count: int
    limit: int
    offset: int
