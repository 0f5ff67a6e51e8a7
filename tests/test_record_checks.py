"""Plausibility checks of a member record: impossibilities are refused (errors), doubtful but possible
data is accepted with a warning. Cases from the regulation: admission from 18 full years to 60 full
years counted in months (HD 06-HD/TW; QĐ 294), 12 months of probation from the ceremony (Điều lệ,
Điều 5), a 12-digit CCCD."""

from __future__ import annotations

from datetime import date

import pytest

from dangvu.lib.dates import add_months
from dangvu.members.checks import RecordFacts, check_record

TODAY = date(2026, 6, 15)
BIRTH = date(1990, 5, 10)


def check(**facts: object) -> tuple[dict[str, list[str]], list[str]]:
    result = check_record(RecordFacts(**facts), today=TODAY)  # type: ignore[arg-type]
    assert result.ok == (not result.errors)
    return result.errors, result.warnings


def admitted_at(months_old: int, birth: date = BIRTH) -> tuple[dict[str, list[str]], list[str]]:
    """Check a record admitted when the person was exactly `months_old` months old (ceremony the same day)."""
    admitted = add_months(birth, months_old)
    return check(birth_date=birth, admitted_on=admitted, ceremony_on=admitted)


def test_a_plain_good_record_has_no_errors_and_no_warnings() -> None:
    errors, warnings = check(
        birth_date=BIRTH,
        citizen_id="001090012345",
        phone="0912 345 678",
        admitted_on=date(2015, 3, 1),
        ceremony_on=date(2015, 3, 20),
        official_on=date(2016, 3, 20),
    )
    assert errors == {}
    assert warnings == []


def test_an_empty_record_is_fine() -> None:
    assert check() == ({}, [])


# --- admission age -----------------------------------------------------------------------------------


def test_admission_on_the_eighteenth_birthday_is_fine() -> None:
    assert admitted_at(18 * 12) == ({}, [])


def test_admission_one_day_before_the_eighteenth_birthday_is_a_warning_not_an_error() -> None:
    admitted = date(2008, 5, 9)
    errors, warnings = check(birth_date=BIRTH, admitted_on=admitted, ceremony_on=admitted)
    assert errors == {}
    assert warnings == ["Vào Đảng khi 17 tuổi 11 tháng, chưa đủ 18 tuổi theo Điều lệ."]


OLD_BIRTH = date(1960, 5, 10)


def test_admission_on_the_sixtieth_birthday_is_fine() -> None:
    assert admitted_at(60 * 12, OLD_BIRTH) == ({}, [])


def test_admission_one_month_past_sixty_full_years_is_a_warning() -> None:
    errors, warnings = admitted_at(60 * 12 + 1, OLD_BIRTH)
    assert errors == {}
    assert warnings == ["Vào Đảng khi 60 tuổi 1 tháng, trên 60 tuổi: cần quyết định của cấp ủy trực thuộc Trung ương."]


def test_admission_at_sixty_one_is_accepted_with_a_warning() -> None:
    errors, warnings = admitted_at(61 * 12, OLD_BIRTH)
    assert errors == {}
    assert len(warnings) == 1
    assert "61 tuổi 0 tháng" in warnings[0]
    assert "cấp ủy trực thuộc Trung ương" in warnings[0]


def test_admission_at_thirteen_is_refused_as_a_wrong_date() -> None:
    errors, warnings = admitted_at(13 * 12 + 6)
    assert errors == {
        "admitted_on": ["Ngày vào Đảng (10/11/2003) khi mới 13 tuổi: kiểm tra lại ngày sinh hoặc ngày vào Đảng."]
    }
    assert warnings == []


def test_admission_at_fourteen_is_doubtful_but_possible() -> None:
    errors, warnings = admitted_at(14 * 12)
    assert errors == {}
    assert warnings == ["Vào Đảng khi 14 tuổi 0 tháng, chưa đủ 18 tuổi theo Điều lệ."]


def test_admission_before_birth_is_refused() -> None:
    errors, _ = check(birth_date=BIRTH, admitted_on=date(1980, 1, 1), ceremony_on=date(1980, 1, 1))
    assert "admitted_on" in errors
    assert "khi mới 0 tuổi" in errors["admitted_on"][0]


# --- probation ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ceremony", "official"),
    [
        (date(2024, 3, 20), date(2025, 3, 20)),
        (date(2024, 1, 31), date(2025, 1, 31)),
        (date(2024, 2, 29), date(2025, 2, 28)),
    ],
)
def test_official_exactly_twelve_months_after_the_ceremony_gives_no_warning(ceremony: date, official: date) -> None:
    assert check(birth_date=BIRTH, admitted_on=ceremony, ceremony_on=ceremony, official_on=official) == ({}, [])


def test_fourteen_months_of_probation_is_a_warning_naming_fourteen_months() -> None:
    errors, warnings = check(
        birth_date=BIRTH, admitted_on=date(2024, 3, 1), ceremony_on=date(2024, 3, 20), official_on=date(2025, 5, 20)
    )
    assert errors == {}
    assert warnings == ["Thời gian dự bị 14 tháng (từ 20/03/2024 đến 20/05/2025); Điều lệ quy định 12 tháng."]


