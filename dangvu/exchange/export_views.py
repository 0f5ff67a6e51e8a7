"""The "Tải Excel" / "Tải CSV" links of every list and report page.

Each export takes the same query string as its page and reads the same query function, so scope,
filters and order are the page's; only the pagination is gone. Permissions are the page's: a role that
may not read the page gets a 403, an organisation out of scope a 404.

Personal data. The sensitive fields (`SENSITIVE_FIELDS`: CCCD, dân tộc, tôn giáo, điện thoại, nơi ở)
are columns of the member export only for the roles in SENSITIVE_READERS; for the other roles the
columns are left out of the file altogether (not masked: a column of "•••" tells nothing and invites a
re-export). Every export of a list of people — the member list, the audit trail — writes an
`Action.EXPORT` audit row before the response goes out: who, which list, the format, the filters
(the query string), the number of rows and whether the sensitive columns were included.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache

from dangvu.accounts.models import AUDIT_READERS, SENSITIVE_READERS, TREE_READERS, User
from dangvu.audit.models import Action, AuditRecord
from dangvu.audit.services import audit_record
from dangvu.audit.views import TARGET_TYPES, AuditFilter, audit_records, readable_changes
from dangvu.evaluations.grids import visible_periods
from dangvu.evaluations.services import regime_of
from dangvu.exchange.exports import Column, Kind, Table, csv_response, xlsx_response
from dangvu.members.queries import MemberSearch, member_search
from dangvu.orgs import queries as org_queries
from dangvu.orgs.kinds import Sector
from dangvu.orgs.models import Org
from dangvu.reports import views as report_views
from dangvu.reports.export import _columns as report_columns
from dangvu.reports.report import ORG_EXEMPLARY, ORG_NOT_RATED, ORG_RATED, orgs_behind, ratings_report

ERR_READERS = "Bạn không có quyền tải danh sách này."
NOTE_EXPORT = "Tải {list} ({fmt}, {rows} dòng)"
# Query-string names that only move between pages: not filters, not recorded.
PAGING = frozenset({"page", "trang"})
# Audit `changes` keys: shown as they are on the audit page, so in Vietnamese.
AUDIT_LIST, AUDIT_FORMAT, AUDIT_FILTERS, AUDIT_ROWS, AUDIT_SENSITIVE = (
    "Danh sách",
    "Định dạng",
    "Bộ lọc",
    "Số dòng",
    "Gồm thông tin nhạy cảm",
)
ITERATOR_CHUNK = 2000

ExportResponse = FileResponse | StreamingHttpResponse


def _user(request: HttpRequest, roles: frozenset[str] = TREE_READERS) -> User:
    user = request.user
    if not isinstance(user, User) or not user.has_role_in(roles):
        raise PermissionDenied(ERR_READERS)
    return user


def _filters(query: Mapping[str, Any]) -> dict[str, str]:
    return {key: str(query.get(key, "")) for key in sorted(query) if key not in PAGING and query.get(key, "") != ""}


def _respond(
    request: HttpRequest,
    table: Table,
    fmt: str,
    *,
    personal: bool = False,
    target_type: str = "",
    count: Any = None,
    sensitive: bool = False,
) -> ExportResponse:
    """The file; for a list of people also the audit row (xlsx: the rows written; csv: counted first,
    since the lines are produced only while the response is sent)."""
    if fmt == "xlsx":
        response: ExportResponse = xlsx_response(table)
        rows = table.count
    else:
        response = csv_response(table)
        rows = count() if personal and count is not None else 0
    if personal:
        user = request.user
        assert isinstance(user, User)
        audit_record(
            actor=user,
            action=Action.EXPORT,
            target_type=target_type,
            changes={
                AUDIT_LIST: table.title,
                AUDIT_FORMAT: fmt,
                AUDIT_FILTERS: _filters(request.GET),
                AUDIT_ROWS: rows,
                AUDIT_SENSITIVE: sensitive,
            },
            note=NOTE_EXPORT.format(list=table.title.lower(), fmt=fmt, rows=rows),
            ip_address=request.META.get("REMOTE_ADDR") or None,
        )
    return response


def _labels(choices: Any) -> Callable[[str], str]:
    """value -> its Vietnamese label ("" for empty), the table built once per export."""
    table = {value: str(label) for value, label in choices}
    return lambda value: table.get(value, value) if value else ""


# Members ---------------------------------------------------------------------------------------------


# The fields the columns read (the others — timestamps, search keys — are not loaded).
MEMBER_FIELDS = (
    "card_number", "full_name", "sex", "birth_date", "home_town", "citizen_id", "ethnicity", "religion",
    "status", "is_probationary", "admitted_on", "official_on", "education", "professional_level",
    "political_theory", "occupation", "position", "phone", "address", "current_org__code", "current_org__name",
)  # fmt: skip


def member_columns(*, sensitive: bool) -> list[Column]:
    """The member list's columns; the sensitive ones only when `sensitive`."""
    from dangvu.members.models import ProfessionalLevel, Sex, TheoryLevel

    sex, professional, theory = _labels(Sex.choices), _labels(ProfessionalLevel.choices), _labels(TheoryLevel.choices)

    def org_attr(name: str) -> Any:
        return lambda m: getattr(m.current_org, name) if m.current_org is not None else None

    columns = [
        Column("Số thẻ đảng viên", lambda m: m.card_number, Kind.ID, 14),
        Column("Họ và tên", lambda m: m.full_name, width=26),
        Column("Giới tính", lambda m: sex(m.sex), width=9),
        Column("Ngày sinh", lambda m: m.birth_date, Kind.DATE, 12),
        Column("Quê quán", lambda m: m.home_town, width=24),
    ]
    if sensitive:
        columns += [
            Column("Số CCCD", lambda m: m.citizen_id, Kind.ID, 15),
            Column("Dân tộc", lambda m: m.ethnicity, width=10),
            Column("Tôn giáo", lambda m: m.religion, width=10),
        ]
    columns += [
        Column("Mã chi bộ", org_attr("code"), Kind.ID, 14),
        Column("Chi bộ", org_attr("name"), width=28),
        Column("Tình trạng", lambda m: m.get_status_display(), width=18),
        Column("Đảng viên", lambda m: ("Dự bị" if m.is_probationary else "Chính thức") if m.on_roll else "", width=11),
        Column("Ngày vào Đảng", lambda m: m.admitted_on, Kind.DATE, 13),
        Column("Ngày chính thức", lambda m: m.official_on, Kind.DATE, 13),
        Column("Giáo dục phổ thông", lambda m: m.education, width=10),
        Column("Trình độ chuyên môn", lambda m: professional(m.professional_level), width=14),
        Column("Lý luận chính trị", lambda m: theory(m.political_theory), width=12),
        Column("Nghề nghiệp", lambda m: m.occupation, width=18),
        Column("Chức vụ", lambda m: m.position, width=18),
    ]
    if sensitive:
        columns += [
            Column("Điện thoại", lambda m: m.phone, Kind.ID, 13),
            Column("Nơi ở hiện nay", lambda m: m.address, width=30),
        ]
    return columns


