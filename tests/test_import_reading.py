"""Reading import files: messy .xlsx/.xls/.csv built here, streamed row by row, or refused with a reason."""

from __future__ import annotations

import datetime
import shutil
import subprocess
import tracemalloc
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font

from dangvu.exchange.cells import CellError, as_date, as_id
from dangvu.exchange.reading import ColumnSpec, ReadError, open_table
from dangvu.lib.legacy_vn import unicode_to_tcvn3, unicode_to_vni

SPECS = [
    ColumnSpec("card_number", "Số thẻ đảng viên", ("Số thẻ", "Số thẻ ĐV"), required=True),
    ColumnSpec("full_name", "Họ và tên", ("Họ tên",), required=True),
    ColumnSpec("birth_date", "Ngày sinh"),
    ColumnSpec("id_number", "Số CCCD", ("CCCD",)),
    ColumnSpec("cell_code", "Mã chi bộ"),
]


def make_messy_xlsx(path: Path) -> Path:
    """A members sheet as real committees send it: a title block, odd headers, legacy text, three date forms."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["ĐẢNG BỘ XÃ TÂN HÒA"])
    sheet.append(["DANH SÁCH ĐẢNG VIÊN NĂM 2024"])
    sheet.append([])
    sheet.append(["STT", "SỐ THẺ", " họ  tên ", "Ngày sinh", "Số CCCD", "Ghi chú", "Mã chi bộ"])
    sheet.append([1, "01234567", "  Nguyễn   Văn  An ", datetime.datetime(1980, 1, 2), "001080012345", "", "CB01"])
    sheet.append([2, "00000042", unicode_to_tcvn3("Trần Thị Thủy"), "05/09/1985", None, None, "CB01"])
    sheet.append([])
    sheet.append([3, "07654321", unicode_to_vni("Lê Văn Đức"), 31048, 123456789012, None, "CB02"])
    sheet["E8"].number_format = "0.00E+00"
    sheet.append([None, None, None, None, None, "chỉ có ghi chú", None])
    sheet.append([4, "01111111", unicode_to_tcvn3("Hoàng Văn Đông"), "1990-12-31", "1,23E+11", None, None])
    sheet["C10"].font = Font(name=".VnTimeH")
    sheet.append([5, "02222222", "Ngô Thị Lan", datetime.date(1975, 4, 30), None, None, None])
    workbook.save(path)
    return path


@pytest.fixture
def messy_xlsx(tmp_path: Path) -> Path:
    return make_messy_xlsx(tmp_path / "dang-vien.xlsx")


def read_all(path: Path, specs=SPECS, **kwargs):
    table = open_table(path, specs, **kwargs)
    return table, list(table.rows)


def read_error(path: Path, specs=SPECS) -> ReadError:
    with pytest.raises(ReadError) as caught:
        table = open_table(path, specs, filename=path.name)
        list(table.rows)
    return caught.value


# --- .xlsx ----------------------------------------------------------------------------------------------------


def test_it_finds_the_header_row_below_the_title_block(messy_xlsx):
    table, _ = read_all(messy_xlsx)
    assert table.header_row == 4
    assert table.columns == {
        "card_number": "SỐ THẺ",
        "full_name": "họ tên",
        "birth_date": "Ngày sinh",
        "id_number": "Số CCCD",
        "cell_code": "Mã chi bộ",
    }
    assert table.ignored_headers == ["STT", "Ghi chú"]


def test_it_numbers_rows_as_excel_shows_them_and_skips_empty_ones(messy_xlsx):
    _, rows = read_all(messy_xlsx)
    # Row 7 is empty; row 9 has text only in an ignored column, so nothing for the import either.
    assert [row.number for row in rows] == [5, 6, 8, 10, 11]


def test_it_gives_the_total_row_count_when_cheap(messy_xlsx):
    table, _ = read_all(messy_xlsx)
    assert table.total_rows == 7  # rows below the header, empty ones included: a progress bar's bound


def test_text_is_nfc_with_whitespace_collapsed_and_leading_zeros_kept(messy_xlsx):
    _, rows = read_all(messy_xlsx)
    first, second = rows[0], rows[1]
    assert first.values["full_name"] == "Nguyễn Văn An"
    assert first.values["card_number"] == "01234567"
    assert second.values["card_number"] == "00000042"
    assert first.values["id_number"] == "001080012345"


def test_tcvn3_and_vni_cells_are_converted_and_reported(messy_xlsx):
    _, rows = read_all(messy_xlsx)
    tcvn3, vni = rows[1], rows[2]
    assert tcvn3.values["full_name"] == "Trần Thị Thủy"
    assert [(c.column, c.encoding, c.converted) for c in tcvn3.conversions] == [("họ tên", "TCVN3", "Trần Thị Thủy")]
    assert tcvn3.conversions[0].original == unicode_to_tcvn3("Trần Thị Thủy")
    assert vni.values["full_name"] == "Lê Văn Đức"
    assert vni.conversions[0].encoding == "VNI"
    assert rows[0].conversions == []


def test_tcvn3_text_in_a_vntimeh_cell_is_read_in_capitals(messy_xlsx):
    _, rows = read_all(messy_xlsx)
    assert rows[3].values["full_name"] == "HOÀNG VĂN ĐÔNG"


def test_dates_in_three_forms_are_all_read_by_the_cell_helper(messy_xlsx):
    _, rows = read_all(messy_xlsx)
    values = [row.values["birth_date"] for row in rows]
    assert values[0] == datetime.date(1980, 1, 2)  # a datetime cell at midnight comes as a date
    assert values[1] == "05/09/1985"
    assert values[2] == 31048
    assert [as_date(value) for value in values] == [
        datetime.date(1980, 1, 2),
        datetime.date(1985, 9, 5),
        datetime.date(1985, 1, 1),
        datetime.date(1990, 12, 31),
        datetime.date(1975, 4, 30),
    ]


def test_a_cccd_in_scientific_format_is_refused_by_the_cell_helper(messy_xlsx):
    _, rows = read_all(messy_xlsx)
    number_cell = rows[2]
    assert number_cell.values["id_number"] == 123456789012
    assert number_cell.number_formats["id_number"] == "0.00E+00"
    with pytest.raises(CellError, match="Văn bản"):
        as_id(
            number_cell.values["id_number"],
            digits=12,
            label="Số CCCD",
            number_format=number_cell.number_formats["id_number"],
        )
    with pytest.raises(CellError, match="số mũ"):
        as_id(rows[3].values["id_number"], digits=12, label="Số CCCD")


def test_missing_cells_are_none(messy_xlsx):
    _, rows = read_all(messy_xlsx)
    assert rows[1].values["id_number"] is None
    assert rows[4].values["cell_code"] is None


def test_headers_match_whatever_the_case_accents_and_spaces(tmp_path):
    path = tmp_path / "headers.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["so the dang vien", "HO VA TEN"])
    workbook.active.append(["012", "An"])
    workbook.save(path)
    table, rows = read_all(path)
    assert table.header_row == 1 and set(table.columns) == {"card_number", "full_name"}
    assert rows[0].values == {"card_number": "012", "full_name": "An"}


def test_the_first_sheet_with_data_is_read(tmp_path):
    path = tmp_path / "sheets.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "Trống"
    data = workbook.create_sheet("Dữ liệu")
    data.append(["Số thẻ", "Họ tên"])
    data.append(["012", "An"])
    workbook.save(path)
    _, rows = read_all(path)
    assert [row.values["full_name"] for row in rows] == ["An"]


def test_a_file_is_recognised_by_its_content_not_its_name(messy_xlsx, tmp_path):
    renamed = tmp_path / "danh-sach.csv"
    shutil.copy(messy_xlsx, renamed)
    table, rows = read_all(renamed)
    assert table.header_row == 4 and len(rows) == 5


# --- refusals ---------------------------------------------------------------------------------------------------


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    error = read_error(path)
    assert error.code == "empty" and "rỗng" in error.message


def test_a_blank_csv_is_refused_as_empty(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_bytes(b"\xef\xbb\xbf\r\n  \r\n")
    assert read_error(path).code == "empty"


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    ],
    ids=["png", "pdf", "jpeg"],
)
def test_a_picture_or_pdf_renamed_xlsx_is_refused(tmp_path, content):
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(content)
    error = read_error(path)
    assert error.code == "wrong_type"
    assert "“danh-sach.xlsx”" in error.message


def test_a_word_document_is_refused(tmp_path):
    path = tmp_path / "bao-cao.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert read_error(path).code == "wrong_type"


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9])
def test_a_truncated_xlsx_is_refused_as_corrupt(messy_xlsx, tmp_path, keep):
    data = messy_xlsx.read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: int(len(data) * keep)])
    error = read_error(path)
    assert error.code == "corrupt" and "hỏng" in error.message


def test_an_xlsx_with_a_damaged_sheet_is_refused_as_corrupt(messy_xlsx, tmp_path):
    path = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(messy_xlsx) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    assert read_error(path).code == "corrupt"


def test_no_header_row_names_the_headers_looked_for(tmp_path):
    path = tmp_path / "no-header.xlsx"
    workbook = openpyxl.Workbook()
    for number in range(40):
        workbook.active.append([f"dòng {number}", "x"])
    workbook.active.append(["Số thẻ", "Họ tên"])  # below the 30 rows searched
    workbook.save(path)
    error = read_error(path)
    assert error.code == "no_header"
    assert "“Số thẻ đảng viên”" in error.message and "“Họ và tên”" in error.message


def test_a_missing_required_column_is_named(tmp_path):
    path = tmp_path / "missing.csv"
    path.write_text("Số thẻ,Ngày sinh,Số CCCD\n012,01/01/1980,\n", encoding="utf-8")
    error = read_error(path)
    assert error.code == "missing_column" and "“Họ và tên”" in error.message


def test_a_column_present_twice_is_refused(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("Số thẻ,Họ tên,Họ và tên\n012,An,An\n", encoding="utf-8")
    error = read_error(path)
    assert error.code == "duplicate_column" and "Họ và tên" in error.message


# --- .csv ---------------------------------------------------------------------------------------------------------

CSV_TEXT = "DANH SÁCH ĐẢNG VIÊN\n\nSố thẻ;Họ và tên;Ngày sinh\n00123;Nguyễn Văn Đức;05/09/1985\n;;\n00456;Đỗ Thị Hà;\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_a_utf8_csv_with_or_without_bom_is_read(tmp_path, encoding):
    path = tmp_path / "members.csv"
    path.write_text(CSV_TEXT, encoding=encoding)
    table, rows = read_all(path)
    assert table.header_row == 3
    assert table.columns["card_number"] == "Số thẻ"
    assert [(row.number, row.values) for row in rows] == [
        (4, {"card_number": "00123", "full_name": "Nguyễn Văn Đức", "birth_date": "05/09/1985"}),
        (6, {"card_number": "00456", "full_name": "Đỗ Thị Hà", "birth_date": None}),
    ]


def test_a_windows_1258_csv_is_read_as_nfc(tmp_path):
    path = tmp_path / "members.csv"
    path.write_bytes(to_cp1258(CSV_TEXT))
    assert "\u0303".encode("cp1258") in path.read_bytes()  # the tone really is a separate combining byte
    _, rows = read_all(path)
    assert rows[0].values["full_name"] == "Nguyễn Văn Đức"
    assert rows[1].values["full_name"] == "Đỗ Thị Hà"


def to_cp1258(text: str) -> bytes:
    """Windows-1258 has ă â ê ô ơ ư đ precomposed and the five tones as combining marks: ễ is ê + ◌̃."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", ch)
            base, marks = decomposed[0], list(decomposed[1:])
            tones = [mark for mark in marks if mark in TONE_MARKS]
            vowel = unicodedata.normalize("NFC", base + "".join(mark for mark in marks if mark not in tones))
            out.append((vowel + "".join(tones)).encode("cp1258"))
    return b"".join(out)


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def test_tcvn3_bytes_in_a_csv_are_converted(tmp_path):
    path = tmp_path / "legacy.csv"
    legacy = unicode_to_tcvn3("Số thẻ,Họ và tên\n00123,Nguyễn Văn Đức\n")
    path.write_bytes(legacy.encode("cp1252"))
    table, rows = read_all(path)
    assert table.columns == {"card_number": "Số thẻ", "full_name": "Họ và tên"}
    assert rows[0].values["full_name"] == "Nguyễn Văn Đức"
    assert rows[0].conversions[0].encoding == "TCVN3"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_csv_delimiter_is_sniffed(tmp_path, delimiter):
    path = tmp_path / "members.csv"
    lines = [["Số thẻ", "Họ và tên", "Mã chi bộ"], ["00123", "Nguyễn Văn Đức", "CB01"]]
    path.write_text("\n".join(delimiter.join(line) for line in lines) + "\n", encoding="utf-8")
    _, rows = read_all(path)
    assert rows[0].values == {"card_number": "00123", "full_name": "Nguyễn Văn Đức", "cell_code": "CB01"}


