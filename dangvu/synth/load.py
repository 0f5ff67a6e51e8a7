"""Writing the synthetic national dataset: COPY into PostgreSQL, `executemany` into SQLite.

Rows are tuples in the column order of `TABLES`; a column of the model that the generator does not
fill gets the field's default (so a field added later with a default does not break the load). For a
big load the secondary indexes, unique and foreign-key constraints of the loaded tables are dropped
first and rebuilt at the end in one pass each (which checks every row against them), inside the same
transaction; small loads keep them and check the deferred foreign keys before returning. Ids are
given by the generator (1, 2, … on empty tables) and the sequences are moved past them.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction

from dangvu.audit.models import Action
from dangvu.audit.services import audit_record
from dangvu.evaluations.models import MemberRating, OrgRating, Period, PeriodStatus
from dangvu.lib.rows import append_rows
from dangvu.lib.text import fold
from dangvu.members.models import Member, MemberEvent, Membership
from dangvu.orgs.kinds import CELL_KINDS, OrgKind
from dangvu.orgs.models import Org, OrgVersion
from dangvu.synth.people import ORG_LEVELS, MemberMaker, rating_years
from dangvu.synth.shape import OrgRow, Shape, plan_tree, shape_for
from dangvu.tallies.build import rebuild as rebuild_tallies
from dangvu.tallies.triggers import paused as tally_triggers_paused

DEFAULT_SEED = 2026
DEFAULT_TODAY = date(2026, 6, 30)  # fixed, so the same arguments give the same data on any day
BIG_LOAD = 100_000  # members from which indexes and constraints are dropped during the load
FLUSH_MEMBERS = 20_000  # members buffered before they are written
RATED_ORG_KINDS = frozenset(
    {OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL, OrgKind.SUB_COMMITTEE, OrgKind.CELL}
)

ERR_NOT_EMPTY = (
    "Cơ sở dữ liệu đã có {orgs} tổ chức và {members} đảng viên: dữ liệu tổng hợp chỉ nạp vào cơ sở dữ liệu trống "
    "(tạo cơ sở dữ liệu mới rồi chạy `dangvu migrate`)."
)

STAMPS = ("created_at", "updated_at")
# (model, the fields the generator fills, in the order of its tuples)
TABLES: dict[str, tuple[type[models.Model], tuple[str, ...]]] = {
    "org": (
        Org,
        ("id", "code", "name", "name_search", "kind", "sector", "parent", "path", "depth", "founded_on", *STAMPS),
    ),
    "version": (OrgVersion, ("id", "org", "code", "name", "kind", "sector", "parent", "valid_from", "reason")),
    "member": (
        Member,
        (
            *("id", "full_name", "name_search", "name_sort_key", "sex", "birth_date", "home_town", "ethnicity"),
            *("religion", "citizen_id", "card_number", "education", "professional_level", "political_theory"),
            *("occupation", "position", "phone", "address", "status", "is_probationary", "current_org"),
            *("admitted_on", "ceremony_on", "official_on", "status_since", *STAMPS),
        ),
    ),
    "event": (
        MemberEvent,
        (
            *("id", "member", "kind", "on", "org", "external_org", "ceremony_on", "expected_end", "decision_no"),
            *("decided_by", "note", "created_at"),
        ),
    ),
    "membership": (Membership, ("id", "member", "org", "status", "is_probationary", "valid_from", "valid_to")),
    "member_rating": (
        MemberRating,
        (
            *("id", "member", "org", "year", "quarter", "regime", "proposed_level", "level", "exemplary"),
            *("allowed_level", "updated_at"),
        ),
    ),
    "org_rating": (
        OrgRating,
        (
            *("id", "org", "year", "quarter", "regime", "proposed_level", "level", "exemplary", "allowed_level"),
            *("outstanding", "updated_at"),
        ),
    ),
    "period": (Period, ("id", "org", "year", "quarter", "regime", "status", "opened_at", "closed_at")),
}


@dataclass
class SynthSummary:
    shape: Shape
    seed: int
    today: date
    vendor: str = ""
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    generate_seconds: float = 0.0  # of which: drawing the rows in Python
    write_seconds: float = 0.0  # of which: COPY / executemany
    index_seconds: float = 0.0  # of which: rebuilding indexes and constraints (big loads)
    tally_seconds: float = 0.0  # of which: counting the report's kept counts (`dangvu.tallies`)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


class Writer:
    """Appends tuples of one table to the database, filling the columns the generator leaves out."""

    def __init__(self, name: str, summary: SynthSummary) -> None:
        model, given = TABLES[name]
        self.name, self.summary = name, summary
        self.table: str = model._meta.db_table
        fields = [f for f in model._meta.concrete_fields]
        by_name = {f.name: f for f in fields}
        self.columns: list[str] = [str(by_name[n].column) for n in given]
        extra = [f for f in fields if f.name not in given]
        self.extra_columns = [str(f.column) for f in extra]
        self.extra_values = tuple(_default(f) for f in extra)
        self.columns += self.extra_columns

    def write(self, rows: Sequence[tuple[object, ...]]) -> None:
        if not rows:
            return
        started = time.perf_counter()
        extra = self.extra_values
        append_rows(self.table, self.columns, (row + extra for row in rows))
        self.summary.write_seconds += time.perf_counter() - started
        self.summary.rows[self.name] = self.summary.rows.get(self.name, 0) + len(rows)


def _default(f: models.Field[Any, Any]) -> object:
    value = f.get_default()  # "" for a text field without default
    if value is None and not f.null:
        raise RuntimeError(f"dangvu synth does not fill {f.model.__name__}.{f.name}, which has no default")
    if isinstance(f, models.JSONField):
        return json.dumps(value)
    return value


def _ensure_empty() -> None:
    orgs, members = Org.objects.count(), Member.objects.count()
    if orgs or members:
        raise ValueError(ERR_NOT_EMPTY.format(orgs=orgs, members=members))


def _drop_indexes(tables: Iterable[str]) -> list[str]:
    """Drop the secondary indexes, unique and foreign-key constraints of `tables`; return the SQL that
    recreates them (constraints after indexes, so a foreign key finds its target's unique index)."""
    names = list(tables)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype "
                "FROM pg_constraint c WHERE c.contype IN ('f', 'u') AND c.conrelid::regclass::text = ANY(%s) "
                "ORDER BY c.contype DESC, c.conname",
                [names],
            )
            constraints = cursor.fetchall()
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype = 'u') "
                "ORDER BY 1",
                [names],
            )
            indexes = cursor.fetchall()
            for table, name, _, _ in constraints:
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            for name, _ in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            # Unique constraints first (ORDER BY contype DESC puts 'u' before 'f').
            return [sql for _, sql in indexes] + [
                f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
                for table, name, definition, _ in constraints
            ]
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({', '.join(['%s'] * len(names))})",
            names,
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        return [sql for _, sql in indexes]