@never_cache
@login_required
def members(request: HttpRequest, fmt: str) -> ExportResponse:
    """The member list `/dang-vien/?…` with its filters (all pages)."""
    user = _user(request)
    params = MemberSearch.parse(request.GET)
    org = get_object_or_404(Org.objects.visible_to(user), pk=params.org) if params.org is not None else None
    found = member_search(user, params, org=org)
    sensitive = user.role in SENSITIVE_READERS
    rows = found.only(*MEMBER_FIELDS).iterator(ITERATOR_CHUNK)
    table = Table("dang-vien", "Đảng viên", member_columns(sensitive=sensitive), rows)
    return _respond(request, table, fmt, personal=True, target_type="member", count=found.count, sensitive=sensitive)


# Organisations ---------------------------------------------------------------------------------------


def _children(org: Org, *, include_dissolved: bool) -> Iterator[org_queries.TreeNode]:
    """All the children in the page's order, counted a page at a time (two queries per 100 children)."""
    children = Org.objects.filter(parent=org)
    if not include_dissolved:
        children = children.active()
    ordered = sorted(children, key=org_queries.tree_order)
    step = org_queries.CHILDREN_PER_PAGE
    for start in range(0, len(ordered), step):
        yield from org_queries.nodes_with_counts(ordered[start : start + step], include_dissolved=include_dissolved)


