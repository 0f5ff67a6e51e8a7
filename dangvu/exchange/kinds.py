"""The four kinds of import: their columns (canonical Vietnamese headers, aliases, help text, sample
value, drop-down choices) and the schema of one row.

A row schema turns a `SheetRow` into plain values with `cells.py`; a cell it refuses becomes an error
tagged with the column. Nothing here touches the database: the rules that need it (codes that exist,
scope, uniqueness, the member timeline) are applied by `pipeline.py`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from dangvu.exchange import cells, rowschema
from dangvu.exchange.cells import CellError
from dangvu.exchange.models import Kind
from dangvu.exchange.reading import ColumnSpec, SheetRow
from dangvu.lib.text import clean, fold
from dangvu.members.lifecycle import EventKind
from dangvu.members.models import ProfessionalLevel, Sex, TheoryLevel
from dangvu.orgs.kinds import OrgKind, Sector

ERR_REQUIRED = "Ô này không được để trống."
ERR_ONE_OF = "Cần ít nhất một trong các cột: {headers}."
ERR_BOTH_SUBJECTS = (
    "Chỉ ghi một trong hai: “Mã tổ chức” (xếp loại tổ chức) hoặc “Số thẻ đảng viên” (xếp loại đảng viên)."
)
ERR_QUARTER = "Quý phải từ 1 đến 4 (để trống nếu là xếp loại cả năm)."
ERR_YEAR = "Năm phải từ 2008 đến {max}."
WARN_CONVERTED = "Chữ gõ bằng bảng mã {encoding} đã được chuyển sang Unicode: “{original}” → “{converted}”."

# Org kinds a file may name (Toàn Đảng is the system's own root, never imported).
IMPORT_ORG_KINDS = {k.value: str(k.label) for k in OrgKind if k != OrgKind.NATIONAL}


@functools.cache
def _choices(enum: Any, *, skip_empty: bool = False) -> dict[str, str]:
    """code -> label of an enum; one dict per enum (never modified), as rows are read in a loop."""
    return {k.value: str(k.label) for k in enum if not (skip_empty and k.value == "")}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False  # the column must be present in the file
    help: str = ""
    sample: Any = ""
    choices: Mapping[str, str] | None = None  # code -> label, for the template's drop-down

    def spec(self) -> ColumnSpec:
        return ColumnSpec(self.key, self.header, self.aliases, self.required)


@dataclass
class ParsedRow:
    """One row after the cells are parsed: the values present (an empty cell is absent), and problems
    as (column key, message)."""

    number: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)

    def error(self, key: str, message: str) -> None:
        self.errors.append((key, message))

    def warn(self, key: str, message: str) -> None:
        self.warnings.append((key, message))


class ColumnMemo:
    """A bounded memo of one column's readings (raw cell -> result) for one import run.

    When the memo is full it is emptied and filled again, unless fewer than half of the lookups so far were
    hits: then the column's values do not repeat (card numbers, CCCDs, phones) and it stops memoising."""

    __slots__ = ("hits", "limit", "lookups", "on", "tag", "values")

    def __init__(self, limit: int, tag: Any = None):
        self.values: dict[Any, Any] = {}
        self.limit, self.tag = limit, tag
        self.lookups = self.hits = 0
        self.on = True

    def get(self, key: Any) -> Any:
        self.lookups += 1
        found = self.values.get(key)
        if found is not None:
            self.hits += 1
        return found

    def put(self, key: Any, value: Any) -> None:
        if len(self.values) >= self.limit:
            self.values.clear()
            if self.hits * 2 < self.lookups:
                self.on = False
                return
        self.values[key] = value


# Cell readings memoised per column: key -> memo of (type, raw value, number format) -> (value, refusal).
CellMemo = dict[str, ColumnMemo]
MEMO_LIMIT = 50_000


