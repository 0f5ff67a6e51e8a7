"""The indexes behind the accent-free name search, one per database, each kept exact by triggers in the
database itself, so every writer (services, import, synth loader, raw SQL) keeps it without knowing.

**SQLite**: an FTS5 table with the `trigram` tokenizer, one row per member (rowid = member id, the folded
name), kept equal to `members_member.name_search` by three triggers. `member_search` then narrows a name
search to `id IN (SELECT rowid FROM member_name_fts WHERE member_name_fts MATCH '"nguyen" AND "thuy"')`
(each word of at least three letters as a substring phrase) and keeps the `LIKE '%word%'` conditions, so
the result is the same with or without the table; without it SQLite reads the whole member table for
every search (`LIKE '%…%'` cannot use an index). Django rebuilds a SQLite table to alter it (copy, drop,
rename), which drops its triggers: `ensure` runs after every `migrate` (post_migrate) and recreates what
is missing, refilling the table when it did.

**PostgreSQL**: a GIN index on `(area_id, name_search gin_trgm_ops)` (`btree_gin` + `pg_trgm`, migration
0005). `area_id` is a column only PostgreSQL has (Django does not know it): the id in the second place of
the member's cell's path, the root's child the cell lies under (a province on a national tree, a commune
on a province's own). A search within a scope below the root adds `area_id = <that id>` (`area_condition`),
so the index yields the candidates of that one province instead of the whole country's, each a heap page
to read: "thuy" has ~15,000 matches among 5.6 million members, ~1,400 in one province. The same index
serves a search without the area (a GIN index answers any subset of its columns). Two triggers keep it:
`member_area` (before a member row is inserted or its cell changes) reads the cell's path, and
`member_area_follow_org` (after an organisation's path changes its second place: a subtree moved under
another province) rewrites its members'. SQLite needs no such column: its FTS5 query is cheap enough at
a province's scale.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import connection as default_connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from dangvu.members.models import Member
from dangvu.orgs.paths import area_of

TABLE = "member_name_fts"
TRIGGERS = {
    "member_name_fts_insert": (
        "AFTER INSERT ON members_member BEGIN "
        "INSERT INTO member_name_fts(rowid, name_search) VALUES (new.id, new.name_search); END"
    ),
    "member_name_fts_delete": (
        "AFTER DELETE ON members_member BEGIN DELETE FROM member_name_fts WHERE rowid = old.id; END"
    ),
    "member_name_fts_update": (
        "AFTER UPDATE OF id, name_search ON members_member BEGIN "
        "DELETE FROM member_name_fts WHERE rowid = old.id; "
        "INSERT INTO member_name_fts(rowid, name_search) VALUES (new.id, new.name_search); END"
    ),
}
# The words the index can find: FTS5's trigram tokenizer matches substrings of three characters or more.
INDEXABLE_WORD = re.compile(r"[a-z0-9]{3,}")


# PostgreSQL: the area column, its triggers and the scoped trigram index (migration 0005).
AREA_COLUMN = "area_id"
PG_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    f"ALTER TABLE members_member ADD COLUMN IF NOT EXISTS {AREA_COLUMN} integer",
    """CREATE OR REPLACE FUNCTION member_area() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.area_id := (SELECT NULLIF(split_part(o.path, '/', 3), '')::integer FROM orgs_org o
                    WHERE o.id = NEW.current_org_id);
    RETURN NEW;
END $$""",
    "CREATE TRIGGER member_area BEFORE INSERT OR UPDATE OF current_org_id, area_id ON members_member "
    "FOR EACH ROW EXECUTE FUNCTION member_area()",
    """CREATE OR REPLACE FUNCTION member_area_follow_org() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- member_area recomputes the same value from the path just written.
    UPDATE members_member SET area_id = NULLIF(split_part(NEW.path, '/', 3), '')::integer
    WHERE current_org_id = NEW.id;
    RETURN NULL;
END $$""",
    "CREATE TRIGGER member_area_follow_org AFTER UPDATE OF path ON orgs_org FOR EACH ROW "
    "WHEN (split_part(OLD.path, '/', 3) IS DISTINCT FROM split_part(NEW.path, '/', 3)) "
    "EXECUTE FUNCTION member_area_follow_org()",
    # Every existing member, then the index (faster than maintaining it row by row).
    "UPDATE members_member m SET area_id = NULLIF(split_part(o.path, '/', 3), '')::integer "
    "FROM orgs_org o WHERE o.id = m.current_org_id",
    "CREATE INDEX IF NOT EXISTS member_area_name_trgm_idx ON members_member "
    f"USING gin ({AREA_COLUMN}, name_search gin_trgm_ops)",
    # The two-column index answers a search without an area too.
    "DROP INDEX IF EXISTS member_name_trgm_idx",
]
PG_DROP = [
    "CREATE INDEX IF NOT EXISTS member_name_trgm_idx ON members_member USING gin (name_search gin_trgm_ops)",
    "DROP INDEX IF EXISTS member_area_name_trgm_idx",
    "DROP TRIGGER IF EXISTS member_area_follow_org ON orgs_org",
    "DROP FUNCTION IF EXISTS member_area_follow_org()",
    "DROP TRIGGER IF EXISTS member_area ON members_member",
    "DROP FUNCTION IF EXISTS member_area()",
    f"ALTER TABLE members_member DROP COLUMN IF EXISTS {AREA_COLUMN}",
]


def area_condition(path: str) -> RawSQL | None:
    """On PostgreSQL, the members whose area is the one the subtree of `path` lies in: implied by the
    subtree condition, written out so that the scoped trigram index can narrow on it. None elsewhere,
    and for the root."""
    if default_connection.vendor != "postgresql" or (area := area_of(path)) is None:
        return None
    return RawSQL(f"{Member._meta.db_table}.{AREA_COLUMN} = %s", [area], output_field=BooleanField())


def ensure(connection: Any) -> bool:
    """Create the table and the triggers that are missing (SQLite only); True if anything was."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE 'member_name%'")
        present = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'members_member'")
        if cursor.fetchone() is None:  # migrating backwards, or not yet migrated
            return False
        missing = [name for name in (TABLE, *TRIGGERS) if name not in present]
        if not missing:
            return False
        if TABLE not in present:
            cursor.execute(f"CREATE VIRTUAL TABLE {TABLE} USING fts5(name_search, tokenize='trigram')")
        for name, body in TRIGGERS.items():
            if name not in present:
                cursor.execute(f"CREATE TRIGGER {name} {body}")
        # Whatever changed while a trigger was missing: refill from the members.
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(f"INSERT INTO {TABLE}(rowid, name_search) SELECT id, name_search FROM members_member")
    return True


def drop(connection: Any) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def match_expression(words: list[str]) -> str | None:
    """The FTS5 query for the folded words the index can narrow on ("nguyen" AND "thuy"), or None."""
    indexable = [word for word in words if INDEXABLE_WORD.fullmatch(word)]
    if not indexable:
        return None
    return " AND ".join(f'"{word}"' for word in dict.fromkeys(indexable))


def ensure_after_migrate(using: str = "default", **kwargs: Any) -> None:
    """post_migrate: recreate what a table rebuild dropped, once migration 0004 is applied."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    if ("members", "0004_name_search_fts") in MigrationRecorder(connection).applied_migrations():
        ensure(connection)
