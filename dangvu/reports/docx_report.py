"""The year-end evaluation report of an organisation as a Word document, laid out per Hướng dẫn
36-HD/VPTW (2018) on the format of Party documents.

Two steps (STYLE §11): `report_context` builds a plain dict from `ratings_report` and the published
paragraph — every string and number the document shows — and `render_docx` lays that dict out with
python-docx. Tests read the dict; the file is opened once, and converted once to PDF by LibreOffice.

Layout (HD 36-HD/VPTW): A4 portrait; margins top 20, bottom 20, left 30, right 15 mm; Times New Roman,
14 pt body. The header is a borderless two-column table: on the left the committee above the issuer
("ĐẢNG BỘ TỈNH …"), the issuer in bold capitals, an asterisk, "Số …-BC/…"; on the right "ĐẢNG CỘNG SẢN
VIỆT NAM" in bold, underlined, and below it the place and date in italics. Then "BÁO CÁO" and the
excerpt, the narrative, the tables, the quota check and warnings, "Nơi nhận" and the signature block.

The issuer is the committee that leads the organisation: "Đảng bộ xã An Phú" issues as "ĐẢNG ỦY XÃ AN
PHÚ" (signed "T/M BAN THƯỜNG VỤ" above the grassroots level, "T/M ĐẢNG ỦY" at it), a cell as itself
("CHI BỘ …", "T/M CHI BỘ"). Names of the signers are left blank for the committee to fill in.
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from dangvu.evaluations.periods import PeriodKey
from dangvu.orgs.kinds import OrgKind
from dangvu.orgs.models import Org
from dangvu.reports.paragraph import ROMAN, rating_paragraph
from dangvu.reports.report import CELLS, GRASSROOTS, MEMBERS, level_label, ratings_report, vn_number, vn_percent

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 11
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
PAGE_MM = (210, 297)
PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
TITLE = "BÁO CÁO"
SUBTITLE = "Kết quả kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên {period}"
BLANK_NUMBER = "       "  # room for the number written in by the office
BLANK_PLACE = "……………"
DASH = "-"

# Kinds led by a committee with a standing committee (ban thường vụ), by a committee, or by a cell.
STANDING_COMMITTEE_KINDS = frozenset({OrgKind.NATIONAL, OrgKind.PROVINCE, OrgKind.UPPER})
COMMITTEE_KINDS = frozenset({OrgKind.GRASSROOTS_COMMITTEE, OrgKind.SUB_COMMITTEE})
# Where the place name is read from when none is given: "xã An Phú" → "An Phú".
PLACE_RE = re.compile(r"\b(?:xã|phường|thị trấn|đặc khu|thành phố|tỉnh)\s+(.+)$", re.IGNORECASE)

ORG_ROWS = ((GRASSROOTS, "Tổ chức cơ sở đảng"), (CELLS, "Chi bộ trực thuộc đảng bộ cơ sở"))


def _upper(text: str) -> str:
    return text.upper()


def issuer_name(org: Org) -> str:
    """The committee that issues the organisation's documents: "Đảng bộ X" → "Đảng ủy X"; a cell is itself."""
    name = org.name
    if org.kind in STANDING_COMMITTEE_KINDS | COMMITTEE_KINDS and name.lower().startswith("đảng bộ "):
        return "Đảng ủy " + name[len("đảng bộ ") :]
    return name


def issuer_abbreviation(org: Org) -> str:
    """The issuer's letters after "-BC/": ĐU for a committee, CB for a cell (HD 36, phần số, ký hiệu)."""
    if org.kind == OrgKind.PROVINCE:
        return "TU"
    if org.kind in STANDING_COMMITTEE_KINDS | COMMITTEE_KINDS:
        return "ĐU"
    return "CB"


def signature_lines(org: Org) -> tuple[str, str]:
    if org.kind in STANDING_COMMITTEE_KINDS:
        return "T/M BAN THƯỜNG VỤ", "BÍ THƯ"
    if org.kind in COMMITTEE_KINDS:
        return "T/M ĐẢNG ỦY", "BÍ THƯ"
    return "T/M CHI BỘ", "BÍ THƯ"


def default_place(org: Org) -> str:
    """The commune, ward or province the organisation (or the nearest organisation above it) is named after."""
    for candidate in [org, *reversed(org.ancestors())]:
        match = PLACE_RE.search(candidate.name)
        if match:
            return match.group(1).strip()
    return ""


def date_line(place: str, today: date) -> str:
    """ "Lâm Viên, ngày 23 tháng 11 năm 2026"; days below 10 and months 1 and 2 with a leading zero
    (HD 36-HD/VPTW, địa danh và ngày tháng năm ban hành)."""
    day = f"{today.day:02d}"
    month = f"{today.month:02d}" if today.month < 3 else str(today.month)
    return f"{place or BLANK_PLACE}, ngày {day} tháng {month} năm {today.year}"