class RowReader:
    """Helpers a row schema uses: each reads one cell, records a refusal against its column.

    With a `memo` (one per import run), a cell value already read in the same column is not parsed again:
    every reader is a pure function of the raw value and its number format, and most columns of a member
    file repeat a few values (sex, ethnicity, cell code, dates)."""

    def __init__(self, row: SheetRow, parsed: ParsedRow, memo: CellMemo | None = None):
        self.row, self.parsed, self.memo = row, parsed, memo

    def _raw(self, key: str) -> Any:
        value = self.row.values.get(key)
        if isinstance(value, str) and not value.strip():
            return None
        return value

    def _read(
        self,
        key: str,
        parse: Callable[[Any], Any],
        required: bool = False,
        keep_empty: bool = False,
        reader: Any = "",
    ) -> Any:
        raw = self.row.values.get(key)
        if isinstance(raw, str) and not raw.strip():
            raw = None
        value = None
        if raw is not None:
            memo = self.memo
            column = None
            if memo is not None and reader:
                column = memo.get(key)
                if column is None:
                    column = memo[key] = ColumnMemo(MEMO_LIMIT, reader)
            if column is not None and column.on and (column.tag is reader or column.tag == reader):
                memo_key = (raw.__class__, raw, self.row.number_formats.get(key))
                column.lookups += 1
                found = column.values.get(memo_key)
                if found is None:
                    try:
                        found = (parse(raw), None)
                    except CellError as error:
                        found = (None, str(error))
                    column.put(memo_key, found)
                else:
                    column.hits += 1
                value, refusal = found
                if refusal is not None:
                    self.parsed.error(key, refusal)
                    return None
            else:
                try:
                    value = parse(raw)
                except CellError as error:
                    self.parsed.error(key, str(error))
                    return None
        if value is None or (value == "" and not keep_empty):
            if required:
                self.parsed.error(key, ERR_REQUIRED)
            return None
        self.parsed.values[key] = value
        return value

    def text(self, key: str, *, required: bool = False, upper: bool = False, max_length: int = 255) -> str | None:
        def parse(raw: Any) -> str | None:
            value = clean(cells.as_text(raw))
            if len(value) > max_length:
                raise CellError(f"Dài quá {max_length} ký tự.")
            return (value.upper() if upper else value) or None

        return self._read(key, parse, required, reader=f"text{max_length}{upper}")

    def day(self, key: str, *, required: bool = False) -> date | None:
        fmt = self.row.number_formats.get(key)
        return self._read(key, lambda raw: cells.as_date(raw, fmt), required, reader="day")

    def ident(self, key: str, label: str, *, digits: int | None = None, required: bool = False) -> str | None:
        fmt = self.row.number_formats.get(key)
        return self._read(
            key,
            lambda raw: cells.as_id(raw, digits=digits, label=label, number_format=fmt),
            required,
            reader=f"id{digits}{label}",
        )

    def choice(self, key: str, choices: Mapping[str, str], *, required: bool = False) -> str | None:
        return self._read(
            key,
            lambda raw: cells.as_choice(raw, choices),
            required,
            keep_empty=True,
            reader=choices,
        )

    def integer(self, key: str, *, required: bool = False) -> int | None:
        return self._read(key, cells.as_int, required, reader="int")

    def decimal(self, key: str) -> Decimal | None:
        return self._read(key, cells.as_decimal, reader="decimal")

    def flag(self, key: str) -> bool | None:
        return self._read(key, cells.as_bool, reader="bool")


