"""Reading import files: .xlsx, .xls and .csv streamed row by row, the header row found, cells normalised.

Pure (no ORM, no request): the import pipeline calls `open_table` and iterates `Table.rows`. The format is
detected by content, never by the file name. Legacy TCVN3/VNI text is converted per cell and reported.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dangvu.lib.legacy_vn import TCVN3, detect_and_convert, is_vietnamese
from dangvu.lib.text import clean, fold

HEADER_SEARCH_ROWS = 30
_SNIFF_BYTES = 64 * 1024
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Binary formats people upload by mistake; anything else that is not text is refused as well.
_BINARY_MAGICS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"\x1f\x8b", b"7z\xbc\xaf", b"BM")


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class Conversion:
    """A cell whose text was converted from a legacy encoding."""

    column: str
    original: str
    converted: str
    encoding: str


@dataclass
class SheetRow:
    number: int
    values: dict[str, object]
    conversions: list[Conversion]
    number_formats: dict[str, str]


@dataclass
class Table:
    header_row: int
    columns: dict[str, str]
    ignored_headers: list[str]
    rows: Iterator[SheetRow]
    total_rows: int | None

    def close(self) -> None:
        """Release the file early; iterating `rows` to the end closes it as well."""
        close = getattr(self.rows, "close", None)
        if close is not None:
            close()


class ReadError(Exception):
    """A whole-file problem; `message` is Vietnamese, `code` stable."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


EMPTY = "Tệp rỗng, không có dữ liệu."
WRONG_TYPE = "Tệp {name}không phải bảng tính Excel (.xlsx, .xls) hay CSV."
CORRUPT = (
    "Tệp {name}bị hỏng hoặc không đọc được hết (có thể tải lên chưa xong). Hãy mở bằng Excel, lưu lại rồi thử lại."
)
NO_HEADER = "Không tìm thấy dòng tiêu đề trong {rows} dòng đầu. Cần các cột: {headers}."
MISSING_COLUMN = "Thiếu cột bắt buộc: {headers}."
DUPLICATE_COLUMN = "Cột “{header}” xuất hiện hai lần (ở “{first}” và “{second}”)."
NO_SHEET = "Bảng tính không có trang nào chứa dữ liệu."

# A raw cell: its value as the reader gave it, the Excel number format and the font name where known.
_Raw = tuple[object, str | None, str | None]
_NO_FORMAT: _Raw = (None, None, None)


def open_table(path: Path, specs: Sequence[ColumnSpec], *, filename: str = "") -> Table:
    """Open an import file, find its header row and return its data rows as a stream."""
    path = Path(path)
    name = f"“{filename}” " if filename else ""
    kind = _detect_format(path, name)
    if kind == "xlsx":
        source, total, closer = _xlsx_source(path, name)
    elif kind == "xls":
        source, total, closer = _xls_source(path, name)
    else:
        source, total, closer = _csv_source(path, name)
    try:
        header_number, header_cells = _find_header(source, specs)
        columns, positions, ignored = _match_columns(header_cells, specs)
    except BaseException:
        closer()
        raise
    if total is not None:
        total = max(total - header_number, 0)
    rows = _data_rows(source, positions, columns, closer)
    return Table(header_row=header_number, columns=columns, ignored_headers=ignored, rows=rows, total_rows=total)


# --- format detection -------------------------------------------------------------------------------------


def _detect_format(path: Path, name: str) -> str:
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise ReadError("empty", EMPTY)
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ReadError("corrupt", CORRUPT.format(name=name)) from exc
        if "xl/workbook.xml" in names or ("[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)):
            return "xlsx"
        raise ReadError("wrong_type", WRONG_TYPE.format(name=name))
    if head.startswith(_OLE2_MAGIC):
        return "xls"
    if head.startswith(_BINARY_MAGICS) or _looks_binary(head):
        raise ReadError("wrong_type", WRONG_TYPE.format(name=name))
    return "csv"


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 13))
    return controls > len(head) // 100


# --- sources: iterators of (row number, raw cells) --------------------------------------------------------


