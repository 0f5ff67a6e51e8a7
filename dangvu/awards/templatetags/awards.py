"""`{% awards_of_member member %}` / `{% awards_of_org org %}`: the awards section of a record page
(one query each)."""

from __future__ import annotations

from typing import Any

from django import template

from dangvu.awards.queries import subject_awards

register = template.Library()


@register.inclusion_tag("awards/_subject_awards.html")
def awards_of_member(member: Any) -> dict[str, Any]:
    return {"proposals": subject_awards(member_id=member.pk)}


@register.inclusion_tag("awards/_subject_awards.html")
def awards_of_org(org: Any) -> dict[str, Any]:
    return {"proposals": subject_awards(org_id=org.pk)}
