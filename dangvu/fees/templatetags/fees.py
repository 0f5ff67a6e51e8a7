"""`{% member_fees member %}`: the fee section of a member's record page (`fees/_member_history.html`),
for a page that has already checked the user may see that member."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from dangvu.fees.queries import member_fee_history

register = template.Library()


@register.inclusion_tag("fees/_member_history.html")
def member_fees(member: Any) -> dict[str, Any]:
    return {"history": member_fee_history(member), "fee_page_url": reverse("fees:member", args=[member.pk])}
