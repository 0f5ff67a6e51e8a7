"""Reading history: the tree, the members' cells, their stints and the counts as of a day."""

from __future__ import annotations

from datetime import date

import pytest

from dangvu.members.history import rebuild_memberships, stints_of
from dangvu.members.lifecycle import EventFact, EventKind, Status, derive_timeline
from dangvu.members.models import Membership
from dangvu.members.services import event_add, event_delete
from dangvu.orgs.history import counts_as_of, member_cells_as_of, member_org_history, subtree_of, tree_as_of
from dangvu.orgs.kinds import OrgKind
from dangvu.orgs.services import org_dissolve, org_move, org_update
from tests.factories import World, make_member, make_org

pytestmark = pytest.mark.django_db

MOVE_DAY = date(2025, 7, 1)
BEFORE = date(2025, 6, 30)


def _rows(member_id: int) -> list[tuple[int, str, bool, date, date | None]]:
    return list(
        Membership.objects.filter(member_id=member_id)
        .order_by("valid_from")
        .values_list("org_id", "status", "is_probationary", "valid_from", "valid_to")
    )


def test_tree_on_the_day_before_and_the_day_of_a_move(world: World) -> None:
    org_move(actor=None, org=world.village_cell, new_parent=world.other_commune, effective_on=MOVE_DAY)
    before, on_day = tree_as_of(BEFORE), tree_as_of(MOVE_DAY)
    assert before[world.village_cell.pk].parent_id == world.commune.pk
    assert before[world.village_cell.pk].path == f"{world.province.path}{world.commune.pk}/{world.village_cell.pk}/"
    assert on_day[world.village_cell.pk].parent_id == world.other_commune.pk
    world.village_cell.refresh_from_db()
    assert on_day[world.village_cell.pk].path == world.village_cell.path
    assert on_day[world.village_cell.pk].depth == 2
    assert world.village_cell.pk in subtree_of(before, world.commune.pk)
    assert world.village_cell.pk not in subtree_of(on_day, world.commune.pk)
    assert world.village_cell.pk in subtree_of(on_day, world.other_commune.pk)


def test_a_moved_subtree_carries_its_descendants_paths(world: World) -> None:
    org_move(actor=None, org=world.agency, new_parent=world.other_commune, effective_on=MOVE_DAY)
    before, on_day = tree_as_of(BEFORE), tree_as_of(MOVE_DAY)
    cell = world.office_cell.pk
    assert before[cell].path.startswith(before[world.commune.pk].path)
    assert on_day[cell].path.startswith(on_day[world.other_commune.pk].path)
    assert on_day[cell].depth == before[cell].depth == 3


def test_names_and_kinds_as_they_were(world: World) -> None:
    org_update(
        actor=None,
        org=world.village_cell,
        code="X01-02",
        name="Chi bộ thôn Đông Mới",
        kind=OrgKind.GRASSROOTS_CELL,
        sector=world.village_cell.sector,
        effective_on=MOVE_DAY,
    )
    assert tree_as_of(BEFORE)[world.village_cell.pk].name == "Chi bộ thôn Đông"
    assert tree_as_of(MOVE_DAY)[world.village_cell.pk].name == "Chi bộ thôn Đông Mới"


def test_a_dissolved_organisation_exists_until_the_day_before(world: World) -> None:
    cell = make_org("X01-03", "Chi bộ thôn Tây", OrgKind.GRASSROOTS_CELL, world.commune)
    org_dissolve(actor=None, org=cell, effective_on=MOVE_DAY)
    assert cell.pk in tree_as_of(BEFORE)
    assert cell.pk not in tree_as_of(MOVE_DAY)
    assert cell.pk not in tree_as_of(date(2019, 12, 31))  # before it was founded (2020-01-01)


def test_member_cells_before_and_after_a_move_between_cells(world: World) -> None:
    event_add(
        actor=None,
        member=world.an,
        values={"kind": EventKind.TRANSFER_OUT, "on": MOVE_DAY, "org": world.village_cell, "decision_no": "12-QĐ/ĐU"},
    )
    assert member_cells_as_of(BEFORE, member_ids=[world.an.pk]) == {world.an.pk: world.office_cell.pk}
    assert member_cells_as_of(MOVE_DAY, member_ids=[world.an.pk]) == {world.an.pk: world.village_cell.pk}
    assert member_cells_as_of(date(2010, 2, 28), member_ids=[world.an.pk]) == {}  # not yet admitted
    everyone = member_cells_as_of(MOVE_DAY)
    assert everyone[world.binh.pk] == world.office_cell.pk and world.duc.pk not in everyone  # Đức: admitted 2026


def test_off_the_roll_statuses_are_not_in_any_cell(world: World) -> None:
    event_add(actor=None, member=world.binh, values={"kind": EventKind.STRUCK_OFF, "on": MOVE_DAY})
    assert world.binh.pk in member_cells_as_of(BEFORE)
    assert world.binh.pk not in member_cells_as_of(MOVE_DAY)


def test_stints_with_the_names_of_the_time(world: World) -> None:
    event_add(
        actor=None, member=world.an, values={"kind": EventKind.TRANSFER_OUT, "on": MOVE_DAY, "org": world.village_cell}
    )
    org_update(
        actor=None,
        org=world.office_cell,
        code="X01-01-01",
        name="Chi bộ Văn phòng – Tổng hợp",
        kind=OrgKind.CELL,
        sector=world.office_cell.sector,
        effective_on=date(2025, 9, 1),
    )
    stints = member_org_history(world.an)
    assert [(s.org_id, s.org_name, s.start, s.end) for s in stints] == [
        (world.office_cell.pk, "Chi bộ Văn phòng", date(2010, 3, 1), MOVE_DAY),
        (world.village_cell.pk, "Chi bộ thôn Đông", MOVE_DAY, None),
    ]
    assert stints[0].last_day == BEFORE


