"""`{% rating_targets org year %}`: the rating targets of the organisation beside the actuals of the rating
report (the same progress as the targets page)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from dangvu.orgs.models import Org
from dangvu.plans.models import RATING_KINDS, Assessment, Registration, RegistrationKind, Target
from dangvu.plans.progress import ReportCache, target_progress

register = template.Library()


@register.inclusion_tag("plans/_rating_targets.html")
def rating_targets(org: Org, year: int) -> dict[str, Any]:
    targets = Target.objects.filter(org=org, year_from__lte=year, year_to__gte=year, kind__in=RATING_KINDS)
    today = timezone.localdate()
    reports: ReportCache = {}
    progress = [target_progress(t, today, reports) for t in targets.select_related("org")]
    return {"org": org, "year": year, "progress": progress}


@register.simple_tag
def failed_commitments(grid: Any) -> frozenset[int]:
    """Members of a rating grid whose commitment (cam kết tu dưỡng, rèn luyện) of the grid's year was assessed
    as not done: shown beside their name when rating them (one query; none for an organisation grid)."""
    if grid is None or grid.subject != "member" or not grid.rows:
        return frozenset()
    return frozenset(
        Registration.objects.filter(
            kind=RegistrationKind.COMMITMENT,
            year=grid.key.year,
            assessment=Assessment.NOT_DONE,
            member_id__in=[row.pk for row in grid.rows],
        ).values_list("member_id", flat=True)
    )