@dataclass(frozen=True)
class KindDef:
    code: str
    label: str
    columns: tuple[Column, ...]
    parse_cells: Callable[[RowReader], None]
    # At least one of these columns must be present (e.g. card number or CCCD).
    one_of: tuple[str, ...] = ()
    intro: str = ""
    # The roles that may import this kind (None: organisations for ORG_EDITORS, the rest for MEMBER_EDITORS).
    editors: frozenset[str] | None = None
    # The cells declared one by one (`rowschema`), and what `parse_cells` does after them: a kind that has
    # them is parsed by a plan compiled once per file (`row_parser`) instead of a reader call per cell.
    cells: tuple[rowschema.Cell, ...] = ()
    after_cells: Callable[[ParsedRow], None] | None = None

    def specs(self) -> list[ColumnSpec]:
        return [c.spec() for c in self.columns]

    def header(self, key: str) -> str:
        return next((c.header for c in self.columns if c.key == key), key)

    def key_for(self, header: str) -> str:
        """The key of a column from the header found in a file (canonical or alias), else the header."""
        if any(c.key == header for c in self.columns):
            return header
        wanted = fold(header)
        for column in self.columns:
            if wanted in {fold(column.header), *(fold(a) for a in column.aliases)}:
                return column.key
        return header

    def parse(self, row: SheetRow, memo: CellMemo | None = None) -> ParsedRow:
        parsed = ParsedRow(row.number)
        self._warn_conversions(row, parsed)
        self.parse_cells(RowReader(row, parsed, memo))
        return parsed

    def _warn_conversions(self, row: SheetRow, parsed: ParsedRow) -> None:
        for conversion in row.conversions:
            parsed.warn(
                self.key_for(conversion.column),
                WARN_CONVERTED.format(
                    encoding=conversion.encoding, original=conversion.original, converted=conversion.converted
                ),
            )

    def row_parser(self, columns: Iterable[str] | None = None) -> Callable[[SheetRow], ParsedRow]:
        """`parse` for the rows of one file (its column keys: `Table.columns`), cell readings memoised for
        the file: compiled from `cells` when the kind declares them, else `parse` with one memo."""
        if self.cells:
            return rowschema.compile_rows(
                self.cells, columns=columns, after=self.after_cells, warn_conversions=self._warn_conversions
            )
        memo: CellMemo = {}
        return lambda row: self.parse(row, memo)


# --- organisations ------------------------------------------------------------------------------------------

ORG_COLUMNS = (
    Column(
        "code",
        "Mã tổ chức",
        ("Mã", "Mã TCĐ", "Mã đơn vị"),
        True,
        "Mã duy nhất của tổ chức (khóa để cập nhật).",
        "X03-01",
    ),
    Column("name", "Tên tổ chức", ("Tên", "Tên đơn vị"), True, "Tên đầy đủ.", "Chi bộ thôn Tây"),
    Column(
        "kind",
        "Loại tổ chức",
        ("Loại",),
        True,
        "Một trong: " + ", ".join(IMPORT_ORG_KINDS.values()) + ".",
        str(OrgKind.GRASSROOTS_CELL.label),
        IMPORT_ORG_KINDS,
    ),
    Column(
        "sector",
        "Loại hình",
        ("Khối", "Khối, loại hình"),
        False,
        "Khối / loại hình (để trống: Khác).",
        str(Sector.COMMUNE.label),
        _choices(Sector),
    ),
    Column(
        "parent_code",
        "Mã tổ chức cấp trên",
        ("Mã cấp trên",),
        False,
        "Mã của tổ chức cấp trên trực tiếp: đã có trong hệ thống hoặc ở một dòng phía trên. "
        "Để trống chỉ với Đảng bộ tỉnh.",
        "X03",
    ),
)


def _parse_org(r: RowReader) -> None:
    r.text("code", required=True, upper=True, max_length=32)
    r.text("name", required=True)
    r.choice("kind", IMPORT_ORG_KINDS, required=True)
    r.choice("sector", _choices(Sector))
    r.text("parent_code", upper=True, max_length=32)


# --- members ------------------------------------------------------------------------------------------------