CHILD_COLUMNS = [
    Column("Mã tổ chức", lambda n: n.org.code, Kind.ID, 14),
    Column("Tên tổ chức", lambda n: n.org.name, width=36),
    Column("Loại tổ chức", lambda n: n.org.get_kind_display(), width=22),
    Column("Khối / loại hình", lambda n: n.org.get_sector_display(), width=22),
    Column("Ngày thành lập", lambda n: n.org.founded_on, Kind.DATE, 13),
    Column("Ngày giải thể", lambda n: n.org.dissolved_on, Kind.DATE, 13),
    Column("Tổ chức trực thuộc", lambda n: n.counts.sub_orgs, Kind.INT, 11),
    Column("Đảng viên", lambda n: n.counts.on_roll, Kind.INT, 10),
    Column("Dự bị", lambda n: n.counts.probationary, Kind.INT, 8),
    Column("Chính thức", lambda n: n.counts.full, Kind.INT, 10),
]


@never_cache
@login_required
def org_children(request: HttpRequest, pk: int, fmt: str) -> ExportResponse:
    """The table "Tổ chức trực thuộc trực tiếp" of `/to-chuc/<pk>/` (`?giai_the=1`: with the dissolved)."""
    user = _user(request)
    org = get_object_or_404(Org.objects.visible_to(user), pk=pk)
    include_dissolved = request.GET.get("giai_the") == "1"
    rows = _children(org, include_dissolved=include_dissolved)
    table = Table(f"to-chuc-truc-thuoc-{org.code}", "Tổ chức trực thuộc", CHILD_COLUMNS, rows)
    return _respond(request, table, fmt)


# Audit trail -----------------------------------------------------------------------------------------


def _audit_changes(record: AuditRecord) -> str:
    parts = []
    for change in readable_changes(record):
        if change.created or not change.before:
            parts.append(f"{change.label}: {change.after}")
        elif change.deleted:
            parts.append(f"{change.label}: {change.before}")
        else:
            parts.append(f"{change.label}: {change.before} → {change.after}")
    return "; ".join(parts)


AUDIT_COLUMNS = [
    Column("Thời điểm", lambda r: r.at, Kind.DATETIME, 17),
    Column("Người thực hiện", lambda r: r.actor_name, width=18),
    Column("Địa chỉ IP", lambda r: r.ip_address, Kind.ID, 15),
    Column("Hành động", lambda r: r.get_action_display(), width=18),
    Column("Loại đối tượng", lambda r: TARGET_TYPES.get(r.target_type, (r.target_type, None))[0], width=16),
    Column("Mã đối tượng", lambda r: r.target_id, Kind.ID, 12),
    Column("Đối tượng", lambda r: r.target_repr, width=30),
    Column("Nội dung", _audit_changes, width=60),
    Column("Ghi chú", lambda r: r.note, width=40),
]


@never_cache
@login_required
def audit(request: HttpRequest, fmt: str) -> ExportResponse:
    """The audit trail `/nhat-ky/?…` with its filters, newest first."""
    _user(request, AUDIT_READERS)
    records = audit_records(AuditFilter.parse(request.GET))
    # The CSV is read while it is sent, after this export's own audit row is written: leave that row out.
    last = AuditRecord.objects.order_by("-pk").values_list("pk", flat=True).first()
    records = records.filter(pk__lte=last or 0)
    table = Table("nhat-ky", "Nhật ký", AUDIT_COLUMNS, records.iterator(ITERATOR_CHUNK))
    return _respond(request, table, fmt, personal=True, target_type="audit", count=records.count)


# Evaluation periods ----------------------------------------------------------------------------------


