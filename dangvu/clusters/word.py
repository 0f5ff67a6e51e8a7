"""The quarterly briefing of a cluster as a Word document in the HD 36-HD/VPTW layout.

`word_context` adds the header block to `briefing_context` (the owner committee issues the report);
`render_docx` lays the dict out with the page setup and paragraph helpers of `reports.docx_report`.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from dangvu.clusters.models import Cluster
from dangvu.clusters.queries import briefing_context, inspection_lines
from dangvu.reports.docx_report import (
    BODY_PT,
    FONT,
    MARGINS_MM,
    PAGE_MM,
    PARTY,
    TITLE,
    _data_table,
    _paragraph,
    date_line,
    default_place,
    hd36_document,
    issuer_abbreviation,
    issuer_name,
    signature_lines,
)

SUBTITLE = "Giao ban {cluster} quý {quarter} năm {year}"


def word_context(cluster: Cluster, year: int, quarter: int, *, today: date) -> dict[str, Any]:
    owner = cluster.owner
    parent = owner.parent
    context = briefing_context(cluster, year, quarter)
    context.update(
        {
            "page": {"size_mm": PAGE_MM, "margins_mm": dict(MARGINS_MM), "font": FONT, "body_pt": BODY_PT},
            "header": {
                "above": parent.name.upper() if parent is not None else "",
                "issuer": issuer_name(owner).upper(),
                "star": "*",
                "number": f"Số        -BC/{issuer_abbreviation(owner)}",
                "party": PARTY,
                "date_line": date_line(default_place(owner), today),
            },
            "title": TITLE,
            "subtitle": SUBTITLE.format(cluster=cluster.name, quarter=quarter, year=year),
            "signature": signature_lines(owner),
        }
    )
    return context


def render_docx(context: dict[str, Any]) -> bytes:
    document, usable = hd36_document(context)
    _paragraph(document, "-----", align="center", size=13, after=12)

    figures = context["figures"]
    body = [
        f"Cụm trưởng: {context['leader'] or '—'}; cụm phó: {context['deputy'] or '—'}.",
        f"Cụm có {figures['orgs']} tổ chức cơ sở đảng, {figures['cells']} chi bộ trực thuộc, "
        f"{figures['on_roll']} đảng viên (dự bị {figures['probationary']}).",
        f"Trong quý kết nạp {context['admitted']} đảng viên; công nhận đảng viên chính thức cho "
        f"{context['confirmed']} đồng chí.",
    ]
    _paragraph(document, "I. KẾT QUẢ TRONG QUÝ", bold=True, before=6, after=4, indent_first=True)
    for line in body:
        _paragraph(document, line, align="justify", after=3, indent_first=True)
    _data_table(
        document,
        ["STT", "Tổ chức cơ sở đảng", "Kết nạp", "Chính thức"],
        [[str(i), row["org"], str(row["admitted"]), str(row["confirmed"])] for i, row in enumerate(context["rows"], 1)],
        [12, usable - 62, 25, 25],
        first_left=2,
    )
    ratings = context["ratings"]
    if ratings["any"]:
        orgs = ", ".join(f"{level} {n}" for level, n in ratings["orgs"]) or "—"
        members = ", ".join(f"{level} {n}" for level, n in ratings["members"]) or "—"
        _paragraph(document, f"Xếp loại tổ chức đảng trong quý: {orgs}.", before=4, indent_first=True)
        _paragraph(document, f"Xếp loại đảng viên trong quý: {members}.", indent_first=True)
    else:
        _paragraph(document, context["ratings_note"], before=4, indent_first=True)
    for line in inspection_lines(context["inspections"]):
        _paragraph(document, line, align="justify", indent_first=True)
    if context["notable_events"]:
        _paragraph(document, "Sự kiện nổi bật:", bold=True, before=4, indent_first=True)
        for event in context["notable_events"]:
            _paragraph(document, f"- {event}", align="justify", indent_first=True)
    if context["summary"]:
        _paragraph(document, "II. ĐÁNH GIÁ CHUNG", bold=True, before=6, after=4, indent_first=True)
        for line in context["summary"].splitlines():
            _paragraph(document, line, align="justify", indent_first=True)
    if context["directions"]:
        _paragraph(document, "III. PHƯƠNG HƯỚNG QUÝ TỚI", bold=True, before=6, after=4, indent_first=True)
        for line in context["directions"].splitlines():
            _paragraph(document, line, align="justify", indent_first=True)
    on_behalf, title = context["signature"]
    _paragraph(document, on_behalf, align="right", bold=True, before=18)
    _paragraph(document, title, align="right", bold=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_filename(context: dict[str, Any]) -> str:
    return f"giao-ban-cum-{context['cluster']['id']}-quy-{context['quarter']}-{context['year']}.docx"