MEMBER_COLUMNS = (
    Column(
        "card_number",
        "Số thẻ đảng viên",
        ("Số thẻ", "Số thẻ ĐV"),
        False,
        "Giữ nguyên số 0 ở đầu; khóa để cập nhật (nếu trống thì dùng số CCCD).",
        "0123456789",
    ),
    Column("full_name", "Họ và tên", ("Họ tên", "Họ và tên đảng viên"), True, "Họ, chữ đệm và tên.", "Nguyễn Thị Hoa"),
    Column("sex", "Giới tính", ("Nam/Nữ",), True, "Nam hoặc Nữ.", "Nữ", _choices(Sex)),
    Column("birth_date", "Ngày sinh", (), True, "Ngày/tháng/năm, ví dụ 05/09/1985.", date(1985, 9, 5)),
    Column(
        "citizen_id",
        "Số CCCD",
        ("CCCD", "Số căn cước", "Số định danh cá nhân"),
        False,
        "12 chữ số, nhập dạng chữ (Text) để Excel không đổi thành 1,23E+11.",
        "001185012345",
    ),
    Column("ethnicity", "Dân tộc", (), False, "Để trống: Kinh.", "Kinh"),
    Column("religion", "Tôn giáo", (), False, "Để trống: Không.", "Không"),
    Column("home_town", "Quê quán", (), False, "", "Xã An Phú, tỉnh Mẫu"),
    Column(
        "cell_code",
        "Mã chi bộ",
        ("Mã chi bộ sinh hoạt",),
        False,
        "Mã chi bộ nơi sinh hoạt; bắt buộc với đảng viên mới.",
        "X01-02",
    ),
    Column(
        "admitted_on",
        "Ngày vào Đảng",
        ("Ngày kết nạp",),
        False,
        "Ngày quyết định kết nạp; bắt buộc với đảng viên mới.",
        date(2015, 3, 2),
    ),
    Column("ceremony_on", "Ngày lễ kết nạp", (), False, "Ngày tổ chức lễ kết nạp.", date(2015, 3, 20)),
    Column(
        "official_on",
        "Ngày chính thức",
        ("Ngày công nhận chính thức",),
        False,
        "Ngày chuyển đảng chính thức (để trống nếu còn dự bị).",
        date(2016, 3, 20),
    ),
    Column("education", "Giáo dục phổ thông", ("Trình độ văn hóa", "Văn hóa"), False, "Ví dụ 12/12.", "12/12"),
    Column(
        "professional_level",
        "Trình độ chuyên môn",
        ("Chuyên môn",),
        False,
        "",
        str(ProfessionalLevel.BACHELOR.label),
        _choices(ProfessionalLevel),
    ),
    Column(
        "political_theory",
        "Lý luận chính trị",
        ("Trình độ lý luận chính trị",),
        False,
        "",
        str(TheoryLevel.INTERMEDIATE.label),
        _choices(TheoryLevel),
    ),
    Column("occupation", "Nghề nghiệp", (), False, "", "Giáo viên"),
    Column("position", "Chức vụ", (), False, "", "Chi ủy viên"),
    Column(
        "phone", "Điện thoại", ("Số điện thoại",), False, "9–12 chữ số, nhập dạng chữ để giữ số 0 ở đầu.", "0912345678"
    ),
    Column("address", "Nơi ở hiện nay", ("Nơi ở", "Địa chỉ"), False, "", "Thôn Tây, xã An Phú"),
)


MEMBER_CELLS: tuple[rowschema.Cell, ...] = (
    rowschema.Ident("card_number", label="Số thẻ đảng viên"),
    rowschema.Text("full_name", required=True, max_length=120),
    rowschema.Choice("sex", required=True, choices=_choices(Sex)),
    rowschema.Day("birth_date", required=True),
    rowschema.Ident("citizen_id", label="Số CCCD", digits=12),
    rowschema.Text("ethnicity", max_length=40),
    rowschema.Text("religion", max_length=40),
    rowschema.Text("home_town"),
    rowschema.Text("cell_code", upper=True, max_length=32),
    rowschema.Day("admitted_on"),
    rowschema.Day("ceremony_on"),
    rowschema.Day("official_on"),
    rowschema.Text("education", max_length=20),
    rowschema.Choice("professional_level", choices=_choices(ProfessionalLevel)),
    rowschema.Choice("political_theory", choices=_choices(TheoryLevel)),
    rowschema.Text("occupation", max_length=120),
    rowschema.Text("position", max_length=120),
    rowschema.Ident("phone", label="Điện thoại"),
)


