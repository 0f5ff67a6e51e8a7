"""Changes to the organisation tree through the services: history versions (valid_from / valid_to,
exclusive), audit rows with before and after, the subtree path rewrite on a move, and the refusals."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from dangvu.audit.models import Action, AuditRecord
from dangvu.members.lifecycle import EventKind
from dangvu.members.models import Member
from dangvu.members.services import event_add
from dangvu.orgs.kinds import OrgKind, Sector
from dangvu.orgs.models import Org, OrgVersion
from dangvu.orgs.services import org_create, org_dissolve, org_move, org_update, path_depth_consistent
from tests.factories import World, make_org

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 12, 1)


@pytest.fixture(autouse=True)
def frozen_today(world: World, time_machine: time_machine.TimeMachineFixture) -> None:
    """The world is built first (its dates are all in the past), then "today" is fixed."""
    time_machine.move_to(datetime(2026, 12, 1, 9, 0, tzinfo=VN), tick=False)


def versions(org: Org) -> list[tuple[str, str, str | None, date, date | None]]:
    return [
        (v.code, v.name, v.parent.code if v.parent else None, v.valid_from, v.valid_to)
        for v in OrgVersion.objects.filter(org=org).order_by("valid_from", "pk")
    ]


def audits(org: Org) -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(target_type="org", target_id=org.pk).order_by("pk"))


def rename(world: World, org: Org, name: str, on: date | None = None, **changes: str) -> Org:
    values = {"code": org.code, "name": name, "kind": org.kind, "sector": org.sector, **changes}
    return org_update(
        actor=world.province_staff, org=org, founded_on=org.founded_on, effective_on=on, reason="QĐ số 1", **values
    )


def field_errors(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# --- create ------------------------------------------------------------------------------------------


def test_creating_an_org_stores_its_path_depth_first_version_and_an_audit_row(world: World) -> None:
    org = org_create(
        actor=world.commune_staff,
        code=" x01-03 ",
        name="  Chi bộ  Trường Tiểu học ",
        kind=OrgKind.GRASSROOTS_CELL,
        sector=Sector.PUBLIC_SERVICE,
        parent=world.commune,
        founded_on=date(2024, 9, 5),
    )
    assert (org.code, org.name, org.name_search) == ("X01-03", "Chi bộ Trường Tiểu học", "chi bo truong tieu hoc")
    assert org.path == f"{world.commune.path}{org.pk}/"
    assert org.depth == 2
    assert path_depth_consistent(org)
    assert versions(org) == [("X01-03", "Chi bộ Trường Tiểu học", "X01", date(2024, 9, 5), None)]
    [row] = audits(org)
    assert (row.action, row.actor, row.actor_name) == (Action.CREATE, world.commune_staff, "commune_staff")
    assert row.changes["name"] == [None, "Chi bộ Trường Tiểu học"]
    assert row.changes["parent"] == [None, str(world.commune)]
    assert row.changes["founded_on"] == [None, "2024-09-05"]


def test_an_org_created_without_dates_holds_its_first_version_from_today(world: World) -> None:
    org = org_create(
        actor=None,
        code="X01-04",
        name="Chi bộ Y tế",
        kind=OrgKind.GRASSROOTS_CELL,
        sector="other",
        parent=world.commune,
    )
    assert versions(org) == [("X01-04", "Chi bộ Y tế", "X01", TODAY, None)]


def test_a_root_must_be_a_province_or_national(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        org_create(actor=None, code="Z", name="Đảng bộ xã lẻ", kind=OrgKind.UPPER, sector="commune", parent=None)
    assert "phải có tổ chức cấp trên" in field_errors(excinfo)["parent"][0]
    root = org_create(
        actor=None, code="T02", name="Đảng bộ tỉnh Khác", kind=OrgKind.PROVINCE, sector="other", parent=None
    )
    assert (root.path, root.depth) == (f"/{root.pk}/", 0)


def test_a_grassroots_org_under_a_cell_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        make_org("X01-01-01-1", "Đảng bộ lạc chỗ", OrgKind.GRASSROOTS_COMMITTEE, world.office_cell)
    assert field_errors(excinfo)["parent"] == [
        "Chi bộ trực thuộc không có tổ chức trực thuộc, nên không thể đặt đảng bộ cơ sở dưới “Chi bộ Văn phòng”."
    ]
    assert not Org.objects.filter(code="X01-01-01-1").exists()


def test_a_duplicate_code_is_refused_whatever_its_case(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        make_org("x02", "Chi bộ mới", OrgKind.GRASSROOTS_CELL, world.commune)
    assert field_errors(excinfo)["code"] == ["Mã tổ chức “X02” đã được dùng cho “Đảng bộ phường Bình Minh”."]


def test_a_duplicate_live_sibling_name_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        make_org("X01-01-09", " Chi bộ  Văn phòng", OrgKind.CELL, world.agency)
    assert field_errors(excinfo)["name"] == [
        "Đã có tổ chức tên “Chi bộ Văn phòng” trực thuộc “Đảng bộ Cơ quan xã An Phú”."
    ]


def test_the_same_name_is_fine_under_another_parent(world: World) -> None:
    org = make_org("X02-09", "Chi bộ Văn phòng", OrgKind.GRASSROOTS_CELL, world.other_commune)
    assert org.name == world.office_cell.name


def test_the_name_of_a_dissolved_sibling_may_be_reused(world: World) -> None:
    old = make_org("X01-05", "Chi bộ thôn Tây", OrgKind.GRASSROOTS_CELL, world.commune)
    org_dissolve(actor=None, org=old, effective_on=date(2025, 6, 30))
    new = make_org("X01-06", "Chi bộ thôn Tây", OrgKind.GRASSROOTS_CELL, world.commune, since=date(2025, 7, 1))
    assert new.pk != old.pk


def test_an_org_under_a_dissolved_parent_is_refused(world: World) -> None:
    upper = make_org("X03", "Đảng bộ xã Cũ", OrgKind.UPPER, world.province)
    org_dissolve(actor=None, org=upper, effective_on=date(2025, 6, 30))
    with pytest.raises(ValidationError) as excinfo:
        make_org("X03-01", "Chi bộ thôn 1", OrgKind.GRASSROOTS_CELL, upper)
    assert field_errors(excinfo)["parent"] == ["“Đảng bộ xã Cũ” đã giải thể, không thể đặt tổ chức trực thuộc."]


def test_an_effective_date_in_the_future_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        make_org("X01-07", "Chi bộ tương lai", OrgKind.GRASSROOTS_CELL, world.commune, since=date(2026, 12, 2))
    assert field_errors(excinfo)["effective_on"] == ["Ngày hiệu lực không được sau ngày hôm nay."]


# --- update ------------------------------------------------------------------------------------------


def test_a_rename_on_1_july_2025_closes_the_old_version_on_that_day_and_opens_a_new_one(world: World) -> None:
    rename(world, world.commune, "Đảng bộ xã An Phú Mới", on=date(2025, 7, 1))
    assert versions(world.commune) == [
        ("X01", "Đảng bộ xã An Phú", "T01", date(2020, 1, 1), date(2025, 7, 1)),
        ("X01", "Đảng bộ xã An Phú Mới", "T01", date(2025, 7, 1), None),
    ]
    old, new = OrgVersion.objects.filter(org=world.commune).order_by("valid_from")
    assert old.held_on(date(2025, 6, 30)) and not old.held_on(date(2025, 7, 1))
    assert new.held_on(date(2025, 7, 1))
    assert new.reason == "QĐ số 1"
    world.commune.refresh_from_db()
    assert (world.commune.name, world.commune.name_search) == ("Đảng bộ xã An Phú Mới", "dang bo xa an phu moi")


def test_a_rename_writes_an_audit_row_with_before_and_after(world: World) -> None:
    rename(world, world.commune, "Đảng bộ xã An Phú Mới", on=date(2025, 7, 1))
    row = audits(world.commune)[-1]
    assert (row.action, row.actor, row.note) == (Action.UPDATE, world.province_staff, "QĐ số 1")
    assert row.changes == {"name": ["Đảng bộ xã An Phú", "Đảng bộ xã An Phú Mới"]}


def test_a_recode_and_a_sector_change_also_open_a_new_version(world: World) -> None:
    rename(world, world.village_cell, world.village_cell.name, on=date(2025, 7, 1), code="x01-20", sector="other")
    assert [v[:1] + v[3:] for v in versions(world.village_cell)] == [
        ("X01-02", date(2020, 1, 1), date(2025, 7, 1)),
        ("X01-20", date(2025, 7, 1), None),
    ]
    assert audits(world.village_cell)[-1].changes == {"code": ["X01-02", "X01-20"], "sector": ["commune", "other"]}


def test_changing_only_the_founding_date_is_audited_but_opens_no_version(world: World) -> None:
    org_update(
        actor=None,
        org=world.commune,
        code="X01",
        name=world.commune.name,
        kind=world.commune.kind,
        sector=world.commune.sector,
        founded_on=date(1976, 1, 1),
    )
    assert len(versions(world.commune)) == 1
    assert audits(world.commune)[-1].changes == {"founded_on": ["2020-01-01", "1976-01-01"]}


def test_saving_an_org_without_changes_writes_nothing(world: World) -> None:
    before = (len(versions(world.commune)), len(audits(world.commune)))
    rename(world, world.commune, world.commune.name)
    assert (len(versions(world.commune)), len(audits(world.commune))) == before


def test_a_rename_dated_before_the_current_version_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        rename(world, world.commune, "Tên mới", on=date(2019, 12, 31))
    assert field_errors(excinfo)["effective_on"] == [
        "Ngày hiệu lực phải sau ngày bắt đầu của trạng thái hiện tại (01/01/2020)."
    ]


def test_a_rename_dated_in_the_future_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        rename(world, world.commune, "Tên mới", on=date(2026, 12, 2))
    assert "effective_on" in field_errors(excinfo)
    assert len(versions(world.commune)) == 1


def test_renaming_to_a_live_siblings_name_or_taking_its_code_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        rename(world, world.economy_cell, "Chi bộ Văn phòng", code="X01-01-01")
    assert set(field_errors(excinfo)) == {"code", "name"}


def test_a_grassroots_committee_with_cells_cannot_become_a_cell(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        rename(world, world.agency, world.agency.name, kind=OrgKind.GRASSROOTS_CELL)
    assert field_errors(excinfo)["kind"] == [
        "Chi bộ cơ sở không được có tổ chức trực thuộc; hãy chuyển hoặc giải thể chúng trước."
    ]
    world.agency.refresh_from_db()
    assert world.agency.kind == OrgKind.GRASSROOTS_COMMITTEE


def test_a_cell_with_members_cannot_become_a_committee(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        rename(world, world.village_cell, world.village_cell.name, kind=OrgKind.GRASSROOTS_COMMITTEE)
    assert field_errors(excinfo)["kind"] == [
        "“Chi bộ thôn Đông” còn 1 đảng viên; chỉ chi bộ mới có đảng viên, hãy chuyển họ trước khi đổi loại."
    ]


def test_an_empty_grassroots_cell_may_become_a_grassroots_committee(world: World) -> None:
    cell = make_org("X01-08", "Chi bộ Trường học", OrgKind.GRASSROOTS_CELL, world.commune)
    rename(world, cell, cell.name, on=date(2025, 7, 1), kind=OrgKind.GRASSROOTS_COMMITTEE)
    assert [v.kind for v in OrgVersion.objects.filter(org=cell).order_by("valid_from")] == [
        OrgKind.GRASSROOTS_CELL,
        OrgKind.GRASSROOTS_COMMITTEE,
    ]


def test_a_cell_of_a_committee_cannot_become_a_grassroots_cell_under_it(world: World) -> None:
    cell = make_org("X01-01-03", "Chi bộ trống", OrgKind.CELL, world.agency)
    with pytest.raises(ValidationError) as excinfo:
        rename(world, cell, cell.name, kind=OrgKind.GRASSROOTS_CELL)
    assert "Đảng bộ cơ sở chỉ có: đảng bộ bộ phận, chi bộ trực thuộc" in field_errors(excinfo)["kind"][0]


def test_a_dissolved_org_cannot_be_renamed_into_a_new_open_version(world: World) -> None:
    cell = make_org("X01-09", "Chi bộ đã giải thể", OrgKind.GRASSROOTS_CELL, world.commune)
    org_dissolve(actor=None, org=cell, effective_on=date(2025, 6, 30))
    with pytest.raises(ValidationError) as excinfo:
        rename(world, cell, "Tên khác", on=date(2025, 8, 1))
    assert excinfo.value.messages == ["“Chi bộ đã giải thể” đã giải thể ngày 30/06/2025."]
    assert [v[3:] for v in versions(cell)] == [(date(2020, 1, 1), date(2025, 6, 30))]


# --- move --------------------------------------------------------------------------------------------


def all_orgs_consistent() -> bool:
    return all(path_depth_consistent(org) for org in Org.objects.select_related("parent"))


def test_moving_a_subtree_rewrites_every_descendants_path_and_depth(world: World) -> None:
    org_move(
        actor=world.province_staff, org=world.agency, new_parent=world.other_commune, effective_on=date(2025, 7, 1)
    )
    assert all_orgs_consistent()
    for org in (world.agency, world.office_cell, world.economy_cell):
        org.refresh_from_db()
        assert org.path.startswith(world.other_commune.path)
    assert world.office_cell.depth == 3
    assert Org.objects.get(pk=world.village_cell.pk).path == f"{world.commune.path}{world.village_cell.pk}/"


def test_moving_a_grassroots_org_up_to_the_province_shortens_the_paths_below_it(world: World) -> None:
    org_move(actor=None, org=world.agency, new_parent=world.province, effective_on=date(2025, 7, 1))
    assert all_orgs_consistent()
    world.office_cell.refresh_from_db()
    assert world.office_cell.depth == 2
    assert world.office_cell.path == f"/{world.province.pk}/{world.agency.pk}/{world.office_cell.pk}/"


def test_moving_a_node_twice_keeps_the_tree_consistent(world: World) -> None:
    org_move(actor=None, org=world.agency, new_parent=world.other_commune, effective_on=date(2025, 7, 1))
    org_move(actor=None, org=world.other_commune, new_parent=world.province, effective_on=date(2025, 7, 1))
    org_move(actor=None, org=world.agency, new_parent=world.commune, effective_on=date(2025, 8, 1))
    assert all_orgs_consistent()


def test_moving_a_node_whose_python_copy_is_out_of_date_still_rewrites_the_subtree(world: World) -> None:
    # `office_cell` was loaded before its parent moved: its in-memory path is the old one.
    stale_cell = Org.objects.get(pk=world.office_cell.pk)
    org_move(actor=None, org=world.agency, new_parent=world.other_commune, effective_on=date(2025, 7, 1))
    other_agency = make_org("X02-02", "Đảng bộ Trường học", OrgKind.GRASSROOTS_COMMITTEE, world.other_commune)
    org_move(actor=None, org=stale_cell, new_parent=other_agency, effective_on=date(2025, 8, 1))
    assert all_orgs_consistent()


def test_a_move_closes_the_current_version_and_opens_one_under_the_new_parent(world: World) -> None:
    org_move(
        actor=world.province_staff, org=world.agency, new_parent=world.other_commune, effective_on=date(2025, 7, 1)
    )
    assert versions(world.agency) == [
        ("X01-01", "Đảng bộ Cơ quan xã An Phú", "X01", date(2020, 1, 1), date(2025, 7, 1)),
        ("X01-01", "Đảng bộ Cơ quan xã An Phú", "X02", date(2025, 7, 1), None),
    ]
    # The cells kept their parent: no new version for them.
    assert len(versions(world.office_cell)) == 1


def test_a_move_writes_an_audit_row_with_the_old_and_new_parent(world: World) -> None:
    org_move(actor=world.province_staff, org=world.agency, new_parent=world.other_commune, reason="Sáp nhập")
    row = audits(world.agency)[-1]
    assert (row.action, row.actor, row.note) == (Action.MOVE, world.province_staff, "Sáp nhập")
    assert row.changes == {"parent": [str(world.commune), str(world.other_commune)]}


def test_moving_a_node_into_itself_or_below_itself_is_refused(world: World) -> None:
    for target in (world.commune, world.agency, world.office_cell):
        with pytest.raises(ValidationError) as excinfo:
            org_move(actor=None, org=world.commune, new_parent=target)
        assert field_errors(excinfo)["parent"] == [
            "Không thể chuyển “Đảng bộ xã An Phú” vào chính nó hoặc vào một tổ chức trực thuộc nó."
        ]
    assert all_orgs_consistent()
    assert Org.objects.get(pk=world.commune.pk).parent_id == world.province.pk


def test_moving_a_grassroots_org_under_a_cell_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        org_move(actor=None, org=world.village_cell, new_parent=world.office_cell)
    assert "không có tổ chức trực thuộc" in field_errors(excinfo)["parent"][0]


def test_moving_a_cell_under_a_commune_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        org_move(actor=None, org=world.office_cell, new_parent=world.other_commune)
    assert "chỉ có: đảng bộ cơ sở, chi bộ cơ sở" in field_errors(excinfo)["parent"][0]


def test_moving_next_to_a_live_namesake_is_refused(world: World) -> None:
    make_org("X02-03", "Chi bộ thôn Đông", OrgKind.GRASSROOTS_CELL, world.other_commune)
    with pytest.raises(ValidationError) as excinfo:
        org_move(actor=None, org=world.village_cell, new_parent=world.other_commune)
    assert "name" in field_errors(excinfo)


def test_moving_under_a_dissolved_parent_is_refused(world: World) -> None:
    upper = make_org("X03", "Đảng bộ xã Cũ", OrgKind.UPPER, world.province)
    org_dissolve(actor=None, org=upper, effective_on=date(2025, 6, 30))
    with pytest.raises(ValidationError) as excinfo:
        org_move(actor=None, org=world.village_cell, new_parent=upper)
    assert "đã giải thể" in field_errors(excinfo)["parent"][0]


def test_a_dissolved_org_cannot_be_moved(world: World) -> None:
    cell = make_org("X01-09", "Chi bộ đã giải thể", OrgKind.GRASSROOTS_CELL, world.commune)
    org_dissolve(actor=None, org=cell, effective_on=date(2025, 6, 30))
    with pytest.raises(ValidationError) as excinfo:
        org_move(actor=None, org=cell, new_parent=world.other_commune, effective_on=date(2025, 8, 1))
    assert excinfo.value.messages == ["“Chi bộ đã giải thể” đã giải thể ngày 30/06/2025."]
    assert [v[3:] for v in versions(cell)] == [(date(2020, 1, 1), date(2025, 6, 30))]


def test_staff_cannot_move_the_root_of_their_own_scope(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        org_move(actor=world.commune_staff, org=world.commune, new_parent=world.province)
    assert field_errors(excinfo)["parent"] == ["Không thể chuyển tổ chức gốc trong phạm vi của bạn."]


def test_moving_to_the_current_parent_changes_nothing(world: World) -> None:
    before = (len(versions(world.agency)), len(audits(world.agency)))
    org_move(actor=None, org=world.agency, new_parent=world.commune)
    assert (len(versions(world.agency)), len(audits(world.agency))) == before


def test_members_follow_their_cell_when_its_subtree_moves(world: World) -> None:
    org_move(actor=None, org=world.agency, new_parent=world.other_commune)
    names = set(Member.objects.visible_to(world.outsider).values_list("full_name", flat=True))
    assert names == {"Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Văn Dũng", "Võ Thị Giang"}
    assert set(Member.objects.visible_to(world.commune_staff).values_list("full_name", flat=True)) == {"Hoàng Đức"}


# --- dissolve ----------------------------------------------------------------------------------------


def test_dissolving_an_empty_cell_closes_its_history_and_keeps_the_row(world: World) -> None:
    cell = make_org("X01-01-03", "Chi bộ Dịch vụ", OrgKind.CELL, world.agency)
    org_dissolve(actor=world.commune_staff, org=cell, effective_on=date(2025, 6, 30), reason="Sáp nhập")
    cell.refresh_from_db()
    assert cell.dissolved_on == date(2025, 6, 30)
    assert versions(cell) == [("X01-01-03", "Chi bộ Dịch vụ", "X01-01", date(2020, 1, 1), date(2025, 6, 30))]
    row = audits(cell)[-1]
    assert (row.action, row.actor, row.note) == (Action.DISSOLVE, world.commune_staff, "Sáp nhập")
    assert row.changes == {"dissolved_on": [None, "2025-06-30"]}


def test_dissolving_a_node_with_live_children_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        org_dissolve(actor=None, org=world.agency)
    assert excinfo.value.messages == ["Còn 2 tổ chức trực thuộc đang hoạt động; hãy chuyển hoặc giải thể chúng trước."]


def test_dissolving_a_cell_with_members_on_the_roll_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        org_dissolve(actor=None, org=world.office_cell)
    assert excinfo.value.messages == [
        "Còn 3 đảng viên đang sinh hoạt tại “Chi bộ Văn phòng”; hãy chuyển sinh hoạt cho họ trước."
    ]


def test_a_cell_whose_members_have_all_left_may_be_dissolved(world: World) -> None:
    event_add(actor=None, member=world.dung, values={"kind": EventKind.TRANSFER_OUT, "on": date(2025, 5, 1)})
    org_dissolve(actor=None, org=world.economy_cell, effective_on=date(2025, 6, 30))
    assert Org.objects.get(pk=world.economy_cell.pk).is_dissolved


def test_dissolving_twice_is_refused(world: World) -> None:
    cell = make_org("X01-01-03", "Chi bộ Dịch vụ", OrgKind.CELL, world.agency)
    org_dissolve(actor=None, org=cell, effective_on=date(2025, 6, 30))
    with pytest.raises(ValidationError) as excinfo:
        org_dissolve(actor=None, org=cell)
    assert excinfo.value.messages == ["“Chi bộ Dịch vụ” đã giải thể ngày 30/06/2025."]


def test_dissolving_before_the_current_version_began_is_refused(world: World) -> None:
    cell = make_org("X01-01-03", "Chi bộ Dịch vụ", OrgKind.CELL, world.agency, since=date(2024, 1, 1))
    with pytest.raises(ValidationError):
        org_dissolve(actor=None, org=cell, effective_on=date(2023, 12, 31))
    assert Org.objects.get(pk=cell.pk).dissolved_on is None