def test_a_change_of_status_in_one_cell_is_one_stint_but_two_membership_rows(world: World) -> None:
    # An became official on 2011-03-20 (probationary before): one stint, two stored stretches.
    assert _rows(world.an.pk) == [
        (world.office_cell.pk, Status.ACTIVE, True, date(2010, 3, 1), date(2011, 3, 20)),
        (world.office_cell.pk, Status.ACTIVE, False, date(2011, 3, 20), None),
    ]
    assert len(member_org_history(world.an)) == 1


def test_deleting_the_event_restores_the_history(world: World) -> None:
    outcome = event_add(
        actor=None, member=world.an, values={"kind": EventKind.TRANSFER_OUT, "on": MOVE_DAY, "org": world.village_cell}
    )
    event = outcome.member.events.live().get(kind=EventKind.TRANSFER_OUT)
    event_delete(actor=None, event=event)
    assert len(member_org_history(world.an)) == 1
    assert member_cells_as_of(MOVE_DAY, member_ids=[world.an.pk]) == {world.an.pk: world.office_cell.pk}


def test_bulk_rebuild_equals_the_services_sync(world: World) -> None:
    event_add(
        actor=None, member=world.an, values={"kind": EventKind.TRANSFER_OUT, "on": MOVE_DAY, "org": world.village_cell}
    )
    event_add(actor=None, member=world.dung, values={"kind": EventKind.EXEMPTED, "on": date(2024, 5, 2)})
    synced = {m: _rows(m) for m in (world.an.pk, world.dung.pk, world.giang.pk)}
    Membership.objects.all().delete()
    assert rebuild_memberships() > 0
    assert {m: _rows(m) for m in synced} == synced


def test_timeline_and_stretches_are_pure() -> None:
    events = [
        EventFact(EventKind.ADMITTED, date(2015, 1, 5), 10, seq=1),
        EventFact(EventKind.CONFIRMED, date(2016, 1, 5), seq=2),
        EventFact(EventKind.TEMP_OUT, date(2018, 2, 1), seq=3),
        EventFact(EventKind.TEMP_END, date(2018, 8, 1), seq=4),
        EventFact(EventKind.TRANSFER_OUT, date(2020, 3, 1), seq=5),  # out of the system
        EventFact(EventKind.TRANSFER_IN, date(2022, 4, 1), 20, seq=6),
    ]
    moments = derive_timeline(events)
    assert [m.on for m in moments] == [e.on for e in events]
    assert stints_of(moments) == [
        (10, Status.ACTIVE, True, date(2015, 1, 5), date(2016, 1, 5)),
        (10, Status.ACTIVE, False, date(2016, 1, 5), date(2018, 2, 1)),
        (10, Status.AWAY, False, date(2018, 2, 1), date(2018, 8, 1)),
        (10, Status.ACTIVE, False, date(2018, 8, 1), date(2020, 3, 1)),
        (20, Status.ACTIVE, False, date(2022, 4, 1), None),
    ]


def test_counts_as_of_before_and_after_a_move(world: World) -> None:
    cell = make_org("X01-03", "Chi bộ thôn Tây", OrgKind.GRASSROOTS_CELL, world.commune)
    for name in ("Đinh Văn Một", "Đinh Văn Hai"):
        make_member(cell, name)
    org_move(actor=None, org=cell, new_parent=world.other_commune, effective_on=MOVE_DAY)
    before = counts_as_of(BEFORE, tree_as_of(BEFORE), [world.commune.pk, world.other_commune.pk, world.province.pk])
    after = counts_as_of(MOVE_DAY, tree_as_of(MOVE_DAY), [world.commune.pk, world.other_commune.pk, world.province.pk])
    # X01 before: An, Bình, Châu, Dũng + the two (Đức admitted in 2026); X02: Giang.
    assert before[world.commune.pk].on_roll == 6 and before[world.other_commune.pk].on_roll == 1
    assert after[world.commune.pk].on_roll == 4 and after[world.other_commune.pk].on_roll == 3
    assert before[world.province.pk].on_roll == after[world.province.pk].on_roll == 7
    assert before[world.commune.pk].orgs[OrgKind.GRASSROOTS_CELL] == 2
    assert after[world.commune.pk].orgs[OrgKind.GRASSROOTS_CELL] == 1
    assert after[world.other_commune.pk].orgs[OrgKind.GRASSROOTS_CELL] == 2


def test_the_demo_fills_the_membership_history_as_the_services_would() -> None:
    from io import StringIO

    from django.core.management import call_command

    from dangvu.members.models import Member

    call_command("demo", members=300, seed=2026, today=date(2026, 11, 23), stdout=StringIO())
    today = date(2026, 11, 23)
    stored = {m: _rows(m) for m in Member.objects.values_list("pk", flat=True)}
    cells = member_cells_as_of(today)
    on_roll = dict(Member.objects.on_roll().values_list("pk", "current_org_id"))
    assert cells == on_roll
    Membership.objects.all().delete()
    call_command("memberships", "rebuild", stdout=StringIO())
    assert {m: _rows(m) for m in stored} == stored
    assert any(len(member_org_history(m)) > 1 for m in Member.objects.all()[:300])  # some members moved