def _xlsx_source(path: Path, name: str) -> tuple[Iterator[tuple[int, list[_Raw]]], int | None, Any]:
    """The cells of an .xlsx: python-calamine (Rust, ~20× faster than openpyxl) when it gives the same rows as
    openpyxl, else openpyxl streaming each cell with its number format and font (see `_calamine_fits`)."""
    fits, number_format = _calamine_fits(path)
    if fits and number_format == _MIXED and _has_format_sensitive_number(path):
        fits = False
    if fits:
        return _calamine_source(path, name, None if number_format == _MIXED else number_format)
    return _openpyxl_source(path, name)


# The number formats of the workbook disagree on the "E": the format of a cell matters for a number that
# `cells.as_id` could take as a 12-digit CCCD, and calamine does not give it.
_MIXED = "mixed"
_FORMAT_SENSITIVE_FROM = 10**11


def _has_format_sensitive_number(path: Path) -> bool:
    """Whether some numeric cell is a whole number of 12 digits or more: the only cells whose number format can
    change the import's reading (see `_calamine_fits`). One pass over calamine's cells, before any row is used."""
    import python_calamine

    try:
        with path.open("rb") as handle:
            workbook = python_calamine.load_workbook(handle)
            try:
                for sheet_name in workbook.sheet_names:
                    for values in workbook.get_sheet_by_name(sheet_name).iter_rows():
                        for value in values:
                            if value.__class__ is float and value >= _FORMAT_SENSITIVE_FROM and value.is_integer():
                                return True
                            if value.__class__ is int and value >= _FORMAT_SENSITIVE_FROM:
                                return True
            finally:
                workbook.close()
    except Exception:
        return True
    return False


# calamine reads a whole sheet into memory (~100 bytes a cell measured): above this many cells the
# streaming openpyxl reader keeps the import's memory bounded (~430,000 rows of the 19 member columns).
CALAMINE_MAX_CELLS = 6_000_000
# Without a <dimension> element, a cell is at least this many bytes of sheet XML (inline strings: ~58).
_XML_BYTES_PER_CELL = 50
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]+(\d+)(?::([A-Z]+)(\d+))?\"")


def _calamine_fits(path: Path) -> tuple[bool, str | None]:
    """(True, format) when calamine gives the rows openpyxl would: the sheet is small enough to be held in
    memory, and its styles change nothing the import reads. calamine gives no number format and no font;
    the import reads a number format only on a numeric identifier (`cells.as_id`: one containing "E",
    "General" included, is refused) and a font only on TCVN3 text (.VnTimeH… means capitals). So: no
    TCVN3 capitals font, and every non-date number format agrees on containing "E" (the format then
    given to every numeric cell: "General" or None); when they disagree ("General" and the text format "@"
    of an ID column, the usual case), `_MIXED`: calamine still fits unless a number of the sheet is one
    whose format matters (`_has_format_sensitive_number`). Anything unreadable goes to openpyxl, which
    reports it."""
    from xml.etree import ElementTree

    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    try:
        with zipfile.ZipFile(path) as archive:
            by_lower = {n.lower(): n for n in archive.namelist()}
            sheets = [
                info
                for info in archive.infolist()
                if info.filename.lower().startswith("xl/worksheets/") and info.filename.lower().endswith(".xml")
            ]
            if not sheets:
                return False, None
            for sheet in sheets:  # the reader may go through several sheets to find the data
                with archive.open(sheet) as handle:
                    head = handle.read(4096)
                dimension = _DIMENSION.search(head)
                if dimension and dimension.group(2):
                    cells = int(dimension.group(3)) * _column_number(dimension.group(2).decode())
                else:
                    cells = sheet.file_size // _XML_BYTES_PER_CELL
                if cells > CALAMINE_MAX_CELLS:
                    return False, None
            styles = by_lower.get("xl/styles.xml")
            if styles is None:
                return True, None
            data = archive.read(styles)
        custom: dict[int, str] = {}
        used: set[int] = set()
        in_cell_xfs = False
        for event, element in ElementTree.iterparse(io.BytesIO(data), events=("start", "end")):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "cellXfs":
                in_cell_xfs = event == "start"
            if event != "start":
                continue
            if tag == "numFmt":
                custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
            elif tag == "xf" and in_cell_xfs:
                used.add(int(element.get("numFmtId", "0")))
            elif tag == "name" and _is_capitals_font(element.get("val")):
                return False, None
        if not used:
            used = {0}
        codes = [custom.get(i, BUILTIN_FORMATS.get(i, "General")) for i in used]
        e_ness = {"E" in code.upper() for code in codes if not is_date_format(code)}
    except Exception:
        return False, None
    if len(e_ness) > 1:
        return True, _MIXED
    return True, ("General" if e_ness == {True} else None)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _calamine_source(
    path: Path, name: str, number_format: str | None
) -> tuple[Iterator[tuple[int, list[_Raw]]], int | None, Any]:
    source, total, close = _xls_source(path, name)
    if number_format is None:
        return source, total, close

    def rows() -> Iterator[tuple[int, list[_Raw]]]:
        for number, raw in source:
            yield (
                number,
                [
                    (value, number_format, None) if value.__class__ in (int, float) else (value, None, None)
                    for value, _, _ in raw
                ],
            )

    return rows(), total, close


