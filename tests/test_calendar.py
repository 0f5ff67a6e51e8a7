"""Working days: weekends and the public holidays (Tết included) are skipped; the holidays are data."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dangvu.lifecycle.calendar import add_working_days, holidays, is_working_day, working_days_between
from dangvu.lifecycle.models import Holiday

pytestmark = pytest.mark.django_db


def test_the_migration_seeds_tet_and_the_national_days_for_2024_to_2027() -> None:
    days = holidays()
    assert date(2026, 2, 17) in days  # mùng 1 Tết Bính Ngọ
    assert date(2025, 1, 29) in days and date(2024, 2, 10) in days and date(2027, 2, 6) in days
    assert {date(2026, 4, 30), date(2026, 5, 1), date(2026, 9, 2)} <= days
    assert date(2026, 2, 23) not in days  # back to work on Monday 23/02/2026


def test_weekends_and_tet_are_not_working_days() -> None:
    days = holidays()
    assert not is_working_day(date(2026, 11, 21), days)  # Saturday
    assert not is_working_day(date(2026, 2, 18), days)  # Tết
    assert is_working_day(date(2026, 11, 23), days)


def test_counting_across_tet_skips_the_whole_holiday() -> None:
    days = holidays()
    # Friday 13/02/2026 + 1 working day: Tết runs 14–22/02, so the next working day is Monday 23/02.
    assert add_working_days(date(2026, 2, 13), 1, days) == date(2026, 2, 23)
    assert add_working_days(date(2026, 2, 13), 1, frozenset()) == date(2026, 2, 16)
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 23), days) == 1


def test_the_start_day_is_not_counted_and_a_weekend_start_counts_from_monday() -> None:
    assert add_working_days(date(2026, 11, 20), 1, frozenset()) == date(2026, 11, 23)  # Fri → Mon
    assert add_working_days(date(2026, 11, 21), 1, frozenset()) == date(2026, 11, 23)  # Sat → Mon
    assert add_working_days(date(2026, 11, 23), 5, frozenset()) == date(2026, 11, 30)


def test_the_command_lists_adds_and_removes_a_holiday() -> None:
    out = StringIO()
    call_command("holidays", "add", "2026-11-24", "Ngày Văn hóa Việt Nam", stdout=out)
    assert Holiday.objects.filter(day=date(2026, 11, 24)).exists()
    assert date(2026, 11, 24) in holidays()
    out = StringIO()
    call_command("holidays", "list", "--year", "2026", stdout=out)
    assert "24/11/2026\tNgày Văn hóa Việt Nam" in out.getvalue() and "17/02/2026" in out.getvalue()
    call_command("holidays", "remove", "2026-11-24", stdout=StringIO())
    assert date(2026, 11, 24) not in holidays()
    with pytest.raises(CommandError):
        call_command("holidays", "remove", "2026-11-24", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("holidays", "add", "24/11/2026", "x", stdout=StringIO())
