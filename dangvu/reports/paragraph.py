"""The paragraph a committee publishes about a rating period, written from the report dict.

In the style of the published reviews (DOMAIN.md): "Năm 2025, có 63/63 tổ chức cơ sở đảng được đánh
giá, xếp loại, trong đó có 9 tổ chức cơ sở đảng hoàn thành xuất sắc nhiệm vụ (chiếm 14,3%); …". Level
names come from the period's regime (TSVM wording before 2018), numbers are written 4.872 and 14,3%,
and the denominator of the percentages is stated. Pure: reads the dict only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dangvu.evaluations.periods import YEAR
from dangvu.evaluations.queries import NotRatedReason
from dangvu.orgs.kinds import OrgKind
from dangvu.reports.report import CELLS, GRASSROOTS, MEMBERS, level_label, vn_number, vn_percent

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
# Organisations above the grassroots level: their paragraph starts with the grassroots organisations.
ABOVE_GRASSROOTS = frozenset({OrgKind.NATIONAL, OrgKind.PROVINCE, OrgKind.UPPER})
CELL_KINDS_TEXT = frozenset({OrgKind.GRASSROOTS_CELL, OrgKind.CELL})
REASON_TEXT = {
    NotRatedReason.EXEMPT.value: "miễn công tác và sinh hoạt đảng",
    NotRatedReason.SUSPENDED.value: "đình chỉ sinh hoạt",
    NotRatedReason.NEW.value: "mới kết nạp chưa đủ 6 tháng",
}
DENOMINATOR = "Tỷ lệ tính trên số được đánh giá, xếp loại."


def period_phrase(period: Mapping[str, Any]) -> str:
    """ "Năm 2025" or "Quý III năm 2025"."""
    if period["quarter"] == YEAR:
        return f"Năm {period['year']}"
    return f"Quý {ROMAN[period['quarter']]} năm {period['year']}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _levels_clause(report: Mapping[str, Any], block: Mapping[str, Any], noun: str, subject: str) -> str:
    """ "có 9 tổ chức cơ sở đảng hoàn thành xuất sắc nhiệm vụ (chiếm 14,3%); 43 …; không có … nào …"."""
    parts = []
    said_co = False
    for index, (code, count) in enumerate(block["levels"].items()):
        label = _lower_first(level_label(report, "member" if subject == "member" else "org", code))
        if not count:
            parts.append(f"không có {noun} nào {label}")
            continue
        share = f"chiếm {vn_percent(block['percent'][code])}"
        if index == 0 and block.get("exemplary"):
            share += f"; trong đó {vn_number(block['exemplary'])} tiêu biểu"
        parts.append(f"{'' if said_co else 'có '}{vn_number(count)} {noun} {label} ({share})")
        said_co = True
    return "; ".join(parts)


def _org_sentence(report: Mapping[str, Any], block: Mapping[str, Any], noun: str, lead: str) -> str:
    rated, total = vn_number(block["rated"]), vn_number(block["total"])
    if not block["rated"]:
        return f"{lead}chưa có {noun} nào được đánh giá, xếp loại (tổng số {total} {noun})."
    return (
        f"{lead}có {rated}/{total} {noun} được đánh giá, xếp loại, trong đó "
        f"{_levels_clause(report, block, noun, 'org')}."
    )


def rating_paragraph(report: Mapping[str, Any]) -> str:
    """The published paragraph for the report's organisation and period."""
    sentences: list[str] = []
    period = period_phrase(report["period"])
    kind = report["kind"]
    grassroots, cells, members = report[GRASSROOTS], report[CELLS], report[MEMBERS]
    lead_used = False

    def lead() -> str:
        nonlocal lead_used
        if lead_used:
            return ""
        lead_used = True
        return f"{period}, "

    if kind in ABOVE_GRASSROOTS:
        by_kind = grassroots.get("by_kind", {})
        sentences.append(
            f"{report['name']} có {vn_number(grassroots['total'])} tổ chức cơ sở đảng (gồm "
            f"{vn_number(by_kind.get(OrgKind.GRASSROOTS_COMMITTEE, 0))} đảng bộ cơ sở, "
            f"{vn_number(by_kind.get(OrgKind.GRASSROOTS_CELL, 0))} chi bộ cơ sở), "
            f"{vn_number(cells['total'])} chi bộ trực thuộc đảng bộ cơ sở, với {vn_number(members['total'])} đảng viên."
        )
        sentences.append(_org_sentence(report, grassroots, "tổ chức cơ sở đảng", lead()))
    if kind not in CELL_KINDS_TEXT and cells["total"] + cells["rated"]:
        text = _org_sentence(report, cells, "chi bộ trực thuộc", lead())
        sentences.append(text[:1].upper() + text[1:])

    whole = "toàn Chi bộ" if kind in CELL_KINDS_TEXT else "toàn Đảng bộ"
    head = lead() + whole
    head = head[:1].upper() + head[1:]
    if members["rated"]:
        sentences.append(
            f"{head} có {vn_number(members['rated'])} đảng viên được đánh giá chất lượng (trên tổng số "
            f"{vn_number(members['total'])} đảng viên), trong đó "
            f"{_levels_clause(report, members, 'đảng viên', 'member')}."
        )
    else:
        sentences.append(
            f"{head} chưa có đảng viên nào được đánh giá chất lượng (tổng số {vn_number(members['total'])} đảng viên)."
        )
    not_rated = members["not_rated"]
    excluded = [(REASON_TEXT[r], n) for r, n in not_rated.items() if r in REASON_TEXT and n]
    not_yet = not_rated.get(NotRatedReason.NOT_YET.value, 0)
    if excluded:
        detail = ", ".join(f"{vn_number(n)} {text}" for text, n in excluded)
        total_excluded = vn_number(sum(n for _, n in excluded))
        sentences.append(f"Không đánh giá, xếp loại {total_excluded} đảng viên ({detail}).")
    if not_yet and members["rated"]:
        sentences.append(f"Còn {vn_number(not_yet)} đảng viên chưa được đánh giá.")
    sentences.append(DENOMINATOR)
    return " ".join(sentences)
