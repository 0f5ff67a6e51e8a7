"""Deadlines of a member's lifecycle. Pure functions over dates and a set of holidays.

Sources (DOMAIN-RULES §3): Điều lệ Đảng 2011 Điều 5; QĐ 294-QĐ/TW (2025) and HD 06-HD/TW (2025), which keep
the rules of QĐ 24 / HD 01 (2021) on admission, probation and transfers.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from dangvu.lib.dates import add_months
from dangvu.lifecycle.calendar import add_working_days

# HD 06-HD/TW (2025) §3 (HD 01-HD/TW 2021 §3.2): the ceremony within 30 working days of the decision.
CEREMONY_WORKING_DAYS = 30
# Điều lệ Điều 5.1: "thời kỳ dự bị mười hai tháng, tính từ ngày chi bộ tổ chức lễ kết nạp".
PROBATION_MONTHS = 12
# HD 06 §3 (HD 01 §3.5): the cell considers the confirmation within 30 working days after probation.
CONFIRMATION_WORKING_DAYS = 30
# HD 06 §9 (HD 01 §9.1): official transfer — start within 60 working days of the job change, retirement
# or move; present the letter at the new place within 30 working days of its issue.
TRANSFER_START_WORKING_DAYS = 60
TRANSFER_PRESENT_WORKING_DAYS = 30
# HD 06 §9 (HD 01 §9.2): temporary transfer for 3 months to 1 year; full-time study up to 2 years.
TEMPORARY_MONTHS = 12
TEMPORARY_STUDY_MONTHS = 24


def ceremony_due(decision_on: date, holidays: Collection[date]) -> date:
    return add_working_days(decision_on, CEREMONY_WORKING_DAYS, holidays)


def official_on(ceremony_on: date) -> date:
    """The official date: the end of the 12 months of probation, even when the meeting is late
    (HD 06 §3: "vẫn được công nhận đảng viên chính thức đúng thời điểm hết 12 tháng dự bị").
    Ceremony 29/02/2024 → 28/02/2025 (month-end clamping)."""
    return add_months(ceremony_on, PROBATION_MONTHS)


def confirmation_due(ceremony_on: date, holidays: Collection[date]) -> date:
    return add_working_days(official_on(ceremony_on), CONFIRMATION_WORKING_DAYS, holidays)


def temporary_end(started_on: date, expected_end: date | None, *, study: bool = False) -> date:
    """The expected return: the date recorded on the transfer, or the longest stay allowed."""
    if expected_end is not None:
        return expected_end
    return add_months(started_on, TEMPORARY_STUDY_MONTHS if study else TEMPORARY_MONTHS)


def transfer_start_due(reason_on: date, holidays: Collection[date]) -> date:
    return add_working_days(reason_on, TRANSFER_START_WORKING_DAYS, holidays)


def transfer_present_due(letter_on: date, holidays: Collection[date]) -> date:
    return add_working_days(letter_on, TRANSFER_PRESENT_WORKING_DAYS, holidays)
