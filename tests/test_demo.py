"""`dangvu demo` at a small size: the tree's shape, members derived from their events, accounts, determinism."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from dangvu.accounts.models import Role, User
from dangvu.audit.models import Action, AuditRecord
from dangvu.demo.generator import DEMO_PASSWORD, DEMO_URL
from dangvu.lib.collation import name_sort_key
from dangvu.lib.text import fold
from dangvu.members.lifecycle import EventFact, derive_state
from dangvu.members.models import Member, MemberEvent
from dangvu.orgs.kinds import ALLOWED_CHILDREN, CELL_KINDS, ROOT_KINDS, OrgKind
from dangvu.orgs.models import Org, OrgVersion

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 15)


def run_demo(members: int = 400, seed: int = 2026) -> str:
    out = StringIO()
    call_command("demo", members=members, seed=seed, today=TODAY, stdout=out)
    return out.getvalue()


def test_the_tree_obeys_the_allowed_shapes_now_and_in_its_history() -> None:
    run_demo()
    orgs = {org.pk: org for org in Org.objects.all()}
    for org in orgs.values():
        if org.parent_id is None:
            assert org.kind in ROOT_KINDS
            assert org.path == f"/{org.pk}/" and org.depth == 0
        else:
            parent = orgs[org.parent_id]
            assert org.kind in ALLOWED_CHILDREN.get(parent.kind, frozenset()), (org, parent)
            assert org.path == f"{parent.path}{org.pk}/" and org.depth == parent.depth + 1
    for version in OrgVersion.objects.exclude(parent=None).select_related("parent"):
        assert version.parent is not None and version.kind in ALLOWED_CHILDREN[version.parent.kind], version
    open_versions = Counter(OrgVersion.objects.filter(valid_to=None).values_list("org_id", flat=True))
    for org in orgs.values():
        assert open_versions[org.pk] == (0 if org.dissolved_on else 1), org
    live = [org for org in orgs.values() if org.dissolved_on is None]
    kinds = Counter(org.kind for org in live)
    assert kinds[OrgKind.PROVINCE] == 1 and kinds[OrgKind.UPPER] == 12
    assert kinds[OrgKind.GRASSROOTS_CELL] + kinds[OrgKind.GRASSROOTS_COMMITTEE] >= 140
    assert kinds[OrgKind.SUB_COMMITTEE] > 0
    assert sum(1 for org in orgs.values() if org.dissolved_on) >= 5  # dissolved nodes stay, with history
    assert OrgVersion.objects.exclude(name__in=[org.name for org in orgs.values()]).exists()  # renamed ones


def test_every_members_derived_fields_are_derive_state_of_their_events() -> None:
    run_demo()
    events: dict[int, list[EventFact]] = {}
    for e in MemberEvent.objects.order_by("pk"):
        fact = EventFact(kind=e.kind, on=e.on, org_id=e.org_id, ceremony_on=e.ceremony_on, seq=e.pk)
        events.setdefault(e.member_id, []).append(fact)
    members = list(Member.objects.select_related("current_org"))
    assert len(members) == 400
    for member in members:
        state = derive_state(events[member.pk])
        assert not state.errors, member
        assert (
            member.status,
            member.is_probationary,
            member.current_org_id,
            member.admitted_on,
            member.ceremony_on,
            member.official_on,
            member.status_since,
        ) == (
            state.status,
            state.is_probationary,
            state.org_id,
            state.admitted_on,
            state.ceremony_on,
            state.official_on,
            state.status_since,
        ), member
        assert member.current_org is not None and member.current_org.kind in CELL_KINDS
        assert member.name_search == fold(member.full_name)
        assert bytes(member.name_sort_key) == name_sort_key(member.full_name)


def test_citizen_ids_are_twelve_digits_and_unique_and_full_members_have_cards() -> None:
    run_demo()
    ids = list(Member.objects.values_list("citizen_id", flat=True))
    assert all(value and re.fullmatch(r"\d{12}", value) for value in ids)
    assert len(set(ids)) == len(ids)
    assert not Member.objects.filter(official_on__isnull=False, card_number__isnull=True).exists()
    sexes = Counter(Member.objects.values_list("sex", flat=True))
    assert 0.5 < sexes["male"] / 400 < 0.8


def test_there_is_one_account_per_role_each_with_a_scope_and_the_password_works() -> None:
    output = run_demo()
    users = {user.username: user for user in User.objects.select_related("scope", "member__current_org")}
    roles = {name: user.role for name, user in users.items()}
    assert roles == {
        "admin": Role.ADMIN,
        "tinh": Role.STAFF,
        "xa": Role.STAFF,
        "bithu": Role.SECRETARY,
        "xem": Role.VIEWER,
        "dangvien": Role.MEMBER,
    }
    assert all(user.scope is not None for user in users.values())
    province, commune, cell = users["tinh"].scope, users["xa"].scope, users["bithu"].scope
    assert province is not None and commune is not None and cell is not None
    assert province.kind == OrgKind.PROVINCE and commune.kind == OrgKind.UPPER and cell.kind in CELL_KINDS
    assert users["xem"].scope == commune and cell.is_descendant_of(commune)
    member = users["dangvien"].member
    assert member is not None and member.current_org == cell and member.status == "active"
    for user in users.values():
        assert Member.objects.visible_to(user).exists(), user
    assert Member.objects.visible_to(users["xa"]).count() < Member.objects.visible_to(users["tinh"]).count()
    assert DEMO_PASSWORD in output and DEMO_URL in output
    assert all(user.check_password(DEMO_PASSWORD) for user in users.values())
    # The load is one audit row, not one per record.
    assert list(AuditRecord.objects.values_list("action", flat=True)) == [Action.LOAD]


def test_running_it_twice_gives_the_same_data_and_keeps_superusers() -> None:
    def snapshot() -> tuple[set[tuple[str, str]], set[tuple[str, date, str | None, str]]]:
        orgs = set(Org.objects.values_list("code", "name"))
        members = set(Member.objects.values_list("full_name", "birth_date", "citizen_id", "status"))
        return orgs, members

    run_demo()
    first = snapshot()
    User.objects.create_superuser("root", password="x" * 12)
    run_demo()
    assert snapshot() == first
    assert User.objects.filter(username="root").exists()
    assert User.objects.count() == 7
    assert AuditRecord.objects.count() == 1
    run_demo(seed=7)
    assert snapshot() != first
