"""Caching what a page computes from a big subtree, keyed on the data it was computed from.

A cached value is stored under its caller's key parts plus `generation()`: the number `build.sync` and
`build.rebuild` add one to (`TallyGeneration`) in the same transaction as the changes they apply. Every
write to the tables the tallies are counted from (the memberships behind a member's status, cell and
probation, the organisations' versions behind the tree, the ratings, the admission dates) leaves a row in
the queue `TallyDirty` (database triggers, whoever writes), so:

- queue empty, generation G: every change committed so far has been applied and counted in G, so a value
  computed now may be kept under G; a change committed later makes the queue non-empty, and the sync that
  applies it makes the generation G + 1 (atomically with emptying the queue), so G is never read again;
- a bulk load that writes with the triggers off (`triggers.paused`) adds one to the generation itself, in
  its transaction, and rebuilds the tallies after (one more);
- queue not empty: changes are waiting; nothing is read from or written to the cache (the caller computes
  from the raw data) until a sync applies them (any report page does, or `dangvu tallies sync`).

The queue and the generation are read in one statement, so they describe one committed state. A value is
only as wide as its key: callers put into the key everything else it depends on (the organisation and
its path, the period, today's date, settings read from the database) and keep permission checks and
masking outside (only figures of a subtree the caller already found visible are cached). Entries also
expire after CACHE_SECONDS, a bound on any case the generation could not see (a database restored from
a backup under a running server).
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection
from django.db.models import F

from dangvu.tallies.models import TallyDirty, TallyGeneration

T = TypeVar("T")

CACHE_SECONDS = 600
PREFIX = "dangvu"


def generation() -> int | None:
    """The generation if the queue of changes is empty (one query); None while changes wait."""
    sql = (
        f"SELECT n, EXISTS (SELECT 1 FROM {TallyDirty._meta.db_table}) "
        f"FROM {TallyGeneration._meta.db_table} WHERE id = 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    if row is None or row[1]:
        return None
    return int(row[0])


def bump_generation() -> None:
    """Add one to the generation, in the caller's transaction (it commits with the changes it names): by
    `build.sync` and `build.rebuild` under their lock, and by a bulk load that wrote with the triggers
    off (`triggers.paused`)."""
    if not TallyGeneration.objects.filter(pk=1).update(n=F("n") + 1):
        TallyGeneration.objects.create(pk=1, n=1)


def cache_key(namespace: str, parts: tuple[Hashable, ...], generation: int) -> str:
    return ":".join([PREFIX, namespace, str(generation), *(str(part) for part in parts)])


def cached(namespace: str, parts: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """`compute()`, kept under (namespace, parts, generation) while the generation holds (see the module
    doc): one query (the generation) on a hit, that query plus `compute` on a miss or while changes wait."""
    current = generation()
    if current is None:
        return compute()
    key = cache_key(namespace, parts, current)
    found = cache.get(key)
    if isinstance(found, bytes):
        kept: T = pickle.loads(zlib.decompress(found))  # written by `cached` below
        return kept
    value = compute()
    # Compressed: a province's report page is ~600 KB pickled (its HTML most of it), ~75 KB compressed,
    # which the database cache then carries in one row.
    cache.set(key, zlib.compress(pickle.dumps(value, pickle.HIGHEST_PROTOCOL), 1), CACHE_SECONDS)
    return value
