"""Time travel against today on the demo province: the tree page's figures and the rating report, today
versus as of a past day, p50/p95 in ms over repeated runs (after one warm-up).

    DATABASE_URL=sqlite:////tmp/tt.sqlite3 .venv/bin/python bench/time_travel.py [runs] [members] [day]

Migrates the database and loads the demo province (`dangvu demo`, 15,000 members by default) unless it is
already there. `day` (default 2025-06-30) is the past day of the tree; the past report is that of the
year of `day` when it has ended, else of the year before. Measured:

- tree today: `nodes_with_counts([province])` + `children_with_counts(province)` + `subtree_counts(province)`
  (the queries of `/to-chuc/<province>/`); tree as of: `tree_as_of(day)` + `counts_as_of(day, …)` for the
  province and its children + `children_as_of` (the queries of `/to-chuc/<province>/?ngay=day`);
- the same for the first commune;
- the rating report of the past year on today's tree (`on_tree="today"`, what it cost before history
  existed) and on the tree of its last day (`on_tree="as_of"`), and of the current year (the fast path,
  with its one probe query); `history_probe` alone; the years comparison on today's tree (as before
  history) and on the tree of each year's end (what a subtree whose tree ever changed now takes).
Use a scratch database: it replaces the domain data.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from _django import setup_django

TODAY = date(2026, 11, 23)


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    members = int(sys.argv[2]) if len(sys.argv) > 2 else 15_000
    day = date.fromisoformat(sys.argv[3]) if len(sys.argv) > 3 else date(2025, 6, 30)
    setup_django()
    from django.db import connection

    from dangvu.demo.generator import demo_load
    from dangvu.evaluations.periods import PeriodKey
    from dangvu.members.models import Member, Membership
    from dangvu.orgs import history, queries
    from dangvu.orgs.kinds import OrgKind
    from dangvu.orgs.models import Org, OrgVersion
    from dangvu.reports.report import AS_IS, _years_today, history_probe, ratings_report, years_comparison

    if Member.objects.count() < members * 0.9:
        started = time.perf_counter()
        demo_load(members=members, today=TODAY)
        print(f"demo loaded in {time.perf_counter() - started:.1f} s")
    province = Org.objects.get(parent__isnull=True)
    commune = Org.objects.filter(parent=province, kind=OrgKind.UPPER).order_by("code").first()
    assert commune is not None
    past_year = day.year if date(day.year, 12, 31) < TODAY else day.year - 1
    print(
        f"{connection.vendor}: {Member.objects.count()} members, {Org.objects.count()} organisations, "
        f"{OrgVersion.objects.count()} versions, {Membership.objects.count()} memberships; past day {day}, "
        f"past report {past_year}"
    )

    def today_page(org: Org) -> Callable[[], Any]:
        def run() -> Any:
            queries.nodes_with_counts([org])
            queries.children_with_counts(org)
            return queries.subtree_counts(org)

        return run

    def as_of_page(org: Org) -> Callable[[], Any]:
        def run() -> Any:
            tree = history.tree_as_of(day)
            children = history.children_as_of(tree, org.pk)
            return history.counts_as_of(day, tree, [org.pk, *(c.org_id for c in children)])

        return run

    rows: list[tuple[str, Callable[[], Any]]] = [
        ("tree page today, province", today_page(province)),
        (f"tree page as of {day}, province", as_of_page(province)),
        ("tree page today, commune", today_page(commune)),
        (f"tree page as of {day}, commune", as_of_page(commune)),
        (f"history_probe province {past_year}", lambda: history_probe(province, PeriodKey(past_year).end)),
        (
            f"report {past_year} province, today's tree",
            lambda: ratings_report(province, PeriodKey(past_year), on_tree="today"),
        ),
        (
            f"report {past_year} province, tree of 31/12",
            lambda: ratings_report(province, PeriodKey(past_year), on_tree="as_of"),
        ),
        (f"report {past_year} province, automatic", lambda: ratings_report(province, PeriodKey(past_year))),
        (f"report {TODAY.year} province (current)", lambda: ratings_report(province, PeriodKey(TODAY.year))),
        ("years comparison province, today's tree", lambda: _years_today(province, 0)),
        (
            "years comparison province, tree of each year",
            lambda: years_comparison(province, basis=AS_IS, tree_changed=True),
        ),
        (
            f"report {past_year} commune, today's tree",
            lambda: ratings_report(commune, PeriodKey(past_year), on_tree="today"),
        ),
        (
            f"report {past_year} commune, tree of 31/12",
            lambda: ratings_report(commune, PeriodKey(past_year), on_tree="as_of"),
        ),
    ]
    for label, fn in rows:
        p50, p95 = timed(fn, runs)
        print(f"{label:45} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  ({runs} runs)")


if __name__ == "__main__":
    main()
