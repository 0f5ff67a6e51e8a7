"""Restructuring decisions: each operation, its preview and its undo; refusals; permissions; audit."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from dangvu.accounts.models import User
from dangvu.audit.models import AuditRecord
from dangvu.awards.models import AwardDecision, AwardProposal, AwardRule
from dangvu.evaluations.models import MemberRating, OrgRating
from dangvu.meetings.models import Meeting
from dangvu.members.lifecycle import EventKind
from dangvu.members.models import Member, MemberEvent
from dangvu.members.services import event_add
from dangvu.orgs.kinds import OrgKind, Sector
from dangvu.orgs.models import Org, OrgVersion
from dangvu.orgs.services import org_update, path_depth_consistent
from dangvu.plans.models import Target, TargetKind
from dangvu.restructure.models import Decision, DecisionStatus, OperationKind
from dangvu.restructure.services import (
    decision_apply,
    decision_create,
    decision_preview,
    decision_undo,
    operation_add,
    undo_problems,
)
from tests.factories import World

pytestmark = pytest.mark.django_db
EFFECTIVE = date(2026, 7, 1)


def make_decision(world: World, actor: User | None = None, *ops: tuple[str, dict[str, Any]]) -> Decision:
    decision = decision_create(
        actor=actor,
        committee=world.province,
        number="15-QĐ/TU",
        signed_on=date(2026, 6, 20),
        issued_by="Tỉnh ủy Mẫu",
        effective_on=EFFECTIVE,
        note="Sắp xếp tổ chức đảng",
    )
    for kind, params in ops:
        operation_add(actor=actor, decision=decision, kind=kind, params=params)
    return decision


def state(org: Org) -> tuple[str, str, str, int | None, str, Any]:
    org.refresh_from_db()
    return (org.code, org.name, org.kind, org.parent_id, org.path, org.dissolved_on)


def tree_snapshot() -> dict[int, tuple[Any, ...]]:
    return {
        o.pk: (o.code, o.name, o.kind, o.parent_id, o.path, o.depth, o.dissolved_on) for o in Org.objects.order_by("pk")
    }


def versions_snapshot() -> list[tuple[Any, ...]]:
    return list(
        OrgVersion.objects.order_by("pk").values_list("pk", "org", "name", "kind", "parent", "valid_from", "valid_to")
    )


def members_snapshot() -> dict[int, tuple[Any, ...]]:
    return {m.pk: (m.current_org_id, m.status) for m in Member.objects.all()}


# --- move --------------------------------------------------------------------------------------------------


def test_moving_a_subtree_is_previewed_applied_and_undone(world: World) -> None:
    before_tree, before_versions = tree_snapshot(), versions_snapshot()
    decision = make_decision(world, world.province_staff, (OperationKind.MOVE, {"org": "X01-01", "parent": "X02"}))

    preview = decision_preview(decision=decision, actor=world.province_staff)
    assert preview.ok
    assert preview.operations[0].lines[0] == (
        "Chuyển “Đảng bộ Cơ quan xã An Phú” (X01-01) về trực thuộc “Đảng bộ phường Bình Minh”."
    )
    assert "4 đảng viên" in preview.operations[0].lines[1]
    assert tree_snapshot() == before_tree and versions_snapshot() == before_versions  # nothing kept

    decision_apply(decision=decision, actor=world.province_staff)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.APPLIED
    world.agency.refresh_from_db()
    world.office_cell.refresh_from_db()
    assert world.agency.parent_id == world.other_commune.pk
    assert world.office_cell.path.startswith(world.other_commune.path) and path_depth_consistent(world.office_cell)
    version = world.agency.versions.get(valid_to=None)
    assert version.valid_from == EFFECTIVE and version.reason.startswith("QĐ số 15-QĐ/TU ngày 20/06/2026")
    assert world.agency.versions.get(valid_to=EFFECTIVE).parent_id == world.commune.pk

    assert undo_problems(decision=decision, actor=world.province_staff) == []
    decision_undo(decision=decision, actor=world.province_staff)
    assert tree_snapshot() == before_tree and versions_snapshot() == before_versions
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.UNDONE


# --- merge -------------------------------------------------------------------------------------------------


def test_merging_two_cells_into_a_new_one_moves_each_member_with_the_decision(world: World) -> None:
    before_tree, before_members = tree_snapshot(), members_snapshot()
    new = {"code": "X01-01-09", "name": "Chi bộ Văn phòng - Kinh tế", "kind": OrgKind.CELL, "parent": "X01-01"}
    decision = make_decision(
        world, world.commune_staff, (OperationKind.MERGE, {"sources": ["X01-01-01", "X01-01-02"], "new": new})
    )
    preview = decision_preview(decision=decision, actor=world.commune_staff)
    assert preview.ok and preview.members_moved == 4
    assert preview.operations[0].lines == [
        "Thành lập chi bộ trực thuộc “Chi bộ Văn phòng - Kinh tế” (X01-01-09) trực thuộc “Đảng bộ Cơ quan xã An Phú”.",
        "Chuyển 3 đảng viên từ “Chi bộ Văn phòng” sang “Chi bộ Văn phòng - Kinh tế”.",
        "Giải thể “Chi bộ Văn phòng” (X01-01-01) từ ngày 01/07/2026.",
        "Chuyển 1 đảng viên từ “Chi bộ Kinh tế” sang “Chi bộ Văn phòng - Kinh tế”.",
        "Giải thể “Chi bộ Kinh tế” (X01-01-02) từ ngày 01/07/2026.",
    ]
    assert not Org.objects.filter(code="X01-01-09").exists()

    decision_apply(decision=decision, actor=world.commune_staff)
    merged = Org.objects.get(code="X01-01-09")
    assert merged.founded_on == EFFECTIVE
    for member in (world.an, world.binh, world.chau, world.dung):
        member.refresh_from_db()
        assert member.current_org_id == merged.pk and member.status == "active"
        event = member.events.live().get(kind=EventKind.TRANSFER_OUT)
        assert (event.on, event.org_id, event.decision_no, event.decided_by) == (
            EFFECTIVE,
            merged.pk,
            "15-QĐ/TU",
            "Tỉnh ủy Mẫu",
        )
    assert state(world.office_cell)[5] == EFFECTIVE and state(world.economy_cell)[5] == EFFECTIVE

    decision_undo(decision=decision, actor=world.commune_staff)
    assert tree_snapshot() == before_tree and members_snapshot() == before_members
    assert not MemberEvent.objects.filter(kind=EventKind.TRANSFER_OUT).exists()


def test_merging_communes_reparents_their_organisations_and_keeps_ratings_awards_plans_meetings_in_place(
    world: World,
) -> None:
    rating = OrgRating.objects.create(org=world.other_cell, year=2025, regime="QD124", level="HTTNV")
    member_rating = MemberRating.objects.create(
        member=world.giang, org=world.other_cell, year=2025, regime="QD124", level="HTXSNV"
    )
    commune_rating = OrgRating.objects.create(org=world.other_commune, year=2025, regime="QD124", level="HTTNV")
    meeting = Meeting.objects.create(cell=world.other_cell, held_on=date(2026, 5, 10), theme="Sinh hoạt tháng 5")
    target = Target.objects.create(
        org=world.other_commune, year_from=2026, year_to=2026, kind=TargetKind.ADMITTED_COUNT, low=3
    )
    rule = AwardRule.objects.create(subject_kind="grassroots", award="bang_khen", years=5, body="Tỉnh ủy")
    award = AwardDecision.objects.create(
        number="1-QĐ/TU", signed_on=date(2026, 2, 3), body="Tỉnh ủy", org=world.province
    )
    proposal = AwardProposal.objects.create(rule=rule, org=world.other_cell, final_year=2025, decision=award)

    decision = make_decision(world, world.province_staff, (OperationKind.MERGE, {"sources": ["X02"], "target": "X01"}))
    preview = decision_apply(decision=decision, actor=world.province_staff)
    assert preview.ok, preview.errors
    world.other_cell.refresh_from_db()
    assert world.other_cell.parent_id == world.commune.pk and world.other_cell.dissolved_on is None
    assert state(world.other_commune)[5] == EFFECTIVE
    world.giang.refresh_from_db()
    assert world.giang.current_org_id == world.other_cell.pk  # the cell moved with her: no transfer
    assert not world.giang.events.filter(kind=EventKind.TRANSFER_OUT).exists()
    # Everything stays attached to the organisation it belonged to; the history says where that sat then.
    for row in (rating, member_rating, commune_rating, meeting, target, proposal):
        row.refresh_from_db()
    assert (rating.org_id, member_rating.org_id, meeting.cell_id, proposal.org_id) == (world.other_cell.pk,) * 4
    assert commune_rating.org_id == target.org_id == world.other_commune.pk
    version_2025 = world.other_cell.versions.get(valid_from__lte=date(2025, 12, 31), valid_to=EFFECTIVE)
    assert version_2025.parent_id == world.other_commune.pk
    assert world.other_cell.versions.get(valid_to=None).parent_id == world.commune.pk

    decision_undo(decision=decision, actor=world.province_staff)
    world.other_cell.refresh_from_db()
    world.other_commune.refresh_from_db()
    assert world.other_cell.parent_id == world.other_commune.pk and world.other_commune.dissolved_on is None


def test_a_cell_moved_under_a_commune_committee_becomes_a_grassroots_cell(world: World) -> None:
    decision = make_decision(
        world, world.commune_staff, (OperationKind.MERGE, {"sources": ["X01-01"], "target": "X01"})
    )
    preview = decision_apply(decision=decision, actor=world.commune_staff)
    assert preview.ok, preview.errors
    assert "thành chi bộ cơ sở" in preview.operations[0].lines[0]
    assert state(world.office_cell)[2] == OrgKind.GRASSROOTS_CELL
    assert state(world.office_cell)[3] == world.commune.pk
    assert world.office_cell.versions.get(valid_to=EFFECTIVE).kind == OrgKind.CELL
    decision_undo(decision=decision, actor=world.commune_staff)
    assert state(world.office_cell)[2:4] == (OrgKind.CELL, world.agency.pk)


def test_members_cannot_be_merged_into_a_committee(world: World) -> None:
    decision = make_decision(
        world, world.commune_staff, (OperationKind.MERGE, {"sources": ["X01-02"], "target": "X01-01"})
    )
    preview = decision_preview(decision=decision, actor=world.commune_staff)
    assert preview.errors == [
        "Thao tác 1: “Chi bộ thôn Đông” có 1 đảng viên nhưng “Đảng bộ Cơ quan xã An Phú” không phải là chi bộ; "
        "đảng viên chỉ sinh hoạt ở chi bộ."
    ]


# --- split -------------------------------------------------------------------------------------------------


def test_splitting_a_cell_sends_the_chosen_members_where_they_go(world: World) -> None:
    new = {"code": "X01-01-03", "name": "Chi bộ Tài chính", "kind": OrgKind.CELL, "parent": "X01-01"}
    params = {
        "source": "X01-01-01",
        "parts": [
            {"new": new, "members": [world.an.pk], "children": []},
            {"target": "X01-01-02", "members": [world.binh.pk], "children": []},
        ],
        "dissolve": False,
    }
    decision = make_decision(world, world.commune_staff, (OperationKind.SPLIT, params))
    preview = decision_apply(decision=decision, actor=world.commune_staff)
    assert preview.ok, preview.errors
    assert preview.operations[0].lines[-1] == "“Chi bộ Văn phòng” tiếp tục hoạt động với 1 đảng viên."
    cells = {m.pk: m.current_org.code if m.current_org else "" for m in Member.objects.select_related("current_org")}
    assert cells[world.an.pk] == "X01-01-03" and cells[world.binh.pk] == "X01-01-02"
    assert cells[world.chau.pk] == "X01-01-01"
    decision_undo(decision=decision, actor=world.commune_staff)
    assert not Org.objects.filter(code="X01-01-03").exists()
    assert set(Member.objects.filter(current_org=world.office_cell)) == {world.an, world.binh, world.chau}


def test_a_split_that_dissolves_the_source_refuses_to_leave_members_behind(world: World) -> None:
    params = {
        "source": "X01-01-01",
        "parts": [{"target": "X01-01-02", "members": [world.an.pk], "children": []}],
        "dissolve": True,
    }
    decision = make_decision(world, world.commune_staff, (OperationKind.SPLIT, params))
    preview = decision_apply(decision=decision, actor=world.commune_staff)
    assert not preview.ok
    assert preview.errors == [
        "Thao tác 1: Còn 2 đảng viên đang sinh hoạt tại “Chi bộ Văn phòng”; hãy chuyển sinh hoạt cho họ trước."
    ]
    world.an.refresh_from_db()
    assert world.an.current_org_id == world.office_cell.pk  # all or nothing


def test_a_split_names_a_member_who_is_not_in_the_source(world: World) -> None:
    params = {"source": "X01-01-01", "parts": [{"target": "X01-01-02", "members": [world.giang.pk]}]}
    decision = make_decision(world, world.province_staff, (OperationKind.SPLIT, params))
    assert decision_preview(decision=decision, actor=world.province_staff).errors == [
        f"Thao tác 1: Đảng viên mã {world.giang.pk} không sinh hoạt ở “Chi bộ Văn phòng”."
    ]


# --- dissolve, rename, change of kind ----------------------------------------------------------------------


def test_dissolving_needs_somewhere_for_the_members(world: World) -> None:
    decision = make_decision(world, world.commune_staff, (OperationKind.DISSOLVE, {"org": "X01-01-02"}))
    assert decision_preview(decision=decision, actor=world.commune_staff).errors == [
        "Thao tác 1: Còn 1 đảng viên đang sinh hoạt tại “Chi bộ Kinh tế”; hãy chuyển sinh hoạt cho họ trước."
    ]
    decision.operations.all().delete()
    operation_add(
        actor=world.commune_staff,
        decision=decision,
        kind=OperationKind.DISSOLVE,
        params={"org": "X01-01-02", "members_to": "X01-01-01"},
    )
    preview = decision_apply(decision=decision, actor=world.commune_staff)
    assert preview.ok and preview.members_moved == 1
    world.dung.refresh_from_db()
    assert world.dung.current_org_id == world.office_cell.pk
    assert state(world.economy_cell)[5] == EFFECTIVE
    decision_undo(decision=decision, actor=world.commune_staff)
    world.dung.refresh_from_db()
    assert world.dung.current_org_id == world.economy_cell.pk and state(world.economy_cell)[5] is None


def test_rename_and_recode(world: World) -> None:
    decision = make_decision(
        world,
        world.commune_staff,
        (OperationKind.RENAME, {"org": "X01-02", "name": "Chi bộ thôn Đông Hòa", "new_code": "X01-03"}),
    )
    preview = decision_apply(decision=decision, actor=world.commune_staff)
    assert preview.operations[0].lines == ["Đổi tên “Chi bộ thôn Đông” (X01-02) thành “Chi bộ thôn Đông Hòa” (X01-03)."]
    assert state(world.village_cell)[:2] == ("X01-03", "Chi bộ thôn Đông Hòa")
    assert world.village_cell.versions.get(valid_to=EFFECTIVE).name == "Chi bộ thôn Đông"
    decision_undo(decision=decision, actor=world.commune_staff)
    assert state(world.village_cell)[:2] == ("X01-02", "Chi bộ thôn Đông")


def test_a_grassroots_cell_becomes_a_grassroots_committee_with_its_members_in_a_new_cell(world: World) -> None:
    params = {
        "org": "X01-02",
        "kind": OrgKind.GRASSROOTS_COMMITTEE,
        "cell": {"code": "X01-02-01", "name": "Chi bộ xóm 1"},
    }
    decision = make_decision(world, world.commune_staff, (OperationKind.CHANGE_KIND, params))
    preview = decision_apply(decision=decision, actor=world.commune_staff)
    assert preview.ok, preview.errors
    cell = Org.objects.get(code="X01-02-01")
    assert (cell.kind, cell.parent_id) == (OrgKind.CELL, world.village_cell.pk)
    assert state(world.village_cell)[2] == OrgKind.GRASSROOTS_COMMITTEE
    world.duc.refresh_from_db()
    assert world.duc.current_org_id == cell.pk and world.duc.is_probationary
    decision_undo(decision=decision, actor=world.commune_staff)
    assert state(world.village_cell)[2] == OrgKind.GRASSROOTS_CELL and not Org.objects.filter(code="X01-02-01").exists()
    world.duc.refresh_from_db()
    assert world.duc.current_org_id == world.village_cell.pk


def test_a_cell_with_members_cannot_just_change_kind(world: World) -> None:
    params = {"org": "X01-02", "kind": OrgKind.GRASSROOTS_COMMITTEE}
    decision = make_decision(world, world.commune_staff, (OperationKind.CHANGE_KIND, params))
    assert decision_preview(decision=decision, actor=world.commune_staff).errors == [
        "Thao tác 1: “Chi bộ thôn Đông” còn 1 đảng viên; chỉ chi bộ mới có đảng viên, hãy chuyển họ trước khi đổi loại."
    ]


# --- refusals, atomicity --------------------------------------------------------------------------------------


def test_cycles_and_impossible_shapes_are_refused_with_reasons(world: World) -> None:
    decision = make_decision(
        world,
        world.province_staff,
        (OperationKind.MOVE, {"org": "X01", "parent": "X01-01"}),
        (OperationKind.MOVE, {"org": "X01-01", "parent": "X02-01"}),
        (OperationKind.MOVE, {"org": "X01-01-02", "parent": "X99"}),
    )
    errors = decision_preview(decision=decision, actor=world.province_staff).errors
    assert errors == [
        "Thao tác 1: Không thể chuyển “Đảng bộ xã An Phú” vào chính nó hoặc vào một tổ chức trực thuộc nó.",
        "Thao tác 2: Chi bộ cơ sở không có tổ chức trực thuộc, nên không thể đặt đảng bộ cơ sở dưới "
        "“Chi bộ khu phố 1”.",
        "Thao tác 3: Không có tổ chức mã “X99” trong phạm vi của bạn.",
    ]


def test_one_refused_operation_and_nothing_is_applied(world: World) -> None:
    before_tree, before_members = tree_snapshot(), members_snapshot()
    audit_rows = AuditRecord.objects.count()
    decision = make_decision(
        world,
        world.commune_staff,
        (OperationKind.MERGE, {"sources": ["X01-01-02"], "target": "X01-01-01"}),
        (OperationKind.DISSOLVE, {"org": "X01-02"}),  # Đức is still there
    )
    audit_rows = AuditRecord.objects.count()
    preview = decision_apply(decision=decision, actor=world.commune_staff)
    assert not preview.ok and preview.operations[0].errors == [] and len(preview.operations[1].errors) == 1
    assert tree_snapshot() == before_tree and members_snapshot() == before_members
    assert AuditRecord.objects.count() == audit_rows
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DRAFT


def test_a_decision_in_force_later_cannot_be_applied_yet(world: World) -> None:
    decision = make_decision(world, world.commune_staff, (OperationKind.RENAME, {"org": "X01-02", "name": "Chi bộ A"}))
    decision.effective_on = date(2099, 1, 1)
    decision.save()
    with pytest.raises(ValidationError, match="không được sau ngày hôm nay"):
        decision_apply(decision=decision, actor=world.commune_staff)


def test_an_applied_decision_cannot_be_applied_again(world: World) -> None:
    decision = make_decision(world, world.commune_staff, (OperationKind.RENAME, {"org": "X01-02", "name": "Chi bộ A"}))
    decision_apply(decision=decision, actor=world.commune_staff)
    with pytest.raises(ValidationError, match="đã được áp dụng"):
        decision_apply(decision=decision, actor=world.commune_staff)


# --- undo refused when the records moved on -------------------------------------------------------------------


def test_undo_is_refused_once_a_moved_member_has_a_newer_event(world: World) -> None:
    decision = make_decision(
        world, world.commune_staff, (OperationKind.MERGE, {"sources": ["X01-01-02"], "target": "X01-01-01"})
    )
    decision_apply(decision=decision, actor=world.commune_staff)
    world.dung.refresh_from_db()
    event_add(actor=None, member=world.dung, values={"kind": EventKind.EXEMPTED, "on": date(2026, 8, 1)})
    problems = undo_problems(decision=decision, actor=world.commune_staff)
    assert problems == ["Đảng viên Phạm Văn Dũng đã có sự kiện mới sau quyết định này; không thể hoàn tác."]
    with pytest.raises(ValidationError):
        decision_undo(decision=decision, actor=world.commune_staff)
    assert state(world.economy_cell)[5] == EFFECTIVE  # nothing undone
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.APPLIED


def test_undo_is_refused_once_an_organisation_changed_again(world: World) -> None:
    decision = make_decision(world, world.province_staff, (OperationKind.MOVE, {"org": "X01-02", "parent": "X02"}))
    decision_apply(decision=decision, actor=world.province_staff)
    world.village_cell.refresh_from_db()
    org_update(
        actor=None,
        org=world.village_cell,
        code="X01-02",
        name="Chi bộ thôn Đông Mới",
        kind=world.village_cell.kind,
        sector=Sector.COMMUNE,
        effective_on=date(2026, 9, 1),
    )
    assert undo_problems(decision=decision, actor=world.province_staff) == [
        "Lịch sử của “Chi bộ thôn Đông Mới” đã thay đổi sau quyết định này; không thể hoàn tác."
    ]


def test_undo_is_refused_once_a_created_organisation_has_data(world: World) -> None:
    new = {"code": "X01-01-09", "name": "Chi bộ mới", "kind": OrgKind.CELL, "parent": "X01-01"}
    decision = make_decision(world, world.commune_staff, (OperationKind.MERGE, {"sources": ["X01-01-02"], "new": new}))
    decision_apply(decision=decision, actor=world.commune_staff)
    Meeting.objects.create(cell=Org.objects.get(code="X01-01-09"), held_on=date(2026, 8, 5))
    assert undo_problems(decision=decision, actor=world.commune_staff) == [
        "“Chi bộ mới” đã có dữ liệu gắn với nó (đảng viên, sự kiện, tổ chức trực thuộc, xếp loại…); không thể hoàn tác."
    ]


# --- permissions and audit --------------------------------------------------------------------------------


def test_only_a_committee_whose_scope_holds_both_ends_can_move_a_subtree(world: World) -> None:
    decision = make_decision(world, None, (OperationKind.MOVE, {"org": "X01-01", "parent": "X02"}))
    assert decision_preview(decision=decision, actor=world.commune_staff).errors == [
        "Thao tác 1: Không có tổ chức mã “X02” trong phạm vi của bạn."
    ]
    assert decision_preview(decision=decision, actor=world.outsider).errors == [
        "Thao tác 1: Không có tổ chức mã “X01-01” trong phạm vi của bạn."
    ]
    assert decision_preview(decision=decision, actor=world.province_staff).ok
    assert decision_preview(decision=decision, actor=world.sysadmin).ok
    for persona in (world.secretary, world.viewer, world.member):
        with pytest.raises(ValidationError, match="Chỉ cán bộ Ban Tổ chức"):
            decision_apply(decision=decision, actor=persona)


def test_decisions_are_seen_within_the_committees_scope(world: World) -> None:
    decision = make_decision(world)
    decision.committee = world.commune
    decision.save()
    assert list(Decision.objects.visible_to(world.commune_staff)) == [decision]
    assert list(Decision.objects.visible_to(world.province_staff)) == [decision]
    assert list(Decision.objects.visible_to(world.outsider)) == []
    assert list(Decision.objects.editable_by(world.viewer)) == []


def test_every_change_leaves_an_audit_row(world: World) -> None:
    start = AuditRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    decision = make_decision(
        world, world.commune_staff, (OperationKind.MERGE, {"sources": ["X01-01-02"], "target": "X01-01-01"})
    )
    decision_apply(decision=decision, actor=world.commune_staff)
    rows = AuditRecord.objects.filter(pk__gt=start)
    kinds = {(r.target_type, r.action) for r in rows}
    assert ("decision", "create") in kinds and ("decision", "update") in kinds
    assert ("event", "create") in kinds and ("member", "update") in kinds and ("org", "dissolve") in kinds
    assert all(r.actor_id == world.commune_staff.pk for r in rows)
    decision_undo(decision=decision, actor=world.commune_staff)
    notes = set(AuditRecord.objects.filter(pk__gt=start).values_list("note", flat=True))
    assert "Hoàn tác QĐ số 15-QĐ/TU ngày 20/06/2026 của Tỉnh ủy Mẫu" in notes


# --- history as read by time travel (dangvu.orgs.history) ------------------------------------------------


def test_a_merge_seen_the_day_before_and_the_day_of_keeps_every_member_member_for_member(world: World) -> None:
    from dangvu.orgs.history import member_cells_as_of, tree_as_of

    new = {"code": "X01-01-09", "name": "Chi bộ Văn phòng - Kinh tế", "kind": OrgKind.CELL, "parent": "X01-01"}
    decision = make_decision(
        world, world.commune_staff, (OperationKind.MERGE, {"sources": ["X01-01-01", "X01-01-02"], "new": new})
    )
    eve = date(2026, 6, 30)
    before = member_cells_as_of(eve)
    decision_apply(decision=decision, actor=world.commune_staff)
    merged = Org.objects.get(code="X01-01-09")
    assert member_cells_as_of(eve) == before  # the past is unchanged
    after = member_cells_as_of(EFFECTIVE)
    assert set(after) == set(before)
    moved = {m for m, cell in before.items() if cell in (world.office_cell.pk, world.economy_cell.pk)}
    assert moved == {world.an.pk, world.binh.pk, world.chau.pk, world.dung.pk}
    assert {m: after[m] for m in moved} == dict.fromkeys(moved, merged.pk)
    assert {m: after[m] for m in before if m not in moved} == {m: before[m] for m in before if m not in moved}
    tree_eve, tree_day = tree_as_of(eve), tree_as_of(EFFECTIVE)
    assert {world.office_cell.pk, world.economy_cell.pk} <= set(tree_eve) and merged.pk not in tree_eve
    assert merged.pk in tree_day and not {world.office_cell.pk, world.economy_cell.pk} & set(tree_day)
    decision_undo(decision=decision, actor=world.commune_staff)
    assert member_cells_as_of(EFFECTIVE) == before


def test_a_decision_recorded_late_moves_those_who_were_there_on_the_effective_date(world: World) -> None:
    from dangvu.orgs.history import member_cells_as_of

    # Dũng left Chi bộ Kinh tế on 01/08/2026; the merger of that cell, in force on 01/07/2026, is recorded now.
    event_add(
        actor=None,
        member=world.dung,
        values={"kind": EventKind.TRANSFER_OUT, "on": date(2026, 8, 1), "org": world.village_cell},
    )
    decision = make_decision(
        world, world.commune_staff, (OperationKind.MERGE, {"sources": ["X01-01-02"], "target": "X01-01-01"})
    )
    preview = decision_apply(decision=decision, actor=world.commune_staff)
    assert preview.members_moved == 1, preview.errors
    world.dung.refresh_from_db()
    assert world.dung.current_org_id == world.village_cell.pk  # what happened later still holds
    cells = member_cells_as_of(date(2026, 7, 15), member_ids=[world.dung.pk])
    assert cells == {world.dung.pk: world.office_cell.pk}  # not a dissolved cell in July
    assert member_cells_as_of(date(2026, 8, 1), member_ids=[world.dung.pk]) == {world.dung.pk: world.village_cell.pk}
    decision_undo(decision=decision, actor=world.commune_staff)
    cells = member_cells_as_of(date(2026, 7, 15), member_ids=[world.dung.pk])
    assert cells == {world.dung.pk: world.economy_cell.pk}
