"""The lifecycle deadlines (HD 06-HD/TW; Điều lệ Điều 5), with time frozen around each one."""

from __future__ import annotations

from datetime import date

import pytest

from dangvu.lifecycle import deadlines
from dangvu.lifecycle.calendar import holidays

pytestmark = pytest.mark.django_db

NONE: frozenset[date] = frozenset()


def test_the_ceremony_is_due_30_working_days_after_the_decision_skipping_tet() -> None:
    # Decision Monday 02/02/2026: 9 working days to 13/02, Tết 14–22/02, then 21 more from 23/02.
    assert deadlines.ceremony_due(date(2026, 2, 2), holidays()) == date(2026, 3, 23)
    assert deadlines.ceremony_due(date(2026, 2, 2), NONE) == date(2026, 3, 16)


def test_the_official_date_is_twelve_months_after_the_ceremony_even_on_month_ends_and_leap_days() -> None:
    assert deadlines.official_on(date(2026, 3, 20)) == date(2027, 3, 20)
    assert deadlines.official_on(date(2024, 2, 29)) == date(2025, 2, 28)
    assert deadlines.official_on(date(2027, 2, 28)) == date(2028, 2, 28)
    assert deadlines.official_on(date(2025, 8, 31)) == date(2026, 8, 31)


def test_the_confirmation_is_due_30_working_days_after_the_probation() -> None:
    # Ceremony 20/03/2026 → official 20/03/2027 (Saturday); 16/04, 30/04 and 03/05/2027 are days off.
    due = deadlines.confirmation_due(date(2026, 3, 20), holidays())
    assert due == date(2027, 5, 5)
    assert deadlines.confirmation_due(date(2026, 3, 20), NONE) == date(2027, 4, 30)


def test_transfers_have_60_and_30_working_days() -> None:
    assert deadlines.transfer_start_due(date(2026, 11, 23), NONE) == date(2027, 2, 15)
    assert deadlines.transfer_present_due(date(2026, 11, 23), NONE) == date(2027, 1, 4)
    # With Tết 2027 (05–11/02) the 60 working days end later.
    assert deadlines.transfer_start_due(date(2026, 11, 23), holidays()) == date(2027, 2, 23)


def test_a_temporary_transfer_ends_on_its_expected_date_or_after_the_longest_stay() -> None:
    assert deadlines.temporary_end(date(2026, 1, 31), date(2026, 6, 30)) == date(2026, 6, 30)
    assert deadlines.temporary_end(date(2026, 1, 31), None) == date(2027, 1, 31)
    assert deadlines.temporary_end(date(2024, 2, 29), None, study=True) == date(2026, 2, 28)
