"""Database triggers written the same way by every module that keeps something exact in the database
(the report's queue `tallies.triggers`, the members per cell `members.headcount`).

- `pg_statement_trigger`: a PL/pgSQL function and an AFTER … FOR EACH STATEMENT trigger with transition
  tables (`REFERENCING NEW TABLE … OLD TABLE …`): one set-based statement per write statement, so a COPY of
  many rows costs one statement, not one call per row.
- `restore_sqlite_triggers`: Django alters a SQLite table by rebuilding it (copy, drop, rename), which drops
  its triggers; after `migrate` (post_migrate) the missing ones are created again, and the caller repairs
  what was written while they were missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def pg_statement_trigger(name: str, table: str, operation: str, transition: str, body: Sequence[str]) -> list[str]:
    """The function `name()` running the statements of `body` and the trigger `name` calling it after each
    `operation` ("INSERT", "UPDATE", "DELETE") on `table`, with the transition tables `transition`
    ("NEW TABLE AS added", …)."""
    statements = "".join(f"    {sql};\n" for sql in body)
    return [
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n{statements}    RETURN NULL;\nEND $$",
        f"CREATE TRIGGER {name} AFTER {operation} ON {table} REFERENCING {transition} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    ]


def restore_sqlite_triggers(using: str, *, after: tuple[str, str], triggers: Mapping[str, str]) -> bool:
    """On SQLite, once the migration `after` (app, name) is applied: create the triggers of `triggers`
    (name -> its CREATE TRIGGER statement) that are missing. True when any was (the caller then repairs
    what they missed); False on PostgreSQL, which keeps its triggers."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection: Any = connections[using]
    if connection.vendor != "sqlite" or after not in MigrationRecorder(connection).applied_migrations():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
        missing = [name for name in triggers if name not in present]
        for name in missing:
            cursor.execute(triggers[name])
    return bool(missing)