def _openpyxl_source(path: Path, name: str) -> tuple[Iterator[tuple[int, list[_Raw]]], int | None, Any]:
    import openpyxl

    # A file object, not the path: openpyxl would refuse a workbook whose name does not end in .xlsx.
    handle = path.open("rb")
    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (KeyError, XML errors, zip errors) on a broken file
        handle.close()
        raise ReadError("corrupt", CORRUPT.format(name=name)) from exc

    def close() -> None:
        workbook.close()
        handle.close()

    def rows() -> Iterator[tuple[int, list[_Raw]]]:
        try:
            for sheet in workbook.worksheets:
                found = False
                for number, cells in enumerate(sheet.iter_rows(), start=1):
                    raw = [_xlsx_cell(cell) for cell in cells]
                    if not found and all(_is_empty(value) for value, _, _ in raw):
                        continue
                    found = True
                    yield number, raw
                if found:
                    return
        except ReadError:
            raise
        except Exception as exc:
            raise ReadError("corrupt", CORRUPT.format(name=name)) from exc

    total: int | None = None
    try:
        first = workbook.worksheets[0]
        dimension = first.max_row if first.max_row and first.max_row > 1 else None
        total = dimension
    except Exception:
        total = None
    return rows(), total, close


def _xls_source(path: Path, name: str) -> tuple[Iterator[tuple[int, list[_Raw]]], int | None, Any]:
    import python_calamine

    handle = path.open("rb")  # a file object: calamine then detects the format by content, not by name
    try:
        workbook = python_calamine.load_workbook(handle)
    except Exception as exc:
        handle.close()
        raise ReadError("corrupt", CORRUPT.format(name=name)) from exc

    def rows() -> Iterator[tuple[int, list[_Raw]]]:
        try:
            for sheet_name in workbook.sheet_names:
                sheet = workbook.get_sheet_by_name(sheet_name)
                start = sheet.start[0] if sheet.start else 0
                found = False
                for offset, values in enumerate(sheet.iter_rows()):
                    raw: list[_Raw] = [(_calamine_value(value), None, None) for value in values]
                    if not found and all(_is_empty(value) for value, _, _ in raw):
                        continue
                    found = True
                    yield start + offset + 1, raw
                if found:
                    return
        except ReadError:
            raise
        except Exception as exc:
            raise ReadError("corrupt", CORRUPT.format(name=name)) from exc

    def close() -> None:
        workbook.close()
        handle.close()

    return rows(), None, close


def _csv_source(path: Path, name: str) -> tuple[Iterator[tuple[int, list[_Raw]]], int | None, Any]:
    encoding = _csv_encoding(path)
    with path.open("rb") as handle:
        sample = handle.read(_SNIFF_BYTES)
    sample_text = sample.decode("latin-1")
    delimiter = _sniff_delimiter(sample_text)
    if encoding == "utf-8":
        # UTF-8 never uses ASCII bytes inside a multi-byte letter, so decoding the whole stream splits the
        # cells exactly as decoding each cell would; utf-8-sig drops the byte-order mark.
        handle_text = path.open("r", encoding="utf-8-sig", newline="")
    else:
        handle_text = path.open("r", encoding="latin-1", newline="")

    def rows() -> Iterator[tuple[int, list[_Raw]]]:
        # Windows-1258 and legacy files: read as Latin-1 (one char per byte, never fails) so the CSV parser sees
        # the raw bytes; each cell is then decoded on its own: the delimiters and quotes are ASCII in every
        # encoding we accept.
        try:
            reader = csv.reader(handle_text, delimiter=delimiter)
            if encoding == "utf-8":
                no_format = itertools.repeat(None)
                for values in reader:
                    yield reader.line_num, list(zip(values, no_format, no_format, strict=False))  # (value, None, None)
                return
            first = True
            for values in reader:
                if first and values and values[0].startswith("\xef\xbb\xbf"):
                    values[0] = values[0][3:]
                first = False
                yield reader.line_num, [(_cp1258_cell(value), None, None) for value in values]
        except csv.Error as exc:
            raise ReadError("corrupt", CORRUPT.format(name=name)) from exc
        finally:
            handle_text.close()

    return rows(), None, handle_text.close


