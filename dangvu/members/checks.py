"""Plausibility checks of a member record (sơ yếu lý lịch).

Two outcomes: an *error* is an impossibility (a 12-digit CCCD with 11 digits, a date in the future,
official membership before admission) and is refused; a *warning* is doubtful but possible data
(admitted at 61, 14 months of probation) and is accepted and shown. Pure code over plain values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from dangvu.lib.dates import add_months, age_on, full_months_between

# Điều lệ Đảng, Điều 1 and QĐ 294 §1: admission from 18 full years to 60 full years, counted in months;
# over 60 needs the decision of a committee directly under the Central Committee.
ADMISSION_MIN_AGE_MONTHS = 18 * 12
ADMISSION_MAX_AGE_MONTHS = 60 * 12
# Younger than this at admission is not a doubtful record but a wrong date.
ADMISSION_IMPOSSIBLE_AGE = 14
# Điều lệ Đảng, Điều 5: probation is twelve months from the admission ceremony.
PROBATION_MONTHS = 12
EARLIEST_BIRTH_YEAR = 1890

# [0-9], not \d: \d also takes full-width and other Unicode digits, which are not a valid number.
CCCD = re.compile(r"[0-9]{12}")
PHONE = re.compile(r"\+?[0-9]{9,12}")

ERR_CCCD = "Số CCCD phải gồm đúng 12 chữ số (đang có {count} ký tự)."
ERR_FUTURE = "{label} ({day}) không được sau ngày hôm nay."
ERR_BIRTH_TOO_EARLY = "Ngày sinh trước năm {year} là không hợp lý."
ERR_ADMITTED_TOO_YOUNG = "Ngày vào Đảng ({day}) khi mới {age} tuổi: kiểm tra lại ngày sinh hoặc ngày vào Đảng."
ERR_CEREMONY_BEFORE_DECISION = (
    "Ngày tổ chức lễ kết nạp ({ceremony}) không được trước ngày quyết định kết nạp ({decision})."
)
ERR_OFFICIAL_BEFORE_ADMISSION = "Ngày chính thức ({official}) không được trước ngày vào Đảng ({admitted})."
ERR_OFFICIAL_BEFORE_CEREMONY = "Ngày chính thức ({official}) không được trước ngày lễ kết nạp ({ceremony})."
ERR_PHONE = "Số điện thoại chỉ gồm chữ số (9–12 số), có thể có dấu + ở đầu."
WARN_OLD = "Vào Đảng khi {age} tuổi {months} tháng, trên 60 tuổi: cần quyết định của cấp ủy trực thuộc Trung ương."
WARN_YOUNG = "Vào Đảng khi {age} tuổi {months} tháng, chưa đủ 18 tuổi theo Điều lệ."
WARN_PROBATION = "Thời gian dự bị {months} tháng (từ {ceremony} đến {official}); Điều lệ quy định 12 tháng."
WARN_OFFICIAL_DATE = "Ngày chính thức ({official}) khác ngày hết 12 tháng dự bị tính từ lễ kết nạp ({expected})."
WARN_NO_CEREMONY = "Chưa có ngày tổ chức lễ kết nạp."

LABELS = {
    "birth_date": "Ngày sinh",
    "admitted_on": "Ngày vào Đảng",
    "ceremony_on": "Ngày lễ kết nạp",
    "official_on": "Ngày chính thức",
}


@dataclass(frozen=True)
class RecordFacts:
    birth_date: date | None = None
    citizen_id: str = ""
    phone: str = ""
    admitted_on: date | None = None
    ceremony_on: date | None = None
    official_on: date | None = None


@dataclass
class CheckResult:
    errors: dict[str, list[str]]
    warnings: list[str]

    @property
    def ok(self) -> bool:
        return not self.errors


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def check_record(facts: RecordFacts, *, today: date) -> CheckResult:
    errors: dict[str, list[str]] = {}
    warnings: list[str] = []

    def error(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if facts.citizen_id and not CCCD.fullmatch(facts.citizen_id):
        error("citizen_id", ERR_CCCD.format(count=len(facts.citizen_id)))
    if facts.phone and not PHONE.fullmatch(facts.phone.replace(" ", "").replace(".", "")):
        error("phone", ERR_PHONE)
    for name, label in LABELS.items():
        day = getattr(facts, name)
        if day is not None and day > today:
            error(name, ERR_FUTURE.format(label=label, day=_d(day)))
    if facts.birth_date is not None and facts.birth_date.year < EARLIEST_BIRTH_YEAR:
        error("birth_date", ERR_BIRTH_TOO_EARLY.format(year=EARLIEST_BIRTH_YEAR))

    admitted, ceremony, official = facts.admitted_on, facts.ceremony_on, facts.official_on
    if facts.birth_date is not None and admitted is not None:
        months = full_months_between(facts.birth_date, admitted)
        if age_on(facts.birth_date, admitted) < ADMISSION_IMPOSSIBLE_AGE:
            error("admitted_on", ERR_ADMITTED_TOO_YOUNG.format(day=_d(admitted), age=max(months // 12, 0)))
        elif months < ADMISSION_MIN_AGE_MONTHS:
            warnings.append(WARN_YOUNG.format(age=months // 12, months=months % 12))
        elif months > ADMISSION_MAX_AGE_MONTHS:
            warnings.append(WARN_OLD.format(age=months // 12, months=months % 12))
    if admitted is not None and ceremony is not None and ceremony < admitted:
        error("ceremony_on", ERR_CEREMONY_BEFORE_DECISION.format(ceremony=_d(ceremony), decision=_d(admitted)))
    if admitted is not None and official is not None and official < admitted:
        error("official_on", ERR_OFFICIAL_BEFORE_ADMISSION.format(official=_d(official), admitted=_d(admitted)))
    elif ceremony is not None and official is not None and official < ceremony:
        # Probation runs from the ceremony (Điều lệ, Điều 5): no one is official before it.
        error("official_on", ERR_OFFICIAL_BEFORE_CEREMONY.format(official=_d(official), ceremony=_d(ceremony)))
    if admitted is not None and ceremony is None:
        warnings.append(WARN_NO_CEREMONY)
    if ceremony is not None and official is not None and official >= ceremony:
        expected = add_months(ceremony, PROBATION_MONTHS)
        if official != expected:
            months = full_months_between(ceremony, official)
            if months == PROBATION_MONTHS or months == PROBATION_MONTHS - 1:
                warnings.append(WARN_OFFICIAL_DATE.format(official=_d(official), expected=_d(expected)))
            else:
                warnings.append(WARN_PROBATION.format(months=months, ceremony=_d(ceremony), official=_d(official)))
    return CheckResult(errors=errors, warnings=warnings)
