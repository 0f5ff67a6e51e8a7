"""The yearly inspection and supervision plan of a committee and its progress, as a Word document in the
HD 36-HD/VPTW layout (`reports.docx_report.hd36_document`, as every Word output).

`inspection_word_context` builds a plain dict (the progress sentences per kind, the per-quarter table, the
plan's items); `render_inspection_docx` lays it out. The figures are those of the page
(`progress.inspection_progress`).
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from dangvu.orgs.models import Org
from dangvu.plans.models import InspectionItem
from dangvu.plans.progress import inspection_progress, vn_int, vn_pct
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

SUBTITLE = "Kế hoạch kiểm tra, giám sát năm {year} và kết quả thực hiện"
NO_PLAN = "Chưa có kế hoạch kiểm tra, giám sát năm {year}."


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def inspection_word_context(org: Org, year: int, *, today: date) -> dict[str, Any]:
    parent = org.parent
    progress = inspection_progress(org, year)
    kinds = [
        {
            "label": k["label"],
            "sentence": k["sentence"],
            "quarters": [
                [
                    f"Quý {q['quarter']}",
                    f"{vn_int(q['done_orgs'])}/{vn_int(q['planned_orgs'])}",
                    f"{vn_int(q['done_members'])}/{vn_int(q['planned_members'])}",
                    f"{vn_int(q['ytd_orgs'])}/{vn_int(k['planned_orgs'])} ({vn_pct(q['ytd_orgs_share'])})",
                    f"{vn_int(q['ytd_members'])}/{vn_int(k['planned_members'])} ({vn_pct(q['ytd_members_share'])})",
                ]
                for q in k["quarters"]
            ],
        }
        for k in progress
    ]
    items = InspectionItem.objects.filter(plan__org=org, plan__year=year).select_related("target_org", "target_member")
    rows = [
        {
            "subject_of": item.target_org.name
            if item.target_org
            else (item.target_member.full_name if item.target_member else ""),
            "content": item.subject,
            "kind": item.get_kind_display(),
            "by_whom": item.by_whom,
            "quarter": item.quarter,
            "done_on": _day(item.done_on),
            "conclusion": item.conclusion,
            "follow_up": item.follow_up + (f" (hạn {_day(item.follow_up_due)})" if item.follow_up_due else ""),
        }
        for item in items.order_by("quarter", "kind", "pk")
    ]
    return {
        "org": {"code": org.code, "name": org.name},
        "year": year,
        "page": {"size_mm": PAGE_MM, "margins_mm": dict(MARGINS_MM), "font": FONT, "body_pt": BODY_PT},
        "header": {
            "above": parent.name.upper() if parent is not None else "",
            "issuer": issuer_name(org).upper(),
            "star": "*",
            "number": f"Số        -BC/{issuer_abbreviation(org)}",
            "party": PARTY,
            "date_line": date_line(default_place(org), today),
        },
        "title": TITLE,
        "subtitle": SUBTITLE.format(year=year),
        "kinds": kinds,
        "no_plan": NO_PLAN.format(year=year) if not rows else "",
        "items": rows,
        "signature": signature_lines(org),
    }


def render_inspection_docx(context: dict[str, Any]) -> bytes:
    document, usable = hd36_document(context)
    _paragraph(document, "-----", align="center", size=13, after=12)
    _paragraph(document, "I. KẾT QUẢ THỰC HIỆN KẾ HOẠCH", bold=True, before=6, after=4, indent_first=True)
    if context["no_plan"]:
        _paragraph(document, context["no_plan"], indent_first=True)
    for kind in context["kinds"]:
        _paragraph(document, f"{kind['label']}: {kind['sentence']}.", align="justify", after=3, indent_first=True)
        _data_table(
            document,
            ["Quý", "Tổ chức (trong quý)", "Đảng viên (trong quý)", "Tổ chức (lũy kế)", "Đảng viên (lũy kế)"],
            kind["quarters"],
            [20, (usable - 20) / 4, (usable - 20) / 4, (usable - 20) / 4, (usable - 20) / 4],
        )
        _paragraph(document, "", after=3)
    if context["items"]:
        _paragraph(document, "II. DANH MỤC KIỂM TRA, GIÁM SÁT", bold=True, before=6, after=4, indent_first=True)
        _data_table(
            document,
            ["STT", "Đối tượng", "Nội dung", "Hình thức", "Chủ thể", "Quý", "Ngày thực hiện", "Kết luận, khắc phục"],
            [
                [
                    str(i),
                    row["subject_of"],
                    row["content"],
                    row["kind"],
                    row["by_whom"],
                    str(row["quarter"]),
                    row["done_on"],
                    "; ".join(part for part in (row["conclusion"], row["follow_up"]) if part),
                ]
                for i, row in enumerate(context["items"], 1)
            ],
            [9, 28, 30, 17, 22, 10, 19, usable - 135],
            first_left=3,
            size=10,
        )
    on_behalf, title = context["signature"]
    _paragraph(document, on_behalf, align="right", bold=True, before=18)
    _paragraph(document, title, align="right", bold=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def inspection_docx_filename(context: dict[str, Any]) -> str:
    return f"kiem-tra-giam-sat-{context['org']['code']}-{context['year']}.docx"