def period_words(period: dict[str, Any]) -> str:
    if period["quarter"]:
        return f"quý {ROMAN[period['quarter']]} năm {period['year']}"
    return f"năm {period['year']}"


def _level_cells(block: dict[str, Any], codes: list[str]) -> list[dict[str, Any]]:
    """Per level: the count and percentage as numbers, and as the document writes them (4.872; 14,3%)."""
    cells = []
    for code in codes:
        count, share = block["levels"].get(code, 0), block["percent"].get(code, 0.0)
        cells.append(
            {"count": count, "percent": share, "count_text": vn_number(count), "percent_text": vn_percent(share)}
        )
    return cells


def _levels(report: dict[str, Any], subject: str, block: dict[str, Any]) -> list[dict[str, str]]:
    codes = list(block["levels"])
    return [{"code": code, "label": level_label(report, subject, code)} for code in codes]  # type: ignore[arg-type]


def _summary_table(report: dict[str, Any], rows: list[tuple[str, str]], subject: str) -> dict[str, Any]:
    first = report[rows[0][0]]
    levels = _levels(report, subject, first)
    codes = [lv["code"] for lv in levels]
    return {
        "levels": levels,
        "rows": [
            {
                "label": label,
                "total": report[name]["total"],
                "rated": report[name]["rated"],
                "exemplary": report[name]["exemplary"],
                "cells": _level_cells(report[name], codes),
            }
            for name, label in rows
        ],
    }


def _children_table(report: dict[str, Any]) -> dict[str, Any]:
    levels = _levels(report, "member", report[MEMBERS])
    codes = [lv["code"] for lv in levels]
    org_labels = {lv["code"]: lv["label"] for lv in report["regime"]["org_levels"]}
    rows = [
        {
            "code": child["code"],
            "name": child["name"],
            "own_level": org_labels.get(child["own_level"], child["own_level"]),
            "total": child[MEMBERS]["total"],
            "rated": child[MEMBERS]["rated"],
            "cells": _level_cells(child[MEMBERS], codes),
        }
        for child in report["children"]
    ]
    return {"levels": levels, "rows": rows}


def _quota_lines(report: dict[str, Any]) -> list[str]:
    lines = []
    for subject, noun in (("orgs", "tổ chức đảng"), ("members", "đảng viên")):
        quota = report["quota"][subject]
        if quota is None:
            continue
        verdict = "vượt mức quy định" if quota["exceeded"] else "trong mức quy định"
        lines.append(f"Tỷ lệ {noun} hoàn thành xuất sắc nhiệm vụ: {quota['text']} — {verdict}.")
    return lines


def report_context(org: Org, key: PeriodKey, *, number: str = "", place: str = "", today: date) -> dict[str, Any]:
    """Everything the document shows, as plain values (see the module doc for the layout).

    `number`: the document's number ("" leaves room to write it in); `place`: the place name of the
    date line ("" → read from the organisation's name, see `default_place`); `today`: the date line's date.
    Raises ValidationError as `ratings_report` does.
    """
    report = ratings_report(org, key)
    parent = org.parent
    issuer = issuer_name(org)
    abbreviation = issuer_abbreviation(org)
    on_behalf, signer = signature_lines(org)
    period = period_words(report["period"])
    recipients = []
    if parent is not None:
        recipients += [f"- Ban Thường vụ {issuer_name(parent)},", f"- Ban Tổ chức {issuer_name(parent)},"]
    recipients += ["- Các tổ chức đảng trực thuộc,", f"- Lưu Văn phòng {issuer}."]
    return {
        "page": {"size_mm": PAGE_MM, "margins_mm": dict(MARGINS_MM), "font": FONT, "body_pt": BODY_PT},
        "header": {
            "above": _upper(parent.name) if parent is not None else "",
            "issuer": _upper(issuer),
            "star": "*",
            "number": f"Số {number.strip() or BLANK_NUMBER}-BC/{abbreviation}",
            "party": PARTY,
            "date_line": date_line(place.strip() or default_place(org), today),
        },
        "title": TITLE,
        "subtitle": SUBTITLE.format(period=period),
        "org": {"code": report["code"], "name": report["name"], "kind": report["kind"]},
        "period": report["period"],
        "regime": report["regime"]["name"],
        "rounding": report["rounding"],
        "paragraph": rating_paragraph(report),
        "org_table": _summary_table(report, list(ORG_ROWS), "org"),
        "member_table": _summary_table(report, [(MEMBERS, "Đảng viên")], "member"),
        "children_table": _children_table(report),
        "quota": _quota_lines(report),
        "warnings": [
            warning["message"]
            for warning in report["warnings"]
            if not (warning["code"].startswith("quota_") and warning["org"] == report["code"])
        ],
        "recipients": recipients,
        "signature": {"on_behalf": on_behalf, "title": signer, "name": ""},
    }