def _member_after(parsed: ParsedRow) -> None:
    phone = parsed.values.get("phone")
    if phone is not None:
        parsed.values["phone"] = phone.replace(" ", "").replace(".", "")
    _need_identity(parsed, "Cần số thẻ đảng viên hoặc số CCCD để nhận ra đảng viên.")


def _parse_member(r: RowReader) -> None:
    for cell in MEMBER_CELLS:
        cell.apply(r)
    _member_after(r.parsed)


def _need_identity(parsed: ParsedRow, message: str) -> None:
    values = parsed.values
    if "card_number" in values or "citizen_id" in values:
        return
    if not any(key in ("card_number", "citizen_id") for key, _ in parsed.errors):
        parsed.error("card_number", message)


# --- member events ------------------------------------------------------------------------------------------

EVENT_COLUMNS = (
    Column(
        "card_number",
        "Số thẻ đảng viên",
        ("Số thẻ",),
        False,
        "Số thẻ hoặc số CCCD của đảng viên (đã có trong hệ thống).",
        "10000001",
    ),
    Column("citizen_id", "Số CCCD", ("CCCD", "Số căn cước"), False, "Dùng khi không có số thẻ.", ""),
    Column(
        "kind",
        "Sự kiện",
        ("Loại sự kiện",),
        True,
        "Tên sự kiện (hoặc mã).",
        str(EventKind.TRANSFER_OUT.label),
        _choices(EventKind),
    ),
    Column("on", "Ngày", ("Ngày sự kiện", "Ngày quyết định"), True, "Ngày/tháng/năm.", date(2024, 6, 1)),
    Column(
        "org_code",
        "Mã chi bộ",
        ("Mã chi bộ đến",),
        False,
        "Chi bộ nơi đảng viên sinh hoạt sau sự kiện (kết nạp, chuyển đến, chuyển trong hệ thống).",
        "X01-01-02",
    ),
    Column(
        "external_org",
        "Đơn vị ngoài hệ thống",
        ("Nơi đến", "Nơi đi"),
        False,
        "Đảng bộ nơi chuyển đi/đến ngoài hệ thống.",
        "",
    ),
    Column("ceremony_on", "Ngày lễ kết nạp", (), False, "Chỉ với sự kiện kết nạp.", ""),
    Column("expected_end", "Dự kiến kết thúc", (), False, "Với sinh hoạt tạm thời.", ""),
    Column("decision_no", "Số quyết định", ("Số QĐ",), False, "", "125-QĐ/ĐU"),
    Column("decided_by", "Cơ quan quyết định", (), False, "", "Đảng ủy xã An Phú"),
    Column("note", "Ghi chú", (), False, "", ""),
)


def _parse_event(r: RowReader) -> None:
    r.ident("card_number", "Số thẻ đảng viên")
    r.ident("citizen_id", "Số CCCD", digits=12)
    r.choice("kind", _choices(EventKind), required=True)
    r.day("on", required=True)
    r.text("org_code", upper=True, max_length=32)
    r.text("external_org")
    r.day("ceremony_on")
    r.day("expected_end")
    r.text("decision_no", max_length=60)
    r.text("decided_by", max_length=120)
    r.text("note", max_length=500)
    _need_identity(r.parsed, "Cần số thẻ đảng viên hoặc số CCCD.")


# --- ratings ------------------------------------------------------------------------------------------------

