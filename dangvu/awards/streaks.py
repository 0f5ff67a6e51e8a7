"""Award streaks: "N năm liền" over the yearly ratings, across the rating regimes. Pure code, no ORM.

HD 06-HD/TW (2025) §19 rewards a level held "5 năm liền" (five years running). The years before the
current regime were rated under other level codes, so a year's level is first read through the
*equivalence*, a mapping from every stored level code to the four levels of QĐ 132/124/366:

- organisations before 2018 (HD 20, HD 27): TSVM (trong sạch, vững mạnh) counts as HTXSNV and
  "TSVM tiêu biểu" as "HTXSNV tiêu biểu" (the exemplary mark is kept as it is); HTTNV, HTNV as
  themselves; YK (yếu kém) as KHTNV;
- members 2008–2013 (HD 20): the codes are the four-level ones except VPTC, which counts as KHTNV;
- from 2018 (QĐ 132, QĐ 124, and QĐ 366 from 2025): the same four codes, so the 2025 change of
  regulation does not break a streak.

A province that reads the old levels differently sets `AWARD_LEVEL_EQUIVALENCE` in the settings (a
dict code → code, or → "" for "does not count"): `equivalence_from_settings` merges it over the
default. A level that is missing, blank or unknown to the mapping breaks the streak, as does a year
without a rating.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from dangvu.evaluations.regimes.base import HTNV, HTTNV, HTXSNV, KHTNV, TSVM, VPTC, YK

# Best first: a rule asking for a level is met by it or by any better level.
RANK = {HTXSNV: 1, HTTNV: 2, HTNV: 3, KHTNV: 4}

DEFAULT_EQUIVALENCE: Mapping[str, str] = {
    HTXSNV: HTXSNV,
    HTTNV: HTTNV,
    HTNV: HTNV,
    KHTNV: KHTNV,
    TSVM: HTXSNV,  # HD 20 / HD 27 organisations: the top level before QĐ 132 (2018)
    YK: KHTNV,
    VPTC: KHTNV,  # HD 20 members (2008–2013): "vi phạm tư cách hoặc không hoàn thành nhiệm vụ"
}


class StreakRule(Protocol):
    """What `streak` reads of a rule (an `AwardRule` or a `RuleSpec`)."""

    @property
    def level(self) -> str: ...
    @property
    def exemplary_required(self) -> bool: ...
    @property
    def years(self) -> int: ...


@dataclass(frozen=True)
class RuleSpec:
    level: str
    exemplary_required: bool
    years: int


@dataclass(frozen=True)
class YearLevel:
    """A decided yearly rating: its stored level code and the "tiêu biểu" mark."""

    level: str
    exemplary: bool = False


def equivalence_from_settings(overrides: Mapping[str, str] | None) -> dict[str, str]:
    merged = dict(DEFAULT_EQUIVALENCE)
    merged.update(overrides or {})
    return merged


def year_qualifies(rating: YearLevel | None, rule: StreakRule, equivalence: Mapping[str, str]) -> bool:
    if rating is None or not rating.level:
        return False
    canonical = equivalence.get(rating.level, "")
    if canonical not in RANK or rule.level not in RANK:
        return False
    if RANK[canonical] > RANK[rule.level]:
        return False
    return rating.exemplary or not rule.exemplary_required


def streak(
    levels_by_year: Mapping[int, YearLevel],
    rule: StreakRule,
    final_year: int,
    equivalence: Mapping[str, str] = DEFAULT_EQUIVALENCE,
) -> tuple[bool, tuple[int, ...]]:
    """(ok, years): the run of qualifying years ending at `final_year` (oldest first, at most
    `rule.years` long), and whether it is `rule.years` long. A year without a rating breaks the run."""
    years: list[int] = []
    year = final_year
    while len(years) < rule.years and year_qualifies(levels_by_year.get(year), rule, equivalence):
        years.append(year)
        year -= 1
    years.reverse()
    return len(years) == rule.years, tuple(years)


def years_text(years: tuple[int, ...] | list[int]) -> str:
    """ "2018–2022", "2025", or "" for none."""
    if not years:
        return ""
    if len(years) == 1:
        return str(years[0])
    return f"{years[0]}–{years[-1]}"
