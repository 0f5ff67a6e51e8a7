"""The fee rules as plain values (DOMAIN-RULES §4): each category, exemption and reduction in the month
before QĐ 01-QĐ/TW takes effect (January 2026, QĐ 342) and the month it does (February 2026, QĐ 01),
each expected amount computed from the regulation's rate and the input."""

from __future__ import annotations

from datetime import date

import pytest

from dangvu.fees import rules
from dangvu.fees.rules import QD01, QD342, Category, Exemption, FeeInput, FeeSettings, monthly_fee

JAN = date(2026, 1, 1)  # the month before QĐ 01 (3/2/2026) takes effect
FEB = date(2026, 2, 1)  # the month it takes effect in
SALARY = 8_540_000
PENSION = 7_310_000


def test_the_month_of_the_effective_date_is_the_first_under_qd01() -> None:
    assert rules.DEFAULT_SETTINGS.qd01_effective_on == date(2026, 2, 3)
    assert rules.regime_for(JAN) == QD342
    assert rules.regime_for(FEB) == QD01
    assert rules.regime_for(date(2011, 4, 1)) == QD342


def test_the_effective_date_is_a_setting() -> None:
    later = FeeSettings({"qd01_effective_on": date(2026, 3, 1)})
    assert rules.regime_for(FEB, later) == QD342
    assert rules.regime_for(date(2026, 3, 1), later) == QD01


@pytest.mark.parametrize("month", [JAN, FEB])
def test_a_salaried_member_pays_one_percent_of_the_social_insurance_salary(month: date) -> None:
    due = monthly_fee(FeeInput(Category.SALARY, base=SALARY), month)
    assert due.amount == SALARY // 100 == 85_400


def test_one_percent_is_rounded_half_up_to_the_dong() -> None:
    assert monthly_fee(FeeInput(Category.SALARY, base=6_234_550), FEB).amount == 62_346  # 62.345,5
    assert monthly_fee(FeeInput(Category.SALARY, base=6_234_549), FEB).amount == 62_345


@pytest.mark.parametrize("month", [JAN, FEB])
def test_on_sick_or_maternity_leave_one_percent_of_the_benefit(month: date) -> None:
    assert monthly_fee(FeeInput(Category.BENEFIT, base=5_000_000), month).amount == 50_000


@pytest.mark.parametrize("month", [JAN, FEB])
def test_a_pensioner_pays_half_a_percent_of_the_pension(month: date) -> None:
    due = monthly_fee(FeeInput(Category.PENSION, base=PENSION), month)
    assert due.amount == PENSION * 5 // 1000 == 36_550
    assert "0,5%" in due.basis


def test_a_student_pays_5000_under_qd01_and_the_committee_amount_before() -> None:
    assert monthly_fee(FeeInput(Category.STUDENT), FEB).amount == 5_000
    assert monthly_fee(FeeInput(Category.STUDENT, fixed_amount=3_000), FEB).amount == 5_000
    assert monthly_fee(FeeInput(Category.STUDENT, fixed_amount=3_000), JAN).amount == 3_000
    # No amount set under QĐ 342: the lowest of its range (setting qd342_other_min).
    assert monthly_fee(FeeInput(Category.STUDENT), JAN).amount == 2_000


@pytest.mark.parametrize("month", [JAN, FEB])
def test_another_member_pays_the_committee_amount_and_half_past_working_age(month: date) -> None:
    assert monthly_fee(FeeInput(Category.OTHER, fixed_amount=20_000), month).amount == 20_000
    assert monthly_fee(FeeInput(Category.OTHER, fixed_amount=20_000, over_working_age=True), month).amount == 10_000


def test_qd01_half_rate_past_working_age_is_a_setting_of_its_own() -> None:
    settings = FeeSettings({"qd01_over_age_percent": 100})
    fee = FeeInput(Category.OTHER, fixed_amount=20_000, over_working_age=True)
    assert monthly_fee(fee, JAN, settings).amount == 10_000  # QĐ 342's 50% still governs January
    assert monthly_fee(fee, FEB, settings).amount == 20_000


def test_a_member_abroad_pays_the_amount_set() -> None:
    assert monthly_fee(FeeInput(Category.ABROAD, fixed_amount=120_000), FEB).amount == 120_000


@pytest.mark.parametrize("exemption", list(Exemption))
@pytest.mark.parametrize("month", [JAN, FEB])
def test_a_recorded_exemption_makes_the_month_free(exemption: Exemption, month: date) -> None:
    due = monthly_fee(FeeInput(Category.PENSION, base=PENSION, exemption=exemption), month)
    assert due.amount == 0
    assert due.exempt_reason == rules.EXEMPTION_LABELS[exemption]


def test_fifty_years_of_party_age_exempts_from_qd01_on_only() -> None:
    fee = FeeInput(Category.PENSION, base=PENSION, party_age_years=52)
    assert monthly_fee(fee, JAN).amount == 36_550
    feb = monthly_fee(fee, FEB)
    assert feb.amount == 0 and feb.exempt_reason == rules.PARTY_AGE_EXEMPTION_LABEL
    assert monthly_fee(FeeInput(Category.PENSION, base=PENSION, party_age_years=49), FEB).amount == 36_550


@pytest.mark.parametrize("percent", [30, 50, 70])
@pytest.mark.parametrize("month", [JAN, FEB])
def test_a_reduction_takes_its_percentage_off(percent: int, month: date) -> None:
    due = monthly_fee(FeeInput(Category.SALARY, base=SALARY, reduction_percent=percent), month)
    assert due.amount == 85_400 * (100 - percent) // 100
    assert f"giảm {percent}%" in due.basis


def test_a_reduction_of_a_student_follows_the_rate_of_the_month() -> None:
    fee = FeeInput(Category.STUDENT, fixed_amount=3_000, reduction_percent=50)
    assert monthly_fee(fee, JAN).amount == 1_500
    assert monthly_fee(fee, FEB).amount == 2_500


def test_a_reduction_is_at_most_twelve_months_at_a_time() -> None:
    assert rules.check_reduction(50, date(2026, 3, 1), date(2027, 2, 1)) == []
    assert rules.check_reduction(50, date(2026, 3, 1), date(2027, 3, 1)) == [
        rules.ERR_REDUCTION_TOO_LONG.format(months=13)
    ]
    assert rules.check_reduction(40, date(2026, 3, 1), date(2026, 5, 1)) == [rules.ERR_REDUCTION_PERCENT]
    assert rules.check_reduction(30, date(2026, 5, 1), date(2026, 3, 1)) == [rules.ERR_REDUCTION_ORDER]


def test_the_share_passed_up_is_rounded_and_the_cell_keeps_the_rest() -> None:
    assert rules.split_collected(100_001, 30) == (100_001 - 70_001, 70_001)  # 70.000,7 → 70.001
    assert rules.split_collected(0, 30) == (0, 0)
    assert rules.keep_percent(False) == 30 and rules.keep_percent(True) == 90


def test_settings_are_parsed_with_vietnamese_errors() -> None:
    assert rules.parse_setting("qd01_effective_on", "2026-03-01") == date(2026, 3, 1)
    assert rules.parse_setting("qd01_other_max", "40.000") == 40_000
    with pytest.raises(ValueError, match="không phải ngày"):
        rules.parse_setting("qd01_effective_on", "3/2/2026")
    with pytest.raises(ValueError, match="ngoài khoảng"):
        rules.parse_setting("keep_percent_cell", "130")
    with pytest.raises(ValueError, match="Không có cài đặt"):
        rules.parse_setting("nope", "1")
