"""Party fees (đảng phí) as plain values: which regulation governs a month, and what one member owes for
it. No ORM, no request: the views, the book, the work list and the command all call `monthly_fee`.

The regulations (DOMAIN-RULES §4):
- QĐ 342-QĐ/TW (in force 1/4/2011): salaried members 1% of the salary, pensioners 0.5% of the pension;
  other members in Vietnam 2.000–30.000 đ a month as the grassroots committee sets it; those past working
  age pay 50% of that.
- QĐ 01-QĐ/TW (3/2/2026) replaced it: 1% of last month's salary for compulsory social insurance (on sick
  or maternity leave 1% of the benefit), 0,5% of the pension, 5.000 đ for pupils and students; exempt:
  50+ years of Party age, social pension, poor or near-poor household, serious illness; others may get a
  30, 50 or 70% reduction for up to 12 months at a time.

UNCONFIRMED in DOMAIN-RULES, hence settings (`SETTINGS`, stored in `FeeSetting`, editable by an admin):
the day QĐ 01 takes effect (seeded with its date, 3/2/2026), its amounts for other members and for
members abroad (seeded with QĐ 342's range and half rate), and the share of the collected fees a cell keeps
(the rest is passed up to the committee above).

Decisions where the texts are silent (README "Đảng phí"):
- A month is governed by the regulation in force on its last day: the month in which QĐ 01 takes
  effect is its first month.
- Party age is counted on the last day of the month: the month a member reaches 50 years is exempt.
- The 50-year exemption is QĐ 01's; under QĐ 342 only the exemptions the committee recorded apply
  (QĐ 342 let it exempt or reduce members in hardship).
- Under QĐ 342 a pupil or student paid as an "other member": the amount the committee set, else the
  lowest of the range.
- Amounts are whole đồng, rounded half up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from dangvu.lib.dates import add_months

QD342 = "qd342"
QD01 = "qd01"
REGIME_NAMES = {QD342: "QĐ 342-QĐ/TW", QD01: "QĐ 01-QĐ/TW"}
QD342_IN_FORCE = date(2011, 4, 1)

REDUCTION_PERCENTS = (30, 50, 70)
REDUCTION_MAX_MONTHS = 12
PARTY_AGE_EXEMPT_YEARS = 50
UNPAID_MONTHS_STRIKE_OFF = 3  # Điều lệ Đảng: "không đóng đảng phí ba tháng trong năm" không có lý do

ERR_REDUCTION_PERCENT = "Mức giảm chỉ có thể là 30%, 50% hoặc 70%."
ERR_REDUCTION_TOO_LONG = "Mỗi lần chỉ được giảm đảng phí tối đa 12 tháng (QĐ 01-QĐ/TW); đã chọn {months} tháng."
ERR_REDUCTION_ORDER = "Tháng kết thúc phải từ tháng bắt đầu trở đi."


class Category(StrEnum):
    SALARY = "salary"
    BENEFIT = "benefit"
    PENSION = "pension"
    STUDENT = "student"
    OTHER = "other"
    ABROAD = "abroad"


CATEGORY_LABELS = {
    Category.SALARY: "Hưởng lương, đóng BHXH bắt buộc (1% tiền lương đóng BHXH)",
    Category.BENEFIT: "Nghỉ ốm, thai sản (1% tiền trợ cấp BHXH)",
    Category.PENSION: "Hưởng lương hưu (0,5% lương hưu)",
    Category.STUDENT: "Học sinh, sinh viên",
    Category.OTHER: "Đảng viên khác trong nước (mức cấp ủy cơ sở quy định)",
    Category.ABROAD: "Đảng viên ở ngoài nước",
}
# Categories whose amount is a percentage of a base the member declares (salary, benefit, pension).
BASE_CATEGORIES = frozenset({Category.SALARY, Category.BENEFIT, Category.PENSION})
# Categories whose amount is the one the committee set for the member.
FIXED_CATEGORIES = frozenset({Category.OTHER, Category.ABROAD})


class Exemption(StrEnum):
    SOCIAL_PENSION = "social_pension"
    POOR_HOUSEHOLD = "poor_household"
    NEAR_POOR_HOUSEHOLD = "near_poor_household"
    SERIOUS_ILLNESS = "serious_illness"


EXEMPTION_LABELS = {
    Exemption.SOCIAL_PENSION: "Hưởng trợ cấp xã hội (lương hưu xã hội)",
    Exemption.POOR_HOUSEHOLD: "Hộ nghèo",
    Exemption.NEAR_POOR_HOUSEHOLD: "Hộ cận nghèo",
    Exemption.SERIOUS_ILLNESS: "Ốm đau hiểm nghèo, bệnh nặng",
}
PARTY_AGE_EXEMPTION_LABEL = "Tuổi đảng từ 50 năm trở lên"


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    default: Any
    kind: str  # "int" (đồng or percent) or "date"
    unconfirmed: bool
    source: str


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "qd01_effective_on",
        "Ngày QĐ 01-QĐ/TW có hiệu lực",
        date(2026, 2, 3),
        "date",
        True,
        "Ngày ký 3/2/2026; ngày hiệu lực chưa xác nhận",
    ),
    SettingSpec("qd342_other_min", "QĐ 342: mức tối thiểu của đảng viên khác (đ)", 2000, "int", False, "QĐ 342-QĐ/TW"),
    SettingSpec("qd342_other_max", "QĐ 342: mức tối đa của đảng viên khác (đ)", 30000, "int", False, "QĐ 342-QĐ/TW"),
    SettingSpec(
        "qd342_over_age_percent",
        "QĐ 342: đảng viên ngoài độ tuổi lao động đóng (% mức quy định)",
        50,
        "int",
        False,
        "QĐ 342-QĐ/TW",
    ),
    SettingSpec(
        "qd01_other_min",
        "QĐ 01: mức tối thiểu của đảng viên khác (đ)",
        2000,
        "int",
        True,
        "Chưa xác nhận; khởi tạo theo QĐ 342",
    ),
    SettingSpec(
        "qd01_other_max",
        "QĐ 01: mức tối đa của đảng viên khác (đ)",
        30000,
        "int",
        True,
        "Chưa xác nhận; khởi tạo theo QĐ 342",
    ),
    SettingSpec(
        "qd01_over_age_percent",
        "QĐ 01: đảng viên ngoài độ tuổi lao động đóng (% mức quy định)",
        50,
        "int",
        True,
        "Chưa xác nhận; khởi tạo theo QĐ 342",
    ),
    SettingSpec(
        "keep_percent_cell",
        "Chi bộ trực thuộc được giữ lại (% số thu), phần còn lại nộp lên đảng ủy cơ sở",
        30,
        "int",
        True,
        "Chưa xác nhận; khởi tạo theo cách áp dụng QĐ 342",
    ),
    SettingSpec(
        "keep_percent_grassroots",
        "Chi bộ cơ sở được giữ lại (% số thu), phần còn lại nộp lên cấp ủy cấp trên",
        90,
        "int",
        True,
        "Chưa xác nhận; khởi tạo theo cách áp dụng QĐ 342",
    ),
)
SETTING_SPECS = {spec.key: spec for spec in SETTINGS}


@dataclass(frozen=True)
class FeeSettings:
    """The settings' values (defaults overridden by what the deployment stored)."""

    values: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        if key in self.values:
            return self.values[key]
        return SETTING_SPECS[key].default

    @property
    def qd01_effective_on(self) -> date:
        value = self["qd01_effective_on"]
        return value if isinstance(value, date) else date.fromisoformat(str(value))