def synth_load(
    *,
    members: int,
    seed: int = DEFAULT_SEED,
    today: date = DEFAULT_TODAY,
    provinces: int | None = None,
    rating_year_count: int = 3,
    progress: Callable[[str], None] | None = None,
    bulk: bool | None = None,
) -> SynthSummary:
    """Generate the national-shaped dataset for `members` members into the (empty) default database.
    Same arguments, same rows (ids included). `bulk`: drop and rebuild indexes and constraints around
    the load (default: from BIG_LOAD members on)."""
    started = time.perf_counter()
    say = progress or (lambda message: None)
    shape = shape_for(members, provinces)
    summary = SynthSummary(shape=shape, seed=seed, today=today, vendor=connection.vendor)
    pg = connection.vendor == "postgresql"
    timestamp = f"{today.isoformat()} 00:00:00" + ("+00" if pg else "")
    rng = random.Random(seed)
    years = rating_years(today, rating_year_count)
    writers = {name: Writer(name, summary) for name in TABLES}
    big = members >= BIG_LOAD if bulk is None else bulk
    # The kept counts are rebuilt at the end: no queue of millions of changes meanwhile.
    with transaction.atomic(), tally_triggers_paused():
        _ensure_empty()
        recreate: list[str] = []
        if big:
            with connection.cursor() as cursor:
                if pg:
                    cursor.execute("SET LOCAL synchronous_commit = off")
                    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            recreate = _drop_indexes(writers[name].table for name in TABLES)
        tree = plan_tree(rng, shape)

        def dated(o: OrgRow) -> tuple[str, str, str]:
            return (o.founded_on.isoformat(), timestamp, timestamp)

        writers["org"].write(
            [
                (o.id, o.code, o.name, fold(o.name), o.kind, o.sector, o.parent_id, o.path, o.depth, *dated(o))
                for o in tree
            ]
        )
        writers["version"].write(
            [
                (o.id, o.id, o.code, o.name, o.kind, o.sector, o.parent_id, o.founded_on.isoformat(), "Thành lập")
                for o in tree
            ]
        )
        say(f"{len(tree):,} tổ chức")
        _write_members(rng, tree, shape, today, years, timestamp, writers, summary, say)
        _write_org_ratings(rng, tree, years, timestamp, writers)
        writers["period"].write(
            [
                (i + 1, tree[0].id, y.key.year, y.key.quarter, y.regime, PeriodStatus.CLOSED, timestamp, timestamp)
                for i, y in enumerate(years)
            ]
        )
        if recreate:
            say("dựng lại chỉ mục và ràng buộc")
            index_started = time.perf_counter()
            with connection.cursor() as cursor:
                for sql in recreate:
                    cursor.execute(sql)
            summary.index_seconds = time.perf_counter() - index_started
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [TABLES[name][0] for name in TABLES]):
                cursor.execute(sql)
        if not big:
            connection.check_constraints(table_names=[writers[name].table for name in TABLES])
        audit_record(
            actor=None,
            action=Action.LOAD,
            target_type="synth",
            note=f"Dữ liệu tổng hợp toàn quốc: {summary.rows.get('member', 0)} đảng viên (seed {seed})",
            changes={"seed": seed, "today": today.isoformat(), **summary.rows},
        )
    if big:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    say("tính số liệu tổng hợp sẵn cho báo cáo (dangvu tallies rebuild)")
    tally_started = time.perf_counter()
    rebuild_tallies()
    summary.tally_seconds = time.perf_counter() - tally_started
    summary.seconds = time.perf_counter() - started
    summary.generate_seconds = summary.seconds - summary.write_seconds - summary.index_seconds - summary.tally_seconds
    return summary


