"""The bulk form: the plan of a whole merger in one sheet (old code → new code), turned into operations.

One row per old organisation:

| Mã cũ | Mã mới | Tên mới | Loại tổ chức mới | Loại hình | Mã cấp trên mới | Ghi chú |

Rows are grouped by new code, in the order the new codes first appear:
- the new code is an existing organisation: the old ones of the group are merged into it (members of merged
  cells transferred, sub-organisations re-parented, the old ones dissolved); a different "Mã cấp trên mới" moves
  it first, a different "Tên mới" renames it after; a row whose old code equals the new code only says so;
- the new code is not used yet: a new organisation is created (name, kind and parent from the group's rows; the
  sector from the first old organisation when empty) and the old ones are merged into it. A new organisation may
  sit under another new one: the groups are ordered so that parents come first.

The file is read with the import readers (`exchange/reading.py`: .xlsx/.xls/.csv, header row below a title
block, TCVN3/VNI text converted). Every problem names row, column and reason; one problem and no operation is
kept (the imports' rule). The decision's preview then runs the operations (dry run) and names the rows of any
operation refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from dangvu.exchange.reading import ColumnSpec, ReadError, open_table
from dangvu.lib.text import clean, fold
from dangvu.orgs.kinds import OrgKind, Sector
from dangvu.orgs.models import Org
from dangvu.restructure.models import OperationKind

COLUMNS = (
    ColumnSpec("old_code", "Mã cũ", ("Mã tổ chức cũ", "Mã tổ chức hiện nay"), required=True),
    ColumnSpec("new_code", "Mã mới", ("Mã tổ chức mới", "Mã tổ chức sau sắp xếp"), required=True),
    ColumnSpec("new_name", "Tên mới", ("Tên tổ chức mới", "Tên sau sắp xếp")),
    ColumnSpec("new_kind", "Loại tổ chức mới", ("Loại mới", "Loại tổ chức")),
    ColumnSpec("new_sector", "Loại hình", ("Khối",)),
    ColumnSpec("new_parent", "Mã cấp trên mới", ("Mã tổ chức cấp trên mới", "Mã cấp trên")),
    ColumnSpec("note", "Ghi chú"),
)
HEADERS = {spec.key: spec.header for spec in COLUMNS}
HELP = {
    "old_code": "Mã tổ chức hiện nay (trước sắp xếp). Mỗi mã chỉ một dòng.",
    "new_code": "Mã tổ chức sau sắp xếp: một mã đã có (sáp nhập vào tổ chức đó) hoặc mã mới (thành lập tổ chức mới). "
    "Các dòng cùng mã mới được hợp nhất vào một tổ chức.",
    "new_name": "Tên tổ chức sau sắp xếp: bắt buộc với tổ chức mới; với tổ chức đã có, khác tên hiện nay là đổi tên.",
    "new_kind": "Loại tổ chức mới (bắt buộc với tổ chức mới).",
    "new_sector": "Loại hình của tổ chức mới; bỏ trống: như tổ chức cũ đầu tiên.",
    "new_parent": "Mã tổ chức cấp trên (bắt buộc với tổ chức mới; có thể là mã mới ở dòng khác); với tổ chức đã "
    "có, khác cấp trên hiện nay là chuyển cả nhánh.",
    "note": "Không bắt buộc.",
}
SAMPLE = [
    ("X01", "X10", "Đảng bộ xã Hòa Bình", OrgKind.UPPER.label, Sector.COMMUNE.label, "T01", "Hợp nhất xã"),
    ("X02", "X10", "", "", "", "", ""),
]

ERR_REQUIRED = "Thiếu {column}."
ERR_UNKNOWN_OLD = "Không có tổ chức mã “{code}” trong phạm vi của bạn."
ERR_OLD_DISSOLVED = "“{name}” đã giải thể."
ERR_OLD_TWICE = "Mã cũ “{code}” đã có ở dòng {first}."
ERR_KIND = "Loại tổ chức “{value}” không hợp lệ; chọn một trong: {choices}."
ERR_SECTOR = "Loại hình “{value}” không hợp lệ; chọn một trong: {choices}."
ERR_CONFLICT = "Mã mới “{code}” có {column} khác với dòng {first} (“{a}” và “{b}”)."
ERR_PARENT_CYCLE = "Các tổ chức mới làm cấp trên của nhau: {codes}."
ERR_NOTHING = "Không có gì thay đổi cho mã mới “{code}”."
ERR_EMPTY = "Bảng kê không có dòng dữ liệu nào."


@dataclass
class SheetProblem:
    row: int
    column: str
    message: str


@dataclass
class _Group:
    code: str
    rows: list[int] = field(default_factory=list)
    olds: list[str] = field(default_factory=list)
    values: dict[str, tuple[str, int]] = field(default_factory=dict)  # key -> (value, row)


@dataclass
class SheetPlan:
    operations: list[tuple[str, dict[str, Any], str]]
    problems: list[SheetProblem]
    rows: int = 0


def _choice(value: str, choices: Any) -> str | None:
    wanted = fold(value)
    for code, label in choices:
        if wanted in (fold(code), fold(str(label))):
            return str(code)
    return None


def read_sheet(path: Path, *, orgs: Any, filename: str = "") -> SheetPlan:
    """The operations the sheet asks for, or the problems that stop it (row, column, reason)."""
    problems: list[SheetProblem] = []
    try:
        table = open_table(path, COLUMNS, filename=filename)
    except ReadError as error:
        return SheetPlan([], [SheetProblem(0, "", error.message)])
    groups: dict[str, _Group] = {}
    seen_old: dict[str, int] = {}
    count = 0
    for row in table.rows:
        count += 1
        values = {k: clean(str(v)) if v is not None else "" for k, v in row.values.items()}
        old, new = values.get("old_code", "").upper(), values.get("new_code", "").upper()
        for key in ("old_code", "new_code"):
            if not values.get(key):
                problems.append(SheetProblem(row.number, HEADERS[key], ERR_REQUIRED.format(column=HEADERS[key])))
        if not old or not new:
            continue
        if old in seen_old:
            problems.append(
                SheetProblem(row.number, HEADERS["old_code"], ERR_OLD_TWICE.format(code=old, first=seen_old[old]))
            )
            continue
        seen_old[old] = row.number
        group = groups.setdefault(new, _Group(new))
        group.rows.append(row.number)
        group.olds.append(old)
        for key in ("new_name", "new_kind", "new_sector", "new_parent"):
            value = values.get(key, "")
            if key == "new_kind" and value:
                kind = _choice(value, OrgKind.choices)
                if kind is None:
                    labels = ", ".join(str(label) for _, label in OrgKind.choices)
                    problems.append(
                        SheetProblem(row.number, HEADERS[key], ERR_KIND.format(value=value, choices=labels))
                    )
                    continue
                value = kind
            if key == "new_sector" and value:
                sector = _choice(value, Sector.choices)
                if sector is None:
                    labels = ", ".join(str(label) for _, label in Sector.choices)
                    problems.append(
                        SheetProblem(row.number, HEADERS[key], ERR_SECTOR.format(value=value, choices=labels))
                    )
                    continue
                value = sector
            if key == "new_parent":
                value = value.upper()
            if not value:
                continue
            if key in group.values and group.values[key][0] != value:
                first_value, first_row = group.values[key]
                problems.append(
                    SheetProblem(
                        row.number,
                        HEADERS[key],
                        ERR_CONFLICT.format(
                            code=new, column=HEADERS[key].lower(), first=first_row, a=first_value, b=value
                        ),
                    )
                )
                continue
            group.values.setdefault(key, (value, row.number))
    if count == 0:
        problems.append(SheetProblem(0, "", ERR_EMPTY))
    existing = {o.code: o for o in orgs.filter(code__in=[*seen_old, *groups])}
    for old, number in seen_old.items():
        org = existing.get(old)
        if org is None:
            problems.append(SheetProblem(number, HEADERS["old_code"], ERR_UNKNOWN_OLD.format(code=old)))
        elif org.dissolved_on is not None:
            problems.append(SheetProblem(number, HEADERS["old_code"], ERR_OLD_DISSOLVED.format(name=org.name)))
    operations: list[tuple[str, dict[str, Any], str]] = []
    for group in _parents_first(groups, existing, problems):
        operations.extend(_group_operations(group, existing.get(group.code), existing, problems))
    return SheetPlan([] if problems else operations, problems, count)


def _parents_first(groups: dict[str, _Group], existing: dict[str, Org], problems: list[SheetProblem]) -> list[_Group]:
    """New organisations whose parent is another new one come after it (the order of the sheet otherwise)."""
    ordered: list[_Group] = []
    placed: set[str] = set()
    pending = list(groups.values())
    while pending:
        progress = False
        for group in list(pending):
            parent = group.values.get("new_parent", ("", 0))[0]
            if group.code in existing or not parent or parent not in groups or parent in placed or parent == group.code:
                ordered.append(group)
                placed.add(group.code)
                pending.remove(group)
                progress = True
        if not progress:
            codes = ", ".join(g.code for g in pending)
            problems.append(
                SheetProblem(pending[0].rows[0], HEADERS["new_parent"], ERR_PARENT_CYCLE.format(codes=codes))
            )
            break
    return ordered


def _group_operations(
    group: _Group, target: Org | None, existing: dict[str, Org], problems: list[SheetProblem]
) -> list[tuple[str, dict[str, Any], str]]:
    rows = ", ".join(str(n) for n in group.rows)
    first = group.rows[0]
    sources = [old for old in group.olds if old != group.code]
    value = {key: v for key, (v, _) in group.values.items()}
    ops: list[tuple[str, dict[str, Any], str]] = []
    if target is None:
        for key in ("new_name", "new_kind", "new_parent"):
            if key not in value:
                problems.append(SheetProblem(first, HEADERS[key], ERR_REQUIRED.format(column=HEADERS[key].lower())))
        if any(key not in value for key in ("new_name", "new_kind", "new_parent")):
            return []
        sector = value.get("new_sector") or (existing[sources[0]].sector if sources and sources[0] in existing else "")
        new = {
            "code": group.code,
            "name": value["new_name"],
            "kind": value["new_kind"],
            "sector": sector,
            "parent": value["new_parent"],
        }
        return [(OperationKind.MERGE, {"sources": sources, "new": new}, rows)]
    parent = value.get("new_parent")
    if parent and (target.parent is None or parent != target.parent.code):
        params: dict[str, Any] = {"org": target.code, "parent": parent}
        if value.get("new_kind") and value["new_kind"] != target.kind:
            params["kind"] = value["new_kind"]
        ops.append((OperationKind.MOVE, params, rows))
    elif value.get("new_kind") and value["new_kind"] != target.kind:
        ops.append((OperationKind.CHANGE_KIND, {"org": target.code, "kind": value["new_kind"]}, rows))
    if sources:
        ops.append((OperationKind.MERGE, {"sources": sources, "target": target.code}, rows))
    if value.get("new_name") and value["new_name"] != target.name:
        ops.append((OperationKind.RENAME, {"org": target.code, "name": value["new_name"]}, rows))
    if not ops:
        problems.append(SheetProblem(first, HEADERS["new_code"], ERR_NOTHING.format(code=group.code)))
    return ops


def sheet_template() -> bytes:
    """The downloadable template: headers, two sample rows, drop-downs for kind and sector, a guide sheet."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Bảng kê sắp xếp"
    fill = PatternFill("solid", fgColor="FDE9D9")
    for index, spec in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=spec.header)
        cell.font, cell.fill = Font(bold=True), fill
        sheet.column_dimensions[cell.column_letter].width = max(16, len(spec.header) + 6)
    for row in SAMPLE:
        sheet.append([str(v) for v in row])
    for index in (1, 2, 6):
        for row_number in range(2, 2001):
            sheet.cell(row=row_number, column=index).number_format = "@"
    lists = book.create_sheet("Danh mục")
    for n, (_, label) in enumerate(OrgKind.choices, start=1):
        lists.cell(row=n, column=1, value=str(label))
    for n, (_, label) in enumerate(Sector.choices, start=1):
        lists.cell(row=n, column=2, value=str(label))
    lists.sheet_state = "hidden"
    for letter, column, size in (("D", "A", len(OrgKind.choices)), ("E", "B", len(Sector.choices))):
        validation = DataValidation(type="list", formula1=f"='Danh mục'!${column}$1:${column}${size}", allow_blank=True)
        validation.add(f"{letter}2:{letter}2001")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    guide = book.create_sheet("Hướng dẫn")
    guide.append(["Bảng kê sắp xếp tổ chức đảng (mã cũ → mã mới)"])
    guide["A1"].font = Font(bold=True, size=13)
    guide.append(
        [
            "Mỗi dòng một tổ chức hiện nay. Các dòng cùng mã mới được hợp nhất vào một tổ chức: đảng viên của các chi "
            "bộ được chuyển sinh hoạt theo quyết định, tổ chức trực thuộc được chuyển về, tổ chức cũ giải thể từ "
            "ngày hiệu lực. Một dòng lỗi thì không dòng nào được ghi."
        ]
    )
    guide.append([])
    guide.append(["Cột", "Giải thích"])
    for spec in COLUMNS:
        guide.append([spec.header, HELP[spec.key]])
    guide.column_dimensions["A"].width = 22
    guide.column_dimensions["B"].width = 110
    out = BytesIO()
    book.save(out)
    return out.getvalue()
