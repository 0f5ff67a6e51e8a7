"""Huy hiệu Đảng: milestones, award dates and who is due. Pure code over plain values.

Source: HD 01-HD/TW (2021) §18, kept by HD 06-HD/TW (2025) (whether HD 06 changed the milestones is
UNCONFIRMED, DOMAIN-RULES §2): badges at 30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85 and 90 years of Party
age, given "vào dịp kỷ niệm các ngày lễ lớn 3/2; 19/5; 2/9; 7/11"; a seriously ill member may be proposed
up to 12 months early (24 months for 70 years and more).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from dangvu.lib.dates import add_months
from dangvu.lifecycle.party_age import PartyAge

MILESTONES: tuple[int, ...] = (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)
MILESTONES_SOURCE = "HD 01-HD/TW (2021) mục 18; HD 06-HD/TW (2025)"
# (month, day) of the award occasions.
AWARD_DAYS: tuple[tuple[int, int], ...] = ((2, 3), (5, 19), (9, 2), (11, 7))
EARLY_MONTHS = 12
EARLY_MONTHS_SENIOR = 24  # for 70 years and more
SENIOR_FROM = 70


def award_dates(year: int) -> list[date]:
    return [date(year, month, day) for month, day in AWARD_DAYS]


def next_award_date(today: date) -> date:
    """The next award occasion on or after today (23/11/2026 → 03/02/2027)."""
    return next(d for d in award_dates(today.year) + award_dates(today.year + 1) if d >= today)


def previous_award_date(award_date: date) -> date:
    """The award occasion before this one."""
    return max(d for d in award_dates(award_date.year) + award_dates(award_date.year - 1) if d < award_date)


def early_months(milestone: int) -> int:
    return EARLY_MONTHS_SENIOR if milestone >= SENIOR_FROM else EARLY_MONTHS


@dataclass(frozen=True)
class BadgeDue:
    milestone: int
    reached_on: date
    early: bool  # proposed before the milestone for serious illness


def badge_due(
    age: PartyAge | None, award_date: date, *, given: Collection[int] = (), ill: bool = False
) -> BadgeDue | None:
    """The badge to propose for this award date: the milestone reached since the previous award date
    (reached by `award_date`) not given yet; for a seriously ill member also one reached up to 12 months
    (24 from 70 years) after it."""
    if age is None or not age.official:
        return None
    since = previous_award_date(award_date)
    for milestone in MILESTONES:
        if milestone in given:
            continue
        reached = age.reached_on(milestone)
        if since < reached <= award_date:
            return BadgeDue(milestone, reached, early=False)
        if ill and since < reached <= add_months(award_date, early_months(milestone)) and reached > award_date:
            return BadgeDue(milestone, reached, early=True)
    return None


def next_badge(age: PartyAge | None, today: date, *, given: Collection[int] = ()) -> tuple[int, date] | None:
    """The next milestone not given yet that is still ahead (or reached and not given): (years, day)."""
    if age is None:
        return None
    for milestone in MILESTONES:
        if milestone not in given:
            return milestone, age.reached_on(milestone)
    return None
