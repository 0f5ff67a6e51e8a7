"""QĐ 366-QĐ/TW (30/8/2025) with HD 43-HD/BTCTW (31/10/2025): the 100-point scheme.

Score = 30 (general criteria) + 70 (task results). Art. 11:
- HTXSNV: ≥ 90 points, 100% of tasks on time with ≥ 30% beyond requirements, previous shortcomings
  fixed; for a collective, no subordinate unit or leadership member disciplined.
- HTTNV: 70 to < 90 points and 100% of tasks on time with quality.
- HTNV: 50 to < 70 points, all tasks done, at most 20% late.
- KHTNV: < 50 points, or any trigger whatever the score.
Quota: HTXSNV ≤ 20% of those rated HTTNV among peers of similar role (25% for an outstanding unit).
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
    Condition,
    Finding,
    QuotaRule,
    RatingInput,
    Regime,
    Setting,
    Verdict,
)

ART11 = "QĐ 366-QĐ/TW, Điều 11"
ART11_QUOTA = "QĐ 366-QĐ/TW, Điều 11; HD 43-HD/BTCTW"

LEVELS = FOUR_LEVELS

ON_TIME = Condition("all_tasks_on_time", "100% nhiệm vụ hoàn thành đúng tiến độ, bảo đảm chất lượng", ART11)
EXCEEDED = Condition("exceeded_30pct", "Ít nhất 30% nhiệm vụ hoàn thành vượt mức yêu cầu", ART11)
FIXED = Condition("shortcomings_fixed", "Đã khắc phục hạn chế, khuyết điểm được chỉ ra ở kỳ trước", ART11)
LATE_OK = Condition("late_within_20pct", "Số nhiệm vụ chưa bảo đảm tiến độ không quá 20%", ART11)

MEMBER_TRIGGERS = (
    Condition("disciplined", "Bị kỷ luật từ khiển trách trở lên trong kỳ", ART11, "trigger"),
    Condition(
        "degenerated",
        "Suy thoái tư tưởng chính trị, đạo đức, lối sống, “tự diễn biến”, “tự chuyển hóa”",
        ART11,
        "trigger",
    ),
    Condition(
        "violated_prohibitions", "Vi phạm điều đảng viên không được làm hoặc trách nhiệm nêu gương", ART11, "trigger"
    ),
    Condition(
        "over_half_tasks_failed", "Trên 50% số nhiệm vụ trong năm bị đánh giá không hoàn thành", ART11, "trigger"
    ),
)
ORG_COMPUTED = Condition(
    "no_disciplined_below",
    "Không có đảng viên, đơn vị trực thuộc bị kỷ luật trong kỳ (tính từ dữ liệu)",
    ART11,
    computed=True,
)
ORG_TRIGGERS = (
    Condition("disunity", "Mất đoàn kết hoặc sai phạm trong công tác cán bộ", ART11, "trigger"),
    Condition("leader_disciplined", "Thành viên lãnh đạo bị kỷ luật từ khiển trách trở lên", ART11, "trigger"),
    Condition("leader_degenerated", "Có thành viên lãnh đạo suy thoái", ART11, "trigger"),
    Condition(
        "plan_under_70pct",
        "Hoàn thành dưới 70% chỉ tiêu, nhiệm vụ hoặc không đạt 5 chỉ tiêu KT-XH cơ bản",
        ART11,
        "trigger",
    ),
)

SETTINGS = (
    Setting("quota_ratio", "0.20", "Tỷ lệ HTXSNV tối đa so với số HTTNV", unconfirmed=False),
    Setting("quota_exception_ratio", "0.25", "Tỷ lệ tối đa cho đơn vị nổi trội", unconfirmed=False),
    Setting(
        "quota_base",
        "HTTNV",
        "Mẫu số của tỷ lệ: HTTNV (đúng văn bản) hoặc HTTNV+HTXSNV",
    ),
    Setting("member_peer_group", "grassroots", "Nhóm tương đồng của đảng viên: grassroots (từng TCCS) hoặc cell"),
    Setting("org_peer_group", "parent", "Nhóm tương đồng của tổ chức: parent (cùng cấp ủy cấp trên)"),
    Setting(
        "excellent_needs_no_disciplined_member",
        True,
        "Tổ chức HTXSNV cần không đảng viên nào trực thuộc bị kỷ luật"
        " (văn bản: thành viên lãnh đạo, đơn vị trực thuộc)",
    ),
)


def _d(value: Any) -> Decimal:
    return Decimal(str(value))


def _missing(conditions: Mapping[str, bool], *needed: Condition) -> list[Finding]:
    return [
        Finding(c.code, c.article, f"chưa đạt “{c.label}”") for c in needed if not conditions.get(c.code, c.default)
    ]


def _by_score(rating: RatingInput, excellent_needs: tuple[Condition, ...], triggers: tuple[Condition, ...]) -> Verdict:
    if rating.score is None:
        return Verdict(None)
    conditions = rating.conditions
    fired = [Finding(t.code, t.article, t.label) for t in triggers if conditions.get(t.code, t.default)]
    if fired:
        return Verdict(KHTNV, tuple(fired))
    score = rating.score
    reasons: list[Finding] = []
    if score >= 90:
        missing = _missing(conditions, *excellent_needs)
        if not missing:
            return Verdict(HTXSNV)
        reasons += [f for f in missing if f not in reasons]
    else:
        reasons.append(Finding("score_below_90", ART11, f"{score} điểm, dưới 90"))
    if score >= 70:
        missing = _missing(conditions, ON_TIME)
        if not missing:
            return Verdict(HTTNV, tuple(reasons))
        reasons += [f for f in missing if f not in reasons]
    else:
        reasons.append(Finding("score_below_70", ART11, f"{score} điểm, dưới 70"))
    if score >= 50:
        missing = _missing(conditions, LATE_OK)
        if not missing:
            return Verdict(HTNV, tuple(reasons))
        reasons += [f for f in missing if f not in reasons]
    else:
        reasons.append(Finding("score_below_50", ART11, f"{score} điểm, dưới 50"))
    return Verdict(KHTNV, tuple(reasons))


def member_rule(rating: RatingInput, settings: Mapping[str, Any]) -> Verdict:
    return _by_score(rating, (ON_TIME, EXCEEDED, FIXED), MEMBER_TRIGGERS)


def org_rule(rating: RatingInput, settings: Mapping[str, Any]) -> Verdict:
    conditions = dict(rating.conditions)
    if rating.subordinates is not None and settings["excellent_needs_no_disciplined_member"]:
        conditions[ORG_COMPUTED.code] = rating.subordinates.disciplined_members == 0
    excellent_needs = (ON_TIME, EXCEEDED, FIXED, ORG_COMPUTED)
    return _by_score(RatingInput(rating.score, conditions, rating.subordinates), excellent_needs, ORG_TRIGGERS)


def _quota(settings: Mapping[str, Any], peer_group: str) -> QuotaRule:
    base = (HTTNV, HTXSNV) if settings["quota_base"] == "HTTNV+HTXSNV" else (HTTNV,)
    return QuotaRule(
        top_level=HTXSNV,
        ratio=_d(settings["quota_ratio"]),
        exception_ratio=_d(settings["quota_exception_ratio"]),
        base_levels=base,
        peer_group=peer_group,
        article=ART11_QUOTA,
    )


REGIME = Regime(
    code="QD366",
    name="QĐ 366-QĐ/TW và HD 43-HD/BTCTW",
    starts=date(2025, 8, 30),
    quarterly=True,
    scored=True,
    member_levels=LEVELS,
    org_levels=LEVELS,
    member_conditions=(ON_TIME, EXCEEDED, FIXED, LATE_OK, *MEMBER_TRIGGERS),
    org_conditions=(ON_TIME, EXCEEDED, FIXED, LATE_OK, ORG_COMPUTED, *ORG_TRIGGERS),
    member_rule=member_rule,
    org_rule=org_rule,
    settings=SETTINGS,
    member_quota=lambda s: _quota(s, s["member_peer_group"]),
    org_quota=lambda s: _quota(s, s["org_peer_group"]),
    exemplary_levels=frozenset({HTXSNV}),
)
