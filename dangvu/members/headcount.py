"""Members per cell today, kept by the database: `Headcount` rows (cell, status, probationary, n) equal
to `SELECT current_org_id, status, is_probationary, COUNT(*) FROM members_member GROUP BY 1, 2, 3` at
every commit, whoever writes (services, the import's COPY, the synth loader, raw SQL).

The tree page counts a province's members by reading its ~8,000 cells' rows here instead of its
~165,000 member rows (5.6 million members: 1.4 s → milliseconds), and needs no cache to do it.

- **PostgreSQL**: three statement-level triggers with transition tables (`REFERENCING NEW TABLE … OLD
  TABLE`): one grouped `INSERT … ON CONFLICT DO UPDATE` per statement, so a COPY of 20,000 members adds
  one statement, not 20,000. Keys are written in order (ORDER BY) so two transactions meet the same rows
  in the same order and cannot deadlock on them.
- **SQLite**: row triggers (SQLite has no statement triggers); a province's deployment writes few rows at
  a time. Django rebuilds a SQLite table to alter it, which drops its triggers: `ensure_after_migrate`
  (post_migrate) recreates what is missing and recounts.

`check()` compares the rows with a count from scratch (`dangvu tallies check` runs it); `rebuild()`
counts again (`dangvu tallies rebuild`). A row that falls to zero is deleted.
"""

from __future__ import annotations

from typing import Any

from django.db import connection as default_connection
from django.db import transaction

from dangvu.lib.parallel import allow_parallel
from dangvu.lib.triggers import pg_statement_trigger, restore_sqlite_triggers

TABLE = "members_headcount"
MEMBERS = "members_member"
KEY = "org_id, status, is_probationary"

_GROUPED = (
    "SELECT current_org_id, status, is_probationary, SUM(d) FROM ({rows}) x "
    "WHERE current_org_id IS NOT NULL GROUP BY 1, 2, 3 HAVING SUM(d) <> 0 ORDER BY 1, 2, 3"
)
_UPSERT = f"INSERT INTO {TABLE} AS h ({KEY}, n) {{select}} ON CONFLICT ({KEY}) DO UPDATE SET n = h.n + EXCLUDED.n"
# A key no member has any more loses its row, so an organisation without members has none (undoing its
# creation finds nothing that refers to it).
_EMPTIED = (
    f"DELETE FROM {TABLE} h USING (SELECT DISTINCT current_org_id, status, is_probationary FROM removed) r "
    "WHERE h.org_id = r.current_org_id AND h.status = r.status AND h.is_probationary = r.is_probationary AND h.n = 0"
)
_ADDED = "SELECT current_org_id, status, is_probationary, 1 AS d FROM added"
_REMOVED = "SELECT current_org_id, status, is_probationary, -1 AS d FROM removed"

# PostgreSQL: (trigger suffix, operation, transition tables, rows counted, then)
_PG_TRIGGERS = [
    ("insert", "INSERT", "NEW TABLE AS added", _ADDED, ""),
    ("update", "UPDATE", "OLD TABLE AS removed NEW TABLE AS added", f"{_ADDED} UNION ALL {_REMOVED}", _EMPTIED),
    ("delete", "DELETE", "OLD TABLE AS removed", _REMOVED, _EMPTIED),
]

_SQLITE_ADD = (
    f"INSERT INTO {TABLE} ({KEY}, n) SELECT new.current_org_id, new.status, new.is_probationary, 1 "
    f"WHERE new.current_org_id IS NOT NULL ON CONFLICT ({KEY}) DO UPDATE SET n = n + 1;"
)
_OLD_KEY = "org_id = old.current_org_id AND status = old.status AND is_probationary = old.is_probationary"
_SQLITE_REMOVE = f"UPDATE {TABLE} SET n = n - 1 WHERE {_OLD_KEY}; DELETE FROM {TABLE} WHERE {_OLD_KEY} AND n = 0;"
SQLITE_TRIGGERS = {
    name: f"CREATE TRIGGER {name} {body}"
    for name, body in {
        "member_headcount_insert": f"AFTER INSERT ON {MEMBERS} BEGIN {_SQLITE_ADD} END",
        "member_headcount_delete": f"AFTER DELETE ON {MEMBERS} BEGIN {_SQLITE_REMOVE} END",
        "member_headcount_update": (
            f"AFTER UPDATE OF current_org_id, status, is_probationary ON {MEMBERS} "
            f"BEGIN {_SQLITE_REMOVE} {_SQLITE_ADD} END"
        ),
    }.items()
}


def create_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            sql
            for suffix, operation, tables, rows, then in _PG_TRIGGERS
            for sql in pg_statement_trigger(
                f"member_headcount_{suffix}",
                MEMBERS,
                operation,
                tables,
                [_UPSERT.format(select=_GROUPED.format(rows=rows)), *([then] if then else [])],
            )
        ]
    return list(SQLITE_TRIGGERS.values())


def drop_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            sql
            for suffix, *_ in _PG_TRIGGERS
            for sql in (
                f"DROP TRIGGER IF EXISTS member_headcount_{suffix} ON {MEMBERS}",
                f"DROP FUNCTION IF EXISTS member_headcount_{suffix}()",
            )
        ]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]


def rebuild(connection: Any = None) -> int:
    """Count every cell again from the members; returns the number of rows kept."""
    connection = connection or default_connection
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        allow_parallel(cursor, connection)
        if connection.vendor == "postgresql":
            # Writers wait (their triggers would add to rows being replaced); readers go on.
            cursor.execute(f"LOCK TABLE {MEMBERS} IN SHARE MODE")
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(
            f"INSERT INTO {TABLE} ({KEY}, n) SELECT current_org_id, status, is_probationary, COUNT(*) "
            f"FROM {MEMBERS} WHERE current_org_id IS NOT NULL GROUP BY 1, 2, 3"
        )
        return int(cursor.rowcount)


def check() -> list[str]:
    """The differences between the kept rows and a count from scratch (empty when they agree)."""
    with default_connection.cursor() as cursor:
        cursor.execute(
            f"SELECT current_org_id, status, is_probationary, COUNT(*) FROM {MEMBERS} "
            "WHERE current_org_id IS NOT NULL GROUP BY 1, 2, 3"
        )
        counted = {(org, status, bool(probationary)): n for org, status, probationary, n in cursor.fetchall()}
        cursor.execute(f"SELECT {KEY}, n FROM {TABLE}")
        kept = {(org, status, bool(probationary)): n for org, status, probationary, n in cursor.fetchall()}
    problems = []
    for key in sorted(counted.keys() | kept.keys()):
        if counted.get(key, 0) != kept.get(key, 0):
            org, status, probationary = key
            membership = "dự bị" if probationary else "chính thức"
            problems.append(
                f"Chi bộ {org}, {status}, {membership}: giữ {kept.get(key, 0)}, đếm lại được {counted.get(key, 0)}"
            )
    return problems


def ensure_after_migrate(using: str = "default", **kwargs: Any) -> None:
    """post_migrate on SQLite: recreate the triggers a table rebuild dropped, and recount."""
    from django.db import connections

    if restore_sqlite_triggers(using, after=("members", "0006_headcount"), triggers=SQLITE_TRIGGERS):
        rebuild(connections[using])
