"""`{% self_assessments grid as found %}` and `{% self_assessment_note found row.pk year quarter %}`: the
member's own self-assessment shown beside the proposed level on the rating grid (one query per grid)."""

from __future__ import annotations

from typing import Any

from django import template

from dangvu.handbook.models import AssessmentStatus, SelfAssessment
from dangvu.handbook.queries import self_assessments_for_grid

register = template.Library()


@register.simple_tag
def self_assessments(grid: Any) -> dict[int, SelfAssessment]:
    if grid is None or grid.subject != "member" or not grid.rows:
        return {}
    return self_assessments_for_grid([row.pk for row in grid.rows], grid.key)


@register.inclusion_tag("handbook/_grid_note.html")
def self_assessment_note(found: dict[int, SelfAssessment], member_pk: int) -> dict[str, Any]:
    assessment = found.get(member_pk)
    return {"a": assessment, "submitted": assessment is not None and assessment.status == AssessmentStatus.SUBMITTED}
