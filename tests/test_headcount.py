"""The members kept per cell (`dangvu.members.headcount`): equal to a count of the member rows after every
kind of write — the services (here), the import, restructuring and random changes (`tests/test_tallies.py`
checks it in `assert_consistent`), bulk and raw SQL writes (here) — and the tree's counts read from it."""

from __future__ import annotations

from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from dangvu.members import headcount
from dangvu.members.lifecycle import ON_ROLL, EventKind, Status
from dangvu.members.models import Headcount, Member
from dangvu.members.services import event_add, event_delete
from dangvu.orgs.models import Org
from dangvu.orgs.queries import counts_for
from tests.factories import World, make_member

pytestmark = pytest.mark.django_db


def counted() -> dict[tuple[int, str, bool], int]:
    """The members grouped by cell, status and probationary flag, in Python."""
    return dict(
        Counter(
            (m.current_org_id, m.status, m.is_probationary)
            for m in Member.objects.all()
            if m.current_org_id is not None
        )
    )


def kept() -> dict[tuple[int, str, bool], int]:
    rows = {(h.org_id, h.status, h.is_probationary): h.n for h in Headcount.objects.all()}
    assert all(rows.values()), "a key without members keeps no row"
    return rows


def test_the_kept_counts_are_the_members_of_each_cell(world: World) -> None:
    assert kept() == counted()
    assert sum(kept().values()) == Member.objects.exclude(current_org=None).count() > 0
    assert headcount.check() == []


def test_they_follow_the_services(world: World) -> None:
    thuy = make_member(world.economy_cell, "Nguyễn Thị Thuỷ")
    assert kept() == counted()
    moved = event_add(
        actor=None,
        member=thuy,
        values={"kind": EventKind.TRANSFER_OUT, "on": date(2026, 1, 5), "org": world.other_cell},
    ).member
    assert moved.current_org_id == world.other_cell.pk
    assert kept() == counted()
    exempt = event_add(actor=None, member=world.an, values={"kind": EventKind.EXEMPTED, "on": date(2026, 3, 1)})
    assert exempt.member.status == Status.EXEMPT
    assert kept() == counted()
    event_delete(actor=None, event=world.an.events.get(kind=EventKind.EXEMPTED), reason="Nhập nhầm")
    assert kept() == counted()
    event_add(actor=None, member=world.an, values={"kind": EventKind.DIED, "on": date(2026, 4, 1)})
    assert kept() == counted()
    assert headcount.check() == []


def test_they_follow_bulk_and_raw_writes(world: World) -> None:
    Member.objects.filter(current_org=world.office_cell).update(current_org=world.village_cell)
    assert kept() == counted()
    Member.objects.filter(pk=world.an.pk).update(status=Status.SUSPENDED, is_probationary=True)
    assert kept() == counted()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE members_member SET status = %s", [Status.EXEMPT])
    assert kept() == counted()
    Member.objects.filter(pk=world.an.pk).delete()  # with the rows that refer to it
    assert kept() == counted()
    members = [make_member(world.other_cell, f"Trần Văn Số {i}") for i in range(3)]
    for member in members:
        member.current_org = world.economy_cell
    Member.objects.bulk_update(members, ["current_org"])
    assert kept() == counted()
    Member.objects.filter(pk__in=[m.pk for m in members]).delete()
    assert kept() == counted()
    assert headcount.check() == []


def test_check_finds_a_count_changed_behind_the_triggers_and_rebuild_mends_it(world: World) -> None:
    row = Headcount.objects.filter(n__gt=0).first()
    assert row is not None
    Headcount.objects.filter(pk=row.pk).update(n=row.n + 5)
    problems = headcount.check()
    assert len(problems) == 1 and f"giữ {row.n + 5}, đếm lại được {row.n}" in problems[0]
    with pytest.raises(CommandError):
        call_command("tallies", "check", stdout=StringIO(), stderr=StringIO())
    call_command("tallies", "rebuild", stdout=StringIO())
    assert headcount.check() == [] and kept() == counted()
    call_command("tallies", "check", stdout=StringIO())


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite drops a table's triggers when Django rebuilds it")
def test_after_migrate_the_triggers_are_back_and_the_counts_recounted(world: World) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER member_headcount_update")
    Member.objects.filter(pk=world.an.pk).update(current_org=world.other_cell)
    assert kept() != counted()
    headcount.ensure_after_migrate(using="default")
    assert kept() == counted()
    Member.objects.filter(pk=world.an.pk).update(current_org=world.office_cell)
    assert kept() == counted()


def test_the_tree_counts_the_members_on_the_roll_of_each_child(world: World) -> None:
    for i in range(4):
        make_member(world.village_cell, f"Lê Văn Số {i}")
    counts = {}
    for parent in Org.objects.all():  # a page of children, as the tree shows them
        counts.update(counts_for(list(Org.objects.filter(parent=parent)))[0])
    assert len(counts) == Org.objects.exclude(parent=None).count()
    for org in Org.objects.exclude(parent=None):
        members = [
            m
            for m in Member.objects.select_related("current_org")
            if m.current_org is not None and m.current_org.path.startswith(org.path) and m.status in ON_ROLL
        ]
        assert sum(counts[org.pk].members.values()) == len(members), org.code
        assert counts[org.pk].probationary == sum(m.is_probationary for m in members), org.code