def test_a_quoted_csv_field_may_hold_the_delimiter(tmp_path):
    path = tmp_path / "members.csv"
    path.write_text('Số thẻ,Họ và tên,Mã chi bộ\n00123,"Nguyễn, Văn Đức",CB01\n', encoding="utf-8")
    _, rows = read_all(path)
    assert rows[0].values["full_name"] == "Nguyễn, Văn Đức"


def test_a_large_csv_is_streamed_in_flat_memory(tmp_path):
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Số thẻ,Họ và tên,Ngày sinh,Số CCCD\n")
        for number in range(200_000):
            handle.write(f"{number:08d},Nguyễn Văn Đức {number},05/09/1985,{number:012d}\n")
    tracemalloc.start()
    try:
        table = open_table(path, SPECS)
        count = sum(1 for _ in table.rows)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 200_000
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


# --- .xls ---------------------------------------------------------------------------------------------------------


@pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice is needed to write an .xls fixture (no Python library here writes .xls)",
)
def test_an_xls_file_is_read_with_calamine(messy_xlsx, tmp_path):
    result = subprocess.run(
        ["soffice", "--headless", "--convert-to", "xls", "--outdir", str(tmp_path), str(messy_xlsx)],
        capture_output=True,
        timeout=120,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    xls = tmp_path / "dang-vien.xls"
    if not xls.exists():
        pytest.skip(f"LibreOffice could not write the .xls fixture: {result.stderr.decode()[:200]}")
    renamed = tmp_path / "dang-vien.xlsx.bin"
    shutil.copy(xls, renamed)
    table, rows = read_all(renamed)
    assert table.header_row == 4
    assert [row.number for row in rows] == [5, 6, 8, 10, 11]
    assert rows[0].values["card_number"] == "01234567"
    assert rows[0].values["birth_date"] == datetime.date(1980, 1, 2)
    assert rows[1].values["full_name"] == "Trần Thị Thủy"
    assert rows[2].values["id_number"] == 123456789012  # .xls numbers come back whole, as int
    assert rows[2].number_formats == {}  # calamine does not give number formats


def test_an_ole2_file_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    assert read_error(path).code == "corrupt"


# --- .xlsx through calamine or openpyxl -------------------------------------------------------------------------


def _member_rows(path: Path, memo: dict | None = None) -> list[tuple]:
    from dangvu.exchange.kinds import KINDS

    kind = KINDS["members"]
    table = open_table(path, kind.specs())
    return [
        (parsed.number, parsed.values, parsed.errors, parsed.warnings)
        for parsed in (kind.parse(row, memo) for row in table.rows)
    ]


def test_calamine_reads_an_ordinary_workbook_exactly_as_openpyxl(tmp_path, monkeypatch):
    from dangvu.exchange import reading

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH"])
    sheet.append(
        ["Số thẻ", "Họ và tên", "Giới tính", "Ngày sinh", "Số CCCD", "Mã chi bộ", "Ngày vào Đảng", "Điện thoại"]
    )
    tcvn3 = unicode_to_tcvn3("Trần Thị Hoà")
    rows = [
        [
            "0100",
            "Nguyễn  Văn An ",
            "Nam",
            datetime.datetime(1980, 5, 17),
            "001080000001",
            "cb01",
            40000,
            "0912 345 678",
        ],
        ["0101", tcvn3, "nu", "05/09/1985", 1080000002, "CB01", "2015-03-02", 912345678],
        ["0102", "Lê Văn Bé", "Nữ", 33604.0, "1.23E+11", "CB02", datetime.datetime(2016, 5, 6, 12, 30), "x"],
        ["0103", "", "Nam", "31/02/1990", 123456789012, "CB02", True, ""],
    ]
    for row in rows:
        sheet.append(row)
    sheet["A3"].number_format = "@"
    path = tmp_path / "thuong.xlsx"
    book.save(path)

    # "General" and the text format "@": mixed; the 12-digit number makes calamine unfit (its format matters).
    assert reading._calamine_fits(path) == (True, reading._MIXED)
    assert reading._has_format_sensitive_number(path)
    sheet["E6"] = "001090000004"
    book.save(path)
    assert not reading._has_format_sensitive_number(path)
    by_calamine = _member_rows(path, {})
    monkeypatch.setattr(reading, "CALAMINE_MAX_CELLS", 0)  # too big for calamine: openpyxl streams it
    assert reading._calamine_fits(path) == (False, None)
    assert _member_rows(path) == by_calamine
    assert any("TCVN3" in message for _, _, _, warnings in by_calamine for _, message in warnings)


def test_a_capitals_font_sends_a_workbook_to_openpyxl_a_scientific_format_does_not(tmp_path):
    from dangvu.exchange import reading

    for style, expected in (("format", (True, "General")), ("font", (False, None))):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["Số thẻ", "Họ và tên"])
        sheet.append([123, "An"])
        if style == "format":
            # "0.00E+00" and "General" both contain the E that as_id refuses: every number reads as General.
            sheet["A2"].number_format = "0.00E+00"
        else:
            sheet["B2"].font = Font(name=".VnTimeH")  # TCVN3 in capitals: only openpyxl gives the font
        path = tmp_path / f"{style}.xlsx"
        book.save(path)
        assert reading._calamine_fits(path) == expected
