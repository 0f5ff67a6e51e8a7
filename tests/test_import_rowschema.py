"""The member row schema compiled once per file (`KindDef.row_parser`, `exchange/rowschema.py`) gives what the
per-cell reader (`KindDef.parse`, one `RowReader` call per cell) gives: the same values, and the same errors
and warnings in the same order, for messy cells, missing columns and memos that fill up and give up."""

from __future__ import annotations

import datetime

import pytest

from dangvu.exchange import kinds, rowschema
from dangvu.exchange.kinds import KINDS
from dangvu.exchange.reading import Conversion, SheetRow

MEMBERS = KINDS["members"]
ALL_KEYS = [column.key for column in MEMBERS.columns]

# Per column, cells a file may hold: good ones, refused ones, blanks; typed as the readers give them.
MESSY: dict[str, list[object]] = {
    "card_number": ["0123456789", "0123 4567", 123456, 1.23e11, "1.23E+11", "1,23E+11", True, "   ", None, "AB12"],
    "full_name": ["Nguyễn Văn An", "  Trần   Thị  Hoà ", "x" * 121, 12, 1e16, datetime.date(2000, 1, 2), None, ""],
    "sex": ["Nam", "nu", "NỮ", "female", "male", "Khác", "", None, 1],
    "birth_date": [
        "05/09/1985",
        "5/9/1985",
        "31/02/1990",
        "01/13/2000",
        "13/13/2000",
        "00/01/2000",
        "01/01/0000",
        "05/09/85",
        "1985",
        "1985-09-05",
        "05-09-1985",
        " 05 / 09 / 1985 ",
        "٠٥/٠٩/١٩٨٥",
        31000,
        60,
        1985,
        40000.5,
        datetime.datetime(1985, 9, 5, 10, 0),
        datetime.date(1985, 9, 5),
        True,
        None,
    ],
    "citizen_id": ["001185012345", "00118501234", 1185012345, 1.185012345e11, 123456789012, "0011 8501 2345", None],
    "ethnicity": ["Kinh", "Tày", "x" * 41, None],
    "religion": ["Không", "Phật giáo", None],
    "home_town": ["Xã An Phú", "x" * 256, None],
    "cell_code": ["x01-02", "X01-02", " cb01 ", None],
    "admitted_on": ["02/03/2015", "29/02/2015", "29/02/2016", 42000, None],
    "ceremony_on": ["20/03/2015", "", None],
    "official_on": ["20/03/2016", "20.03.2016", None],
    "education": ["12/12", "x" * 21, 12, None],
    "professional_level": ["Đại học", "dai_hoc", "Chưa qua đào tạo", "Tiến sĩ giả", "", None],
    "political_theory": ["Trung cấp", "trung_cap", "chua qua dao tao", "???", None],
    "occupation": ["Giáo viên", None],
    "position": ["Chi ủy viên", None],
    "phone": ["0912.345.678", "0912 345 678", "0912345678", 912345678, "+84 912", None],
    "address": ["Thôn Tây", None],
}
FORMATS = [None, "General", "@", "0.00E+00", "dd/mm/yyyy"]


def messy_rows(count: int, keys: list[str]) -> list[SheetRow]:
    rows = []
    for number in range(count):
        values: dict[str, object] = {}
        formats: dict[str, str] = {}
        for position, key in enumerate(keys):
            choices = MESSY[key]
            values[key] = choices[(number * (position + 3) + number // 7) % len(choices)]
            number_format = FORMATS[(number + position) % len(FORMATS)]
            if number_format is not None and values[key] is not None:
                formats[key] = number_format
        conversions = (
            [Conversion(column="Họ và tên", original="Trçn ThÞ Hoµ", converted="Trần Thị Hoà", encoding="TCVN3")]
            if number % 11 == 0
            else []
        )
        rows.append(SheetRow(number=number + 5, values=values, conversions=conversions, number_formats=formats))
    return rows


def readings(parse, rows):
    return [(p.number, p.values, p.errors, p.warnings) for p in map(parse, rows)]


@pytest.mark.parametrize(
    "keys",
    [
        ALL_KEYS,
        ["card_number", "full_name", "sex", "birth_date", "cell_code", "admitted_on"],
        ["citizen_id", "full_name", "birth_date", "phone"],  # no "sex" column: every row lacks a required cell
    ],
)
def test_the_compiled_schema_reads_messy_rows_as_the_cell_reader_does(keys):
    rows = messy_rows(600, keys)
    by_reader = readings(lambda row: MEMBERS.parse(row, {}), rows)
    by_plan = readings(MEMBERS.row_parser(keys), rows)
    assert by_plan == by_reader
    # Rows read twice go through the memos: the same answers again.
    assert readings(MEMBERS.row_parser(keys), rows + rows) == by_reader + by_reader
    assert any(errors for _, _, errors, _ in by_plan)
    if "sex" in keys:
        assert any(not errors for _, _, errors, _ in by_plan)
    else:
        assert all(("sex", kinds.ERR_REQUIRED) in errors for _, _, errors, _ in by_plan)


def test_full_or_abandoned_memos_change_nothing(monkeypatch):
    monkeypatch.setattr(rowschema, "MEMO_LIMIT", 3)
    monkeypatch.setattr(kinds, "MEMO_LIMIT", 3)
    rows = messy_rows(400, ALL_KEYS)
    memo: kinds.CellMemo = {}
    by_reader = readings(lambda row: MEMBERS.parse(row, memo), rows)
    assert readings(MEMBERS.row_parser(ALL_KEYS), rows) == by_reader
    assert readings(MEMBERS.row_parser(None), rows) == by_reader


def test_a_plain_date_and_a_plain_identifier_take_the_short_path_to_the_same_result():
    from dangvu.exchange import cells

    for text, day in (("05/09/1985", datetime.date(1985, 9, 5)), ("29/02/2016", datetime.date(2016, 2, 29))):
        assert cells.as_date(text) == day
    for text in ("31/02/1990", "01/13/2000", "00/01/2000", "01/01/0000"):
        with pytest.raises(cells.CellError) as refused:
            cells.as_date(text)
        assert text in refused.value.message
    assert cells.as_id("001185012345", digits=12, label="Số CCCD") == "001185012345"
    with pytest.raises(cells.CellError, match="đúng 12 chữ số"):
        cells.as_id("00118501234", digits=12, label="Số CCCD")
