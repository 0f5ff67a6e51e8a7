"""PostgreSQL's parallel workers, off for the app's connections and allowed again for the bulk statements
that gain from them.

The web app's connections start with `max_parallel_workers_per_gather = 0` (`DANGVU_DB_PG_OPTIONS`,
settings.py): its queries read hundreds of rows, and on a few cores a parallel plan only takes the cores
the other requests are waiting for (at 5.6 million members a commune's report went from 68 to 25 ms p95,
a member list page from 59 to 20 ms, with the planner's parallel plans switched off). A rebuild from
scratch reads millions of rows once: `allow_parallel` gives it the workers back until its transaction ends.
"""

from __future__ import annotations

from typing import Any

WORKERS = 2


def allow_parallel(cursor: Any, connection: Any) -> None:
    """Inside a transaction: parallel plans again until it ends (PostgreSQL; nothing on SQLite)."""
    if connection.vendor == "postgresql":
        cursor.execute(f"SET LOCAL max_parallel_workers_per_gather = {WORKERS}")
