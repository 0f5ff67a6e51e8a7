"""Set-level queries of cell meetings: figures per cell of a subtree and the members to strike off.
Each runs a fixed number of queries whatever the number of cells and meetings."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth

from dangvu.meetings.models import AssessmentStatus, Attendance, Meeting, MeetingKind, ModelCellAssessment, Presence
from dangvu.meetings.rules import STRIKE_OFF_MONTHS, months_due, rate_text
from dangvu.members.models import Member
from dangvu.orgs.models import Org


@dataclass
class CellYear:
    cell: Org
    regular_by_month: dict[int, int] = field(default_factory=dict)
    thematic: int = 0
    present: int = 0
    excused: int = 0
    absent: int = 0
    missed: tuple[int, ...] = ()

    @property
    def regular(self) -> int:
        return sum(self.regular_by_month.values())

    @property
    def held(self) -> int:
        return self.regular + self.thematic

    @property
    def total(self) -> int:
        return self.present + self.excused + self.absent

    @property
    def rate(self) -> str:
        return rate_text(self.present, self.total)

    @property
    def months(self) -> list[int]:
        return [self.regular_by_month.get(m, 0) for m in range(1, 13)]


@dataclass
class SubtreeYear:
    org: Org
    year: int
    cells: list[CellYear]

    @property
    def present(self) -> int:
        return sum(c.present for c in self.cells)

    @property
    def total(self) -> int:
        return sum(c.total for c in self.cells)

    @property
    def rate(self) -> str:
        return rate_text(self.present, self.total)

    @property
    def held(self) -> int:
        return sum(c.held for c in self.cells)

    @property
    def missing_cells(self) -> list[CellYear]:
        return [c for c in self.cells if c.missed]


def year_stats(org: Org, year: int, today: date) -> SubtreeYear:
    """Per active cell of `org`'s subtree (itself included if a cell): regular meetings per month,
    thematic meetings, attendance counts, the months with no regular meeting. Three queries."""
    cells = list(Org.objects.subtree(org).cells().active().order_by("path"))
    rows = {c.pk: CellYear(c) for c in cells}
    meetings = Meeting.objects.filter(cell__path__in_subtree=org.path, held_on__year=year)
    for row in (
        meetings.annotate(month=ExtractMonth("held_on")).values("cell_id", "month", "kind").annotate(n=Count("pk"))
    ):
        cell = rows.get(row["cell_id"])
        if cell is None:
            continue
        if row["kind"] == MeetingKind.REGULAR:
            cell.regular_by_month[row["month"]] = row["n"]
        else:
            cell.thematic += row["n"]
    counts = (
        Attendance.objects.filter(meeting__in=meetings)
        .values("meeting__cell_id")
        .annotate(
            present=Count("pk", filter=Q(presence=Presence.PRESENT)),
            excused=Count("pk", filter=Q(presence=Presence.EXCUSED)),
            absent=Count("pk", filter=Q(presence=Presence.ABSENT)),
        )
    )
    for total in counts:
        cell = rows.get(total["meeting__cell_id"])
        if cell is not None:
            cell.present, cell.excused, cell.absent = total["present"], total["excused"], total["absent"]
    due = months_due(year, today)
    for cell in rows.values():
        founded = cell.cell.founded_on
        cell.missed = tuple(
            m
            for m in due
            if m not in cell.regular_by_month and (founded is None or (founded.year, founded.month) <= (year, m))
        )
    return SubtreeYear(org, year, [rows[c.pk] for c in cells])


@dataclass(frozen=True)
class Absentee:
    member: Member
    months: tuple[int, ...]


def absentees(members: QuerySet[Member], year: int) -> list[Absentee]:
    """Members of `members` absent WITHOUT reason from meetings in at least three different months of
    `year` (excused absences do not count). Two queries."""
    rows = (
        Attendance.objects.filter(member__in=members, presence=Presence.ABSENT, meeting__held_on__year=year)
        .annotate(month=ExtractMonth("meeting__held_on"))
        .values_list("member_id", "month")
        .distinct()
    )
    months: dict[int, set[int]] = defaultdict(set)
    for member_id, month in rows:
        months[member_id].add(month)
    flagged = {pk: m for pk, m in months.items() if len(m) >= STRIKE_OFF_MONTHS}
    if not flagged:
        return []
    found = Member.objects.filter(pk__in=flagged).select_related("current_org").order_by("full_name", "pk")
    return [Absentee(m, tuple(sorted(flagged[m.pk]))) for m in found]


def recognised(org: Org) -> QuerySet[ModelCellAssessment]:
    """Recognised model-cell assessments of the cells of `org`'s subtree, newest period first."""
    return (
        ModelCellAssessment.objects.filter(cell__path__in_subtree=org.path, status=AssessmentStatus.RECOGNISED)
        .select_related("cell")
        .order_by("-period_to", "cell__path")
    )
