"""Time two subtree summaries of the modules outside members and reports, for the first commune and the first
province of a `dangvu synth` dataset: the fee summary of a year (`fees.queries.org_year`) and the meeting
statistics of a year (`meetings.queries.year_stats`). Median and minimum of `--runs` runs.

    DATABASE_URL=sqlite:////tmp/p500k.sqlite3 .venv/bin/python bench/subtree_pages.py
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from _django import setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from dangvu.fees.queries import org_year
    from dangvu.meetings.queries import year_stats
    from dangvu.orgs.kinds import OrgKind
    from dangvu.orgs.models import Org

    province = Org.objects.filter(kind=OrgKind.PROVINCE).order_by("pk").first()
    assert province is not None, "no province: load a dataset with `dangvu synth` first"
    commune = Org.objects.subtree(province).filter(kind=OrgKind.UPPER).order_by("pk").first()
    day = date(2025, 12, 31)
    summaries: list[tuple[str, Callable[[Any], object]]] = [
        ("fees org_year 2025", lambda org: org_year(org, 2025, today=day)),
        ("meetings year_stats 2025", lambda org: year_stats(org, 2025, day)),
    ]
    print(f"{connection.vendor} {connection.settings_dict['NAME']}, {args.runs} runs")
    for name, summary in summaries:
        for org in (commune, province):
            if org is None:
                continue
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                summary(org)
                times.append((time.perf_counter() - started) * 1000)
            print(f"{name:26} {org.code:10} median {statistics.median(times):8.1f} ms   min {min(times):8.1f} ms")


if __name__ == "__main__":
    main()
