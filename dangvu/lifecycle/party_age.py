"""Party age (tuổi đảng). Pure code over plain values.

QĐ 24-QĐ/TW §4.5, kept by QĐ 294-QĐ/TW (2025) (DOMAIN-RULES §2): counted "từ ngày cấp có thẩm quyền ra
quyết định kết nạp, trừ thời gian không tham gia sinh hoạt đảng" — from the FIRST admission decision,
minus the gaps: expelled, struck off, lost contact, interruptions during a transfer; only once the member
is official. A member wrongly expelled and later cleared keeps a continuous age (`cleared` on the
expulsion; see `models.ExpulsionCleared`).

Gaps:
- struck off / expelled (not cleared) → until the re-admission (open until `today` otherwise);
- an official transfer out of the system → the time after the letter's deadline (30 working days,
  `deadlines.transfer_present_due`) until the transfer in;
- lost contact: given by the caller as extra (start, end) gaps.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from dangvu.lib.dates import add_months, full_months_between
from dangvu.lifecycle.deadlines import transfer_present_due
from dangvu.members.lifecycle import EventKind

ADMISSIONS = frozenset({EventKind.ADMITTED, EventKind.READMITTED})
REMOVALS = frozenset({EventKind.STRUCK_OFF, EventKind.EXPELLED})


@dataclass(frozen=True)
class AgeEvent:
    kind: str
    on: date
    org_id: int | None = None
    cleared: bool = False  # an expulsion cancelled later ("minh oan")


@dataclass
class PartyAge:
    first_admitted_on: date
    official: bool
    gaps: list[tuple[date, date]] = field(default_factory=list)

    def gap_days_before(self, day: date) -> int:
        return sum((min(end, day) - start).days for start, end in self.gaps if start < day)

    def years_on(self, day: date) -> int:
        """Full years of Party age on a day (0 while not official)."""
        if not self.official or day < self.first_admitted_on:
            return 0
        shifted = self.first_admitted_on + timedelta(days=self.gap_days_before(day))
        return max(full_months_between(shifted, day), 0) // 12

    def reached_on(self, years: int) -> date:
        """The day the member reaches `years` of Party age: the anniversary pushed by the gaps before it."""
        day = add_months(self.first_admitted_on, 12 * years)
        for start, end in sorted(self.gaps):
            if start < day:
                day += end - start
        return day


def party_age(
    events: Iterable[AgeEvent],
    *,
    today: date,
    holidays: Collection[date] = frozenset(),
    extra_gaps: Iterable[tuple[date, date]] = (),
) -> PartyAge | None:
    """The member's Party age, or None if never admitted."""
    order = {kind: index for index, kind in enumerate(EventKind.values)}
    timeline = sorted(events, key=lambda e: (e.on, order.get(e.kind, 99)))
    first: date | None = None
    official = False
    removed_since: date | None = None
    out_since: date | None = None
    gaps: list[tuple[date, date]] = list(extra_gaps)
    for event in timeline:
        if event.kind in ADMISSIONS:
            if first is None:
                first = event.on
            if removed_since is not None:
                gaps.append((removed_since, event.on))
                removed_since = None
            official = False
        elif first is None:
            continue
        elif event.kind == EventKind.CONFIRMED:
            official = True
        elif event.kind in REMOVALS:
            if event.kind == EventKind.EXPELLED and event.cleared:
                continue
            if removed_since is None:
                removed_since = event.on
        elif event.kind == EventKind.TRANSFER_OUT and event.org_id is None:
            out_since = event.on
        elif event.kind == EventKind.TRANSFER_IN and out_since is not None:
            grace_end = transfer_present_due(out_since, holidays)
            if event.on > grace_end:
                gaps.append((grace_end, event.on))
            out_since = None
    if first is None:
        return None
    if removed_since is not None and removed_since < today:
        gaps.append((removed_since, today))
        official = False
    return PartyAge(first_admitted_on=first, official=official, gaps=sorted(gaps))
