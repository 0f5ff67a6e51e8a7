"""The annex of an award decision as a Word document, in the HD 36-HD/VPTW layout of the rating report
(`reports.docx_report`: page, fonts, header block, tables are its helpers).

Two steps (STYLE §11): `annex_context` builds every string the document shows; `render_annex` lays it
out. Header: the committee above the issuer and the issuer (from the decision's organisation), "Số …";
"ĐẢNG CỘNG SẢN VIỆT NAM" and the date line. Then "DANH SÁCH", what is awarded, "(Kèm theo Quyết định
số … ngày …)" and one table per rule: STT, họ và tên / tên tổ chức, chi bộ / cấp trên, thành tích.
"""

from __future__ import annotations

import io
from itertools import groupby
from typing import Any

from dangvu.awards.models import AwardDecision, AwardProposal
from dangvu.awards.queries import decision_rows
from dangvu.reports.docx_report import (
    BODY_PT,
    FONT,
    MARGINS_MM,
    PAGE_MM,
    PARTY,
    _data_table,
    _paragraph,
    date_line,
    default_place,
    hd36_document,
    issuer_abbreviation,
    issuer_name,
)

TITLE = "DANH SÁCH"
ATTACHED = "(Kèm theo Quyết định số {number} ngày {day:%d/%m/%Y} của {body})"


def _row(index: int, proposal: AwardProposal) -> dict[str, str]:
    if proposal.member_id is not None and proposal.member is not None:
        name, above = proposal.member.full_name, proposal.member.current_org.name if proposal.member.current_org else ""
    else:
        assert proposal.org is not None
        name, above = proposal.org.name, proposal.org.parent.name if proposal.org.parent else ""
    return {
        "index": str(index),
        "name": name,
        "above": above,
        "achievement": f"{proposal.rule.achievement()} ({proposal.years_text})",
    }


def annex_context(decision: AwardDecision) -> dict[str, Any]:
    org = decision.org
    parent = org.parent
    groups = []
    for _, items in groupby(decision_rows(decision), key=lambda p: p.rule_id):
        proposals = list(items)
        rule = proposals[0].rule
        noun = rule.subject_noun()
        groups.append(
            {
                "heading": f"{rule.get_award_display()} cho {noun} {rule.achievement()} ({len(proposals)} {noun})",
                "name_header": "Họ và tên" if rule.is_member_rule else "Tên tổ chức đảng",
                "above_header": "Chi bộ" if rule.is_member_rule else "Cấp trên trực tiếp",
                "rows": [_row(i, p) for i, p in enumerate(proposals, start=1)],
            }
        )
    return {
        "page": {"size_mm": PAGE_MM, "margins_mm": dict(MARGINS_MM), "font": FONT, "body_pt": BODY_PT},
        "header": {
            "above": parent.name.upper() if parent is not None else "",
            "issuer": issuer_name(org).upper(),
            "star": "*",
            "number": f"Số {decision.number}-QĐ/{issuer_abbreviation(org)}",
            "party": PARTY,
            "date_line": date_line(default_place(org), decision.signed_on),
        },
        "title": TITLE,
        "subtitle": "Tổ chức đảng và đảng viên được khen thưởng",
        "attached": ATTACHED.format(number=decision.number, day=decision.signed_on, body=decision.body),
        "groups": groups,
        "total": sum(len(g["rows"]) for g in groups),
    }


def render_annex(context: dict[str, Any]) -> bytes:
    document, usable = hd36_document(context)
    _paragraph(document, context["attached"], align="center", size=14, italic=True)
    _paragraph(document, "-----", align="center", size=13, after=12)
    for group in context["groups"]:
        _paragraph(document, group["heading"], bold=True, before=8, after=4, indent_first=True)
        _data_table(
            document,
            ["STT", group["name_header"], group["above_header"], "Thành tích"],
            [[r["index"], r["name"], r["above"], r["achievement"]] for r in group["rows"]],
            [12, 50, 50, usable - 112],
            first_left=0,
        )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def annex_filename(decision: AwardDecision) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in decision.number)
    return f"phu-luc-quyet-dinh-{safe}.docx"