def _write_members(
    rng: random.Random,
    tree: list[OrgRow],
    shape: Shape,
    today: date,
    years: list[Any],
    timestamp: str,
    writers: dict[str, Writer],
    summary: SynthSummary,
    say: Callable[[str], None],
) -> None:
    from dangvu.synth.shape import split

    cells = [o for o in tree if o.kind in CELL_KINDS]
    counts = split(rng, shape.members, len(cells), 0.6)
    by_parent: dict[int | None, list[OrgRow]] = {}
    for cell in cells:
        by_parent.setdefault(cell.parent_id, []).append(cell)
    maker = MemberMaker(rng, today, years, timestamp, iso=True)
    members: list[tuple[object, ...]] = []
    events: list[tuple[object, ...]] = []
    ratings: list[tuple[object, ...]] = []
    memberships: list[tuple[object, ...]] = []

    def flush() -> None:
        writers["member"].write(members)
        writers["event"].write(events)
        writers["membership"].write(memberships)
        writers["member_rating"].write(ratings)
        for rows in (members, events, memberships, ratings):
            rows.clear()

    done = 0
    for cell, count in zip(cells, counts, strict=True):
        neighbours = by_parent[cell.parent_id]
        for position in range(count):
            made = maker.make(cell, position, neighbours)
            members.append(made.member)
            events.extend(made.events)
            ratings.extend(made.ratings)
            memberships.extend(made.memberships)
        if len(members) >= FLUSH_MEMBERS:
            done += len(members)
            flush()
            say(f"{done:,} / {shape.members:,} đảng viên")
    flush()


def _write_org_ratings(
    rng: random.Random, tree: list[OrgRow], years: list[Any], timestamp: str, writers: dict[str, Writer]
) -> None:
    rows = []
    rating_id = 0
    for org in tree:
        if org.kind not in RATED_ORG_KINDS:
            continue
        quality = rng.random()
        for year in years:
            draw = rng.random()
            score = 0.7 * quality + 0.3 * draw
            level = ORG_LEVELS[0] if score > 0.75 else ORG_LEVELS[1] if score > 0.12 else ORG_LEVELS[2]
            if score < 0.03:
                level = ORG_LEVELS[3]
            rating_id += 1
            exemplary = level == ORG_LEVELS[0] and draw > 0.75
            outstanding = level == ORG_LEVELS[0] and org.kind.startswith("grassroots") and draw > 0.9
            key = year.key
            rows.append(
                (
                    rating_id,
                    org.id,
                    key.year,
                    key.quarter,
                    year.regime,
                    level,
                    level,
                    exemplary,
                    level,
                    outstanding,
                    timestamp,
                )
            )
    writers["org_rating"].write(rows)
