"""The database triggers that fill the queue `TallyDirty` on every write to the tables the tallies are
counted from, whoever writes (services, bulk imports, COPY, the admin, raw SQL). One queue row per
changed row: `build.sync` later reads which organisations and periods to count again.

PostgreSQL: statement-level triggers with transition tables (`REFERENCING NEW TABLE … OLD TABLE`), one
`INSERT … SELECT` per statement and operation, so a COPY of an import's 400,000 memberships runs one
statement instead of 400,000 PL/pgSQL calls. SQLite: row triggers. Both queue the same rows, except for
memberships, which PostgreSQL queues one row per cell and statement (`HULL_TABLE`).

- `orgs_orgversion` (the tree of each day): the organisation, the days of the version, `structural`;
- `members_membership` (who was on which roll, with which status, when): the cell and the days;
- `members_member`, when `admitted_on` changes (the "newly admitted" reason): the member;
- `evaluations_memberrating`: the cell rated in and the member (their "rated" flag), for that period;
- `evaluations_orgrating`: the organisation, for that period.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from dangvu.lib.triggers import pg_statement_trigger, restore_sqlite_triggers
from dangvu.tallies.cache import bump_generation

DIRTY = "tallies_tallydirty"
COLUMNS = "(org_id, member_id, year, quarter, valid_from, valid_to, structural, rebuild)"

# table -> (values written for one row, given the row alias NEW or OLD; the PG WHEN / SQLite update filter)
SOURCES: dict[str, list[str]] = {
    "orgs_orgversion": ["({r}.org_id, NULL, NULL, NULL, {r}.valid_from, {r}.valid_to, {true}, {false})"],
    "members_membership": ["({r}.org_id, NULL, NULL, NULL, {r}.valid_from, {r}.valid_to, {false}, {false})"],
    "evaluations_memberrating": [
        "({r}.org_id, NULL, {r}.year, {r}.quarter, NULL, NULL, {false}, {false})",
        "(NULL, {r}.member_id, {r}.year, {r}.quarter, NULL, NULL, {false}, {false})",
    ],
    "evaluations_orgrating": ["({r}.org_id, NULL, {r}.year, {r}.quarter, NULL, NULL, {false}, {false})"],
}
MEMBER_TABLE = "members_member"
MEMBER_ROW = "(NULL, {r}.id, NULL, NULL, NULL, NULL, {false}, {false})"


def _values(template: str, row: str, vendor: str) -> str:
    true, false = ("TRUE", "FALSE") if vendor == "postgresql" else ("1", "0")
    return template.format(r=row, true=true, false=false)


# PostgreSQL: (trigger suffix, operation, transition tables, the rows it queues from)
_PG_OPERATIONS = [
    ("insert", "INSERT", "NEW TABLE AS new_rows", ["new_rows"]),
    ("update", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows", ["old_rows", "new_rows"]),
    ("delete", "DELETE", "OLD TABLE AS old_rows", ["old_rows"]),
]
# The member's "newly admitted" reason: a statement trigger with transition tables takes no column list
# and no WHEN, so the old and new rows are paired by id instead.
_PG_MEMBER_CHANGED = (
    "SELECT {values} FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.admitted_on IS DISTINCT FROM n.admitted_on"
)


# Memberships on PostgreSQL: one queue row per cell a statement touched, spanning the days of all its rows
# there (the earliest start, the latest end, open if any is open). `build.Dirty.concerns` asks whether a
# period's last day falls in those days: the span covers every day a single row covered, so every period
# a row concerned is still counted again (and maybe a few more, harmlessly). An import's COPY of 10,000
# memberships into 60 cells so queues 60 rows instead of 10,000, and the sync reads 60. SQLite's row
# triggers keep one row per membership: the finer form of the same thing.
HULL_TABLE = "members_membership"
_PG_HULL = (
    "SELECT org_id, NULL::bigint, NULL::integer, NULL::integer, min(valid_from),"
    " CASE WHEN bool_or(valid_to IS NULL) THEN NULL ELSE max(valid_to) END, FALSE, FALSE"
    " FROM ({rows}) r GROUP BY org_id"
)


# The queue's column types: a NULL in a UNION ALL branch needs one (an untyped NULL on every side is text).
_PG_TYPES = ("bigint", "bigint", "integer", "integer", "date", "date", "boolean", "boolean")


def _pg_select(template: str, row: str) -> str:
    """The SELECT list of one queue row from the row alias `row`, its NULLs typed."""
    values = _values(template, row, "postgresql")[1:-1].split(", ")
    return ", ".join(f"NULL::{t}" if v == "NULL" else v for v, t in zip(values, _PG_TYPES, strict=True))


def _pg_trigger(table: str, suffix: str, operation: str, tables: str, select: str) -> list[str]:
    name = f"tally_dirty_{table}_{suffix}"
    return pg_statement_trigger(name, table, operation, tables, [f"INSERT INTO {DIRTY} {COLUMNS} {select}"])


def pg_trigger_names() -> list[tuple[str, str]]:
    """(table, trigger) of every queue trigger on PostgreSQL; the trigger's function has its name."""
    return [
        *((table, f"tally_dirty_{table}_{suffix}") for table in SOURCES for suffix, *_ in _PG_OPERATIONS),
        (MEMBER_TABLE, f"tally_dirty_{MEMBER_TABLE}_update"),
    ]