# Rendering ------------------------------------------------------------------------------------------


def _font(run: Any, *, size: float | None = None, bold: bool = False, italic: bool = False) -> Any:
    from docx.shared import Pt

    run.bold, run.italic = bold or None, italic or None
    if size is not None:
        run.font.size = Pt(size)
    return run


def _paragraph(
    container: Any,
    text: str = "",
    *,
    align: str = "left",
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    before: float = 0,
    after: float = 0,
    indent_first: bool = False,
) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    paragraph = container.add_paragraph()
    paragraph.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent_first:
        fmt.first_line_indent = Mm(10)
    if text:
        run = _font(paragraph.add_run(text), size=size, bold=bold, italic=italic)
        run.underline = underline or None
    return paragraph


def _set_fonts(document: Any) -> None:
    """Times New Roman for every script (Vietnamese letters fall under hAnsi/cs in Word's font slots)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), FONT)
    style.paragraph_format.space_after = 0
    style.paragraph_format.line_spacing = 1.15


def _cell_text(cell: Any, text: str, *, align: str = "center", bold: bool = False, size: float = TABLE_PT) -> None:
    cell.paragraphs[0].text = ""
    first = cell.paragraphs[0]
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    first.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER}[align]
    _font(first.add_run(text), size=size, bold=bold)


def _widths(table: Any, widths_mm: list[float]) -> None:
    from docx.shared import Mm

    table.autofit = False
    # LibreOffice lays a table out by its grid (w:gridCol), Word by the cells' own widths: set both.
    for column, width in zip(table.columns, widths_mm, strict=False):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)


def _data_table(
    document: Any,
    headers: list[str],
    rows: list[list[str]],
    widths_mm: list[float],
    first_left: int = 1,
    size: float = TABLE_PT,
) -> Any:
    """A bordered table; the first `first_left` columns left-aligned, the figures centred."""
    table = document.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = "Table Grid"
    for index, header in enumerate(headers):
        _cell_text(table.rows[0].cells[index], header, bold=True, size=size)
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values):
            _cell_text(table.rows[r].cells[c], value, align="left" if c < first_left else "center", size=size)
    _widths(table, widths_mm)
    return table


def _level_headers(levels: list[dict[str, str]]) -> list[str]:
    return [lv["label"] for lv in levels]


def _level_values(cells: list[dict[str, Any]]) -> list[str]:
    return [f"{cell['count_text']}\n{cell['percent_text']}" for cell in cells]


def hd36_document(context: dict[str, Any]) -> tuple[Any, float]:
    """A new document laid out per HD 36-HD/VPTW: page size and margins, Times New Roman, the header
    block (issuer left, the Party's name and the date line right), the title and subtitle. Shared by every
    Word output; returns the document and the usable page width in mm."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    document = Document()
    _set_fonts(document)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(v) for v in context["page"]["size_mm"])
    margins = context["page"]["margins_mm"]
    section.top_margin, section.bottom_margin = Mm(margins["top"]), Mm(margins["bottom"])
    section.left_margin, section.right_margin = Mm(margins["left"]), Mm(margins["right"])
    usable = context["page"]["size_mm"][0] - margins["left"] - margins["right"]

    # Header block: a borderless table, left the issuer, right the Party's name and the date line.
    header = context["header"]
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    right.paragraphs[0].text = ""
    left._element.remove(left.paragraphs[0]._element)
    right._element.remove(right.paragraphs[0]._element)
    if header["above"]:
        _paragraph(left, header["above"], align="center", size=13)
    _paragraph(left, header["issuer"], align="center", size=13, bold=True)
    _paragraph(left, header["star"], align="center", size=13)
    _paragraph(left, header["number"], align="center", size=13)
    _paragraph(right, header["party"], align="center", size=14, bold=True, underline=True)
    _paragraph(right, "", size=13)
    _paragraph(right, header["date_line"], align="center", size=13, italic=True)
    _widths(table, [usable * 0.45, usable * 0.55])

    _paragraph(document, context["title"], align="center", size=15, bold=True, before=18)
    _paragraph(document, context["subtitle"], align="center", size=14, bold=True)
    return document, usable


