"""Where the time of one `ratings_report` goes: every SQL query it runs with its time, then EXPLAIN
(ANALYZE, BUFFERS) of the slowest ones (PostgreSQL; EXPLAIN QUERY PLAN on SQLite).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/dv_bench .venv/bin/python bench/profile_report.py \
        [CODE] [year] [top]

CODE: the organisation (default: the first province, else the root); year: default the latest rated.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from _django import setup_django


def main() -> None:
    setup_django()
    from django.db import connection

    from dangvu.evaluations.models import MemberRating
    from dangvu.evaluations.periods import PeriodKey
    from dangvu.orgs.kinds import OrgKind
    from dangvu.orgs.models import Org
    from dangvu.reports.report import ratings_report

    code = sys.argv[1] if len(sys.argv) > 1 else ""
    year = (
        int(sys.argv[2])
        if len(sys.argv) > 2
        else MemberRating.objects.order_by("-year").values_list("year", flat=True)[0]
    )
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    org = (
        Org.objects.get(code=code)
        if code
        else Org.objects.filter(kind=OrgKind.PROVINCE).order_by("code").first() or Org.objects.get(parent__isnull=True)
    )
    key = PeriodKey(year)
    ratings_report(org, key)  # warm-up
    queries: list[tuple[float, str, Any]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(((time.perf_counter() - started) * 1000, sql, params))

    started = time.perf_counter()
    with connection.execute_wrapper(record):
        ratings_report(org, key)
    total = (time.perf_counter() - started) * 1000
    sql_ms = sum(q[0] for q in queries)
    print(
        f"{org.code} {org.name} {year}: {total:.0f} ms, {len(queries)} queries {sql_ms:.0f} ms, "
        f"Python {total - sql_ms:.0f} ms"
    )
    for number, (ms, sql, _) in enumerate(queries, 1):
        print(f"  #{number:<2} {ms:8.1f} ms  {sql[:150]}")
    explain = "EXPLAIN (ANALYZE, BUFFERS)" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    for ms, sql, params in sorted(queries, key=lambda q: -q[0])[:top]:
        print(f"\n--- {ms:.1f} ms --- {sql[:400]}\n")
        with connection.cursor() as cursor:
            cursor.execute(f"{explain} {sql}", params)
            for row in cursor.fetchall():
                line = " ".join(str(v) for v in row)
                print("   ", line if len(line) < 240 else line[:240] + " …")


if __name__ == "__main__":
    main()
