"""Evaluation periods as plain values: a year (quarter 0) or a quarter, and its last day."""

from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass
from datetime import date

from dangvu.lib.dates import add_months

YEAR = 0  # quarter value meaning "the whole year"


@dataclass(frozen=True, order=True)
class PeriodKey:
    year: int
    quarter: int = YEAR

    @property
    def start(self) -> date:
        return date(self.year, 1, 1) if self.quarter == YEAR else date(self.year, 3 * self.quarter - 2, 1)

    @functools.cached_property  # asked once per queued row when the kept counts absorb an import
    def end(self) -> date:
        month = 12 if self.quarter == YEAR else 3 * self.quarter
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    def label(self) -> str:
        return f"Năm {self.year}" if self.quarter == YEAR else f"Quý {self.quarter}/{self.year}"

    def admitted_before_for_rating(self, months: int) -> date:
        """Members admitted after this day have been members for less than `months` at the period's end."""
        return add_months(self.end, -months)