def render_docx(context: dict[str, Any]) -> bytes:
    """The .docx bytes of a `report_context` dict."""
    document, usable = hd36_document(context)
    _paragraph(document, "-----", align="center", size=13, after=12)

    _paragraph(document, "I. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI", bold=True, before=6, after=6, indent_first=True)
    _paragraph(document, context["paragraph"], align="justify", indent_first=True, after=6)
    _paragraph(
        document,
        f"Áp dụng {context['regime']}. {context['rounding']}",
        align="justify",
        italic=True,
        size=12,
        indent_first=True,
        after=6,
    )

    org_table = context["org_table"]
    _paragraph(document, "1. Tổ chức đảng", bold=True, indent_first=True, before=6)
    _paragraph(document, "(số lượng, tỷ lệ trên số được xếp loại)", italic=True, size=12, indent_first=True, after=4)
    n_levels = len(org_table["levels"])
    level_w = (usable - 45 - 18 - 20) / max(n_levels, 1)
    _data_table(
        document,
        ["Loại tổ chức", "Tổng số", "Được xếp loại", *_level_headers(org_table["levels"])],
        [
            [row["label"], vn_number(row["total"]), vn_number(row["rated"]), *_level_values(row["cells"])]
            for row in org_table["rows"]
        ],
        [45, 18, 20, *([level_w] * n_levels)],
    )

    member_table = context["member_table"]
    _paragraph(document, "2. Đảng viên", bold=True, indent_first=True, before=10)
    _paragraph(document, "(số lượng, tỷ lệ trên số được xếp loại)", italic=True, size=12, indent_first=True, after=4)
    n_levels = len(member_table["levels"])
    level_w = (usable - 45 - 18 - 20) / max(n_levels, 1)
    _data_table(
        document,
        ["", "Tổng số", "Được xếp loại", *_level_headers(member_table["levels"])],
        [
            [row["label"], vn_number(row["total"]), vn_number(row["rated"]), *_level_values(row["cells"])]
            for row in member_table["rows"]
        ],
        [45, 18, 20, *([level_w] * n_levels)],
    )

    children = context["children_table"]
    if children["rows"]:
        _paragraph(document, "3. Kết quả của các tổ chức đảng trực thuộc", bold=True, indent_first=True, before=10)
        codes = "; ".join(f"{lv['code']}: {lv['label'].lower()}" for lv in children["levels"])
        _paragraph(document, f"(đảng viên: số lượng, tỷ lệ; {codes})", italic=True, size=12, indent_first=True, after=4)
        n_levels = len(children["levels"])
        level_w = (usable - 10 - 34 - 21 - 12 - 13) / max(n_levels, 1)
        _data_table(
            document,
            [
                "TT",
                "Tổ chức đảng",
                "Xếp loại tổ chức",
                "Đảng viên",
                "Được xếp loại",
                *[lv["code"] for lv in children["levels"]],
            ],
            [
                [
                    str(index),
                    row["name"],
                    row["own_level"] or DASH,
                    vn_number(row["total"]),
                    vn_number(row["rated"]),
                    *_level_values(row["cells"]),
                ]
                for index, row in enumerate(children["rows"], start=1)
            ],
            [10, 34, 21, 12, 13, *([level_w] * n_levels)],
            first_left=2,
            size=10,
        )

    if context["quota"] or context["warnings"]:
        _paragraph(
            document, "II. TỶ LỆ XUẤT SẮC VÀ NHỮNG ĐIỂM CẦN KIỂM TRA", bold=True, before=12, after=6, indent_first=True
        )
        for line in context["quota"]:
            _paragraph(document, f"- {line}", align="justify", indent_first=True)
        for line in context["warnings"]:
            _paragraph(document, f"- {line}", align="justify", indent_first=True)

    # "Nơi nhận" on the left, the signature on the right: a second borderless table.
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left._element.remove(left.paragraphs[0]._element)
    right._element.remove(right.paragraphs[0]._element)
    _paragraph(left, "Nơi nhận:", size=12, bold=True, italic=True, before=12)
    for line in context["recipients"]:
        _paragraph(left, line, size=11)
    signature = context["signature"]
    _paragraph(right, signature["on_behalf"], align="center", size=14, bold=True, before=12)
    _paragraph(right, signature["title"], align="center", size=14, bold=True)
    for _ in range(3):
        _paragraph(right, "")
    _paragraph(right, signature["name"] or " ", align="center", size=14, bold=True)
    _widths(table, [usable * 0.5, usable * 0.5])

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_filename(context: dict[str, Any]) -> str:
    period = context["period"]
    quarter = f"-quy-{period['quarter']}" if period["quarter"] else ""
    return f"bao-cao-xep-loai-{context['org']['code']}-{period['year']}{quarter}.docx"
