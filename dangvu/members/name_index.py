"""SQLite's counterpart of PostgreSQL's trigram index on the folded name: an FTS5 table with the
`trigram` tokenizer, one row per member (rowid = member id, the folded name), kept equal to
`members_member.name_search` by three triggers in the database itself, so every writer (services, import,
synth loader, raw SQL) keeps it exact without knowing about it.

`member_search` then narrows a name search to `id IN (SELECT rowid FROM member_name_fts WHERE
member_name_fts MATCH '"nguyen" AND "thuy"')` (each word of at least three letters as a substring phrase)
and keeps the `LIKE '%word%'` conditions, so the result is the same with or without the table; without
it SQLite reads the whole member table for every search (`LIKE '%…%'` cannot use an index).

Django rebuilds a SQLite table to alter it (copy, drop, rename), which drops its triggers: `ensure` runs
after every `migrate` (post_migrate) and recreates what is missing, refilling the table when it did.
PostgreSQL needs none of this (`member_name_trgm_idx`, migration 0002).
"""

from __future__ import annotations

import re
from typing import Any

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
