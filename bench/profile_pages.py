"""Where the load benchmark's pages spend their time: the pages of `bench/load.py`, in-process through
Django's test client, for one session of each scope (province staff, commune staff, cell secretary):
time, number of SQL queries and their time per page kind, and the slowest statements.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/dv_load_bench .venv/bin/python bench/profile_pages.py
    … bench/profile_pages.py --kinds tree,member --urls 5 --top 3 --explain

Uses the accounts and URLs of `load_plan.py` (the same seed: the same pages). Read-only apart from the
accounts `load_plan` creates when missing. `--explain` prints EXPLAIN (ANALYZE, BUFFERS) of each kind's
slowest statement (PostgreSQL). The tree and report pages of the root and provinces are kept in the page
caches (`dangvu.tallies.cache`) after the warm-up: `--cold` empties them before each page.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from _django import setup_django


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=50, help="the plan's size (as bench/load.py --users)")
    parser.add_argument("--kinds", default="", help="comma-separated page kinds (default: all)")
    parser.add_argument("--urls", type=int, default=4, help="URLs per kind and scope")
    parser.add_argument("--top", type=int, default=3, help="slowest statements shown per kind and scope")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument(
        "--cold", action="store_true", help="empty the page caches before each page (the cost after a change)"
    )
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    setup_django()
    import load_plan
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from dangvu.accounts.models import User

    sessions = load_plan.build_plan(args.sessions, args.seed)
    by_scope: dict[str, load_plan.Session] = {}
    for session in sessions:
        by_scope.setdefault(session.scope_kind, session)
    kinds = [k for k in args.kinds.split(",") if k] or list(load_plan.WEIGHTS)
    for kind in kinds:
        for scope_kind, session in by_scope.items():
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(User.objects.get(username=session.username))
            urls = list(dict.fromkeys(session.urls[kind]))[: args.urls]
            client.get(urls[0])  # warm-up: templates, caches
            times, counts, sql_ms = [], [], []
            slowest: list[tuple[float, str]] = []
            for url in urls:
                if args.cold:
                    cache.clear()
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    print(f"  {url}: HTTP {response.status_code}", file=sys.stderr)
                counts.append(len(queries.captured_queries))
                sql_ms.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
                slowest += [(float(q["time"]) * 1000, q["sql"]) for q in queries.captured_queries]
            print(
                f"{kind:<7} {scope_kind:<9} {session.username:<14} median {statistics.median(times):7.0f} ms, "
                f"max {max(times):7.0f} ms; {statistics.median(counts):.0f} queries, "
                f"SQL {statistics.median(sql_ms):.0f} ms (median)"
            )
            slowest.sort(key=lambda item: -item[0])
            for ms, sql in slowest[: args.top]:
                print(f"    {ms:7.1f} ms  {sql[:300]}")
            if args.explain and slowest and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest[0][1])
                    for (line,) in cursor.fetchall():
                        print(f"      {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
