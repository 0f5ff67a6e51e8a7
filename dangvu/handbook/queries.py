"""Read queries of the handbook, each scoped to the user.

- A member sees their own cell's documents, meetings and questions, and the notices sent to their
  cell or to a committee above it "with the organisations under it".
- A secretary, staff member or viewer sees the rows of the cells in their scope (their committees);
  an admin all. Anything else is not in the querysets, so a page asked for it answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import F, Q, QuerySet

from dangvu.accounts.models import MEMBER_EDITORS, TREE_READERS, Role, User
from dangvu.evaluations.models import Period, PeriodStatus
from dangvu.evaluations.periods import PeriodKey
from dangvu.evaluations.queries import NotRatedReason, exclusion_expr, members_of_period
from dangvu.evaluations.regimes import regime_by_code
from dangvu.evaluations.regimes.base import Regime
from dangvu.handbook.models import CellDocument, Notice, Question, SelfAssessment
from dangvu.meetings.models import Attendance, Meeting
from dangvu.members.models import Member
from dangvu.orgs.models import Org

PAST_MEETINGS = 12


def own_member(user: User) -> Member | None:
    """The record of a member-role account (None for other roles or an unlinked account)."""
    if not user.is_authenticated or not user.is_active or user.role != Role.MEMBER or not user.member_id:
        return None
    return Member.objects.select_related("current_org").filter(pk=user.member_id).first()


def cells_in_scope(user: User) -> QuerySet[Org]:
    """Cells whose handbook rows the user may read as a committee (not as a member)."""
    return Org.objects.visible_to(user).cells()


def may_manage_cell(user: User, cell: Org) -> bool:
    """Put up documents and answer questions for a cell: an editor role whose scope holds it."""
    return user.has_role_in(MEMBER_EDITORS) and cells_in_scope(user).filter(pk=cell.pk).exists()


# Evaluation periods ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenPeriod:
    key: PeriodKey
    regime: Regime
    period: Period
    not_rated: str  # a NotRatedReason value, or "" when the member is to be rated

    @property
    def not_rated_label(self) -> str:
        return str(NotRatedReason(self.not_rated).label) if self.not_rated else ""


def period_state(cell: Org, key: PeriodKey) -> tuple[str | None, Period | None]:
    """The state of the evaluation period `key` for a cell, from the periods of the cell and the
    organisations above it: closed if any covering period is published, open if one is open."""
    ids = [*cell.ancestor_ids(), cell.pk]
    periods = list(Period.objects.filter(org_id__in=ids, year=key.year, quarter=key.quarter).select_related("org"))
    closed = [p for p in periods if p.status == PeriodStatus.CLOSED]
    if closed:
        return PeriodStatus.CLOSED, closed[0]
    if periods:
        return PeriodStatus.OPEN, max(periods, key=lambda p: p.org.depth)
    return None, None


def not_rated_reason(member: Member, key: PeriodKey, regime: Regime) -> str:
    """Why the regulation leaves the member out of the period ("" when they are rated)."""
    row = (
        members_of_period(Member.objects.filter(pk=member.pk), key)
        .annotate(not_rated=exclusion_expr(key, regime))
        .values_list("not_rated", flat=True)
        .first()
    )
    return NotRatedReason.NOT_YET.value if row is None else str(row)


def open_cell_periods(cell: Org) -> list[Period]:
    """One open period per key covering the cell (its own or an organisation's above it), newest
    first; a key with a published covering period is not open. One query."""
    ids = [*cell.ancestor_ids(), cell.pk]
    periods = list(Period.objects.filter(org_id__in=ids).select_related("org").order_by("-year", "-quarter"))
    closed = {(p.year, p.quarter) for p in periods if p.status == PeriodStatus.CLOSED}
    chosen: dict[tuple[int, int], Period] = {}
    for period in periods:
        pair = (period.year, period.quarter)
        if period.status == PeriodStatus.OPEN and pair not in closed:
            chosen.setdefault(pair, period)
    return list(chosen.values())


def open_period_keys(cell: Org) -> list[PeriodKey]:
    return [period.key for period in open_cell_periods(cell)]


def open_periods(member: Member) -> list[OpenPeriod]:
    """The open evaluation periods covering the member's cell, newest first, each with the reason the
    member is left out of it ("" when they are rated)."""
    cell = member.current_org
    if cell is None:
        return []
    result = []
    for period in open_cell_periods(cell):
        regime = regime_by_code(period.regime)
        result.append(OpenPeriod(period.key, regime, period, not_rated_reason(member, period.key, regime)))
    return result


def self_assessments_of(member: Member) -> list[SelfAssessment]:
    return list(SelfAssessment.objects.filter(member=member).order_by("-year", "-quarter"))


def self_assessments_for_grid(member_ids: list[int], key: PeriodKey) -> dict[int, SelfAssessment]:
    """The self-assessments of a rating grid's members, by member id (one query)."""
    rows = SelfAssessment.objects.filter(member_id__in=member_ids, year=key.year, quarter=key.quarter)
    return {row.member_id: row for row in rows.select_related("entered_by")}


# Cell: meetings, documents, notices, questions ------------------------------------------------------------


@dataclass(frozen=True)
class PastMeeting:
    meeting: Meeting
    presence: str  # Presence value or "" when the member was not on the list
    presence_label: str


def upcoming_meetings(cell: Org, today: date) -> list[Meeting]:
    return list(Meeting.objects.filter(cell=cell, held_on__gte=today).order_by("held_on", "pk"))


def past_meetings(cell: Org, member: Member, today: date, limit: int = PAST_MEETINGS) -> list[PastMeeting]:
    """The cell's last meetings with the member's attendance (two queries)."""
    meetings = list(Meeting.objects.filter(cell=cell, held_on__lt=today).order_by("-held_on", "-pk")[:limit])
    marks = {a.meeting_id: a for a in Attendance.objects.filter(meeting__in=[m.pk for m in meetings], member=member)}
    rows = []
    for meeting in meetings:
        mark = marks.get(meeting.pk)
        rows.append(
            PastMeeting(meeting, mark.presence if mark else "", mark.get_presence_display() if mark else "Không ghi")
        )
    return rows


def documents_visible_to(user: User) -> QuerySet[CellDocument]:
    """Live documents the user may open: a member those of their own cell; a committee reader (any role
    reading the tree) those of the cells in their scope; an admin all."""
    documents = CellDocument.objects.filter(removed_at__isnull=True)
    if not user.is_authenticated or not user.is_active:
        return documents.none()
    if user.role == Role.MEMBER:
        member = own_member(user)
        if member is None or member.current_org_id is None:
            return documents.none()
        return documents.filter(cell_id=member.current_org_id)
    if user.role == Role.ADMIN:
        return documents
    if user.role in TREE_READERS and user.scope is not None:
        return documents.filter(cell__path__in_subtree=user.scope.path)
    return documents.none()


def documents_of_cell(cell: Org) -> list[CellDocument]:
    return list(
        CellDocument.objects.filter(cell=cell, removed_at__isnull=True)
        .select_related("meeting", "uploaded_by")
        .order_by("-uploaded_at", "-pk")
    )


def notices_for_cell(cell: Org, limit: int = 20) -> list[Notice]:
    """Notices sent to the cell, or to an organisation above it for its whole subtree."""
    return list(
        Notice.objects.filter(Q(org=cell) | Q(org_id__in=cell.ancestor_ids(), include_subtree=True))
        .select_related("org")
        .order_by("-published_on", "-pk")[:limit]
    )


def notices_managed_by(user: User) -> QuerySet[Notice]:
    """Notices the user's scope sent (to an organisation in it)."""
    return Notice.objects.filter(org__in=Org.objects.visible_to(user)).select_related("org", "author")


def questions_of(member: Member) -> list[Question]:
    return list(Question.objects.filter(member=member).select_related("answered_by").order_by("-asked_at", "-pk"))


def inbox(user: User) -> QuerySet[Question]:
    """Questions sent to the cells the user manages, unanswered first, oldest unanswered first."""
    if not user.has_role_in(MEMBER_EDITORS):
        return Question.objects.none()
    return (
        Question.objects.filter(cell__in=cells_in_scope(user))
        .select_related("member", "cell", "answered_by")
        .order_by(F("answered_at").asc(nulls_first=True), "asked_at", "pk")
    )