DEFAULT_SETTINGS = FeeSettings()


def parse_setting(key: str, raw: str) -> Any:
    """A typed value from text, or ValueError with a Vietnamese message."""
    spec = SETTING_SPECS.get(key)
    if spec is None:
        raise ValueError(f"Không có cài đặt “{key}”.")
    text = raw.strip()
    if spec.kind == "date":
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"“{raw}” không phải ngày dạng NNNN-TT-NN.") from None
    try:
        value = int(text.replace(".", ""))
    except ValueError:
        raise ValueError(f"“{raw}” không phải số nguyên.") from None
    if value < 0 or ("percent" in key and value > 100):
        raise ValueError(f"Giá trị {value} nằm ngoài khoảng cho phép.")
    return value


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    return date.fromordinal(add_months(month_start(month), 1).toordinal() - 1)


def months_between(first: date, last: date) -> int:
    """How many months from `first`'s month to `last`'s, both counted (Jan–Dec = 12)."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def regime_for(month: date, settings: FeeSettings = DEFAULT_SETTINGS) -> str:
    """The regulation governing `month`: the one in force on its last day."""
    return QD01 if month_end(month) >= settings.qd01_effective_on else QD342


def check_reduction(percent: int, first: date, last: date) -> list[str]:
    """Why a reduction cannot be granted (empty when it can)."""
    errors = []
    if percent not in REDUCTION_PERCENTS:
        errors.append(ERR_REDUCTION_PERCENT)
    if month_start(last) < month_start(first):
        errors.append(ERR_REDUCTION_ORDER)
    elif months_between(first, last) > REDUCTION_MAX_MONTHS:
        errors.append(ERR_REDUCTION_TOO_LONG.format(months=months_between(first, last)))
    return errors


@dataclass(frozen=True)
class FeeInput:
    """What the rules need about one member for one month."""

    category: Category
    base: int | None = None  # salary, benefit or pension (đồng) for BASE_CATEGORIES
    fixed_amount: int | None = None  # the committee's amount for FIXED_CATEGORIES (and a student under QĐ 342)
    over_working_age: bool = False
    exemption: Exemption | None = None
    party_age_years: int = 0  # on the month's last day
    reduction_percent: int = 0


@dataclass(frozen=True)
class FeeDue:
    amount: int
    regime: str
    basis: str  # how it was computed, in Vietnamese
    exempt_reason: str = ""

    @property
    def regime_name(self) -> str:
        return REGIME_NAMES[self.regime]


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đ"


def _gross(fee: FeeInput, regime: str, settings: FeeSettings) -> tuple[int, str]:
    """The monthly amount before any reduction, and how it was reached."""
    category = Category(fee.category)
    if category in (Category.SALARY, Category.BENEFIT):
        base = fee.base or 0
        return _round(Decimal(base) / 100), f"1% × {_vnd(base)}"
    if category == Category.PENSION:
        base = fee.base or 0
        return _round(Decimal(base) * Decimal("0.005")), f"0,5% × {_vnd(base)}"
    if category == Category.STUDENT:
        if regime == QD01:
            return 5000, "Học sinh, sinh viên: 5.000 đ"
        amount = fee.fixed_amount if fee.fixed_amount is not None else int(settings["qd342_other_min"])
        return amount, f"Học sinh, sinh viên (mức cấp ủy quy định): {_vnd(amount)}"
    amount = fee.fixed_amount or 0
    if category == Category.ABROAD:
        return amount, f"Ở ngoài nước (mức cấp ủy quy định): {_vnd(amount)}"
    if fee.over_working_age:
        percent = int(settings[f"{regime}_over_age_percent"])
        reduced = _round(Decimal(amount) * percent / 100)
        return reduced, f"Ngoài độ tuổi lao động: {percent}% × {_vnd(amount)}"
    return amount, f"Mức cấp ủy quy định: {_vnd(amount)}"


def monthly_fee(fee: FeeInput, month: date, settings: FeeSettings = DEFAULT_SETTINGS) -> FeeDue:
    """What the member owes for `month` under the regulation governing it."""
    regime = regime_for(month, settings)
    if fee.exemption:
        return FeeDue(0, regime, "Miễn đóng", EXEMPTION_LABELS[Exemption(fee.exemption)])
    if regime == QD01 and fee.party_age_years >= PARTY_AGE_EXEMPT_YEARS:
        return FeeDue(0, regime, "Miễn đóng", PARTY_AGE_EXEMPTION_LABEL)
    amount, basis = _gross(fee, regime, settings)
    if fee.reduction_percent:
        reduced = _round(Decimal(amount) * (100 - fee.reduction_percent) / 100)
        return FeeDue(reduced, regime, f"{basis}; giảm {fee.reduction_percent}% còn {_vnd(reduced)}")
    return FeeDue(amount, regime, basis)


def fixed_amount_range(regime: str, settings: FeeSettings = DEFAULT_SETTINGS) -> tuple[int, int]:
    return int(settings[f"{regime}_other_min"]), int(settings[f"{regime}_other_max"])


def keep_percent(is_grassroots_cell: bool, settings: FeeSettings = DEFAULT_SETTINGS) -> int:
    """The share (in %) of the fees collected that the cell keeps; the rest goes up to the committee."""
    return int(settings["keep_percent_grassroots" if is_grassroots_cell else "keep_percent_cell"])


def split_collected(collected: int, keep: int) -> tuple[int, int]:
    """(kept by the cell, passed up): the passed-up share rounded half up, the cell keeps the rest."""
    passed_up = _round(Decimal(collected) * (100 - keep) / 100)
    return collected - passed_up, passed_up


def unpaid_months(due: dict[int, int], paid_months: set[int], months_over: int) -> list[int]:
    """Months (1..months_over) with something due and nothing paid."""
    return [m for m in range(1, months_over + 1) if due.get(m, 0) > 0 and m not in paid_months]
