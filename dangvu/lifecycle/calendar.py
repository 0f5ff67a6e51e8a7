"""Working days: Monday to Friday, except the public days off (`Holiday`, data updated each year).

Deadlines "trong N ngày làm việc" (QĐ 294-QĐ/TW; HD 06-HD/TW) count working days after the start date.
The pure helpers take the holidays as a set; `holidays()` reads them from the database.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta


def is_working_day(day: date, holidays: Collection[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, days: int, holidays: Collection[date]) -> date:
    """The `days`-th working day after `start` (the start day itself is not counted)."""
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if is_working_day(current, holidays):
            left -= 1
    return current


def working_days_between(start: date, end: date, holidays: Collection[date]) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current, holidays):
            count += 1
    return count


def holidays() -> frozenset[date]:
    from dangvu.lifecycle.models import Holiday

    return frozenset(Holiday.objects.values_list("day", flat=True))
