"""The status of a target (chỉ tiêu) against its live actual: pure values, no ORM.

The rule (one place, tested exhaustively in tests/test_targets.py):

- When the period is over (`elapsed >= 1`): MET if the actual satisfies the comparator, else MISSED.
- During the period the expected value is pro rata: `expected = low × elapsed` (a cumulative figure such as
  admissions or inspections done grows through the year).
  - MIN (≥ low): MET as soon as actual ≥ low; ON_TRACK if actual ≥ expected; else AT_RISK.
  - MAX (≤ high): AT_RISK if actual > high (may still come down before the year ends, e.g. a share);
    ON_TRACK otherwise.
  - BAND (low–high): MET-so-far is not claimed before the end: within the band → ON_TRACK; above high →
    AT_RISK; below low → ON_TRACK if actual ≥ expected, else AT_RISK.
- No data yet (`actual is None`) counts as 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models


class Comparator(models.TextChoices):
    MIN = "min", "Tối thiểu (≥)"
    MAX = "max", "Tối đa (≤)"
    BAND = "band", "Trong khoảng"


class Status(models.TextChoices):
    MET = "met", "Đạt"
    ON_TRACK = "on_track", "Đúng tiến độ"
    AT_RISK = "at_risk", "Có nguy cơ không đạt"
    MISSED = "missed", "Không đạt"


@dataclass(frozen=True)
class Goal:
    comparator: str
    low: Decimal | None = None
    high: Decimal | None = None

    def text(self, unit: str = "%") -> str:
        def fmt(v: Decimal | None) -> str:
            s = f"{v:,.1f}" if v is not None and v != v.to_integral() else f"{int(v or 0):,}"
            return s.replace(",", "X").replace(".", ",").replace("X", ".")

        if self.comparator == Comparator.MIN:
            return f"≥ {fmt(self.low)}{unit}"
        if self.comparator == Comparator.MAX:
            return f"≤ {fmt(self.high)}{unit}"
        return f"{fmt(self.low)}–{fmt(self.high)}{unit}"


def satisfied(actual: Decimal, goal: Goal) -> bool:
    if goal.comparator == Comparator.MIN:
        return actual >= (goal.low or 0)
    if goal.comparator == Comparator.MAX:
        return actual <= (goal.high or 0)
    return (goal.low or 0) <= actual <= (goal.high or 0)


def target_status(actual: Decimal | float | int | None, goal: Goal, elapsed: float) -> Status:
    """met / on_track / at_risk / missed for `actual` against `goal` when `elapsed` (0..1) of the period has run."""
    value = Decimal(str(actual or 0))
    if elapsed >= 1:
        return Status.MET if satisfied(value, goal) else Status.MISSED
    expected = (goal.low or Decimal(0)) * Decimal(str(max(elapsed, 0.0)))
    if goal.comparator == Comparator.MIN:
        if value >= (goal.low or 0):
            return Status.MET
        return Status.ON_TRACK if value >= expected else Status.AT_RISK
    if goal.comparator == Comparator.MAX:
        return Status.AT_RISK if value > (goal.high or 0) else Status.ON_TRACK
    if value > (goal.high or 0):
        return Status.AT_RISK
    if value >= (goal.low or 0):
        return Status.ON_TRACK
    return Status.ON_TRACK if value >= expected else Status.AT_RISK
