"""Appending many plain rows to one table: `COPY … FROM STDIN` on PostgreSQL (psycopg 3), `executemany` in
batches elsewhere. No model instances and no primary keys returned (the synthetic loader gives its ids,
the report's kept counts need none); the caller's transaction holds it all. For rows whose new keys are
needed afterwards, see `exchange.bulk.bulk_insert`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

BATCH = 5000


def append_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write `rows` (values in the order of `columns`) into `table`; returns how many."""
    quote = connection.ops.quote_name
    into = f"{quote(table)} ({', '.join(quote(c) for c in columns)})"
    written = 0
    if connection.vendor == "postgresql":
        raw = connection.connection
        assert raw is not None
        with raw.cursor() as cursor, cursor.copy(f"COPY {into} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
        return written
    sql = f"INSERT INTO {into} VALUES ({', '.join(['%s'] * len(columns))})"
    batch: list[Sequence[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written