def _csv_encoding(path: Path) -> str:
    """UTF-8 when the whole file decodes as UTF-8 (a streaming pass), else Windows-1258."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1258"
    return "utf-8"


def _cp1258_cell(raw: str) -> str:
    """A cell of a file that is not UTF-8: Windows-1258, unless its bytes are TCVN3/VNI text.

    Windows-1258 writes tones as combining marks after the letter, bytes that TCVN3 uses for letters: so the
    Windows-1258 reading wins when it gives Vietnamese words, and legacy text is looked for only otherwise, on
    its Windows-1252 reading (the one the conversion tables use).
    """
    if raw.isascii():
        return raw
    data = raw.encode("latin-1")
    vietnamese = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
    if is_vietnamese(vietnamese):
        return vietnamese
    western = data.decode("cp1252", errors="replace")
    if detect_and_convert(western)[1] is not None:
        return western
    return vietnamese


def _xlsx_cell(cell: Any) -> _Raw:
    value = cell.value
    if value is None:
        return _NO_FORMAT
    font = None
    if isinstance(value, str) and not value.isascii():
        font = getattr(getattr(cell, "font", None), "name", None)
    return value, getattr(cell, "number_format", None), font


def _calamine_value(value: object) -> object:
    # .xls stores every number as a double; give whole numbers back as int, as openpyxl does for .xlsx.
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def _sniff_delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines()[:30] if line.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t").delimiter
    except csv.Error:
        counts = {d: sum(line.count(d) for line in lines) for d in (",", ";", "\t")}
        return max(counts, key=lambda d: counts[d])


# --- header ------------------------------------------------------------------------------------------------


def _spec_index(specs: Sequence[ColumnSpec]) -> dict[str, str]:
    index: dict[str, str] = {}
    for spec in specs:
        for header in (spec.header, *spec.aliases):
            index.setdefault(_fold_header(header), spec.key)
    return index


def _fold_header(value: object) -> str:
    return fold(str(value)).replace(" ", "").rstrip(":*") if value is not None else ""


def _find_header(source: Iterator[tuple[int, list[_Raw]]], specs: Sequence[ColumnSpec]) -> tuple[int, list[object]]:
    index = _spec_index(specs)
    required = {spec.key for spec in specs if spec.required}
    enough = min(2, len(specs))
    for seen, (number, raw) in enumerate(source, start=1):
        texts = [_header_text(value) for value, _, _ in raw]
        matched = {index[folded] for folded in map(_fold_header, texts) if folded in index}
        if len(matched) >= enough or (required and required <= matched):
            return number, texts
        if seen >= HEADER_SEARCH_ROWS:
            break
    headers = ", ".join(f"“{spec.header}”" for spec in specs)
    raise ReadError("no_header", NO_HEADER.format(rows=HEADER_SEARCH_ROWS, headers=headers))


def _header_text(value: object) -> object:
    if isinstance(value, str):
        text = clean(value)
        converted, _ = detect_and_convert(text)
        return clean(converted)
    return value


def _match_columns(
    header: list[object], specs: Sequence[ColumnSpec]
) -> tuple[dict[str, str], dict[str, int], list[str]]:
    index = _spec_index(specs)
    by_key = {spec.key: spec for spec in specs}
    columns: dict[str, str] = {}
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for position, value in enumerate(header):
        if _is_empty(value):
            continue
        text = str(value)
        key = index.get(_fold_header(text))
        if key is None:
            ignored.append(text)
            continue
        if key in columns:
            raise ReadError(
                "duplicate_column",
                DUPLICATE_COLUMN.format(header=by_key[key].header, first=columns[key], second=text),
            )
        columns[key] = text
        positions[key] = position
    missing = [spec.header for spec in specs if spec.required and spec.key not in columns]
    if missing:
        raise ReadError("missing_column", MISSING_COLUMN.format(headers=", ".join(f"“{h}”" for h in missing)))
    return columns, positions, ignored


# --- data rows ---------------------------------------------------------------------------------------------


def _data_rows(
    source: Iterator[tuple[int, list[_Raw]]], positions: dict[str, int], columns: dict[str, str], closer: Any
) -> Iterator[SheetRow]:
    from dangvu.exchange.kinds import ColumnMemo

    # Text already normalised, per column: (text, font) -> (value, legacy encoding or None, cleaned original).
    # Most columns repeat a few values; `clean` and the TCVN3/VNI detection then run once per distinct text.
    memos = {key: ColumnMemo(_MEMO_LIMIT) for key in positions}
    located = list(positions.items())
    try:
        for number, raw in source:
            values: dict[str, object] = {}
            formats: dict[str, str] = {}
            conversions: list[Conversion] = []
            width = len(raw)
            filled = False
            for key, position in located:
                value, number_format, font = raw[position] if position < width else _NO_FORMAT
                if value is None:
                    values[key] = None
                elif (
                    value.__class__ is str
                    and value.isascii()
                    # `_is_clean_ascii`, inline: this runs for every cell of the file
                    and value != ""
                    and value[0] != " "
                    and value[-1] != " "
                    and "  " not in value
                    and value.isprintable()
                ):
                    values[key] = value  # what `_normalise` gives: nothing to clean or convert
                    filled = True
                elif isinstance(value, str):
                    memo = memos[key]
                    found = memo.get((value, font)) if memo.on else None
                    if found is None:
                        found = _normalise_text(value, font)
                        if memo.on:
                            memo.put((value, font), found)
                    values[key], encoding, original = found
                    if encoding is not None:
                        conversions.append(
                            Conversion(
                                column=columns[key], original=original, converted=str(found[0]), encoding=encoding
                            )
                        )
                else:
                    values[key] = _normalise(value, columns[key], conversions, font)
                if number_format is not None:
                    formats[key] = number_format
            if not filled and all(value is None for value in values.values()):
                continue
            yield SheetRow(number=number, values=values, conversions=conversions, number_formats=formats)
    finally:
        closer()


_MEMO_LIMIT = 5_000


def _is_clean_ascii(value: str) -> bool:
    """An ASCII text that `clean` leaves as it is (printable: no tab or line break; single inner spaces)."""
    return value != "" and value[0] != " " and value[-1] != " " and "  " not in value and value.isprintable()


def _normalise_text(value: str, font: str | None) -> tuple[object, str | None, str]:
    """`_normalise` of a text cell, without the column: (value, legacy encoding or None, cleaned text)."""
    conversions: list[Conversion] = []
    result = _normalise(value, "", conversions, font)
    if conversions:
        return result, conversions[0].encoding, conversions[0].original
    return result, None, ""


def _normalise(value: object, column: str, conversions: list[Conversion], font: str | None = None) -> object:
    if value is None:
        return None
    if isinstance(value, str):
        text = clean(value)
        if not text:
            return None
        converted, encoding = detect_and_convert(text)
        if encoding is not None:
            converted = clean(converted)
            if encoding == TCVN3 and _is_capitals_font(font):
                converted = converted.upper()
            conversions.append(Conversion(column=column, original=text, converted=converted, encoding=encoding))
            return converted
        return text
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time(0) else value
    if isinstance(value, bool | int | float | datetime.date):
        return value
    if isinstance(value, datetime.time | datetime.timedelta):
        return str(value)
    return clean(str(value)) or None


def _is_capitals_font(font: str | None) -> bool:
    """.VnTimeH, .VnArialH…: the TCVN3 fonts that show every letter as a capital."""
    return font is not None and font.lower().startswith(".vn") and font.endswith("H")


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


__all__ = ["ColumnSpec", "Conversion", "ReadError", "SheetRow", "Table", "open_table"]
