"""Shape rules of the organisation tree (Điều lệ Đảng, Điều 21; QĐ 294-QĐ/TW): which kind may sit under
which, which kinds may be roots, and which kind a node with children may become."""

from __future__ import annotations

import itertools

import pytest

from dangvu.orgs.kinds import (
    ALLOWED_CHILDREN,
    CELL_KINDS,
    GRASSROOTS_KINDS,
    ROOT_KINDS,
    OrgKind,
    children_kind_error,
    kind_label,
    shape_error,
)

K = OrgKind
# The whole table, written out from the regulation rather than read from the code under test:
# province (or national) → upper-level committee → grassroots org → sub-committee → attached cell.
ALLOWED_PAIRS = {
    (K.NATIONAL, K.PROVINCE),
    (K.PROVINCE, K.UPPER),
    (K.PROVINCE, K.GRASSROOTS_COMMITTEE),
    (K.PROVINCE, K.GRASSROOTS_CELL),
    (K.UPPER, K.GRASSROOTS_COMMITTEE),
    (K.UPPER, K.GRASSROOTS_CELL),
    (K.GRASSROOTS_COMMITTEE, K.SUB_COMMITTEE),
    (K.GRASSROOTS_COMMITTEE, K.CELL),
    (K.SUB_COMMITTEE, K.CELL),
}
ALL_PAIRS = list(itertools.product(K.values, K.values))


@pytest.mark.parametrize(("parent", "child"), sorted(ALLOWED_PAIRS))
def test_an_allowed_pair_has_no_shape_error(parent: str, child: str) -> None:
    assert shape_error(child, parent, "Cấp trên") is None


@pytest.mark.parametrize(("parent", "child"), [pair for pair in ALL_PAIRS if pair not in ALLOWED_PAIRS])
def test_a_forbidden_pair_is_refused_with_a_message_naming_both_kinds(parent: str, child: str) -> None:
    message = shape_error(child, parent, "Cấp trên")
    assert message is not None
    assert kind_label(parent) in message
    assert kind_label(child).lower() in message
    assert "“Cấp trên”" in message


def test_the_table_in_the_code_is_exactly_the_regulation() -> None:
    in_code = {(parent, child) for parent, children in ALLOWED_CHILDREN.items() for child in children}
    assert in_code == ALLOWED_PAIRS


@pytest.mark.parametrize("kind", [K.PROVINCE, K.NATIONAL])
def test_a_province_or_the_national_level_may_be_a_root(kind: str) -> None:
    assert shape_error(kind, None) is None


@pytest.mark.parametrize("kind", [K.UPPER, K.GRASSROOTS_COMMITTEE, K.GRASSROOTS_CELL, K.SUB_COMMITTEE, K.CELL])
def test_any_other_kind_needs_a_parent(kind: str) -> None:
    message = shape_error(kind, None)
    assert message is not None
    assert kind_label(kind) in message
    assert "phải có tổ chức cấp trên" in message


def test_a_grassroots_org_under_a_cell_is_refused_because_a_cell_has_no_children() -> None:
    message = shape_error(K.GRASSROOTS_COMMITTEE, K.CELL, "Chi bộ Văn phòng")
    assert message == (
        "Chi bộ trực thuộc không có tổ chức trực thuộc, nên không thể đặt đảng bộ cơ sở dưới “Chi bộ Văn phòng”."
    )


def test_an_attached_cell_directly_under_a_commune_lists_what_the_commune_may_have() -> None:
    message = shape_error(K.CELL, K.UPPER, "Đảng bộ xã An Phú")
    assert message == (
        "Không thể đặt chi bộ trực thuộc trực thuộc Đảng bộ cấp trên cơ sở “Đảng bộ xã An Phú”. "
        "Đảng bộ cấp trên cơ sở chỉ có: đảng bộ cơ sở, chi bộ cơ sở."
    )


def test_cells_grassroots_and_roots_are_the_expected_kinds() -> None:
    assert {K.GRASSROOTS_CELL, K.CELL} == CELL_KINDS
    assert {K.GRASSROOTS_COMMITTEE, K.GRASSROOTS_CELL} == GRASSROOTS_KINDS
    assert {K.NATIONAL, K.PROVINCE} == ROOT_KINDS


@pytest.mark.parametrize("kind", K.values)
def test_a_node_without_children_may_become_any_kind_as_far_as_children_go(kind: str) -> None:
    assert children_kind_error(kind, set()) is None


@pytest.mark.parametrize(("kind", "child"), ALL_PAIRS)
def test_a_node_with_children_may_become_a_kind_only_if_it_may_hold_them(kind: str, child: str) -> None:
    error = children_kind_error(kind, {child})
    assert (error is None) == ((kind, child) in ALLOWED_PAIRS)


@pytest.mark.parametrize("kind", sorted(CELL_KINDS))
def test_a_grassroots_committee_with_cells_cannot_become_a_cell(kind: str) -> None:
    message = children_kind_error(kind, {K.CELL, K.SUB_COMMITTEE})
    assert message == f"{kind_label(kind)} không được có tổ chức trực thuộc; hãy chuyển hoặc giải thể chúng trước."


def test_a_commune_with_grassroots_orgs_cannot_become_a_grassroots_committee_and_the_message_names_them() -> None:
    message = children_kind_error(K.GRASSROOTS_COMMITTEE, {K.GRASSROOTS_CELL, K.CELL, K.GRASSROOTS_COMMITTEE})
    # Only the kinds it may not hold are named, in the order of the tree.
    assert message == "Đảng bộ cơ sở không thể có đảng bộ cơ sở, chi bộ cơ sở trực thuộc."


def test_a_sub_committee_with_cells_may_become_a_grassroots_committee() -> None:
    assert children_kind_error(K.GRASSROOTS_COMMITTEE, {K.CELL}) is None
