"""Date helpers in the Vietnamese convention (dd/mm/yyyy) and calendar arithmetic in months."""

from __future__ import annotations

import calendar
from datetime import date


def fmt(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def add_months(value: date, months: int) -> date:
    """Same day `months` later, clamped to the month's end (31/01 + 1 month = 28/02 or 29/02)."""
    index = value.month - 1 + months
    year, month = value.year + index // 12, index % 12 + 1
    day = value.day
    if day > 28:  # every month has the 28 first days; only the later ones may need clamping
        day = min(day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def full_months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end` ("tính theo tháng"): 15/03/2000 → 14/03/2018 is 215."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return months


def age_on(birth: date, on: date) -> int:
    """Age in full years on a date."""
    return full_months_between(birth, on) // 12
