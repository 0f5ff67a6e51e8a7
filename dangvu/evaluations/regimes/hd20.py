"""HD 20-HD/BTCTW (10/10/2008): the 2008–2013 scheme, yearly, no points.

Organisations: Trong sạch, vững mạnh (TSVM; "TSVM tiêu biểu" is a mark on it) / Hoàn thành tốt nhiệm vụ /
Hoàn thành nhiệm vụ / Yếu kém. Members: "Đủ tư cách, hoàn thành xuất sắc nhiệm vụ" … / "Vi phạm tư cách
hoặc không hoàn thành nhiệm vụ" (labels as published in 2012 results, DOMAIN-RULES §1.0).

The criteria of each level could not be found (DOMAIN-RULES gives only the labels), so the rules
compute no level: the verdict is None and a human decides. No quota is known; a deployment that
confirms one sets `member_quota_ratio` / `org_quota_ratio`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from dangvu.evaluations.regimes.base import (
    HTNV,
    HTTNV,
    HTXSNV,
    TSVM,
    TSVM_LEVELS,
    VPTC,
    LevelDef,
    QuotaRule,
    RatingInput,
    Regime,
    Setting,
    Verdict,
)

SOURCE = "HD 20-HD/BTCTW (10/10/2008)"

ORG_LEVELS = TSVM_LEVELS
MEMBER_LEVELS = (
    LevelDef(HTXSNV, "Đủ tư cách, hoàn thành xuất sắc nhiệm vụ", 1),
    LevelDef(HTTNV, "Đủ tư cách, hoàn thành tốt nhiệm vụ", 2),
    LevelDef(HTNV, "Đủ tư cách, hoàn thành nhiệm vụ", 3),
    LevelDef(VPTC, "Vi phạm tư cách hoặc không hoàn thành nhiệm vụ", 4),
)

SETTINGS = (
    Setting(
        "member_quota_ratio",
        None,
        "Tỷ lệ tối đa đảng viên HTXSNV so với số HTTNV trong từng TCCS (trống: không giới hạn)",
    ),
    Setting(
        "org_quota_ratio",
        None,
        "Tỷ lệ tối đa tổ chức TSVM so với số “hoàn thành tốt” cùng cấp trên (trống: không giới hạn)",
    ),
)


def no_rule(rating: RatingInput, settings: Mapping[str, Any]) -> Verdict:
    """HD 20's criteria are not on file: no computable level (DOMAIN-RULES §1.0)."""
    return Verdict(None)


def optional_quota(settings: Mapping[str, Any], key: str, top: str, peer_group: str, article: str) -> QuotaRule | None:
    """A quota that exists only once a deployment sets its ratio (the regulation's own is not on file)."""
    ratio = settings[key]
    if ratio is None:
        return None
    return QuotaRule(
        top_level=top,
        ratio=Decimal(str(ratio)),
        exception_ratio=None,
        base_levels=(HTTNV,),
        peer_group=peer_group,
        article=article,
    )


REGIME = Regime(
    code="HD20",
    name="HD 20-HD/BTCTW (2008)",
    starts=date(2008, 10, 10),
    quarterly=False,
    scored=False,
    member_levels=MEMBER_LEVELS,
    org_levels=ORG_LEVELS,
    member_conditions=(),
    org_conditions=(),
    member_rule=no_rule,
    org_rule=no_rule,
    settings=SETTINGS,
    member_quota=lambda s: optional_quota(s, "member_quota_ratio", HTXSNV, "grassroots", SOURCE),
    org_quota=lambda s: optional_quota(s, "org_quota_ratio", TSVM, "parent", SOURCE),
    # "TSVM tiêu biểu" for organisations; the top member level is its counterpart.
    exemplary_levels=frozenset({TSVM, HTXSNV}),
)