def test_a_probation_shorter_than_eleven_months_is_a_warning_naming_its_length() -> None:
    _, warnings = check(
        birth_date=BIRTH, admitted_on=date(2024, 3, 1), ceremony_on=date(2024, 3, 20), official_on=date(2024, 9, 20)
    )
    assert warnings == ["Thời gian dự bị 6 tháng (từ 20/03/2024 đến 20/09/2024); Điều lệ quy định 12 tháng."]


@pytest.mark.parametrize("official", [date(2025, 3, 19), date(2025, 3, 27)])
def test_an_official_date_a_few_days_off_the_end_of_probation_is_a_warning_with_the_expected_date(
    official: date,
) -> None:
    errors, warnings = check(
        birth_date=BIRTH, admitted_on=date(2024, 3, 1), ceremony_on=date(2024, 3, 20), official_on=official
    )
    assert errors == {}
    assert warnings == [
        f"Ngày chính thức ({official:%d/%m/%Y}) khác ngày hết 12 tháng dự bị tính từ lễ kết nạp (20/03/2025)."
    ]


def test_an_admission_without_a_ceremony_date_is_a_warning() -> None:
    errors, warnings = check(birth_date=BIRTH, admitted_on=date(2024, 3, 1))
    assert errors == {}
    assert warnings == ["Chưa có ngày tổ chức lễ kết nạp."]


def test_official_date_before_admission_is_refused() -> None:
    errors, _ = check(
        birth_date=BIRTH, admitted_on=date(2024, 3, 1), ceremony_on=date(2024, 3, 20), official_on=date(2024, 2, 1)
    )
    assert errors["official_on"] == ["Ngày chính thức (01/02/2024) không được trước ngày vào Đảng (01/03/2024)."]


def test_official_date_before_the_ceremony_is_refused() -> None:
    errors, _ = check(
        birth_date=BIRTH, admitted_on=date(2024, 3, 1), ceremony_on=date(2024, 3, 20), official_on=date(2024, 3, 10)
    )
    assert errors["official_on"] == ["Ngày chính thức (10/03/2024) không được trước ngày lễ kết nạp (20/03/2024)."]


def test_a_ceremony_before_the_admission_decision_is_refused() -> None:
    errors, _ = check(birth_date=BIRTH, admitted_on=date(2024, 3, 1), ceremony_on=date(2024, 2, 28))
    assert errors["ceremony_on"] == [
        "Ngày tổ chức lễ kết nạp (28/02/2024) không được trước ngày quyết định kết nạp (01/03/2024)."
    ]


# --- CCCD and phone ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cccd", "length"),
    [
        ("00109001234", 11),
        ("0010900123456", 13),
        ("00109001234A", 12),
        ("O01090012345", 12),
        ("001 090 0123", 12),
        ("０01090012345", 12),  # a full-width digit typed on a Vietnamese IME
        ("٠01090012345", 12),  # an Arabic-Indic digit: `\d` would take it
    ],
)
def test_a_cccd_that_is_not_twelve_ascii_digits_is_refused(cccd: str, length: int) -> None:
    errors, _ = check(citizen_id=cccd)
    assert errors == {"citizen_id": [f"Số CCCD phải gồm đúng 12 chữ số (đang có {length} ký tự)."]}


def test_a_twelve_digit_cccd_with_leading_zeros_is_fine() -> None:
    assert check(citizen_id="001090012345") == ({}, [])


@pytest.mark.parametrize("phone", ["0912345678", "+84912345678", "0912 345 678", "0912.345.678", "024 3825 1234"])
def test_common_ways_of_writing_a_phone_number_are_fine(phone: str) -> None:
    assert check(phone=phone) == ({}, [])


@pytest.mark.parametrize("phone", ["0912-345-678", "12345", "09123456789012", "số nhà", "０912345678"])
def test_a_phone_number_with_other_characters_or_length_is_refused(phone: str) -> None:
    errors, _ = check(phone=phone)
    assert errors == {"phone": ["Số điện thoại chỉ gồm chữ số (9–12 số), có thể có dấu + ở đầu."]}


# --- dates in the future and the distant past --------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("birth_date", "Ngày sinh"),
        ("admitted_on", "Ngày vào Đảng"),
        ("ceremony_on", "Ngày lễ kết nạp"),
        ("official_on", "Ngày chính thức"),
    ],
)
def test_a_date_after_today_is_refused(field: str, label: str) -> None:
    errors, _ = check(**{field: date(2026, 6, 16)})
    assert errors[field] == [f"{label} (16/06/2026) không được sau ngày hôm nay."]


def test_today_itself_is_not_in_the_future() -> None:
    errors, _ = check(birth_date=date(1990, 1, 1), admitted_on=TODAY, ceremony_on=TODAY)
    assert errors == {}


def test_a_birth_date_before_1890_is_refused() -> None:
    errors, _ = check(birth_date=date(1889, 12, 31))
    assert errors == {"birth_date": ["Ngày sinh trước năm 1890 là không hợp lý."]}


def test_every_impossibility_of_a_record_is_reported_at_once() -> None:
    errors, _ = check(
        citizen_id="123",
        phone="abc",
        birth_date=date(2027, 1, 1),
        admitted_on=date(2024, 3, 1),
        ceremony_on=date(2024, 2, 1),
        official_on=date(2024, 1, 1),
    )
    assert set(errors) == {"citizen_id", "phone", "birth_date", "admitted_on", "ceremony_on", "official_on"}
