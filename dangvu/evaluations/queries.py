"""Set-level queries of the evaluation: who is to be rated in a period, and why not.

A member counts for a period when admitted by its last day and on the roll then (on the roll now, or
left after the period ended). Without the membership history (the restructuring issue adds it) the
member is counted in their current cell.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Case, Q, Value, When

from dangvu.evaluations.periods import PeriodKey
from dangvu.evaluations.regimes.base import Regime
from dangvu.members.lifecycle import ON_ROLL, Status
from dangvu.members.models import MemberQuerySet


class NotRatedReason(models.TextChoices):
    EXEMPT = "exempt", "Miễn công tác và sinh hoạt đảng"
    SUSPENDED = "suspended", "Đình chỉ sinh hoạt"
    NEW = "new", "Mới kết nạp chưa đủ 6 tháng"
    NOT_YET = "not_yet", "Chưa đánh giá"


# Reasons the regulation gives for not rating a member (QĐ 366; HD 43): the rest are "not yet rated".
EXCLUDED = (NotRatedReason.EXEMPT, NotRatedReason.SUSPENDED, NotRatedReason.NEW)


def members_of_period(members: MemberQuerySet, key: PeriodKey) -> MemberQuerySet:
    """Members on the roll on the period's last day (approximated from today's status, see module doc)."""
    end = key.end
    return members.filter(admitted_on__lte=end).filter(
        Q(status__in=ON_ROLL) | Q(status_since__gt=end, status__in=[s for s in Status.values if s not in ON_ROLL])
    )


def exclusion_expr(key: PeriodKey, regime: Regime) -> Case:
    """SQL expression: the reason a member is not to be rated in the period, or "" when they are."""
    new_after = key.admitted_before_for_rating(regime.new_member_months)
    return Case(
        When(status=Status.EXEMPT, status_since__lte=key.end, then=Value(NotRatedReason.EXEMPT.value)),
        When(status=Status.SUSPENDED, status_since__lte=key.end, then=Value(NotRatedReason.SUSPENDED.value)),
        When(admitted_on__gt=new_after, then=Value(NotRatedReason.NEW.value)),
        default=Value(""),
        output_field=models.CharField(),
    )
