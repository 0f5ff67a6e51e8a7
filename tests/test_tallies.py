"""The kept counts of the rating report (`dangvu.tallies`) stay exactly what the raw data say.

After every change, made as users make them (events, ratings, new cells, moves, renames, dissolutions, a
member import, a restructuring decision and its undo), `sync` applies the queue the database triggers
filled and then `check` (a count from scratch) finds no difference, and the report read from the kept
counts equals the report counted from the raw rows on the tree of the period's last day.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F

from dangvu.evaluations.models import MemberRating, OrgRating
from dangvu.evaluations.periods import PeriodKey
from dangvu.exchange.pipeline import run_import
from dangvu.members import headcount
from dangvu.members.lifecycle import ON_ROLL, EventKind
from dangvu.members.models import Member, Membership
from dangvu.members.services import event_add
from dangvu.orgs.history import tree_as_of
from dangvu.orgs.kinds import CELL_KINDS, OrgKind, Sector
from dangvu.orgs.models import Org
from dangvu.orgs.services import org_create, org_dissolve, org_move, org_update
from dangvu.reports.report import COMPARABLE, ratings_report
from dangvu.restructure.models import OperationKind
from dangvu.restructure.services import decision_apply, decision_create, decision_undo, operation_add
from dangvu.tallies import triggers
from dangvu.tallies.build import check, rebuild, sync
from dangvu.tallies.models import Tally, TallyDirty, TallyPeriod, TallyRollup
from tests.factories import World, make_member
from tests.test_import_pipeline import MEMBER_HEADERS, new_member_row, write_xlsx

pytestmark = pytest.mark.django_db
KEYS = [PeriodKey(2024), PeriodKey(2025), PeriodKey(2026)]
LEVELS = ["HTXSNV", "HTTNV", "HTNV", "KHTNV"]


def assert_consistent(keys: list[PeriodKey] = KEYS, *, orgs: list[Org] | None = None) -> None:
    """Queue applied; kept = counted from scratch; the report from the kept counts = the raw report; the
    members kept per cell (`members.headcount`) = the members counted."""
    assert headcount.check() == []
    sync()
    assert not TallyDirty.objects.exists()
    for period in TallyPeriod.objects.all():
        assert check(period) == []
    for key in keys:
        tree = tree_as_of(key.end)
        for org in orgs if orgs is not None else list(Org.objects.order_by("pk")):
            if org.pk not in tree:
                continue
            for basis in ("nguyen-trang", COMPARABLE):
                kept = ratings_report(org, key, years_basis=basis)
                raw = ratings_report(org, key, years_basis=basis, on_tree="as_of")
                kept.pop("as_of"), raw.pop("as_of")
                assert kept == raw, (org.code, key, basis)


@pytest.fixture
def rated(world: World) -> World:
    for year in (2024, 2025):
        for i, member in enumerate((world.an, world.binh, world.chau, world.dung, world.duc, world.giang)):
            MemberRating.objects.create(
                member=member,
                org=Org.objects.get(members=member),
                year=year,
                quarter=0,
                regime="QD124" if year == 2024 else "QD366",
                level=LEVELS[(i + year) % 4],
                exemplary=i == 0,
            )
        for i, org in enumerate(Org.objects.filter(kind__in=[OrgKind.GRASSROOTS_CELL, OrgKind.GRASSROOTS_COMMITTEE])):
            OrgRating.objects.create(
                org=org, year=year, quarter=0, regime="QD124" if year == 2024 else "QD366", level=LEVELS[i % 3]
            )
    return world


def test_a_rebuild_counts_what_the_raw_data_say_and_check_finds_a_difference(rated: World) -> None:
    rebuild()
    assert {(p.year, p.quarter) for p in TallyPeriod.objects.all()} == {(2024, 0), (2025, 0), (2026, 0)}
    assert_consistent()
    # A kept count changed behind the queue's back is found by `check` and by the command.
    period = TallyPeriod.objects.get(year=2025)
    row = Tally.objects.filter(period=period, source=3).first()
    assert row is not None
    Tally.objects.filter(pk=row.pk).update(n=row.n + 1)
    assert any("Tally khác" in problem for problem in check(period))
    with pytest.raises(CommandError):
        call_command("tallies", "check", "--year", "2025")
    rebuild()
    assert check(period) == []


def test_every_write_to_a_source_table_queues_a_change_whoever_writes(rated: World) -> None:
    rebuild()
    assert not TallyDirty.objects.exists()
    # Raw SQL, as a bulk loader would write: the triggers see it all the same.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE evaluations_memberrating SET level = %s WHERE member_id = %s", ["KHTNV", rated.an.pk])
    queued = list(TallyDirty.objects.values_list("org_id", "member_id", "year"))
    assert (rated.an.current_org_id, None, 2025) in queued and (None, rated.an.pk, 2025) in queued
    assert_consistent()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite drops a table's triggers when Django rebuilds it")
def test_after_migrate_the_queue_triggers_are_back_and_a_rebuild_is_queued(rated: World) -> None:
    rebuild()
    with connection.cursor() as cursor:  # what a table rebuild by a later migration does
        cursor.execute("DROP TRIGGER tally_dirty_evaluations_memberrating_update")
        cursor.execute("UPDATE evaluations_memberrating SET level = %s WHERE member_id = %s", ["KHTNV", rated.an.pk])
    assert not TallyDirty.objects.exists()  # the change went unseen
    triggers.ensure_after_migrate(using="default")
    assert TallyDirty.objects.filter(rebuild=True).exists()
    assert_consistent()  # the rebuild counted the unseen change
    MemberRating.objects.filter(member=rated.an).update(level="HTNV")
    assert TallyDirty.objects.exists()  # and the next one is queued again
    assert_consistent()
    triggers.ensure_after_migrate(using="default")  # nothing missing: nothing queued
    assert not TallyDirty.objects.exists()


QUEUED = ("org_id", "member_id", "year", "quarter", "valid_from", "valid_to", "structural", "rebuild")


def take_queue() -> Counter[tuple[Any, ...]]:
    queued = Counter(TallyDirty.objects.values_list(*QUEUED))
    TallyDirty.objects.all().delete()
    return queued


def test_a_statement_of_many_rows_queues_one_row_per_changed_row(rated: World) -> None:
    """PostgreSQL's triggers run once per statement (transition tables), SQLite's once per row: either way
    a multi-row INSERT, UPDATE or DELETE queues one row per row it changed, the old version's and the
    new one's for an update; except memberships on PostgreSQL, queued one row per cell and statement
    spanning the days of its rows (`triggers.HULL_TABLE`)."""
    rebuild()
    assert not TallyDirty.objects.exists()

    def stint(s: Membership) -> tuple[Any, ...]:
        return (s.org_id, None, None, None, s.valid_from, s.valid_to, False, False)

    def queued(rows: list[tuple[Any, ...]]) -> Counter[tuple[Any, ...]]:
        if connection.vendor != "postgresql":
            return Counter(rows)
        span = (min(r[4] for r in rows), None if any(r[5] is None for r in rows) else max(r[5] for r in rows))
        return Counter([(rows[0][0], None, None, None, *span, False, False)])

    stints = Membership.objects.filter(org=rated.office_cell)
    old = [stint(s) for s in stints]
    assert len(old) >= 3
    assert len({s[4] for s in old}) > 1  # the span is more than one row's days
    assert stints.update(status=F("status")) == len(old)
    assert take_queue() == queued(old * 2)
    # A multi-row INSERT … SELECT, as a COPY would: one row each.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO members_membership (member_id, org_id, valid_from, valid_to, status, is_probationary) "
            "SELECT member_id, org_id, valid_from, valid_to, status, is_probationary FROM members_membership "
            "WHERE org_id = %s",
            [rated.office_cell.pk],
        )
    assert take_queue() == queued(old)
    members = list(Member.objects.filter(memberships__org=rated.office_cell).distinct())
    MemberRating.objects.bulk_create(
        MemberRating(member=m, org=rated.office_cell, year=2023, quarter=0, regime="QD124", level="HTTNV")
        for m in members
    )
    rating_rows = [(rated.office_cell.pk, None, 2023, 0, None, None, False, False)] * len(members) + [
        (None, m.pk, 2023, 0, None, None, False, False) for m in members
    ]
    assert take_queue() == Counter(rating_rows)
    assert MemberRating.objects.filter(year=2023).delete()[0] == len(members)
    assert take_queue() == Counter(rating_rows)
    # The member's row: only those whose admission date changed.
    first, second, *others = members
    assert Member.objects.filter(pk=second.pk).update(admitted_on=date(1990, 5, 19)) == 1
    assert take_queue() == Counter([(None, second.pk, None, None, None, None, False, False)])
    Member.objects.filter(pk__in=[m.pk for m in members]).update(admitted_on=first.admitted_on)
    changed = [second, *(m for m in others if m.admitted_on != first.admitted_on)]
    assert take_queue() == Counter((None, m.pk, None, None, None, None, False, False) for m in changed)
    Member.objects.filter(pk__in=[m.pk for m in members]).update(birth_date=F("birth_date"))
    assert take_queue() == Counter()


def test_a_rating_of_a_new_period_keeps_that_period(rated: World) -> None:
    rebuild()
    MemberRating.objects.create(
        member=rated.an, org=rated.office_cell, year=2023, quarter=0, regime="QD124", level="HTTNV"
    )
    sync()
    assert TallyPeriod.objects.filter(year=2023).exists()
    assert_consistent([PeriodKey(2023)])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_kept_counts_follow_random_changes(rated: World, seed: int) -> None:
    rng = random.Random(seed)
    rebuild()
    today = date.today()
    made = 0

    def day() -> date:
        return date(2024, 1, 1) + timedelta(days=rng.randrange((today - date(2024, 1, 1)).days))

    def cells() -> list[Org]:
        return list(Org.objects.filter(kind__in=CELL_KINDS, dissolved_on__isnull=True).order_by("pk"))

    def on_roll() -> list[Member]:
        return list(Member.objects.filter(status__in=ON_ROLL).order_by("pk"))

    ops: list[Any] = []

    def add_member() -> None:
        nonlocal made
        made += 1
        admitted = day()
        make_member(
            rng.choice(cells()),
            f"Đảng viên Mới {seed}-{made}",
            admitted_on=admitted,
            ceremony_on=admitted,
            official_on=None,
        )

    def event() -> None:
        member = rng.choice(on_roll())
        kind = rng.choice([EventKind.TRANSFER_OUT, EventKind.EXEMPTED, EventKind.SUSPENDED, EventKind.DIED])
        values: dict[str, Any] = {"kind": kind, "on": day()}
        if kind == EventKind.TRANSFER_OUT:
            values["org"] = rng.choice([c for c in cells() if c.pk != member.current_org_id])
        event_add(actor=None, member=member, values=values)

    def rate() -> None:
        member = rng.choice(list(Member.objects.order_by("pk")))
        year = rng.choice([2024, 2025, 2026])
        existing = MemberRating.objects.filter(member=member, year=year, quarter=0).first()
        if existing is not None and rng.random() < 0.4:
            existing.delete()
        elif existing is not None:
            existing.level = rng.choice(LEVELS)
            existing.exemplary = not existing.exemplary
            existing.save()
        elif member.current_org_id is not None:
            regime = "QD124" if year < 2025 else "QD366"
            MemberRating.objects.create(
                member=member,
                org=Org.objects.get(pk=member.current_org_id),
                year=year,
                quarter=0,
                regime=regime,
                level=rng.choice(LEVELS),
            )

    def rate_org() -> None:
        org = rng.choice(list(Org.objects.filter(kind__in=[*CELL_KINDS, OrgKind.GRASSROOTS_COMMITTEE])))
        year = rng.choice([2024, 2025, 2026])
        OrgRating.objects.update_or_create(
            org=org,
            year=year,
            quarter=0,
            defaults={"regime": "QD124" if year < 2025 else "QD366", "level": rng.choice(LEVELS)},
        )

    def new_cell() -> None:
        nonlocal made
        made += 1
        parent = rng.choice(list(Org.objects.filter(kind=OrgKind.GRASSROOTS_COMMITTEE, dissolved_on__isnull=True)))
        org_create(
            actor=None,
            code=f"N{seed}{made:03d}",
            name=f"Chi bộ mới số {seed}-{made}",
            kind=OrgKind.CELL,
            sector=parent.sector,
            parent=parent,
            founded_on=day(),
        )

    def move() -> None:
        cell = rng.choice([c for c in cells() if c.kind == OrgKind.CELL])
        parents = Org.objects.filter(kind=OrgKind.GRASSROOTS_COMMITTEE, dissolved_on__isnull=True)
        parent = rng.choice([p for p in parents if p.pk != cell.parent_id] or list(parents))
        org_move(actor=None, org=cell, new_parent=parent, effective_on=rng.choice([day(), None]))

    def rename() -> None:
        org = rng.choice(list(Org.objects.filter(dissolved_on__isnull=True).exclude(parent=None)))
        org_update(
            actor=None,
            org=org,
            code=org.code,
            name=f"{org.name} ({rng.randrange(100)})",
            kind=org.kind,
            sector=rng.choice(list(Sector.values)),
            effective_on=rng.choice([day(), None]),
        )

    def dissolve() -> None:
        empty = [c for c in cells() if not Member.objects.filter(current_org=c, status__in=ON_ROLL).exists()]
        if empty:
            org_dissolve(actor=None, org=rng.choice(empty), effective_on=day())

    ops = [add_member, event, event, rate, rate, rate, rate_org, new_cell, move, rename, dissolve]
    done = 0
    for step in range(30):
        op = rng.choice(ops)
        try:
            op()
            done += 1
        except (ValidationError, IndexError):
            continue  # refused as a user would be (a date before the organisation existed, …): nothing written
        if step % 6 == 5:
            assert_consistent()
    assert done >= 15
    assert_consistent()


def test_the_kept_counts_follow_a_member_import_and_a_restructuring(rated: World, tmp_path: Path) -> None:
    rebuild()
    path = write_xlsx(
        tmp_path / "dang-vien.xlsx",
        [
            MEMBER_HEADERS,
            new_member_row("0200001", "001090000001", "Lê Văn Mới"),
            new_member_row("0200002", "001090000002", "Hà Mới"),
        ],
        text_cols=(1, 5),
    )
    report = run_import(kind="members", path=path, user=rated.commune_staff, commit=True)
    assert report.committed and report.new == 2
    assert_consistent()

    decision = decision_create(
        actor=rated.province_staff,
        committee=rated.province,
        number="15-QĐ/TU",
        signed_on=date(2025, 6, 20),
        issued_by="Tỉnh ủy Mẫu",
        effective_on=date(2025, 7, 1),
    )
    new = {"code": "X01-01-09", "name": "Chi bộ Văn phòng - Kinh tế", "kind": OrgKind.CELL, "parent": "X01-01"}
    operation_add(
        actor=rated.province_staff,
        decision=decision,
        kind=OperationKind.MERGE,
        params={"sources": ["X01-01-01", "X01-01-02"], "new": new},
    )
    operation_add(
        actor=rated.province_staff,
        decision=decision,
        kind=OperationKind.MOVE,
        params={"org": "X01-01", "parent": "X02"},
    )
    decision_apply(decision=decision, actor=rated.province_staff)
    assert_consistent()
    decision_undo(decision=decision, actor=rated.province_staff)
    assert_consistent()


def test_the_rollups_are_the_sums_of_the_subtrees(rated: World) -> None:
    rebuild()
    period = TallyPeriod.objects.get(year=2025)
    members = sum(Tally.objects.filter(period=period, source=3).values_list("n", flat=True))
    on_roll_that_day = sum(
        1 for m in Member.objects.all() if m.admitted_on and m.admitted_on <= date(2025, 12, 31)
    )  # the world's members are all on the roll at the end of 2025
    assert members == on_roll_that_day
    assert members == sum(
        TallyRollup.objects.filter(period=period, org_id=rated.province.pk, source=3).values_list("n", flat=True)
    )


def test_a_move_is_applied_in_place_without_rebuilding_the_period(rated: World) -> None:
    rebuild()
    # Up a level (its cells now have roll-ups of their own), back-dated into 2025, then sideways today.
    org_move(actor=None, org=rated.agency, new_parent=rated.province, effective_on=date(2025, 6, 1))
    summary = sync()
    assert summary.periods_built == [] and summary.orgs_counted > 0
    assert_consistent()
    org_move(actor=None, org=rated.agency, new_parent=rated.other_commune)
    assert sync().periods_built == []
    assert_consistent()
