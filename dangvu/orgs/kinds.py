"""Kinds of Party organisations and the shapes the tree may take (Điều lệ Đảng, Điều 21; QĐ 294-QĐ/TW).

Pure values and functions: no ORM, so the rules can be tested exhaustively and changed in one place.
"""

from __future__ import annotations

from django.db import models


class OrgKind(models.TextChoices):
    NATIONAL = "national", "Toàn Đảng"
    PROVINCE = "province", "Đảng bộ tỉnh"
    UPPER = "upper", "Đảng bộ cấp trên cơ sở"
    GRASSROOTS_COMMITTEE = "grassroots_committee", "Đảng bộ cơ sở"
    GRASSROOTS_CELL = "grassroots_cell", "Chi bộ cơ sở"
    SUB_COMMITTEE = "sub_committee", "Đảng bộ bộ phận"
    CELL = "cell", "Chi bộ trực thuộc"


class Sector(models.TextChoices):
    """Khối / loại hình of an organisation, as the statistics forms group them."""

    COMMUNE = "commune", "Xã, phường, đặc khu"
    PARTY_AGENCY = "party_agency", "Cơ quan Đảng, Mặt trận, đoàn thể"
    STATE_AGENCY = "state_agency", "Cơ quan hành chính nhà nước"
    PUBLIC_SERVICE = "public_service", "Đơn vị sự nghiệp"
    STATE_ENTERPRISE = "state_enterprise", "Doanh nghiệp nhà nước"
    PRIVATE_ENTERPRISE = "private_enterprise", "Doanh nghiệp ngoài nhà nước"
    MILITARY = "military", "Quân đội"
    POLICE = "police", "Công an"
    OTHER = "other", "Khác"


# Which kinds may sit directly under which. A kind absent from the keys has no children.
ALLOWED_CHILDREN: dict[str, frozenset[str]] = {
    OrgKind.NATIONAL: frozenset({OrgKind.PROVINCE}),
    OrgKind.PROVINCE: frozenset({OrgKind.UPPER, OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL}),
    OrgKind.UPPER: frozenset({OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL}),
    OrgKind.GRASSROOTS_COMMITTEE: frozenset({OrgKind.SUB_COMMITTEE, OrgKind.CELL}),
    OrgKind.SUB_COMMITTEE: frozenset({OrgKind.CELL}),
}
ROOT_KINDS = frozenset({OrgKind.NATIONAL, OrgKind.PROVINCE})
# Members belong to a cell: a chi bộ cơ sở or a chi bộ trực thuộc.
CELL_KINDS = frozenset({OrgKind.GRASSROOTS_CELL, OrgKind.CELL})
GRASSROOTS_KINDS = frozenset({OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL})
# Order in which kinds are listed under a parent.
KIND_ORDER = {kind: index for index, kind in enumerate(OrgKind.values)}

ERR_ROOT_KIND = "Tổ chức gốc của cây phải là Đảng bộ tỉnh (hoặc Toàn Đảng); {kind} phải có tổ chức cấp trên."
ERR_NO_CHILDREN = "{parent_kind} không có tổ chức trực thuộc, nên không thể đặt {kind} dưới “{parent}”."
ERR_BAD_CHILD = "Không thể đặt {kind} trực thuộc {parent_kind} “{parent}”. {parent_kind} chỉ có: {allowed}."


def kind_label(kind: str) -> str:
    return str(OrgKind(kind).label)


def shape_error(kind: str, parent_kind: str | None, parent_name: str = "") -> str | None:
    """Why a node of `kind` cannot sit under a parent of `parent_kind`, or None when it can."""
    if parent_kind is None:
        return None if kind in ROOT_KINDS else ERR_ROOT_KIND.format(kind=kind_label(kind))
    allowed = ALLOWED_CHILDREN.get(parent_kind, frozenset())
    if not allowed:
        return ERR_NO_CHILDREN.format(
            parent_kind=kind_label(parent_kind), kind=kind_label(kind).lower(), parent=parent_name
        )
    if kind not in allowed:
        names = ", ".join(kind_label(k).lower() for k in OrgKind.values if k in allowed)
        return ERR_BAD_CHILD.format(
            kind=kind_label(kind).lower(), parent_kind=kind_label(parent_kind), parent=parent_name, allowed=names
        )
    return None


def children_kind_error(kind: str, child_kinds: set[str]) -> str | None:
    """Why a node with children of `child_kinds` cannot become `kind` (e.g. a cell with children)."""
    allowed = ALLOWED_CHILDREN.get(kind, frozenset())
    bad = sorted(child_kinds - allowed, key=KIND_ORDER.__getitem__)
    if not bad:
        return None
    if not allowed:
        return f"{kind_label(kind)} không được có tổ chức trực thuộc; hãy chuyển hoặc giải thể chúng trước."
    return f"{kind_label(kind)} không thể có {', '.join(kind_label(k).lower() for k in bad)} trực thuộc."
