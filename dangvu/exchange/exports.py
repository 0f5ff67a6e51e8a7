"""A list as a file: the generic streaming writer behind every "Tải Excel" / "Tải CSV" link.

A `Table` names its columns (Vietnamese header, how to read a row, the kind of cell) and holds an
iterable of rows, usually a queryset's `.iterator()`: rows are written one by one and never held all
at once.

- xlsx: openpyxl's write-only workbook (rows go straight to a temporary XML file inside the zip);
  the finished file is then streamed in chunks. Header row bold and frozen, widths per column,
  dates as real dates shown dd/mm/yyyy, numbers as numbers, IDs (card numbers, CCCD, codes) as text
  so leading zeros survive.
- csv: UTF-8 with a BOM (Excel on Windows then reads the accents right), comma-separated, every line
  ended by CRLF (RFC 4180); dates as dd/mm/yyyy text, decimals with a dot. A comma, not a semicolon:
  the BOM makes Excel open it correctly in its default import, and every other tool reads a comma.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import IO, TYPE_CHECKING, Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

if TYPE_CHECKING:
    from django.core.management.base import OutputWrapper

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
DECIMAL_FORMAT = "0.0"
TEXT_FORMAT = "@"
# Excel's sheet names: at most 31 characters, none of []:*?/\
SHEET_NAME_LIMIT = 31
CHUNK = 64 * 1024
# A CSV text starting with one of these is quoted with an apostrophe (not "+" and "-": phone numbers
# such as +84… and negative figures must stay as they are).
FORMULA_STARTS = frozenset("=@\t\r")


class Kind(StrEnum):
    TEXT = "text"
    ID = "id"  # digits that are a name, not a quantity: kept as text in both formats
    INT = "int"
    DECIMAL = "decimal"  # shown with one decimal (percentages)
    DATE = "date"
    DATETIME = "datetime"


FORMATS = ("xlsx", "csv")


@dataclass(frozen=True)
class Column:
    header: str
    get: Callable[[Any], Any]
    kind: Kind = Kind.TEXT
    width: float = 16


@dataclass
class Table:
    """What one export writes. `rows` is consumed once; `count` holds how many were written."""

    name: str  # the file's stem before the date: "dang-vien"
    title: str  # the sheet's name
    columns: list[Column]
    rows: Iterable[Any]
    count: int = field(default=0, init=False)

    def values(self) -> Iterator[list[Any]]:
        """Each row as its list of plain values (None for empty), counting them."""
        getters = [column.get for column in self.columns]
        for row in self.rows:
            self.count += 1
            yield [get(row) for get in getters]


def filename(name: str, fmt: str, today: date | None = None) -> str:
    """`dang-vien-2026-11-23.xlsx`: the list's name and the day it was taken."""
    return f"{name}-{(today or timezone.localdate()).isoformat()}.{fmt}"


def _naive_local(value: datetime) -> datetime:
    """Excel has no time zones: an aware datetime becomes the local wall-clock time."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


# xlsx -----------------------------------------------------------------------------------------------


def _xlsx_cell(sheet: Any, column: Column, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if value is None or value == "":
        return None
    if column.kind == Kind.ID:
        # Text, and formatted as text ("@") so a value typed over it in Excel stays text too.
        cell = WriteOnlyCell(sheet, value=str(value))
        cell.data_type, cell.number_format = "s", TEXT_FORMAT
        return cell
    if column.kind == Kind.DATE and isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value if not isinstance(value, datetime) else value.date())
        cell.number_format = DATE_FORMAT
        return cell
    elif column.kind == Kind.DATETIME and isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=_naive_local(value))
        cell.number_format = DATETIME_FORMAT
        return cell
    elif column.kind == Kind.DECIMAL and isinstance(value, int | float | Decimal):
        cell = WriteOnlyCell(sheet, value=float(value))
        cell.number_format = DECIMAL_FORMAT
        return cell
    if isinstance(value, str) and value.startswith("="):
        # Data, never a formula: openpyxl would otherwise store a text starting with "=" as one.
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def write_xlsx(table: Table, out: IO[bytes]) -> None:
    """The table as one sheet of a write-only workbook, saved into `out`."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    title = "".join(ch for ch in table.title if ch not in "[]:*?/\\")[:SHEET_NAME_LIMIT] or "Sheet1"
    sheet = book.create_sheet(title)
    # Freezing and widths must be set before the first row is written.
    sheet.freeze_panes = "A2"
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font, cell.alignment = bold, wrap
        header.append(cell)
    sheet.append(header)
    if table.columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}1"
    columns = table.columns
    for values in table.values():
        sheet.append([_xlsx_cell(sheet, column, value) for column, value in zip(columns, values, strict=True)])
    book.save(out)


def xlsx_file(table: Table) -> IO[bytes]:
    """The workbook in a temporary file, rewound (it leaves the disk when closed)."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115  (returned open: the response closes it)
    try:
        write_xlsx(table, handle)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle


# csv ------------------------------------------------------------------------------------------------


class _Line:
    """A file-like object whose write() returns the text, for csv.writer line by line."""

    def write(self, value: str) -> str:
        return value


def _csv_value(column: Column, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value  # CSV injection: Excel would run "=…" or "@…" as a formula
    if column.kind == Kind.DATETIME and isinstance(value, datetime):
        return f"{_naive_local(value):%d/%m/%Y %H:%M}"
    if column.kind == Kind.DATE and isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if column.kind == Kind.DECIMAL and isinstance(value, int | float | Decimal):
        return f"{float(value):.1f}"
    return str(value)


def csv_lines(table: Table) -> Iterator[bytes]:
    """The table as CSV, one encoded line at a time, the first one starting with the BOM."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield (BOM + writer.writerow([column.header for column in table.columns])).encode()
    columns = table.columns
    for values in table.values():
        line = writer.writerow([_csv_value(column, value) for column, value in zip(columns, values, strict=True)])
        yield line.encode()


def table_to_command(stdout: OutputWrapper, table: Table, fmt: str, xlsx_path: str) -> None:
    """A command's `--format csv` (the table on standard output) or `xlsx` (written to `xlsx_path`, whose
    name is printed)."""
    if fmt == "csv":
        for line in csv_lines(table):
            stdout.write(line.decode("utf-8"), ending="")
        return
    with open(xlsx_path, "wb") as out:
        write_xlsx(table, out)
    stdout.write(xlsx_path)


# Responses ------------------------------------------------------------------------------------------


def _attachment(response: Any, name: str) -> Any:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def xlsx_response(table: Table, *, today: date | None = None) -> FileResponse:
    """The workbook is complete (and `table.count` known) when this returns; the bytes stream from disk."""
    response = FileResponse(xlsx_file(table), content_type=XLSX_CONTENT_TYPE)
    response.block_size = CHUNK
    return _attachment(response, filename(table.name, "xlsx", today))


def csv_response(table: Table, *, today: date | None = None) -> StreamingHttpResponse:
    """Lines are produced while the response is sent: nothing is read before the first byte goes out."""
    response = StreamingHttpResponse(csv_lines(table), content_type=CSV_CONTENT_TYPE)
    return _attachment(response, filename(table.name, "csv", today))


def export_response(table: Table, fmt: str, *, today: date | None = None) -> FileResponse | StreamingHttpResponse:
    if fmt == "xlsx":
        return xlsx_response(table, today=today)
    if fmt == "csv":
        return csv_response(table, today=today)
    raise ValueError(fmt)
