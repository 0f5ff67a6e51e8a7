"""QĐ 124-QĐ/TW (04/10/2023) with HD 25-HD/BTCTW (10/11/2023): four levels under Điều 12.

Levels for organisations and members: HTXSNV / HTTNV / HTNV / KHTNV (DOMAIN-RULES §1.2, "xếp loại vào 1
trong 4 mức theo quy định tại Điều 12"). The exact wording of its quota and triggers is UNCONFIRMED, so
every such rule is a setting whose default is the QĐ 132 rule it most likely carried over: member
HTXSNV on the criteria, organisation HTXSNV on its subordinates (100% HTNV, 80% HTTNV), HTXSNV ≤ 20% of
HTTNV within each grassroots organisation, no 25% exception, no trigger.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from dangvu.evaluations.regimes import qd132
from dangvu.evaluations.regimes.base import HTXSNV, RatingInput, Regime, Setting, Verdict

ART12 = "QĐ 124-QĐ/TW, Điều 12"
ART12_UNCONFIRMED = "QĐ 124-QĐ/TW, Điều 12 (quy tắc chưa xác nhận, theo cài đặt)"

MEMBER_CONDITIONS = qd132.member_conditions(ART12_UNCONFIRMED, ART12_UNCONFIRMED)
ORG_CONDITIONS = qd132.org_conditions(ART12_UNCONFIRMED)

SETTINGS = (
    Setting("member_quota_ratio", "0.20", "Tỷ lệ đảng viên HTXSNV tối đa so với số HTTNV (trống: không giới hạn)"),
    Setting("member_peer_group", "grassroots", "Nhóm tính tỷ lệ đảng viên: grassroots (từng TCCS) hoặc cell"),
    Setting("quota_base", "HTTNV", "Mẫu số của tỷ lệ: HTTNV (đúng văn bản) hoặc HTTNV+HTXSNV"),
    Setting("org_quota_ratio", "0.20", "Tỷ lệ tổ chức đảng HTXSNV tối đa so với số HTTNV (trống: không giới hạn)"),
    Setting("org_peer_group", "parent", "Nhóm tính tỷ lệ tổ chức: parent (cùng cấp ủy cấp trên)"),
    Setting("quota_exception_ratio", None, "Tỷ lệ tối đa cho đơn vị nổi trội (trống: không có ngoại lệ)"),
    Setting("org_excellent_min_good_share", "0.80", "Tỷ lệ tối thiểu trực thuộc HTTNV trở lên để tổ chức đạt HTXSNV"),
    Setting("disciplined_member_fails", False, "Đảng viên bị kỷ luật trong năm xếp loại KHTNV"),
)


def member_rule(rating: RatingInput, settings: Mapping[str, Any]) -> Verdict:
    return qd132.member_verdict(
        rating, disciplined_fails=bool(settings["disciplined_member_fails"]), conditions=MEMBER_CONDITIONS
    )


def org_rule(rating: RatingInput, settings: Mapping[str, Any]) -> Verdict:
    share = Decimal(str(settings["org_excellent_min_good_share"]))
    return qd132.org_verdict(rating, min_good_share=share, conditions=ORG_CONDITIONS)


REGIME = Regime(
    code="QD124",
    name="QĐ 124-QĐ/TW (2023)",
    starts=date(2023, 10, 4),
    quarterly=False,
    scored=False,
    member_levels=qd132.LEVELS,
    org_levels=qd132.LEVELS,
    member_conditions=MEMBER_CONDITIONS,
    org_conditions=ORG_CONDITIONS,
    member_rule=member_rule,
    org_rule=org_rule,
    settings=SETTINGS,
    member_quota=lambda s: qd132.quota_rule(
        s, "member_quota_ratio", s["member_peer_group"], ART12_UNCONFIRMED, s["quota_exception_ratio"]
    ),
    org_quota=lambda s: qd132.quota_rule(
        s, "org_quota_ratio", s["org_peer_group"], ART12_UNCONFIRMED, s["quota_exception_ratio"]
    ),
    exemplary_levels=frozenset({HTXSNV}),
)
