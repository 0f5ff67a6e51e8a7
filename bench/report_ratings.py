"""Time `ratings_report` on the demo province: the province, one commune and one grassroots organisation.

    DATABASE_URL=sqlite:////tmp/report.sqlite3 .venv/bin/python bench/report_ratings.py [runs] [members] [year]

Migrates the database and loads the demo province (`dangvu demo`, 15,000 members by default) unless it
is already there. When the demo has no ratings for the year (older demo data), it writes its own:
every member of the period rated in their cell (≈ 17% HTXSNV, 70% HTTNV, 11% HTNV, 2% KHTNV) and every
grassroots organisation and attached cell rated. Prints p50/p95 over the runs (after one warm-up) in ms.
Use a scratch database: it replaces the domain data.
"""

from __future__ import annotations

import random
import statistics
import sys
import time

from _django import setup_django

LEVELS = ("HTXSNV", "HTTNV", "HTNV", "KHTNV")
WEIGHTS = (17, 70, 11, 2)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    members = int(sys.argv[2]) if len(sys.argv) > 2 else 15_000
    year = int(sys.argv[3]) if len(sys.argv) > 3 else 2025
    setup_django()
    from django.db import connection, transaction

    from dangvu.demo.generator import demo_load
    from dangvu.evaluations.models import MemberRating, OrgRating
    from dangvu.evaluations.periods import PeriodKey
    from dangvu.evaluations.queries import members_of_period
    from dangvu.evaluations.services import regime_of
    from dangvu.members.models import Member
    from dangvu.orgs.kinds import GRASSROOTS_KINDS, OrgKind
    from dangvu.orgs.models import Org
    from dangvu.reports.report import ratings_report

    if Member.objects.count() < members * 0.9:
        started = time.perf_counter()
        demo_load(members=members)
        print(f"demo loaded in {time.perf_counter() - started:.1f} s")
    key = PeriodKey(year)
    regime = regime_of(key)
    if not MemberRating.objects.filter(year=year, quarter=0).exists():
        rng = random.Random(7)
        with transaction.atomic():
            rows = [
                MemberRating(
                    member_id=pk,
                    org_id=cell,
                    year=year,
                    quarter=0,
                    regime=regime.code,
                    level=rng.choices(LEVELS, WEIGHTS)[0],
                )
                for pk, cell in members_of_period(Member.objects.all(), key).values_list("pk", "current_org_id")
            ]
            MemberRating.objects.bulk_create(rows, batch_size=2000)
            orgs = Org.objects.filter(kind__in=GRASSROOTS_KINDS | {OrgKind.CELL}, dissolved_on__isnull=True)
            OrgRating.objects.bulk_create(
                [
                    OrgRating(
                        org_id=pk, year=year, quarter=0, regime=regime.code, level=rng.choices(LEVELS, WEIGHTS)[0]
                    )
                    for pk in orgs.values_list("pk", flat=True)
                ],
                batch_size=2000,
            )
        print(f"wrote {len(rows)} member ratings for {year}")
    province = Org.objects.get(parent__isnull=True)
    commune = Org.objects.filter(parent=province, kind=OrgKind.UPPER).order_by("code").first()
    assert commune is not None, "the demo province has communes"
    grassroots = (
        Org.objects.filter(kind=OrgKind.GRASSROOTS_COMMITTEE, path__startswith=commune.path).order_by("code").first()
    )
    assert grassroots is not None
    print(f"{connection.vendor}, {Member.objects.count()} members, {MemberRating.objects.count()} member ratings")
    for label, org in (("province", province), ("commune", commune), ("grassroots", grassroots)):
        ratings_report(org, key)  # warm-up
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            report = ratings_report(org, key)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(
            f"{label:10} {org.code:12} members {report['members']['total']:>6} children {len(report['children']):>3}: "
            f"p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  ({runs} runs)"
        )


if __name__ == "__main__":
    main()
