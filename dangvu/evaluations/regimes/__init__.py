"""The rating regimes, each valid from its start date. Adding a regulation = one new module here and
one line in `REGIMES`; a period is judged by the regime in force on its last day."""

from __future__ import annotations

from datetime import date

from dangvu.evaluations.regimes import hd20, hd27, qd124, qd132, qd366
from dangvu.evaluations.regimes.base import Regime

# Oldest first. Each regime holds from its start date until the next one starts.
REGIMES: tuple[Regime, ...] = (hd20.REGIME, hd27.REGIME, qd132.REGIME, qd124.REGIME, qd366.REGIME)

ERR_NO_REGIME = "Không có quy định đánh giá, xếp loại nào áp dụng cho ngày {day:%d/%m/%Y} (sớm nhất: {first:%d/%m/%Y})."


def regime_for(day: date) -> Regime:
    """The regime in force on `day` (the last day of the period being rated)."""
    chosen = None
    for regime in REGIMES:
        if regime.starts <= day:
            chosen = regime
    if chosen is None:
        raise LookupError(ERR_NO_REGIME.format(day=day, first=REGIMES[0].starts))
    return chosen


def regime_by_code(code: str) -> Regime:
    for regime in REGIMES:
        if regime.code == code:
            return regime
    raise LookupError(code)
