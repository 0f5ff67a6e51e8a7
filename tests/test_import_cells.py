"""Per-cell readers: dates, identifiers, numbers, yes/no and choices from messy cells, or a Vietnamese refusal."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from dangvu.exchange.cells import CellError, as_bool, as_choice, as_date, as_decimal, as_id, as_int, as_text

D = datetime.date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("05/09/1985", D(1985, 9, 5)),
        ("5/9/1985", D(1985, 9, 5)),
        ("05-09-1985", D(1985, 9, 5)),
        ("05.09.1985", D(1985, 9, 5)),
        ("1985-09-05", D(1985, 9, 5)),
        ("1985-09-05 00:00:00", D(1985, 9, 5)),
        (" 29/02/2024 ", D(2024, 2, 29)),
        (datetime.datetime(1985, 9, 5, 0, 0), D(1985, 9, 5)),
        (D(1985, 9, 5), D(1985, 9, 5)),
        (31295, D(1985, 9, 5)),
        (31295.75, D(1985, 9, 5)),  # the fraction is the time of day
        (1, D(1900, 1, 1)),
        (59, D(1900, 2, 28)),
        (61, D(1900, 3, 1)),  # after Excel's non-existent 29/02/1900
        (45000, D(2023, 3, 15)),
        (None, None),
        ("", None),
    ],
)
def test_dates_are_read_from_text_serials_and_date_cells(value, expected):
    assert as_date(value) == expected


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("31/02/2020", "31/02/2020"),
        ("29/02/2023", "29/02/2023"),
        ("12/25/1990", "tháng trước ngày"),
        ("01/02/85", "4 chữ số"),
        ("1985", "chỉ là năm"),
        (1985, "chỉ là năm"),
        (60, "29/02/1900"),
        (-5, "-5"),
        ("hôm qua", "hôm qua"),
        ("05/09/1985/1", "05/09/1985/1"),
        (True, "True"),
    ],
)
def test_impossible_or_ambiguous_dates_are_refused_showing_what_was_read(value, shown):
    with pytest.raises(CellError) as caught:
        as_date(value)
    assert shown in caught.value.message


def test_a_card_number_keeps_its_leading_zeros():
    assert as_id("00012345", digits=8, label="Số thẻ đảng viên") == "00012345"
    assert as_id(" 0001 2345 ", label="Số thẻ đảng viên") == "00012345"
    assert as_id(None, label="Số CCCD") is None


@pytest.mark.parametrize("value", ["1.23E+11", "1,23E+11", "1.23457e+11", "1E+11"])
def test_an_id_in_scientific_notation_is_refused_asking_for_a_text_column(value):
    with pytest.raises(CellError) as caught:
        as_id(value, digits=12, label="Số CCCD")
    assert "Số CCCD" in caught.value.message and value in caught.value.message
    assert "Văn bản (Text)" in caught.value.message


def test_a_numeric_id_that_lost_its_leading_zero_is_refused():
    with pytest.raises(CellError, match="số 0 ở đầu"):
        as_id(1080012345, digits=12, label="Số CCCD", number_format="General")


def test_a_numeric_id_in_scientific_format_is_refused_even_with_all_its_digits():
    with pytest.raises(CellError, match="Văn bản"):
        as_id(123456789012, digits=12, label="Số CCCD", number_format="0.00E+00")


def test_a_whole_numeric_id_with_exactly_the_expected_digits_is_accepted():
    # Nothing was lost: 12 digits typed, 12 digits stored, shown in a plain format.
    assert as_id(123456789012, digits=12, label="Số CCCD", number_format="0") == "123456789012"
    assert as_id(123456789012.0, digits=12, label="Số CCCD") == "123456789012"


def test_a_numeric_id_is_refused_when_the_length_is_not_known():
    with pytest.raises(CellError):
        as_id(12345, label="Số thẻ đảng viên")


@pytest.mark.parametrize(("value", "message"), [("0123", "đúng 12 chữ số"), ("12345678901A", "chỉ được gồm chữ số")])
def test_an_id_of_the_wrong_shape_is_refused(value, message):
    with pytest.raises(CellError, match=message):
        as_id(value, digits=12, label="Số CCCD")


def test_text_is_cleaned_and_numbers_lose_a_useless_decimal():
    assert as_text("  Nguyễn   Văn An ") == "Nguyễn Văn An"
    assert as_text(12.0) == "12"
    assert as_text(12.5) == "12.5"
    assert as_text(D(1985, 9, 5)) == "05/09/1985"
    assert as_text(None) == ""


@pytest.mark.parametrize(
    ("value", "expected"), [("12", 12), (" 12 ", 12), (12, 12), (12.0, 12), ("-3", -3), ("", None)]
)
def test_integers(value, expected):
    assert as_int(value) == expected


@pytest.mark.parametrize("value", ["12.5", "12,5", "mười", 12.5, True])
def test_non_integers_are_refused(value):
    with pytest.raises(CellError, match="số nguyên"):
        as_int(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("92,5", Decimal("92.5")),
        ("92.5", Decimal("92.5")),
        ("92", Decimal("92")),
        (92.5, Decimal("92.5")),
        (90, Decimal("90")),
        ("1.234,5", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        ("1.234.567", Decimal("1234567")),
        ("", None),
    ],
)
def test_decimals_in_vietnamese_and_english_forms(value, expected):
    assert as_decimal(value) == expected


@pytest.mark.parametrize("value", ["chín mươi", "9 2,5,", "1e3", "--1"])
def test_non_numbers_are_refused(value):
    with pytest.raises(CellError, match="không phải số"):
        as_decimal(value)


@pytest.mark.parametrize("value", ["x", "X", "có", "Có", "1", "true", "TRUE", 1, True])
def test_yes_values(value):
    assert as_bool(value) is True


@pytest.mark.parametrize("value", ["", None, "không", "Không", "0", "false", 0, False])
def test_no_values(value):
    assert as_bool(value) is False


def test_an_unclear_yes_no_is_refused():
    with pytest.raises(CellError, match="“có lẽ”"):
        as_bool("có lẽ")


GENDERS = {"female": "Nữ", "male": "Nam"}


@pytest.mark.parametrize("value", ["Nữ", "nu", "NỮ", " nữ ", "female", "Female"])
def test_a_choice_is_matched_by_code_or_label_whatever_the_accents(value):
    assert as_choice(value, GENDERS) == "female"


def test_an_unknown_choice_lists_the_accepted_labels():
    with pytest.raises(CellError) as caught:
        as_choice("Khác", GENDERS)
    assert "“Khác”" in caught.value.message and "“Nữ”" in caught.value.message and "“Nam”" in caught.value.message


def test_a_numeric_code_matches_a_choice():
    assert as_choice(2, {"1": "Quý 1", "2": "Quý 2"}) == "2"
    assert as_choice(None, GENDERS) is None