PERIOD_COLUMNS = [
    Column("Năm", lambda p: p.year, Kind.INT, 7),
    Column("Kỳ", lambda p: p.key.label(), width=16),
    Column("Mã tổ chức", lambda p: p.org.code, Kind.ID, 14),
    Column("Tổ chức", lambda p: p.org.name, width=34),
    Column("Quy định", lambda p: p.regime, width=10),
    Column("Trạng thái", lambda p: p.get_status_display(), width=14),
    Column("Ngày mở", lambda p: p.opened_at, Kind.DATETIME, 17),
    Column("Người mở", lambda p: p.opened_by.username if p.opened_by else None, width=16),
    Column("Ngày công bố", lambda p: p.closed_at, Kind.DATETIME, 17),
    Column("Người công bố", lambda p: p.closed_by.username if p.closed_by else None, width=16),
]


@never_cache
@login_required
def periods(request: HttpRequest, fmt: str) -> ExportResponse:
    """The periods of `/danh-gia/` (those of the scope, above it and below it)."""
    user = _user(request)
    rows: Any = visible_periods(user).iterator(ITERATOR_CHUNK)
    table = Table("ky-danh-gia", "Kỳ đánh giá", PERIOD_COLUMNS, rows)
    return _respond(request, table, fmt)


# Rating report ---------------------------------------------------------------------------------------


def _report_table(report: dict[str, Any]) -> Table:
    """The organisation, then each direct child, then each sector: counts and percentages."""
    columns = [
        Column("Mã tổ chức", lambda row: row.get("code"), Kind.ID, 14),
        Column("Tên", lambda row: row["name"], width=34),
    ]
    for _key, header, get in report_columns(report)[2:]:
        kind = Kind.DECIMAL if header.endswith("(%)") else Kind.INT
        columns.append(Column(header, get, kind, 12))
    sectors = [{**row, "code": "", "name": f"Loại hình: {row['name']}"} for row in report["sectors"]]
    rows = [report, *report["children"], *sectors]
    year = report["period"]["year"]
    quarter = f"-quy-{report['period']['quarter']}" if report["period"]["quarter"] else ""
    return Table(f"bao-cao-xep-loai-{report['code']}-{year}{quarter}", "Xếp loại", columns, rows)


@never_cache
@login_required
def report(request: HttpRequest, fmt: str) -> HttpResponse | ExportResponse:
    """The rating report `/bao-cao/xep-loai/?org=&nam=&quy=` as a table."""
    user = report_views._user(request)
    org, key = report_views._org_and_period(request, user)
    try:
        data = ratings_report(org, key)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain; charset=utf-8")
    return _respond(request, _report_table(data), fmt)


@never_cache
@login_required
def report_orgs(request: HttpRequest, fmt: str) -> ExportResponse:
    """The organisations behind a figure, `/bao-cao/xep-loai/to-chuc/?…`, read as that page reads them."""
    user = report_views._user(request)
    org, key = report_views._org_and_period(request, user)
    kind = request.GET.get("loai", "grassroots")
    block = report_views.ORG_LIST_KINDS.get(kind, report_views.ORG_LIST_KINDS["grassroots"])
    try:
        regime = regime_of(key)
    except ValidationError as error:
        raise Http404(" ".join(error.messages)) from error
    labels = {lv.code: lv.label for lv in regime.levels("org")}
    rating = request.GET.get("xep_loai", "")[:16]
    if rating not in {"", ORG_RATED, ORG_NOT_RATED, ORG_EXEMPLARY, *labels}:
        rating = ""
    sector = request.GET.get("loai_hinh", "")
    sector = sector if sector in Sector.values else ""
    columns = [
        Column("Mã tổ chức", lambda o: o.code, Kind.ID, 14),
        Column("Tên tổ chức", lambda o: o.name, width=36),
        Column("Loại tổ chức", lambda o: o.get_kind_display(), width=22),
        Column("Loại hình", lambda o: o.get_sector_display(), width=22),
        Column(f"Xếp loại {key.label().lower()}", lambda o: labels.get(o.rating_level, o.rating_level), width=30),
        Column("Ngày giải thể", lambda o: o.dissolved_on, Kind.DATE, 13),
    ]
    rows = orgs_behind(org, key, block, rating, sector).iterator(ITERATOR_CHUNK)
    name = f"to-chuc-xep-loai-{org.code}-{key.year}"
    return _respond(request, Table(name, report_views.BLOCK_TITLES[block], columns, rows), fmt)