RATING_COLUMNS = (
    Column("year", "Năm", (), True, "Năm đánh giá (từ 2008).", 2024),
    Column("quarter", "Quý", (), False, "1–4 khi đánh giá theo quý (từ QĐ 366); để trống: cả năm.", ""),
    Column("org_code", "Mã tổ chức", (), False, "Xếp loại một tổ chức đảng: ghi mã tổ chức (để trống ô số thẻ).", ""),
    Column(
        "card_number",
        "Số thẻ đảng viên",
        ("Số thẻ",),
        False,
        "Xếp loại một đảng viên: ghi số thẻ (để trống ô mã tổ chức).",
        "10000001",
    ),
    Column(
        "level",
        "Xếp loại",
        ("Mức xếp loại", "Kết quả xếp loại"),
        True,
        "Tên đầy đủ của mức theo quy định của năm đó (ví dụ “Hoàn thành tốt nhiệm vụ”, trước 2018 với "
        "tổ chức “Trong sạch, vững mạnh”) hoặc mã (HTXSNV, HTTNV, HTNV, KHTNV, TSVM, YK, VPTC).",
        "Hoàn thành tốt nhiệm vụ",
        {
            "HTXSNV": "Hoàn thành xuất sắc nhiệm vụ",
            "HTTNV": "Hoàn thành tốt nhiệm vụ",
            "HTNV": "Hoàn thành nhiệm vụ",
            "KHTNV": "Không hoàn thành nhiệm vụ",
            "TSVM": "Trong sạch, vững mạnh",
            "YK": "Yếu kém",
        },
    ),
    Column("score", "Điểm", ("Tổng điểm",), False, "Chỉ với quy định chấm điểm (0–100).", ""),
    Column(
        "exemplary", "Tiêu biểu", (), False, "“Có” nếu được ghi nhận tiêu biểu.", "Không", {"1": "Có", "0": "Không"}
    ),
)


def _parse_rating(r: RowReader) -> None:
    year = r.integer("year", required=True)
    today = date.today()
    if year is not None and not (2008 <= year <= today.year):
        r.parsed.error("year", ERR_YEAR.format(max=today.year))
    quarter = r.integer("quarter")
    if quarter is not None and not (1 <= quarter <= 4):
        r.parsed.error("quarter", ERR_QUARTER)
    org = r.text("org_code", upper=True, max_length=32)
    card = r.ident("card_number", "Số thẻ đảng viên")
    r.text("level", required=True)
    r.decimal("score")
    r.flag("exemplary")
    if (org and card) or (
        not org and not card and not any(k in ("org_code", "card_number") for k, _ in r.parsed.errors)
    ):
        r.parsed.error("org_code", ERR_BOTH_SUBJECTS)


KINDS: dict[str, KindDef] = {
    Kind.ORGS: KindDef(
        Kind.ORGS,
        str(Kind.ORGS.label),
        ORG_COLUMNS,
        _parse_org,
        intro="Mỗi dòng một tổ chức đảng. Tổ chức cấp trên phải có sẵn hoặc nằm ở dòng phía trên.",
    ),
    Kind.MEMBERS: KindDef(
        Kind.MEMBERS,
        str(Kind.MEMBERS.label),
        MEMBER_COLUMNS,
        _parse_member,
        one_of=("card_number", "citizen_id"),
        cells=MEMBER_CELLS,
        after_cells=_member_after,
        intro=(
            "Mỗi dòng một đảng viên, nhận ra theo số thẻ (nếu trống: theo số CCCD). Ô trống không xóa dữ liệu đang có."
        ),
    ),
    Kind.EVENTS: KindDef(
        Kind.EVENTS,
        str(Kind.EVENTS.label),
        EVENT_COLUMNS,
        _parse_event,
        one_of=("card_number", "citizen_id"),
        intro="Mỗi dòng một sự kiện (kết nạp, chuyển sinh hoạt, xóa tên, từ trần…) của một đảng viên đã có.",
    ),
    Kind.RATINGS: KindDef(
        Kind.RATINGS,
        str(Kind.RATINGS.label),
        RATING_COLUMNS,
        _parse_rating,
        one_of=("org_code", "card_number"),
        intro=(
            "Mỗi dòng một kết quả xếp loại chất lượng (của một tổ chức hoặc một đảng viên) theo năm hoặc "
            "quý. Dữ liệu lịch sử được lưu nguyên như trong tệp; chỗ trái quy định được ghi thành cảnh báo."
        ),
    ),
}
