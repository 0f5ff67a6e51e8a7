"""Charts as inline SVG, drawn on the server: no JavaScript library, nothing fetched, printable.

Each chart is an `<svg role="img">` with a `<title>` and `<desc>` (and `aria-labelledby` on both) that
say in words what it shows; the page puts the table with the same figures beside it. Colours follow the
rank of a level (1 = best) so that the same level has the same colour in every chart.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# Best to worst, then grey for codes the regime does not know.
RANK_COLOURS = ("#1b7a3d", "#5aa469", "#e0a526", "#c0392b")
OTHER_COLOUR = "#8a8f98"
_ids = itertools.count(1)


@dataclass(frozen=True)
class Slice:
    label: str
    value: int
    colour: str
    share: str = ""  # "14,3%": written beside the value
    href: str = ""


def colour_for(rank: int | None) -> str:
    if rank is None or not 1 <= rank <= len(RANK_COLOURS):
        return OTHER_COLOUR
    return RANK_COLOURS[rank - 1]


def _uid(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


def _description(slices: Sequence[Slice]) -> str:
    return "; ".join(f"{s.label}: {s.value:,}".replace(",", ".") + (f" ({s.share})" if s.share else "") for s in slices)


def bar_chart(title: str, slices: Sequence[Slice], *, width: int = 520) -> SafeString:
    """Horizontal bars, one per slice, with its label on the left and its value (and share) on the right."""
    uid = _uid("bar")
    row, label_w, value_w = 30, 210, 110
    bar_w = width - label_w - value_w
    height = row * len(slices) + 10
    top = max((s.value for s in slices), default=0) or 1
    parts = [
        format_html(
            '<svg class="chart bar" viewBox="0 0 {} {}" width="100%" role="img" aria-labelledby="{}-t {}-d">'
            '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>',
            width,
            height,
            uid,
            uid,
            uid,
            title,
            uid,
            _description(slices),
        )
    ]
    for index, s in enumerate(slices):
        y = 5 + index * row
        length = round(bar_w * s.value / top, 1)
        bar = format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" rx="2"></rect>',
            label_w,
            y + 4,
            length,
            row - 10,
            s.colour,
        )
        if s.href:
            bar = format_html('<a href="{}" aria-label="{}: {}">{}</a>', s.href, s.label, s.value, bar)
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" class="label">{}</text>{}'
                '<text x="{}" y="{}" class="value">{}{}</text>',
                label_w - 8,
                y + row / 2 + 4,
                s.label,
                bar,
                label_w + length + 6,
                y + row / 2 + 4,
                f"{s.value:,}".replace(",", "."),
                f" ({s.share})" if s.share else "",
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))


def donut_chart(title: str, slices: Sequence[Slice], *, centre: str = "", size: int = 220) -> SafeString:
    """A donut of the slices' shares of their sum, with `centre` (e.g. the number rated) in the hole.
    Each arc is a circle stroke with a dash as long as its share (no path arithmetic to go wrong)."""
    uid = _uid("donut")
    radius = size / 2 - 22
    circumference = 2 * math.pi * radius
    total = sum(s.value for s in slices)
    parts = [
        format_html(
            '<svg class="chart donut" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
            'aria-labelledby="{}-t {}-d">'
            '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>'
            '<circle cx="{}" cy="{}" r="{}" fill="none" stroke="#e6e8eb" stroke-width="30"></circle>',
            size,
            size,
            size,
            size,
            uid,
            uid,
            uid,
            title,
            uid,
            _description(slices),
            size / 2,
            size / 2,
            round(radius, 2),
        )
    ]
    offset = 0.0
    for s in slices:
        if not total or not s.value:
            continue
        length = circumference * s.value / total
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="{}" fill="none" stroke="{}" stroke-width="30" '
                'stroke-dasharray="{} {}" stroke-dashoffset="{}" transform="rotate(-90 {} {})">'
                "<title>{}</title></circle>",
                size / 2,
                size / 2,
                round(radius, 2),
                s.colour,
                round(length, 2),
                round(circumference - length, 2),
                round(-offset, 2),
                size / 2,
                size / 2,
                f"{s.label}: {s.value:,}".replace(",", ".") + (f" ({s.share})" if s.share else ""),
            )
        )
        offset += length
    if centre:
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" class="centre">{}</text>', size / 2, size / 2 + 6, centre
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))


__all__ = ["OTHER_COLOUR", "RANK_COLOURS", "Slice", "bar_chart", "colour_for", "donut_chart"]
