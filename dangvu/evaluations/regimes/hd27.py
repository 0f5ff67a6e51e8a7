"""HD 27-HD/BTCTW (25/9/2014): the 2014–2017 scheme, yearly; organisations scored in points.

Organisations: TSVM / HTTNV / HTNV / Yếu kém (YK). Members: HTXSNV / HTTNV / HTNV / KHTNV.

Confirmed (DOMAIN-RULES §1.0, "27-HD yếu kém"): an organisation is YK if it scores below 50, or scores
50 or more but has one of the listed defects — disunity, disciplined members, a cell with more than half
of its members rated KHTNV ("đạt dưới 50 điểm hoặc đạt từ 50 điểm trở lên và có một trong các khuyết
điểm… chi bộ có trên 1/2 số đảng viên xếp loại 'Không hoàn thành nhiệm vụ'"). The half-KHTNV defect is
computed from the cell's members; it applies to an organisation with no rated subordinate organisation
(a cell), since `Subordinates` holds no per-cell figures for a đảng bộ.

UNCONFIRMED, hence settings: the point bands of TSVM and HTTNV (defaults 90 and 70, the bands of the
later 100-point schemes), and any quota. The member levels' criteria are not on file: no computable
level for members (a human decides).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from dangvu.evaluations.regimes.base import (
    FOUR_LEVELS,
    HTNV,
    HTTNV,
    HTXSNV,
    KHTNV,
    TSVM,
    TSVM_LEVELS,
    YK,
    Condition,
    Finding,
    RatingInput,
    Regime,
    Setting,
    Verdict,
)
from dangvu.evaluations.regimes.hd20 import no_rule, optional_quota

SOURCE = "HD 27-HD/BTCTW (25/9/2014)"
YK_RULE = "HD 27-HD/BTCTW (25/9/2014), tổ chức cơ sở đảng yếu kém"

ORG_LEVELS = TSVM_LEVELS
MEMBER_LEVELS = FOUR_LEVELS

DISUNITY = Condition("disunity", "Nội bộ mất đoàn kết", YK_RULE, "trigger")
MEMBERS_DISCIPLINED = Condition(
    "members_disciplined", "Có đảng viên bị kỷ luật (khuyết điểm theo HD 27)", YK_RULE, "trigger"
)
HALF_KHTNV = Condition(
    "over_half_members_khtnv",
    "Chi bộ có trên 1/2 số đảng viên xếp loại “Không hoàn thành nhiệm vụ” (tính từ dữ liệu)",
    YK_RULE,
    "trigger",
    computed=True,
)
ORG_CONDITIONS = (DISUNITY, MEMBERS_DISCIPLINED, HALF_KHTNV)

YK_BELOW = Decimal(50)  # confirmed: "đạt dưới 50 điểm"

SETTINGS = (
    Setting("tsvm_min_score", 90, "Điểm tối thiểu để đạt “Trong sạch, vững mạnh”"),
    Setting("httnv_min_score", 70, "Điểm tối thiểu để đạt “Hoàn thành tốt nhiệm vụ”"),
    Setting(
        "member_quota_ratio",
        None,
        "Tỷ lệ tối đa đảng viên HTXSNV so với số HTTNV trong từng TCCS (trống: không giới hạn)",
    ),
    Setting("org_quota_ratio", None, "Tỷ lệ tối đa tổ chức TSVM so với số HTTNV cùng cấp trên (trống: không giới hạn)"),
)


def over_half_khtnv(rating: RatingInput) -> bool:
    """A cell (no rated subordinate organisation) with more than half of its rated members KHTNV."""
    below = rating.subordinates
    if below is None or below.children_rated or not below.members_rated:
        return False
    return 2 * below.members_by_level.get(KHTNV, 0) > below.members_rated


def org_rule(rating: RatingInput, settings: Mapping[str, Any]) -> Verdict:
    if rating.score is None:
        return Verdict(None)
    score = rating.score
    conditions = dict(rating.conditions)
    conditions[HALF_KHTNV.code] = over_half_khtnv(rating)
    if score < YK_BELOW:
        return Verdict(YK, (Finding("score_below_50", YK_RULE, f"{score} điểm, dưới 50"),))
    fired = tuple(Finding(c.code, c.article, c.label) for c in ORG_CONDITIONS if conditions.get(c.code, c.default))
    if fired:
        return Verdict(YK, fired)
    reasons: list[Finding] = []
    tsvm_min = Decimal(str(settings["tsvm_min_score"]))
    if score >= tsvm_min:
        return Verdict(TSVM)
    reasons.append(Finding("score_below_tsvm", SOURCE, f"{score} điểm, dưới {tsvm_min} (mức điểm chưa xác nhận)"))
    httnv_min = Decimal(str(settings["httnv_min_score"]))
    if score >= httnv_min:
        return Verdict(HTTNV, tuple(reasons))
    reasons.append(Finding("score_below_httnv", SOURCE, f"{score} điểm, dưới {httnv_min} (mức điểm chưa xác nhận)"))
    return Verdict(HTNV, tuple(reasons))


REGIME = Regime(
    code="HD27",
    name="HD 27-HD/BTCTW (2014)",
    starts=date(2014, 9, 25),
    quarterly=False,
    scored=True,
    member_levels=MEMBER_LEVELS,
    org_levels=ORG_LEVELS,
    member_conditions=(),
    org_conditions=ORG_CONDITIONS,
    member_rule=no_rule,
    org_rule=org_rule,
    settings=SETTINGS,
    member_quota=lambda s: optional_quota(s, "member_quota_ratio", HTXSNV, "grassroots", SOURCE),
    org_quota=lambda s: optional_quota(s, "org_quota_ratio", TSVM, "parent", SOURCE),
    exemplary_levels=frozenset({TSVM, HTXSNV}),
)
