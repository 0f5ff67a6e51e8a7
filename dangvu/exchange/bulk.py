"""Inserting many rows of one model at once, for the import pipeline's big writes.

`bulk_insert(model, rows)` takes plain dicts (attribute name -> value; a field left out gets its default,
as `Model(**row)` would give it) and returns the new primary keys in the order of the rows.

- PostgreSQL: the keys are drawn from the table's sequence first (`IdPool`: `nextval` over
  `generate_series`, one query), then the rows are streamed with one binary `COPY … FROM STDIN`
  (`CopyTable`, `copy_rows`; psycopg 3 `cursor.copy`): no model instances, no SQL text per row; row
  triggers fire as for INSERT. The member import builds `CopyTable` rows itself, in its main thread.
- SQLite (and anything else): `Model(**row)` and `bulk_create`, which returns the keys too.

Both run inside the caller's transaction; nothing here commits. `BackgroundWriter` runs such writes in a
second thread on the same connection, one at a time, while the caller prepares the next batch.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from psycopg.types.json import Jsonb


def bulk_insert(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    if connection.vendor == "postgresql":
        return _copy(model, rows)
    objects = [model(**row) for row in rows]
    model._default_manager.bulk_create(objects)
    return [obj.pk for obj in objects]


def _copy(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> list[int]:
    """`bulk_insert` on PostgreSQL: the keys drawn first, then one binary COPY (the import's own pieces)."""
    pk = model._meta.pk
    assert pk is not None
    pool = IdPool(model)
    pool.reserve(len(rows))
    ids = pool.take(len(rows))
    table = CopyTable(model, [f.attname for f in model._meta.concrete_fields])
    copy_rows(table, [table.row_of({**row, pk.attname: pk_value}) for pk_value, row in zip(ids, rows, strict=True)])
    return ids


class CopyTable:
    """One model's rows ready for `COPY` (PostgreSQL), built where the caller likes (the import builds them in
    its main thread, so the writer thread only streams them).

    `given` names the attributes the caller fills, in the order of its tuples; every other column takes its
    field's default, as `Model(**values)` would give it, except the primary key, left to the column's
    identity unless given. `row(values)` completes a tuple of the given values (a JSON column's value is
    serialised here); `row_of(values)` takes a dict, a given attribute left out taking its default.
    Defaults are read once: fine for constants, not for a default that must differ per row."""

    def __init__(self, model: type[models.Model], given: Sequence[str]):
        meta = model._meta
        by_name = {f.attname: f for f in meta.concrete_fields}
        first = [by_name[name] for name in given]
        rest = [f for f in meta.concrete_fields if f.attname not in given and not f.primary_key]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(str(f.column)) for f in [*first, *rest])
        # Binary COPY: psycopg formats a row ~5x faster than as text (it holds the GIL the import's main
        # thread needs), and PostgreSQL reads dates and numbers without parsing text. It needs each
        # column's type: the field's own, without its length ("varchar(120)" -> "varchar").
        self.sql = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN (FORMAT BINARY)"
        self.types = [str(f.db_type(connection)).split("(")[0] for f in [*first, *rest]]
        self.table = meta.db_table
        self.given = tuple(given)
        self.rest = tuple(_json(f.get_default()) if isinstance(f, models.JSONField) else f.get_default() for f in rest)
        self.defaults = {f.attname: f.get_default() for f in first if not f.primary_key}
        self.pick = operator.itemgetter(*given)  # one C call per row
        self.json_at = [i for i, f in enumerate(first) if isinstance(f, models.JSONField)]

    def row(self, values: tuple[Any, ...]) -> tuple[Any, ...]:
        if self.json_at:
            listed = list(values)
            for at in self.json_at:
                listed[at] = _json(listed[at])
            values = tuple(listed)
        return values + self.rest

    def row_of(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return self.row(self.pick({**self.defaults, **values}))


class JsonText(str):
    """A JSON column's value already serialised by the caller (`_json` passes it on as it is)."""


def _json(value: Any) -> Jsonb | None:
    """A JSON column's value for a binary COPY, serialised now (in the caller's thread). Non-ASCII is kept as
    is (Vietnamese names): about half the text of \\uXXXX escapes, the same jsonb value."""
    if value is None:
        return None
    return Jsonb(value if value.__class__ is JsonText else JSON_ENCODE(value), dumps=str)


JSON_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def copy_rows(table: CopyTable, rows: Sequence[tuple[Any, ...]]) -> None:
    """Stream rows `table.row` built with one `COPY … FROM STDIN` (PostgreSQL, the caller's transaction)."""
    if not rows:
        return
    raw = connection.connection
    assert raw is not None
    with raw.cursor() as cursor, cursor.copy(table.sql) as copy:
        copy.set_types(table.types)
        write_row = copy.write_row
        for row in rows:
            write_row(row)


class IdPool:
    """Primary keys drawn ahead from a table's sequence (PostgreSQL), so rows that point at new rows can be
    built before those are written: `reserve(n)` (a query, when the connection is free) makes sure `n` are
    at hand, `take(n)` hands them out without a query. Keys reserved and never taken are skipped, as a
    rolled-back insert skips them: at most one `reserve` ahead per pool."""

    def __init__(self, model: type[models.Model]):
        pk = model._meta.pk
        assert pk is not None
        self.table, self.column = model._meta.db_table, pk.column
        self.ids: list[int] = []

    def reserve(self, n: int) -> None:
        missing = n - len(self.ids)
        if missing <= 0:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [self.table, self.column, missing],
            )
            self.ids.extend(sorted(row[0] for row in cursor.fetchall()))

    def take(self, n: int) -> list[int]:
        if n > len(self.ids):
            raise RuntimeError(f"{self.table}: {n} keys asked for, {len(self.ids)} reserved")
        taken, self.ids = self.ids[:n], self.ids[n:]
        return taken


class BackgroundWriter:
    """Runs the writes of an import one at a time in a second thread, on the caller's database connection
    (so inside its transaction), while the caller reads and parses the next chunk: PostgreSQL then works on
    one chunk (COPY, indexes, triggers) while Python reads the next, instead of one waiting for the other.

    The caller must `wait()` before it uses the connection itself (`submit` and `close` wait too): the two
    threads never use the connection at the same time. A write that failed raises from that `wait()`.
    """

    def __init__(self) -> None:
        self.alias = DEFAULT_DB_ALIAS
        self.wrapper = connections[self.alias]
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-writer")
        self.pending: Future[None] | None = None
        self.wrapper.inc_thread_sharing()

    def submit(self, write: Callable[..., None], *args: Any) -> None:
        self.wait()
        self.pending = self.pool.submit(self._run, write, args)

    def _run(self, write: Callable[..., None], args: tuple[Any, ...]) -> None:
        connections[self.alias] = self.wrapper  # this thread's ORM and `connection` use the caller's connection
        try:
            write(*args)
        finally:
            del connections[self.alias]

    def wait(self) -> None:
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        try:
            self.wait()
        finally:
            self.pool.shutdown()
            self.wrapper.dec_thread_sharing()
