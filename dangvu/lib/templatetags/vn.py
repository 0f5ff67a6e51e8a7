"""Template filters in the Vietnamese conventions: dd/mm/yyyy dates, 4.872 and 20,4%."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def d(value: date | datetime | None) -> str:
    """dd/mm/yyyy; an aware datetime is shown in local time."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


@register.filter
def n(value: Any) -> str:
    """4872 -> "4.872"."""
    if value is None or value == "":
        return ""
    return f"{int(value):,}".replace(",", ".")


@register.filter
def pct(value: float | None, digits: int = 1) -> str:
    """20.44 -> "20,4%"."""
    if value is None:
        return ""
    return f"{value:.{digits}f}".replace(".", ",") + "%"
