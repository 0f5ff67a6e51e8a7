"""The database triggers that fill the queue `TallyDirty` on every write to the tables the tallies are
counted from, whoever writes (services, bulk imports, COPY, the admin, raw SQL). One queue row per
changed row: `build.sync` later reads which organisations and periods to count again.

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


def create_sql(vendor: str) -> list[str]:
    statements: list[str] = []
    if vendor == "postgresql":
        for table, templates in SOURCES.items():
            new = ", ".join(_values(t, "NEW", vendor) for t in templates)
            old = ", ".join(_values(t, "OLD", vendor) for t in templates)
            statements.append(
                f"""CREATE OR REPLACE FUNCTION tally_dirty_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO {DIRTY} {COLUMNS} VALUES {old};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO {DIRTY} {COLUMNS} VALUES {new};
    END IF;
    RETURN NULL;
END $$"""
            )
            statements.append(
                f"CREATE TRIGGER tally_dirty AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION tally_dirty_{table}()"
            )
        member = _values(MEMBER_ROW, "NEW", vendor)
        statements.append(
            f"""CREATE OR REPLACE FUNCTION tally_dirty_{MEMBER_TABLE}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {DIRTY} {COLUMNS} VALUES {member};
    RETURN NULL;
END $$"""
        )
        statements.append(
            f"CREATE TRIGGER tally_dirty AFTER UPDATE ON {MEMBER_TABLE} FOR EACH ROW "
            f"WHEN (OLD.admitted_on IS DISTINCT FROM NEW.admitted_on) EXECUTE FUNCTION tally_dirty_{MEMBER_TABLE}()"
        )
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
            *(f"DROP TRIGGER IF EXISTS tally_dirty ON {table}" for table in [*SOURCES, MEMBER_TABLE]),
            *(f"DROP FUNCTION IF EXISTS tally_dirty_{table}()" for table in [*SOURCES, MEMBER_TABLE]),
        ]
    return [
        *(
            f"DROP TRIGGER IF EXISTS tally_dirty_{table}_{op}"
            for table in SOURCES
            for op in ("insert", "update", "delete")
        ),
        f"DROP TRIGGER IF EXISTS tally_dirty_{MEMBER_TABLE}_update",
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
            for table in [*SOURCES, MEMBER_TABLE]:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER tally_dirty")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for sql in drop_sql(vendor):
                cursor.execute(sql)
    yield
    bump_generation()  # what was written meanwhile left no queue row: the page caches move on all the same
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in [*SOURCES, MEMBER_TABLE]:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER tally_dirty")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for sql in create_sql(vendor):
                cursor.execute(sql)
