"""QĐ 132-QĐ/TW (08/3/2018) with HD 16-HD/BTCTW (2018) and HD 21-HD/BTCTW (18/10/2019): criteria, no points.

Levels for organisations and members: HTXSNV / HTTNV / HTNV / KHTNV. DOMAIN-RULES §1.2 confirms:
- Member HTXSNV: every task criterion "Xuất sắc" and every other criterion "Tốt" or better.
- Organisation HTXSNV: every subordinate body (for a cell: every member) HTNV or better, with at least
  80% HTTNV or better — computed from `Subordinates`; the local government, Fatherland Front and mass
  organisations at its level HTTNV or better — typed.
- Quota: members HTXSNV ≤ 20% of those rated HTTNV within each grassroots organisation.

The rules give the best level allowed: HTXSNV when its requirements hold, otherwise HTTNV (the criteria
below HTXSNV are not on file, so nothing lower is ever computed; a human decides). UNCONFIRMED, hence
settings: the quota's denominator, an organisation quota, and whether a member disciplined in the year
is KHTNV (default: off, as no text was found).
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
    Subordinates,
    Verdict,
)

MEMBER_ART = "QĐ 132-QĐ/TW; HD 21-HD/BTCTW (2019), đảng viên HTXSNV"
ORG_ART = "QĐ 132-QĐ/TW; HD 21-HD/BTCTW (2019), tổ chức đảng HTXSNV"
QUOTA_ART = "QĐ 132-QĐ/TW; HD 21-HD/BTCTW (2019), tỷ lệ HTXSNV"
UNCONFIRMED_ART = "QĐ 132-QĐ/TW (quy tắc chưa xác nhận, theo cài đặt)"

LEVELS = FOUR_LEVELS

AT_LEAST_GOOD = frozenset({HTXSNV, HTTNV})
AT_LEAST_DONE = frozenset({HTXSNV, HTTNV, HTNV})


def member_conditions(article: str, unconfirmed_article: str) -> tuple[Condition, ...]:
    return (
        Condition("task_criteria_excellent", "Tất cả tiêu chí về thực hiện nhiệm vụ được đánh giá “Xuất sắc”", article),
        Condition("other_criteria_good", "Các tiêu chí còn lại được đánh giá “Tốt” trở lên", article),
        Condition("disciplined", "Bị kỷ luật trong năm", unconfirmed_article, "trigger"),
    )


def org_conditions(article: str) -> tuple[Condition, ...]:
    return (
        Condition(
            "subordinates_done_80pct_good",
            "100% đảng viên (chi bộ) hoặc tổ chức trực thuộc “Hoàn thành nhiệm vụ” trở lên, trong đó từ 80%"
            " “Hoàn thành tốt nhiệm vụ” trở lên (tính từ dữ liệu)",
            article,
            computed=True,
        ),
        Condition(
            "local_bodies_good",
            "Chính quyền, Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội cùng cấp “Hoàn thành tốt nhiệm vụ”"
            " trở lên",
            article,
        ),
    )


MEMBER_CONDITIONS = member_conditions(MEMBER_ART, UNCONFIRMED_ART)
ORG_CONDITIONS = org_conditions(ORG_ART)

SETTINGS = (
    Setting("member_quota_ratio", "0.20", "Tỷ lệ đảng viên HTXSNV tối đa so với số HTTNV", unconfirmed=False),
    Setting("member_peer_group", "grassroots", "Nhóm tính tỷ lệ đảng viên: grassroots (từng TCCS)", unconfirmed=False),
    Setting("quota_base", "HTTNV", "Mẫu số của tỷ lệ: HTTNV (đúng văn bản) hoặc HTTNV+HTXSNV"),
    Setting(
        "org_quota_ratio",
        "0.20",
        "Tỷ lệ tổ chức đảng HTXSNV tối đa so với số HTTNV cùng cấp trên (trống: không giới hạn)",
    ),
    Setting("org_peer_group", "parent", "Nhóm tính tỷ lệ tổ chức: parent (cùng cấp ủy cấp trên)"),
    Setting("disciplined_member_fails", False, "Đảng viên bị kỷ luật trong năm xếp loại KHTNV"),
)


def subordinates_share_ok(below: Subordinates | None, min_good_share: Decimal) -> tuple[bool, str]:
    """(met, detail). Counts the subordinate bodies if any is rated, otherwise the members (a cell).
    Nothing rated below: not computable, so it does not block (a human decides)."""
    if below is None:
        return True, ""
    by_level, what = (
        (below.children_by_level, "tổ chức trực thuộc")
        if below.children_rated
        else (below.members_by_level, "đảng viên")
    )
    rated = sum(by_level.values())
    if not rated:
        return True, ""
    done = sum(n for code, n in by_level.items() if code in AT_LEAST_DONE)
    good = sum(n for code, n in by_level.items() if code in AT_LEAST_GOOD)
    met = done == rated and Decimal(good) >= min_good_share * rated
    detail = f"{done}/{rated} {what} HTNV trở lên, {good}/{rated} HTTNV trở lên (cần 100% và {min_good_share:.0%})"
    return met, detail


def member_verdict(rating: RatingInput, *, disciplined_fails: bool, conditions: tuple[Condition, ...]) -> Verdict:
    typed = rating.conditions
    task, other, disciplined = conditions
    if disciplined_fails and typed.get(disciplined.code, disciplined.default):
        return Verdict(KHTNV, (Finding(disciplined.code, disciplined.article, disciplined.label),))
    missing = [
        Finding(c.code, c.article, f"chưa đạt “{c.label}”") for c in (task, other) if not typed.get(c.code, c.default)
    ]
    return Verdict(HTTNV, tuple(missing)) if missing else Verdict(HTXSNV)


def org_verdict(rating: RatingInput, *, min_good_share: Decimal, conditions: tuple[Condition, ...]) -> Verdict:
    computed, local = conditions
    reasons: list[Finding] = []
    met, detail = subordinates_share_ok(rating.subordinates, min_good_share)
    if not met:
        reasons.append(Finding(computed.code, computed.article, f"chưa đạt “{computed.label}”: {detail}"))
    if not rating.conditions.get(local.code, local.default):
        reasons.append(Finding(local.code, local.article, f"chưa đạt “{local.label}”"))
    return Verdict(HTTNV, tuple(reasons)) if reasons else Verdict(HTXSNV)


def quota_rule(
    settings: Mapping[str, Any], ratio_key: str, peer_group: str, article: str, exception: Any = None
) -> QuotaRule | None:
    ratio = settings[ratio_key]
    if ratio is None:
        return None
    return QuotaRule(
        top_level=HTXSNV,
        ratio=Decimal(str(ratio)),
        exception_ratio=None if exception is None else Decimal(str(exception)),
        base_levels=(HTTNV, HTXSNV) if settings["quota_base"] == "HTTNV+HTXSNV" else (HTTNV,),
        peer_group=peer_group,
        article=article,
    )


def member_rule(rating: RatingInput, settings: Mapping[str, Any]) -> Verdict:
    return member_verdict(
        rating, disciplined_fails=bool(settings["disciplined_member_fails"]), conditions=MEMBER_CONDITIONS
    )


def org_rule(rating: RatingInput, settings: Mapping[str, Any]) -> Verdict:
    return org_verdict(rating, min_good_share=Decimal("0.80"), conditions=ORG_CONDITIONS)


REGIME = Regime(
    code="QD132",
    name="QĐ 132-QĐ/TW (2018)",
    starts=date(2018, 3, 8),
    quarterly=False,
    scored=False,
    member_levels=LEVELS,
    org_levels=LEVELS,
    member_conditions=MEMBER_CONDITIONS,
    org_conditions=ORG_CONDITIONS,
    member_rule=member_rule,
    org_rule=org_rule,
    settings=SETTINGS,
    member_quota=lambda s: quota_rule(s, "member_quota_ratio", s["member_peer_group"], QUOTA_ART),
    org_quota=lambda s: quota_rule(s, "org_quota_ratio", s["org_peer_group"], QUOTA_ART),
    exemplary_levels=frozenset({HTXSNV}),
)
