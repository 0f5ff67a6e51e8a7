"""Member records through the services: derived fields follow the events, every change leaves an
audit row with who and before/after, deletes are soft, impossibilities are refused and doubtful data
is accepted with a warning."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from dangvu.audit.models import Action, AuditRecord
from dangvu.audit.services import audit_record, diff, snapshot
from dangvu.members.lifecycle import EventKind, Status
from dangvu.members.models import Member, MemberEvent
from dangvu.members.services import (
    event_add,
    event_delete,
    event_update,
    member_create,
    member_reveal,
    member_update,
    member_warnings,
)
from dangvu.orgs.kinds import OrgKind
from dangvu.orgs.services import org_dissolve
from tests.factories import World, make_member, make_org

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 12, 1)


@pytest.fixture(autouse=True)
def frozen_today(world: World, time_machine: time_machine.TimeMachineFixture) -> None:
    """The world is built first (its dates are all in the past), then "today" is fixed."""
    time_machine.move_to(datetime(2026, 12, 1, 9, 0, tzinfo=VN), tick=False)


def personal(**overrides: Any) -> dict[str, Any]:
    return {
        "full_name": "  Đặng  Thị Ánh ",
        "sex": "female",
        "birth_date": date(1995, 4, 12),
        "citizen_id": " 001 195 012345 ",
        "card_number": "20000001",
        "phone": "0912.345.678",
        "ethnicity": "Kinh",
        "religion": "Không",
        **overrides,
    }


def create(world: World, **kwargs: Any) -> Any:
    args: dict[str, Any] = {
        "actor": world.secretary,
        "data": personal(),
        "cell": world.office_cell,
        "admitted_on": date(2024, 3, 1),
        "ceremony_on": date(2024, 3, 20),
        "official_on": date(2025, 3, 20),
    }
    args.update(kwargs)
    return member_create(**args)


def audit_rows(target: Member | MemberEvent, kind: str) -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(target_type=kind, target_id=target.pk).order_by("pk"))


def fresh(member: Member) -> Member:
    return Member.objects.get(pk=member.pk)


def add(world: World, member: Member, kind: str, on: date, **values: Any) -> Any:
    return event_add(actor=world.secretary, member=member, values={"kind": kind, "on": on, **values})


# --- create ------------------------------------------------------------------------------------------


def test_a_new_record_is_cleaned_and_its_state_derived_from_its_events(world: World) -> None:
    outcome = create(world)
    member = fresh(outcome.member)
    assert (member.full_name, member.name_search) == ("Đặng Thị Ánh", "dang thi anh")
    assert (member.citizen_id, member.phone) == ("001195012345", "0912345678")
    assert member.name_sort_key != b""
    assert (member.status, member.is_probationary, member.current_org) == (Status.ACTIVE, False, world.office_cell)
    assert (member.admitted_on, member.ceremony_on, member.official_on) == (
        date(2024, 3, 1),
        date(2024, 3, 20),
        date(2025, 3, 20),
    )
    assert [(e.kind, e.on) for e in member.events.order_by("on")] == [
        (EventKind.ADMITTED, date(2024, 3, 1)),
        (EventKind.CONFIRMED, date(2025, 3, 20)),
    ]
    assert outcome.warnings == []


def test_creating_a_record_writes_who_and_the_values(world: World) -> None:
    member = create(world).member
    [row] = audit_rows(member, "member")
    assert (row.action, row.actor, row.actor_name) == (Action.CREATE, world.secretary, "secretary")
    assert row.changes["full_name"] == [None, "Đặng Thị Ánh"]
    assert row.changes["status"] == [None, "active"]
    assert row.changes["current_org"] == [None, str(world.office_cell)]


def test_a_probationary_member_has_no_official_date(world: World) -> None:
    member = create(world, official_on=None, admitted_on=date(2026, 5, 1), ceremony_on=date(2026, 5, 19)).member
    assert (member.is_probationary, member.official_on) == (True, None)


def test_a_member_admitted_at_sixty_one_is_saved_with_a_warning(world: World) -> None:
    outcome = create(world, data=personal(birth_date=date(1963, 1, 10)))
    assert Member.objects.filter(pk=outcome.member.pk).exists()
    assert outcome.warnings == [
        "Vào Đảng khi 61 tuổi 1 tháng, trên 60 tuổi: cần quyết định của cấp ủy trực thuộc Trung ương."
    ]


def test_fourteen_months_of_probation_is_saved_with_a_warning_naming_fourteen_months(world: World) -> None:
    outcome = create(world, official_on=date(2025, 5, 20))
    assert outcome.member.official_on == date(2025, 5, 20)
    assert outcome.warnings == ["Thời gian dự bị 14 tháng (từ 20/03/2024 đến 20/05/2025); Điều lệ quy định 12 tháng."]


@pytest.mark.parametrize("cccd", ["00119501234", "0011950123456", "00119501234X"])
def test_a_cccd_that_is_not_twelve_digits_is_refused(world: World, cccd: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        create(world, data=personal(citizen_id=cccd))
    assert list(excinfo.value.message_dict) == ["citizen_id"]
    assert not Member.objects.filter(full_name="Đặng Thị Ánh").exists()


def test_a_birth_date_in_the_future_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        create(world, data=personal(birth_date=date(2026, 12, 2)))
    assert excinfo.value.message_dict["birth_date"] == ["Ngày sinh (02/12/2026) không được sau ngày hôm nay."]


def test_an_admission_dated_tomorrow_is_refused_and_today_is_accepted(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        create(world, admitted_on=date(2026, 12, 2), ceremony_on=None, official_on=None)
    assert "admitted_on" in excinfo.value.message_dict
    member = create(world, admitted_on=TODAY, ceremony_on=TODAY, official_on=None).member
    assert member.admitted_on == TODAY


def test_an_official_date_before_admission_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        create(world, official_on=date(2024, 2, 1))
    assert excinfo.value.message_dict["official_on"] == [
        "Ngày chính thức (01/02/2024) không được trước ngày vào Đảng (01/03/2024)."
    ]


def test_an_official_date_before_the_ceremony_is_refused_once(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        create(world, official_on=date(2024, 3, 10))
    assert excinfo.value.message_dict == {
        "official_on": ["Ngày chính thức (10/03/2024) không được trước ngày lễ kết nạp (20/03/2024)."]
    }


def test_an_admission_at_thirteen_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        create(world, data=personal(birth_date=date(2011, 1, 1)), official_on=None)
    assert "admitted_on" in excinfo.value.message_dict


def test_a_duplicate_cccd_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        create(world, data=personal(citizen_id=world.an.citizen_id))
    assert excinfo.value.message_dict == {
        "citizen_id": [f"Số CCCD {world.an.citizen_id} đã có trong hồ sơ của “Nguyễn Văn An”."]
    }


def test_a_duplicate_party_card_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        create(world, data=personal(card_number="10000001"))
    assert excinfo.value.message_dict == {
        "card_number": ["Số thẻ đảng viên 10000001 đã có trong hồ sơ của “Nguyễn Văn An”."]
    }


def test_blank_cccd_and_card_are_stored_as_empty_so_many_records_may_lack_them(world: World) -> None:
    first = create(world, data=personal(citizen_id="", card_number=" ")).member
    second = create(world, data=personal(full_name="Lý Văn Bảo", citizen_id="", card_number="")).member
    assert (fresh(first).citizen_id, fresh(second).card_number) == (None, None)


def test_a_member_must_be_put_in_a_cell(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        create(world, cell=world.agency)
    assert excinfo.value.message_dict["cell"] == [
        "“Đảng bộ Cơ quan xã An Phú” không phải là chi bộ; "
        "đảng viên chỉ sinh hoạt ở chi bộ cơ sở hoặc chi bộ trực thuộc."
    ]


def test_a_member_cannot_be_put_in_a_dissolved_cell(world: World) -> None:
    cell = make_org("X01-01-03", "Chi bộ Dịch vụ", OrgKind.CELL, world.agency)
    org_dissolve(actor=None, org=cell, effective_on=date(2025, 6, 30))
    with pytest.raises(ValidationError) as excinfo:
        create(world, cell=cell)
    assert excinfo.value.message_dict["cell"] == ["Chi bộ “Chi bộ Dịch vụ” đã giải thể."]


# --- update ------------------------------------------------------------------------------------------


def test_editing_a_record_writes_an_audit_row_with_before_and_after(world: World) -> None:
    member_update(actor=world.commune_staff, member=world.an, data={"phone": "0987 654 321", "position": "Bí thư"})
    row = audit_rows(world.an, "member")[-1]
    assert (row.action, row.actor) == (Action.UPDATE, world.commune_staff)
    assert row.changes == {"phone": ["0912345678", "0987654321"], "position": ["", "Bí thư"]}


def test_a_new_name_updates_the_search_form_and_the_sort_key(world: World) -> None:
    old_key = bytes(fresh(world.an).name_sort_key)
    member_update(actor=None, member=world.an, data={"full_name": "Nguyễn Văn Ấn"})
    member = fresh(world.an)
    assert member.name_search == "nguyen van an"
    assert bytes(member.name_sort_key) > old_key


def test_saving_a_record_without_changes_writes_no_audit_row(world: World) -> None:
    before = len(audit_rows(world.an, "member"))
    member_update(actor=None, member=world.an, data={"full_name": "Nguyễn  Văn An "})
    assert len(audit_rows(world.an, "member")) == before


def test_an_edit_cannot_take_another_members_cccd(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        member_update(actor=None, member=world.an, data={"citizen_id": world.binh.citizen_id})
    assert list(excinfo.value.message_dict) == ["citizen_id"]
    assert fresh(world.an).citizen_id != world.binh.citizen_id


def test_an_edit_that_makes_the_admission_impossible_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        member_update(actor=None, member=world.an, data={"birth_date": date(2000, 1, 1)})
    assert "admitted_on" in excinfo.value.message_dict
    assert fresh(world.an).birth_date == date(1980, 5, 17)


def test_an_edit_with_a_malformed_cccd_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        member_update(actor=None, member=world.an, data={"citizen_id": "12345678901"})
    assert excinfo.value.message_dict == {"citizen_id": ["Số CCCD phải gồm đúng 12 chữ số (đang có 11 ký tự)."]}


# --- events ------------------------------------------------------------------------------------------


def test_confirming_a_probationary_member_makes_them_full_and_is_audited(world: World) -> None:
    outcome = add(world, world.duc, EventKind.CONFIRMED, date(2026, 11, 30))
    duc = fresh(world.duc)
    assert (duc.is_probationary, duc.official_on) == (False, date(2026, 11, 30))
    assert outcome.member.official_on == date(2026, 11, 30)
    event = duc.events.get(kind=EventKind.CONFIRMED)
    [event_row] = audit_rows(event, "event")
    assert (event_row.action, event_row.actor) == (Action.CREATE, world.secretary)
    assert event_row.changes["kind"] == [None, "confirmed"]
    member_row = audit_rows(duc, "member")[-1]
    assert member_row.action == Action.UPDATE
    assert member_row.note == "Theo sự kiện: Chuyển đảng chính thức"
    assert member_row.changes == {"is_probationary": [True, False], "official_on": [None, "2026-11-30"]}


def test_an_early_confirmation_is_accepted_with_a_warning(world: World) -> None:
    outcome = add(world, world.duc, EventKind.CONFIRMED, date(2026, 11, 30))
    assert outcome.warnings == ["Thời gian dự bị 8 tháng (từ 20/03/2026 đến 30/11/2026); Điều lệ quy định 12 tháng."]


def test_a_transfer_to_another_cell_of_ours_moves_the_member(world: World) -> None:
    add(world, world.an, EventKind.TRANSFER_OUT, date(2026, 1, 5), org=world.other_cell)
    an = fresh(world.an)
    assert (an.current_org, an.status) == (world.other_cell, Status.ACTIVE)
    assert audit_rows(an, "member")[-1].changes == {"current_org": [str(world.office_cell), str(world.other_cell)]}


def test_a_transfer_out_of_the_system_takes_the_member_off_the_roll(world: World) -> None:
    add(world, world.an, EventKind.TRANSFER_OUT, date(2026, 1, 5), external_org="Đảng bộ tỉnh Khác")
    an = fresh(world.an)
    assert (an.status, an.status_since, an.on_roll) == (Status.TRANSFERRED_OUT, date(2026, 1, 5), False)


def test_an_event_dated_tomorrow_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        add(world, world.an, EventKind.EXEMPTED, date(2026, 12, 2))
    assert excinfo.value.message_dict == {"on": ["Ngày của sự kiện (02/12/2026) không được sau ngày hôm nay."]}


def test_an_event_after_death_is_refused(world: World) -> None:
    add(world, world.an, EventKind.DIED, date(2026, 2, 1))
    with pytest.raises(ValidationError) as excinfo:
        add(world, world.an, EventKind.EXEMPTED, date(2026, 3, 1))
    assert excinfo.value.messages == ["Đảng viên đã từ trần ngày 01/02/2026; không thể ghi thêm sự kiện sau ngày đó."]
    assert world.an.events.live().count() == 3


def test_confirming_a_full_member_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        add(world, world.an, EventKind.CONFIRMED, date(2026, 3, 1))
    assert excinfo.value.messages == ["Chỉ đảng viên dự bị mới được chuyển chính thức (ngày 01/03/2026)."]


def test_a_confirmation_dated_before_the_ceremony_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        add(world, world.duc, EventKind.CONFIRMED, date(2026, 3, 10))
    assert excinfo.value.messages == ["Ngày chính thức (10/03/2026) không được trước ngày lễ kết nạp (20/03/2026)."]


def test_a_transfer_into_something_that_is_not_a_cell_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        add(world, world.an, EventKind.TRANSFER_OUT, date(2026, 1, 5), org=world.commune)
    assert "org" in excinfo.value.message_dict


def test_an_event_that_does_not_move_the_member_drops_a_cell_given_with_it(world: World) -> None:
    add(world, world.an, EventKind.EXEMPTED, date(2026, 1, 5), org=world.other_cell)
    an = fresh(world.an)
    assert (an.status, an.current_org) == (Status.EXEMPT, world.office_cell)
    assert an.events.get(kind=EventKind.EXEMPTED).org is None


def test_struck_off_readmitted_and_a_second_readmission_warns_only_once_allowed(world: World) -> None:
    add(world, world.dung, EventKind.STRUCK_OFF, date(2022, 1, 10))
    add(
        world, world.dung, EventKind.READMITTED, date(2023, 5, 1), org=world.economy_cell, ceremony_on=date(2023, 5, 19)
    )
    dung = fresh(world.dung)
    assert (dung.status, dung.is_probationary, dung.admitted_on, dung.ceremony_on, dung.official_on) == (
        Status.ACTIVE,
        True,
        date(2023, 5, 1),
        date(2023, 5, 19),
        None,
    )
    add(world, world.dung, EventKind.STRUCK_OFF, date(2024, 1, 10))
    outcome = add(
        world, world.dung, EventKind.READMITTED, date(2025, 5, 1), org=world.economy_cell, ceremony_on=date(2025, 5, 5)
    )
    assert "Điều lệ chỉ cho kết nạp lại một lần; đây là lần kết nạp lại thứ 2 (ngày 01/05/2025)." in outcome.warnings
    assert member_warnings(fresh(world.dung)) == outcome.warnings


def test_editing_an_event_rederives_the_record_and_audits_the_event(world: World) -> None:
    event = add(world, world.duc, EventKind.CONFIRMED, date(2026, 11, 30)).member.events.get(kind=EventKind.CONFIRMED)
    event_update(actor=world.commune_staff, event=event, values={"on": date(2026, 11, 20), "note": "Sửa ngày"})
    assert fresh(world.duc).official_on == date(2026, 11, 20)
    row = audit_rows(event, "event")[-1]
    assert (row.action, row.actor) == (Action.UPDATE, world.commune_staff)
    assert row.changes == {"on": ["2026-11-30", "2026-11-20"], "note": ["", "Sửa ngày"]}
    assert audit_rows(world.duc, "member")[-1].changes == {"official_on": ["2026-11-30", "2026-11-20"]}


def test_an_edit_that_makes_the_timeline_impossible_is_refused_and_nothing_changes(world: World) -> None:
    admission = world.an.events.get(kind=EventKind.ADMITTED)
    with pytest.raises(ValidationError):
        event_update(actor=None, event=admission, values={"on": date(2026, 12, 2)})
    with pytest.raises(ValidationError):
        event_update(actor=None, event=admission, values={"on": date(2011, 6, 1)})  # after the confirmation
    assert MemberEvent.objects.get(pk=admission.pk).on == date(2010, 3, 1)
    assert fresh(world.an).admitted_on == date(2010, 3, 1)


def test_deleting_an_event_is_soft_and_the_record_follows(world: World) -> None:
    away = add(world, world.an, EventKind.TEMP_OUT, date(2026, 1, 5)).member.events.get(kind=EventKind.TEMP_OUT)
    assert fresh(world.an).status == Status.AWAY
    event_delete(actor=world.secretary, event=away, reason="Nhập nhầm")
    kept = MemberEvent.objects.get(pk=away.pk)
    assert kept.deleted_at is not None
    assert kept.deleted_by == world.secretary
    assert fresh(world.an).status == Status.ACTIVE
    assert not world.an.events.live().filter(pk=away.pk).exists()
    row = audit_rows(away, "event")[-1]
    assert (row.action, row.actor, row.note) == (Action.DELETE, world.secretary, "Nhập nhầm")
    assert row.changes["kind"] == ["temp_out", None]
    assert audit_rows(world.an, "member")[-1].changes == {
        "status": ["away", "active"],
        "status_since": ["2026-01-05", "2010-03-01"],
    }


def test_deleting_the_admission_while_later_events_depend_on_it_is_refused(world: World) -> None:
    admission = world.an.events.get(kind=EventKind.ADMITTED)
    with pytest.raises(ValidationError) as excinfo:
        event_delete(actor=None, event=admission)
    assert excinfo.value.messages == [
        "Không thể xóa sự kiện kết nạp duy nhất của hồ sơ; hãy sửa ngày hoặc chi bộ của sự kiện này."
    ]
    assert MemberEvent.objects.get(pk=admission.pk).deleted_at is None


def test_a_deleted_event_can_be_neither_deleted_again_nor_edited(world: World) -> None:
    away = add(world, world.an, EventKind.TEMP_OUT, date(2026, 1, 5)).member.events.get(kind=EventKind.TEMP_OUT)
    event_delete(actor=None, event=away)
    away.refresh_from_db()
    for attempt in (
        lambda: event_delete(actor=None, event=away),
        lambda: event_update(actor=None, event=away, values={"note": "x"}),
    ):
        with pytest.raises(ValidationError) as excinfo:
            attempt()
        assert excinfo.value.messages == ["Sự kiện này đã bị xóa."]


# --- reveal and warnings -----------------------------------------------------------------------------


def test_revealing_a_sensitive_field_returns_it_and_writes_a_reveal_row(world: World) -> None:
    value = member_reveal(actor=world.secretary, member=world.binh, field="ethnicity", ip_address="10.0.0.7")
    assert value == "Tày"
    row = audit_rows(world.binh, "member")[-1]
    assert (row.action, row.actor, row.ip_address) == (Action.REVEAL, world.secretary, "10.0.0.7")
    assert row.changes == {"field": "ethnicity"}
    assert row.note == "dân tộc"


def test_revealing_a_field_that_is_not_sensitive_is_refused_and_not_logged(world: World) -> None:
    before = AuditRecord.objects.count()
    with pytest.raises(ValidationError):
        member_reveal(actor=world.secretary, member=world.binh, field="full_name")
    assert AuditRecord.objects.count() == before


def test_a_clean_record_has_no_warnings(world: World) -> None:
    assert member_warnings(world.an) == []


def test_warnings_of_the_record_and_of_the_timeline_are_both_shown(world: World) -> None:
    member = make_member(
        world.village_cell,
        "Lò Văn Sáng",
        birth_date=date(1960, 1, 1),
        admitted_on=date(2021, 3, 1),
        ceremony_on=date(2021, 3, 20),
        official_on=date(2022, 5, 20),
    )
    add(world, member, EventKind.REINSTATED, date(2023, 1, 1))
    assert member_warnings(member) == [
        "Vào Đảng khi 61 tuổi 2 tháng, trên 60 tuổi: cần quyết định của cấp ủy trực thuộc Trung ương.",
        "Thời gian dự bị 14 tháng (từ 20/03/2021 đến 20/05/2022); Điều lệ quy định 12 tháng.",
        "“Trở lại sinh hoạt” ngày 01/01/2023 nhưng đảng viên không bị đình chỉ hay miễn sinh hoạt.",
    ]


# --- the audit helpers -------------------------------------------------------------------------------


def test_a_snapshot_reads_dates_as_iso_text_and_foreign_keys_as_their_text(world: World) -> None:
    values = snapshot(fresh(world.an), ("full_name", "birth_date", "current_org", "is_probationary"))
    assert values == {
        "full_name": "Nguyễn Văn An",
        "birth_date": "1980-05-17",
        "current_org": "Chi bộ Văn phòng (X01-01-01)",
        "is_probationary": False,
    }


def test_a_snapshot_drops_binary_values(world: World) -> None:
    assert snapshot(fresh(world.an), ("name_sort_key",)) == {"name_sort_key": None}


def test_diff_lists_only_the_fields_that_changed_as_before_and_after() -> None:
    assert diff({"a": 1, "b": "x"}, {"a": 1, "b": "y", "c": None}) == {"b": ["x", "y"]}
    assert diff({}, {"a": 1}) == {"a": [None, 1]}
    assert diff({"a": 1}, {}) == {"a": [1, None]}
    assert diff({"a": 1}, {"a": 1}) == {}


def test_a_change_made_by_the_system_is_recorded_under_its_name(world: World) -> None:
    row = audit_record(actor=None, action=Action.UPDATE, target=world.an, changes={"x": [1, 2]})
    assert (row.actor, row.actor_name, row.target_type, row.target_id) == (None, "hệ thống", "member", world.an.pk)
    assert row.target_repr == "Nguyễn Văn An"


def test_deleting_the_only_event_of_a_record_is_refused_so_the_record_never_vanishes(world: World) -> None:
    admission = world.duc.events.get()
    assert admission.kind == EventKind.ADMITTED
    with pytest.raises(ValidationError):
        event_delete(actor=world.commune_staff, event=admission)
    world.duc.refresh_from_db()
    assert world.duc.current_org == world.village_cell


def test_a_duplicate_cccd_outside_the_users_scope_does_not_name_the_other_member(world: World) -> None:
    from dangvu.members.services import member_create

    data = {
        "full_name": "Đinh Văn Mới",
        "sex": "male",
        "birth_date": date(1990, 1, 1),
        "citizen_id": world.giang.citizen_id,
    }
    with pytest.raises(ValidationError) as excinfo:
        member_create(actor=world.commune_staff, data=data, cell=world.office_cell, admitted_on=date(2015, 1, 5))
    message = excinfo.value.message_dict["citizen_id"][0]
    assert "Võ Thị Giang" not in message
    assert "ngoài phạm vi của bạn" in message
