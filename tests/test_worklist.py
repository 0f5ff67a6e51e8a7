"""The work list ("Việc cần làm"): items per persona within scope, soonest first, time frozen around deadlines."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from dangvu.evaluations.models import Period
from dangvu.evaluations.regimes import regime_for
from dangvu.exchange.models import ImportJob
from dangvu.lifecycle.worklist import ItemKind, worklist
from dangvu.members.lifecycle import EventKind
from dangvu.members.services import event_add
from tests.factories import World, make_member

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)
RATING = {ItemKind.MEMBERS_NOT_RATED, ItemKind.ORGS_NOT_RATED}


def kinds(user, today: date = TODAY) -> list[tuple[str, str]]:
    return [(i.kind, i.subject) for i in worklist(user, today)]


@pytest.fixture
def busy(world: World) -> World:
    """The world with something due: a ceremony not held in the village, a temporary transfer ending in the
    office cell and one in the other commune, an open period of the commune, an import with warnings."""
    make_member(
        world.village_cell,
        "Tạ Văn Mới",
        admitted_on=date(2026, 11, 2),
        ceremony_on=None,
        official_on=None,
        birth_date=date(2001, 4, 4),
    )
    event_add(
        actor=None,
        member=world.binh,
        values={
            "kind": EventKind.TEMP_OUT,
            "on": date(2026, 6, 1),
            "external_org": "Trường Chính trị",
            "expected_end": date(2026, 12, 10),
        },
    )
    event_add(
        actor=None,
        member=world.giang,
        values={
            "kind": EventKind.TEMP_OUT,
            "on": date(2026, 6, 1),
            "external_org": "Trường Chính trị",
            "expected_end": date(2026, 12, 1),
        },
    )
    Period.objects.create(org=world.commune, year=2026, regime=regime_for(date(2026, 12, 31)).code)
    ImportJob.objects.create(
        user=world.commune_staff,
        kind="members",
        filename="dang-vien.xlsx",
        sha256="0" * 64,
        stored_path="x",
        warnings=3,
    )
    return world


def test_the_commune_staff_sees_every_item_of_the_commune_soonest_first(busy: World) -> None:
    items = worklist(busy.commune_staff, TODAY)
    assert [i.due for i in items] == sorted(i.due for i in items)
    found = {(i.kind, i.subject) for i in items}
    assert (ItemKind.TEMPORARY, "Trần Thị Bình") in found
    assert (ItemKind.CEREMONY, "Tạ Văn Mới") in found
    assert (ItemKind.IMPORT_WARNINGS, "dang-vien.xlsx") in found
    assert any(kind == ItemKind.MEMBERS_NOT_RATED for kind, _ in found)
    assert any(kind == ItemKind.ORGS_NOT_RATED for kind, _ in found)
    ceremony = next(i for i in items if i.kind == ItemKind.CEREMONY)
    assert ceremony.due == date(2026, 12, 14) and not ceremony.late  # 30 working days after 02/11/2026
    assert ceremony.url == f"/dang-vien/{ceremony.url.split('/')[2]}/"


def test_the_outsider_never_sees_the_communes_items(busy: World) -> None:
    subjects = {subject for _, subject in kinds(busy.outsider)}
    assert subjects == {"Võ Thị Giang"}
    assert "Võ Thị Giang" not in {s for _, s in kinds(busy.commune_staff)}


def test_the_secretary_sees_only_the_cell(busy: World) -> None:
    items = worklist(busy.secretary, TODAY)
    assert [(i.kind, i.subject) for i in items if i.kind not in RATING] == [(ItemKind.TEMPORARY, "Trần Thị Bình")]
    # The commune's open period, counted for the part in the secretary's scope only: An, Bình, Châu.
    rating = [i.detail for i in items if i.kind in RATING]
    assert rating == ["3 đảng viên chưa có mức xếp loại", "1 tổ chức chưa có mức xếp loại"]


def test_the_member_sees_only_their_own_items(busy: World) -> None:
    assert kinds(busy.member) == []


@pytest.mark.parametrize(
    ("today", "shown", "late"),
    [
        (date(2027, 2, 17), False, False),  # official on 20/03/2027: more than 30 days ahead
        (date(2027, 2, 18), True, False),
        (date(2027, 5, 4), True, False),  # the day before the last day (05/05/2027)
        (date(2027, 5, 5), True, False),  # on the last day
        (date(2027, 5, 6), True, True),  # the day after: late
    ],
)
def test_the_confirmation_of_a_probationer_appears_and_becomes_late_around_its_deadline(
    world: World, today: date, shown: bool, late: bool
) -> None:
    with time_machine.travel(today, tick=False):
        items = [i for i in worklist(world.commune_staff, today) if i.kind == ItemKind.CONFIRMATION]
    assert bool(items) == shown
    if items:
        assert items[0].subject == "Hoàng Đức" and items[0].late == late and items[0].due == date(2027, 5, 5)


def test_a_temporary_transfer_is_late_the_day_after_its_end(busy: World) -> None:
    def temp(day: date) -> bool:
        return next(i for i in worklist(busy.secretary, day) if i.kind == ItemKind.TEMPORARY).late

    assert not temp(date(2026, 12, 9)) and not temp(date(2026, 12, 10)) and temp(date(2026, 12, 11))


def test_badges_due_at_the_next_award_date_are_listed(world: World) -> None:
    make_member(
        world.economy_cell,
        "Đỗ Văn Ba Mươi",
        birth_date=date(1960, 1, 1),
        admitted_on=date(1997, 1, 10),
        ceremony_on=date(1997, 1, 30),
        official_on=date(1998, 1, 30),
    )
    items = [i for i in worklist(world.commune_staff, TODAY) if i.kind == ItemKind.BADGE]
    assert [(i.subject, i.due) for i in items] == [("Đỗ Văn Ba Mươi", date(2027, 2, 3))]
    assert "Huy hiệu 30 năm" in items[0].detail and items[0].action_url.startswith("/huy-hieu/?org=")
    assert not [i for i in worklist(world.outsider, TODAY) if i.kind == ItemKind.BADGE]


def test_the_command_prints_the_list_as_json(busy: World) -> None:
    out = StringIO()
    call_command("worklist", "--user", "secretary", "--format", "json", "--today", "2026-11-23", stdout=out)
    data = [d for d in json.loads(out.getvalue()) if d["kind"] not in RATING]
    assert [(d["kind"], d["subject"], d["due"], d["late"]) for d in data] == [
        ("temporary", "Trần Thị Bình", "2026-12-10", False)
    ]
    assert data[0]["url"] == f"/dang-vien/{busy.binh.pk}/" and data[0]["kind_label"] == "Hết hạn sinh hoạt tạm thời"
    out = StringIO()
    call_command("worklist", "--user", "secretary", "--today", "2026-11-23", stdout=out)
    assert "10/12/2026\tHết hạn sinh hoạt tạm thời\tTrần Thị Bình" in out.getvalue()


@time_machine.travel(date(2026, 11, 23), tick=False)
def test_the_page_lists_the_items_with_links(busy: World, client_for) -> None:
    page = client_for("secretary").get("/viec-can-lam/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Trần Thị Bình" in text and f'href="/dang-vien/{busy.binh.pk}/"' in text and "Tạ Văn Mới" not in text
    assert client_for("outsider").get("/viec-can-lam/").content.decode().count("Trần Thị Bình") == 0


def test_the_demo_has_items_for_the_secretary_and_badges_for_the_commune() -> None:
    from dangvu.accounts.models import User

    call_command("demo", members=400, seed=2026, today=TODAY, stdout=StringIO())
    province = worklist(User.objects.get(username="tinh"), TODAY)
    found = {i.kind for i in province}
    assert {ItemKind.CONFIRMATION, ItemKind.CEREMONY, ItemKind.TEMPORARY, ItemKind.BADGE} <= found
    confirmations = [i for i in province if i.kind == ItemKind.CONFIRMATION]
    assert any(i.late for i in confirmations) and not all(i.late for i in confirmations)
    badges = [i.detail for i in province if i.kind == ItemKind.BADGE]
    assert {30, 40, 50} <= {int(d.split()[2]) for d in badges}
    commune = {i.kind for i in worklist(User.objects.get(username="xa"), TODAY)}
    assert {ItemKind.TEMPORARY, ItemKind.BADGE} <= commune
