"""Who sees what: `Org.objects.visible_to(user)` and `Member.objects.visible_to(user)` for each persona
of the world (default deny; a scope is a subtree; a member sees only their own record)."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from dangvu.accounts.models import Role, User
from dangvu.members.lifecycle import EventKind
from dangvu.members.models import Member
from dangvu.members.services import event_add
from dangvu.orgs.models import Org
from tests.factories import World, make_user

pytestmark = pytest.mark.django_db

ALL_ORGS = {"T01", "X01", "X01-01", "X01-01-01", "X01-01-02", "X01-02", "X02", "X02-01"}
COMMUNE_ORGS = {"X01", "X01-01", "X01-01-01", "X01-01-02", "X01-02"}
ALL_MEMBERS = {"Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Văn Dũng", "Hoàng Đức", "Võ Thị Giang"}
COMMUNE_MEMBERS = ALL_MEMBERS - {"Võ Thị Giang"}
OFFICE_MEMBERS = {"Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu"}

EXPECTED = {
    "sysadmin": (ALL_ORGS, ALL_MEMBERS),
    "province_staff": (ALL_ORGS, ALL_MEMBERS),
    "commune_staff": (COMMUNE_ORGS, COMMUNE_MEMBERS),
    "secretary": ({"X01-01-01"}, OFFICE_MEMBERS),
    "viewer": (COMMUNE_ORGS, COMMUNE_MEMBERS),
    "member": (set(), {"Nguyễn Văn An"}),
    "outsider": ({"X02", "X02-01"}, {"Võ Thị Giang"}),
}


def orgs_seen(user: User | AnonymousUser) -> set[str]:
    return set(Org.objects.visible_to(user).values_list("code", flat=True))  # type: ignore[arg-type]


def members_seen(user: User | AnonymousUser) -> set[str]:
    return set(Member.objects.visible_to(user).values_list("full_name", flat=True))  # type: ignore[arg-type]


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_persona_sees_exactly_their_orgs(world: World, persona: str) -> None:
    assert orgs_seen(getattr(world, persona)) == EXPECTED[persona][0]


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_persona_sees_exactly_their_members(world: World, persona: str) -> None:
    assert members_seen(getattr(world, persona)) == EXPECTED[persona][1]


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_an_inactive_account_sees_nothing(world: World, persona: str) -> None:
    user = getattr(world, persona)
    user.is_active = False
    user.save()
    assert orgs_seen(user) == set()
    assert members_seen(user) == set()


def test_an_anonymous_visitor_sees_nothing(world: World) -> None:
    assert orgs_seen(AnonymousUser()) == set()
    assert members_seen(AnonymousUser()) == set()


@pytest.mark.parametrize("role", [Role.STAFF, Role.SECRETARY, Role.VIEWER])
def test_an_account_with_no_scope_sees_nothing(world: World, role: str) -> None:
    user = make_user(f"no_scope_{role}", role)
    assert orgs_seen(user) == set()
    assert members_seen(user) == set()


def test_a_member_account_without_a_record_sees_nothing(world: World) -> None:
    user = make_user("member_without_record", Role.MEMBER)
    assert members_seen(user) == set()


def test_a_member_account_given_a_scope_still_sees_only_its_own_record(world: World) -> None:
    user = make_user("member_with_scope", Role.MEMBER, scope=world.province, member=world.giang)
    assert orgs_seen(user) == set()
    assert members_seen(user) == {"Võ Thị Giang"}


def test_an_admin_needs_no_scope_but_a_scope_does_not_narrow_an_admin(world: World) -> None:
    user = make_user("admin_with_scope", Role.ADMIN, scope=world.other_cell)
    assert orgs_seen(user) == ALL_ORGS
    assert members_seen(user) == ALL_MEMBERS


def test_a_member_who_left_stays_visible_in_the_scope_of_their_last_cell(world: World) -> None:
    event_add(actor=None, member=world.an, values={"kind": EventKind.TRANSFER_OUT, "on": date(2026, 1, 5)})
    assert "Nguyễn Văn An" in members_seen(world.secretary)
    assert "Nguyễn Văn An" not in members_seen(world.outsider)


def test_a_member_transferred_to_the_sibling_commune_changes_hands(world: World) -> None:
    values = {"kind": EventKind.TRANSFER_OUT, "on": date(2026, 1, 5), "org": world.other_cell}
    event_add(actor=None, member=world.an, values=values)
    assert members_seen(world.secretary) == OFFICE_MEMBERS - {"Nguyễn Văn An"}
    assert members_seen(world.commune_staff) == COMMUNE_MEMBERS - {"Nguyễn Văn An"}
    assert members_seen(world.outsider) == {"Võ Thị Giang", "Nguyễn Văn An"}
    # The member persona still sees their own record, wherever it lives.
    assert members_seen(world.member) == {"Nguyễn Văn An"}


def test_a_scope_is_a_subtree_not_a_name_prefix(world: World) -> None:
    # Scope "X01" must not leak an organisation whose code merely starts with it.
    from tests.factories import make_org

    make_org("X011", "Đảng bộ xã An Phú Mở Rộng", "upper", world.province)
    assert "X011" not in orgs_seen(world.commune_staff)
    assert "X011" in orgs_seen(world.province_staff)


def test_org_editors_are_admin_and_staff_only(world: World) -> None:
    assert set(Org.objects.editable_by(world.commune_staff).values_list("code", flat=True)) == COMMUNE_ORGS
    assert set(Org.objects.editable_by(world.outsider).values_list("code", flat=True)) == {"X02", "X02-01"}
    for persona in ("secretary", "viewer", "member"):
        assert not Org.objects.editable_by(getattr(world, persona)).exists()


def test_member_editors_are_admin_staff_and_the_secretary_of_the_cell(world: World) -> None:
    secretary_edits = set(Member.objects.editable_by(world.secretary).values_list("full_name", flat=True))
    assert secretary_edits == OFFICE_MEMBERS
    for persona in ("viewer", "member"):
        assert not Member.objects.editable_by(getattr(world, persona)).exists()


def test_an_inactive_staff_user_edits_nothing(world: World) -> None:
    world.commune_staff.is_active = False
    world.commune_staff.save()
    assert not Org.objects.editable_by(world.commune_staff).exists()
    assert not Member.objects.editable_by(world.commune_staff).exists()
