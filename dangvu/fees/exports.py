"""The fee book as files.

- `book_context` → `write_book_xlsx`: the cell's yearly book in the layout of the paper "Sổ thu, nộp đảng
  phí" cells keep: the organisation header, the title, one row per member (No., name, the twelve months
  paid, total paid, due, owed, months unpaid), then the lines "Cộng thu", "Nộp cấp trên" and "Chi bộ giữ
  lại" per month, and the secretary's signature block.
- `book_table` / `summary_table`: the same figures as a generic `Table` (CSV, and the summary's xlsx).
"""

from __future__ import annotations

from typing import IO, Any

from dangvu.exchange.exports import Column, Kind, Table
from dangvu.fees.queries import BookRow, CellBook, CellYear, MonthEntry, OrgYear

EXEMPT_MARK = "miễn"
ELSEWHERE_MARK = "nộp nơi cũ"


def _month_value(entry: MonthEntry) -> int | str | None:
    if entry.elsewhere:
        return ELSEWHERE_MARK
    if entry.paid is not None:
        return entry.paid
    if entry.due is not None and entry.due.amount == 0:
        return EXEMPT_MARK
    return None


def book_context(book: CellBook) -> dict[str, Any]:
    """Everything the book's file shows, as plain values."""
    parent = book.cell.parent.name if book.cell.parent_id and book.cell.parent else ""
    switches = sorted(set(book.regimes), key=book.regimes.index)
    basis = ", ".join(f"{name} từ tháng {book.regimes.index(name) + 1}" for name in switches)
    return {
        "parent": parent,
        "cell": book.cell.name,
        "title": f"SỔ THU, NỘP ĐẢNG PHÍ NĂM {book.year}",
        "basis": f"Căn cứ: {basis}",
        "header": [
            "STT",
            "Họ và tên",
            *[f"T{m}" for m in range(1, 13)],
            "Cộng đã nộp",
            "Phải nộp",
            "Còn nợ",
            "Tháng chưa nộp",
        ],
        "rows": [
            [
                index,
                row.member.full_name,
                *[_month_value(e) for e in row.entries],
                row.paid_total,
                row.due_total,
                row.arrears,
                ", ".join(map(str, row.unpaid_months)),
            ]
            for index, row in enumerate(book.rows, start=1)
        ],
        "totals": [
            ["", "Cộng thu", *book.month_collected, book.collected, book.due_total, book.arrears, ""],
            ["", f"Nộp cấp trên ({100 - book.keep_percent}%)", *book.month_passed_up, book.passed_up, "", "", ""],
            [
                "",
                f"Chi bộ giữ lại ({book.keep_percent}%)",
                *[c - p for c, p in zip(book.month_collected, book.month_passed_up, strict=True)],
                book.kept,
                "",
                "",
                "",
            ],
        ],
        "signature": "BÍ THƯ CHI BỘ",
    }


def write_book_xlsx(context: dict[str, Any], out: IO[bytes]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Sổ đảng phí"
    # Printed as the paper book: A4 landscape (set below), all twelve months on one page wide.
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    width = len(context["header"])
    last = get_column_letter(width)
    bold = Font(bold=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet["A1"] = context["parent"].upper()
    sheet["A2"] = context["cell"].upper()
    sheet["A1"].font = sheet["A2"].font = bold
    sheet[f"{get_column_letter(width - 5)}1"] = "ĐẢNG CỘNG SẢN VIỆT NAM"
    sheet[f"{get_column_letter(width - 5)}1"].font = bold
    sheet.merge_cells(f"A4:{last}4")
    sheet["A4"] = context["title"]
    sheet["A4"].font = Font(bold=True, size=14)
    sheet["A4"].alignment = Alignment(horizontal="center")
    sheet.merge_cells(f"A5:{last}5")
    sheet["A5"] = context["basis"]
    sheet["A5"].alignment = Alignment(horizontal="center")
    sheet["A5"].font = Font(italic=True)
    header_row = 7
    for col, text in enumerate(context["header"], start=1):
        cell = sheet.cell(row=header_row, column=col, value=text)
        cell.font = bold
        cell.border = box
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    row_no = header_row
    for values in [*context["rows"], *context["totals"]]:
        row_no += 1
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_no, column=col, value=value if value != "" else None)
            cell.border = box
            if isinstance(value, int) and col > 2:
                cell.number_format = "#,##0"
        if values[0] == "":
            for col in range(1, width + 1):
                sheet.cell(row=row_no, column=col).font = bold
    signature_col = get_column_letter(width - 5)
    sheet[f"{signature_col}{row_no + 2}"] = "Ngày … tháng … năm …"
    sheet[f"{signature_col}{row_no + 3}"] = context["signature"]
    sheet[f"{signature_col}{row_no + 3}"].font = bold
    sheet.column_dimensions["A"].width = 5
    sheet.column_dimensions["B"].width = 28
    for col in range(3, width + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 10
    for col in range(15, 18):  # the year's totals: paid, due, owed (up to "99,999,999")
        sheet.column_dimensions[get_column_letter(col)].width = 13
    sheet.column_dimensions[last].width = 16
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)
    sheet.page_setup.orientation = "landscape"
    workbook.save(out)


def _month_column(month: int) -> Column:
    def get(row: BookRow) -> Any:
        return _month_value(row.entries[month - 1])

    return Column(f"T{month}", get, Kind.TEXT, 9)


BOOK_COLUMNS = [
    Column("Họ và tên", lambda r: r.member.full_name, Kind.TEXT, 28),
    Column("Số thẻ đảng viên", lambda r: r.member.card_number, Kind.ID, 14),
    *[_month_column(m) for m in range(1, 13)],
    Column("Cộng đã nộp", lambda r: r.paid_total, Kind.INT, 12),
    Column("Phải nộp", lambda r: r.due_total, Kind.INT, 12),
    Column("Còn nợ", lambda r: r.arrears, Kind.INT, 12),
    Column("Tháng chưa nộp", lambda r: ", ".join(map(str, r.unpaid_months)), Kind.TEXT, 16),
]


def book_table(book: CellBook) -> Table:
    return Table(f"dang-phi-{book.cell.code}-{book.year}", "Sổ đảng phí", BOOK_COLUMNS, book.rows)


def _summary_month(month: int) -> Column:
    def get(row: CellYear) -> int:
        return row.month_collected[month - 1]

    return Column(f"T{month}", get, Kind.INT, 10)


SUMMARY_COLUMNS = [
    Column("Mã", lambda r: r.cell.code, Kind.ID, 14),
    Column("Chi bộ", lambda r: r.cell.name, Kind.TEXT, 34),
    Column("Số đảng viên", lambda r: r.members, Kind.INT, 10),
    *[_summary_month(m) for m in range(1, 13)],
    Column("Đã thu", lambda r: r.collected, Kind.INT, 12),
    Column("Phải thu", lambda r: r.due, Kind.INT, 12),
    Column("Còn nợ", lambda r: r.arrears, Kind.INT, 12),
    Column("Nộp cấp trên", lambda r: r.passed_up, Kind.INT, 12),
    Column("Chi bộ giữ lại", lambda r: r.kept, Kind.INT, 12),
    Column("ĐV chưa nộp ≥ 3 tháng", lambda r: r.at_risk, Kind.INT, 12),
]


def summary_table(summary: OrgYear) -> Table:
    return Table(f"dang-phi-{summary.org.code}-{summary.year}", "Tổng hợp đảng phí", SUMMARY_COLUMNS, summary.cells)
