"""Time `dangvu demo` (15,000 members by default) on the database DATABASE_URL names, with and without
the rating history.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/demo_load.py [members] [runs]

Migrates the database first; every run replaces the data (the second run includes the reset). Each run
loads with ratings, then once more without them, and prints both times and the part spent on ratings.
"""

from __future__ import annotations

import sys
import time
from datetime import date

from _django import setup_django

TODAY = date(2026, 11, 23)  # the demo's "today": the year-end rating of 2026 in progress


def main() -> None:
    members = int(sys.argv[1]) if len(sys.argv) > 1 else 15_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    setup_django()
    from django.db import connection

    from dangvu.demo.generator import demo_load

    for run in range(1, runs + 1):
        for ratings in (True, False):
            started = time.perf_counter()
            summary = demo_load(members=members, today=TODAY, ratings=ratings)
            elapsed = time.perf_counter() - started
            detail = ""
            if summary.ratings is not None:
                detail = (
                    f", {summary.ratings.member_ratings} member and {summary.ratings.org_ratings} org ratings"
                    f" in {len(summary.ratings.periods)} periods ({summary.rating_seconds:.1f} s of it)"
                )
            print(
                f"{connection.vendor} run {run} {'with' if ratings else 'without'} ratings: {summary.members} members,"
                f" {summary.orgs} orgs, {summary.events} events{detail} in {elapsed:.1f} s"
            )
    demo_load(members=members, today=TODAY)  # leave the full demo in place


if __name__ == "__main__":
    main()