def create_sql(vendor: str) -> list[str]:
    statements: list[str] = []
    if vendor == "postgresql":
        # Statement-level with transition tables: a COPY of 400,000 memberships runs one INSERT … SELECT,
        # not 400,000 PL/pgSQL calls. The same queue rows as a row trigger: one per changed row (per
        # template), the old version's and the new one's for an update.
        for table, templates in SOURCES.items():
            for suffix, operation, tables, rows in _PG_OPERATIONS:
                if table == HULL_TABLE:
                    union = " UNION ALL ".join(f"SELECT org_id, valid_from, valid_to FROM {source}" for source in rows)
                    select = _PG_HULL.format(rows=union)
                else:
                    select = " UNION ALL ".join(
                        f"SELECT {_pg_select(t, 'r')} FROM {source} r" for source in rows for t in templates
                    )
                statements += _pg_trigger(table, suffix, operation, tables, select)
        changed = _PG_MEMBER_CHANGED.format(values=_pg_select(MEMBER_ROW, "n"))
        statements += _pg_trigger(MEMBER_TABLE, "update", "UPDATE", _PG_OPERATIONS[1][2], changed)
        return statements
    for table, templates in SOURCES.items():
        for op, rows in (("INSERT", ["NEW"]), ("UPDATE", ["OLD", "NEW"]), ("DELETE", ["OLD"])):
            values = ", ".join(_values(t, row, vendor) for row in rows for t in templates)
            statements.append(
                f"CREATE TRIGGER tally_dirty_{table}_{op.lower()} AFTER {op} ON {table} FOR EACH ROW "
                f"BEGIN INSERT INTO {DIRTY} {COLUMNS} VALUES {values}; END"
            )
    member = _values(MEMBER_ROW, "NEW", vendor)
    statements.append(
        f"CREATE TRIGGER tally_dirty_{MEMBER_TABLE}_update AFTER UPDATE OF admitted_on ON {MEMBER_TABLE} "
        f"FOR EACH ROW WHEN OLD.admitted_on IS NOT NEW.admitted_on "
        f"BEGIN INSERT INTO {DIRTY} {COLUMNS} VALUES {member}; END"
    )
    return statements


def drop_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            sql
            for table, name in pg_trigger_names()
            for sql in (f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()")
        ]
    return [
        *(
            f"DROP TRIGGER IF EXISTS tally_dirty_{table}_{op}"
            for table in SOURCES
            for op in ("insert", "update", "delete")
        ),
        f"DROP TRIGGER IF EXISTS tally_dirty_{MEMBER_TABLE}_update",
    ]


def drop_row_triggers_sql() -> list[str]:
    """PostgreSQL: the row-level triggers and functions of migration 0002 (one `tally_dirty` per table),
    replaced by the statement-level ones in 0005."""
    return [
        *(f"DROP TRIGGER IF EXISTS tally_dirty ON {table}" for table in [*SOURCES, MEMBER_TABLE]),
        *(f"DROP FUNCTION IF EXISTS tally_dirty_{table}()" for table in [*SOURCES, MEMBER_TABLE]),
    ]


@contextmanager
def paused() -> Iterator[None]:
    """No queue rows while a bulk load that rebuilds the counts afterwards writes (`build.rebuild`): the
    triggers are switched off (PostgreSQL) or dropped and created again (SQLite), inside the caller's
    transaction, so a failed load leaves them as they were."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            # ALTER TABLE refuses while deferred foreign-key checks are pending: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, name in pg_trigger_names():
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {name}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for sql in drop_sql(vendor):
                cursor.execute(sql)
    yield
    bump_generation()  # what was written meanwhile left no queue row: the page caches move on all the same
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, name in pg_trigger_names():
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {name}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for sql in create_sql(vendor):
                cursor.execute(sql)


def ensure_after_migrate(using: str = "default", **kwargs: object) -> None:
    """post_migrate on SQLite: recreate the queue triggers a table rebuild dropped (Django alters a SQLite
    table by rebuilding it) and queue a full rebuild, since the rows the migration wrote while they were
    missing were not queued. PostgreSQL keeps its triggers."""
    from dangvu.tallies.models import TallyDirty

    wanted = {sql.split()[2]: sql for sql in create_sql("sqlite")}  # "CREATE TRIGGER <name> …"
    if restore_sqlite_triggers(using, after=("tallies", "0002_triggers"), triggers=wanted):
        TallyDirty.objects.using(using).create(rebuild=True)
