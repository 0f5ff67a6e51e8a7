"""Dropping a PostgreSQL foreign key while Django keeps the relation (`db_constraint=False`), without the
AlterField that would do it: on SQLite that rebuilds the table, dropping its triggers. Used by migrations
(members 0008, audit 0003) inside `SeparateDatabaseAndState`, next to the AlterField of the state.

On SQLite a foreign key is part of the table's DDL (`REFERENCES …`), not an object of its own: both
functions leave it as it is there.
"""

from __future__ import annotations

from typing import Any

FK_NAMES_SQL = """
SELECT c.conname FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
WHERE c.contype = 'f' AND c.conrelid = %s::regclass AND cardinality(c.conkey) = 1 AND a.attname = %s
"""


def pg_foreign_key_names(connection: Any, table: str, column: str) -> list[str]:
    """The names of the single-column foreign keys on `table.column` (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(FK_NAMES_SQL, [table, column])
        return [row[0] for row in cursor.fetchall()]


def drop_foreign_key(schema_editor: Any, table: str, column: str) -> None:
    """Drop the foreign keys on `table.column`, whatever Django named them (PostgreSQL only)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for name in pg_foreign_key_names(schema_editor.connection, table, column):
        schema_editor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")


def restore_foreign_key(
    schema_editor: Any, table: str, column: str, to_table: str, name: str, *, cascade: bool = False
) -> None:
    """Add the foreign key `name` from `table.column` to `to_table.id` back as Django creates it (deferred
    to the commit). The ids of rows deleted meanwhile become NULL first, what the key's SET_NULL would have
    done; with `cascade`, the rows pointing at them are deleted, as CASCADE would have (PostgreSQL only)."""
    if schema_editor.connection.vendor != "postgresql" or pg_foreign_key_names(schema_editor.connection, table, column):
        return
    quote = schema_editor.quote_name
    table, column, to_table = quote(table), quote(column), quote(to_table)
    orphans = f"{column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {to_table} t WHERE t.id = {table}.{column})"
    if cascade:
        schema_editor.execute(f"DELETE FROM {table} WHERE {orphans}")
    else:
        schema_editor.execute(f"UPDATE {table} SET {column} = NULL WHERE {orphans}")
    schema_editor.execute(
        f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} FOREIGN KEY ({column}) REFERENCES {to_table} (id) "
        "DEFERRABLE INITIALLY DEFERRED"
    )
