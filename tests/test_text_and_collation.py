"""Vietnamese text rules: normalisation, accent-free search folding, name splitting, ICU collation in
the Vietnamese alphabet (a ă â b c d đ e ê …) with the given name first, and calendar arithmetic in
months (the regulation counts ages "tính theo tháng")."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import pytest

from dangvu.lib.collation import name_sort_key, sort_key, sorted_vi
from dangvu.lib.dates import add_months, age_on, fmt, full_months_between
from dangvu.lib.text import clean, fold, split_name
from dangvu.members.models import Member
from tests.factories import World, make_member

# --- clean -------------------------------------------------------------------------------------------


def test_clean_collapses_whitespace_and_trims() -> None:
    assert clean("  Nguyễn \t Văn\n\nAn  ") == "Nguyễn Văn An"


def test_clean_turns_decomposed_unicode_into_composed_form() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Đức")
    assert decomposed != "Nguyễn Văn Đức"
    assert clean(decomposed) == "Nguyễn Văn Đức"
    assert unicodedata.is_normalized("NFC", clean(decomposed))


def test_clean_of_an_empty_or_blank_text_is_empty() -> None:
    assert clean("") == ""
    assert clean("   ") == ""


# --- fold --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nguyễn Văn Đức", "nguyen van duc"),
        ("ĐẶNG THỊ Ở", "dang thi o"),
        ("đường", "duong"),
        ("Ưng Hoàng Phúc", "ung hoang phuc"),
        ("Chi bộ thôn Đông", "chi bo thon dong"),
        ("  Lê   Minh\tChâu ", "le minh chau"),
        ("Trần Thị Bình", "tran thi binh"),
        ("", ""),
    ],
)
def test_fold_gives_the_accent_free_lower_case_form(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_is_the_same_for_composed_and_decomposed_input() -> None:
    name = "Nguyễn Thị Ánh Tuyết"
    assert fold(unicodedata.normalize("NFD", name)) == fold(name) == "nguyen thi anh tuyet"


def test_fold_is_idempotent_so_a_folded_query_matches_a_folded_name() -> None:
    assert fold(fold("Phạm Văn Dũng")) == fold("Phạm Văn Dũng") == fold("pham van dung")


# --- split_name --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("full_name", "given", "rest"),
    [
        ("Nguyễn Văn An", "An", "Nguyễn Văn"),
        ("  Nguyễn   Văn  An ", "An", "Nguyễn Văn"),
        ("Hoàng Đức", "Đức", "Hoàng"),
        ("Tôn Nữ Thị Ngọc Hân", "Hân", "Tôn Nữ Thị Ngọc"),
        ("An", "An", ""),
        ("", "", ""),
    ],
)
def test_split_name_takes_the_last_word_as_given_name(full_name: str, given: str, rest: str) -> None:
    assert split_name(full_name) == (given, rest)


# --- collation ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ("a", "ă"),
        ("ă", "â"),
        ("â", "b"),
        ("c", "d"),
        ("d", "đ"),
        ("đ", "e"),
        ("e", "ê"),
        ("ê", "g"),
        ("o", "ô"),
        ("ô", "ơ"),
        ("ơ", "p"),
        ("u", "ư"),
        ("ư", "v"),
        ("An", "Anh"),
        ("Anh", "Ánh"),
        ("Ánh", "Ăn"),
        ("Ăn", "Ân"),
        ("Ân", "Bình"),
        ("Dũng", "Đức"),
        ("Đức", "Em"),
        ("Duy", "Đào"),
    ],
)
def test_vietnamese_alphabet_order(earlier: str, later: str) -> None:
    assert sort_key(earlier) < sort_key(later)


def test_tones_sort_after_the_base_letter_in_the_traditional_order() -> None:
    # ngang, huyền, hỏi, ngã, sắc, nặng: the order of Vietnamese dictionaries, which ICU vi follows.
    assert sorted_vi(["Ạ", "Á", "Ã", "Ả", "À", "A"]) == ["A", "À", "Ả", "Ã", "Á", "Ạ"]


def test_a_plain_list_of_given_names_sorts_the_vietnamese_way() -> None:
    names = ["Đức", "Dũng", "Ân", "Ăn", "Bình", "Ánh", "Anh", "An", "Ê", "Em"]
    assert sorted_vi(names) == ["An", "Anh", "Ánh", "Ăn", "Ân", "Bình", "Dũng", "Đức", "Em", "Ê"]


def test_sort_key_does_not_depend_on_unicode_normal_form() -> None:
    assert sort_key(unicodedata.normalize("NFD", "Nguyễn Ánh")) == sort_key("Nguyễn Ánh")


def test_sort_key_ignores_surrounding_and_repeated_spaces() -> None:
    assert sort_key("  Lê   An ") == sort_key("Lê An")


def test_name_order_is_given_name_first() -> None:
    assert name_sort_key("Trần Văn An") < name_sort_key("Nguyễn Thị Bình")
    assert name_sort_key("Lê An") < name_sort_key("Nguyễn Anh")


def test_people_with_the_same_given_name_sort_by_the_rest_of_the_name() -> None:
    assert name_sort_key("Lê An") < name_sort_key("Nguyễn Văn An") < name_sort_key("Trần An")


def test_a_shorter_given_name_comes_first_whatever_the_family_name() -> None:
    # "An" is a prefix of "Anh": a naive concatenation "An" + "Vũ" would sort after "Anh" + "Đỗ".
    assert name_sort_key("Vũ Văn An") < name_sort_key("Đỗ Anh")
    assert name_sort_key("Ưng An") < name_sort_key("An Anh")


def test_a_roster_sorts_by_given_name_then_family_and_middle_names() -> None:
    roster = [
        "Hồ Đức",
        "Ngô Dũng",
        "Nguyễn Thị Bình",
        "Phạm Ân",
        "Vũ Ăn",
        "Nguyễn Ánh",
        "Nguyễn Anh",
        "Trần Văn An",
        "Lê An",
    ]
    assert sorted(roster, key=name_sort_key) == [
        "Lê An",
        "Trần Văn An",
        "Nguyễn Anh",
        "Nguyễn Ánh",
        "Vũ Ăn",
        "Phạm Ân",
        "Nguyễn Thị Bình",
        "Ngô Dũng",
        "Hồ Đức",
    ]


def test_a_one_word_name_sorts_before_longer_names_with_that_given_name() -> None:
    assert name_sort_key("An") < name_sort_key("Lê An")


def test_name_sort_key_is_bytes_so_the_database_can_order_by_it() -> None:
    assert isinstance(name_sort_key("Nguyễn Văn An"), bytes)


# --- dates -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "result"),
    [
        (date(2025, 1, 15), 1, date(2025, 2, 15)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2025, 8, 31), 1, date(2025, 9, 30)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 12, 31), 2, date(2026, 2, 28)),
        (date(2025, 3, 20), 12, date(2026, 3, 20)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
        (date(2025, 1, 15), 0, date(2025, 1, 15)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 1, 15), -1, date(2024, 12, 15)),
        (date(2025, 1, 15), -13, date(2023, 12, 15)),
        (date(2000, 3, 15), 216, date(2018, 3, 15)),
    ],
)
def test_add_months_keeps_the_day_and_clamps_to_the_end_of_the_month(start: date, months: int, result: date) -> None:
    assert add_months(start, months) == result


def test_add_months_agrees_with_the_calendar_for_every_day_of_a_leap_cycle() -> None:
    import calendar

    day = date(1999, 12, 1)
    while day < date(2004, 2, 1):
        for months in (-13, -1, 0, 1, 2, 11, 12, 13, 24, 48):
            index = day.month - 1 + months
            year, month = day.year + index // 12, index % 12 + 1
            assert add_months(day, months) == date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
        day += timedelta(days=1)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2000, 3, 15), date(2018, 3, 14), 215),
        (date(2000, 3, 15), date(2018, 3, 15), 216),
        (date(2000, 3, 15), date(2018, 4, 14), 216),
        (date(2025, 1, 31), date(2025, 2, 27), 0),
        (date(2025, 1, 31), date(2025, 2, 28), 1),
        (date(2025, 3, 20), date(2026, 3, 20), 12),
        (date(2025, 3, 20), date(2026, 3, 19), 11),
        (date(2025, 3, 20), date(2026, 5, 20), 14),
        (date(2025, 3, 20), date(2025, 3, 20), 0),
        (date(2025, 3, 20), date(2025, 3, 19), -1),
    ],
)
def test_full_months_between_counts_whole_months(start: date, end: date, months: int) -> None:
    assert full_months_between(start, end) == months


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(2000, 3, 15), date(2018, 3, 14), 17),
        (date(2000, 3, 15), date(2018, 3, 15), 18),
        (date(1965, 7, 1), date(2025, 6, 30), 59),
        (date(1965, 7, 1), date(2025, 7, 1), 60),
        (date(2004, 2, 29), date(2022, 2, 28), 18),
        (date(2004, 2, 29), date(2022, 2, 27), 17),
    ],
)
def test_age_on_counts_full_years(birth: date, on: date, age: int) -> None:
    assert age_on(birth, on) == age


def test_dates_are_shown_as_dd_mm_yyyy() -> None:
    assert fmt(date(2025, 7, 1)) == "01/07/2025"
    assert fmt(None) == ""


@pytest.mark.django_db
def test_the_database_orders_members_by_the_stored_key_in_vietnamese_order(world: World) -> None:
    # bytea on PostgreSQL and BLOB on SQLite both compare bytewise, as ICU keys need.
    for name in ("Vũ Văn Ân", "Đỗ Anh", "Lý Ánh", "Ưng An", "Hà Ăn", "Bùi Đào", "Tạ Duy"):
        make_member(world.office_cell, name)
    names = list(Member.objects.order_by("name_sort_key", "pk").values_list("full_name", flat=True))
    assert names == [
        "Nguyễn Văn An",
        "Ưng An",
        "Đỗ Anh",
        "Lý Ánh",
        "Hà Ăn",
        "Vũ Văn Ân",
        "Trần Thị Bình",
        "Lê Minh Châu",
        "Phạm Văn Dũng",
        "Tạ Duy",
        "Bùi Đào",
        "Hoàng Đức",
        "Võ Thị Giang",
    ]
