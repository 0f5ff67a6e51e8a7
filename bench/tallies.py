"""What keeping the report's counts costs (`dangvu.tallies`), on a dataset loaded by `dangvu synth`:

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/dv_bench .venv/bin/python bench/tallies.py [runs]

Prints, each timed `runs` times (median / max, ms):
- rebuild of one period from scratch (the latest rated year; once);
- the write and the `sync` that follows it, for: one member rating changed; one member transferred to
  another cell (an event: memberships rewritten); 1,000 member ratings changed in one UPDATE; a commune
  moved under another province (its subtree's roll-ups moved, paths rewritten);
- the province's report right after.
Every change is made inside a transaction rolled back afterwards: the dataset stays as it was.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from _django import setup_django


class Rollback(Exception):
    pass


def main() -> None:
    setup_django()
    from django.db import connection, transaction

    from dangvu.evaluations.models import MemberRating
    from dangvu.evaluations.periods import PeriodKey
    from dangvu.members.lifecycle import EventKind, Status
    from dangvu.members.models import Member
    from dangvu.members.services import event_add
    from dangvu.orgs.kinds import OrgKind
    from dangvu.orgs.models import Org
    from dangvu.orgs.services import org_move
    from dangvu.reports.report import ratings_report
    from dangvu.tallies.build import build_period, sync
    from dangvu.tallies.models import TallyPeriod

    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    sync()
    year = (
        TallyPeriod.objects.filter(quarter=0).exclude(year__gte=2026).order_by("-year").values_list("year", flat=True)
    )
    key = PeriodKey(year.first() or 2025)
    provinces = list(Org.objects.filter(depth=1).order_by("path")[:2])
    province = provinces[0]
    members = Member.objects.filter(status=Status.ACTIVE, current_org__path__startswith=province.path)
    print(
        f"{connection.vendor} {connection.settings_dict['NAME']}: {Member.objects.count():,} members, "
        f"period {key.label()}"
    )

    def in_rollback(change: Callable[[], Any]) -> tuple[float, float, float]:
        """ms of the change, of the sync, of the province report after."""
        times = [0.0, 0.0, 0.0]
        try:
            with transaction.atomic():
                started = time.perf_counter()
                change()
                times[0] = (time.perf_counter() - started) * 1000
                started = time.perf_counter()
                sync()
                times[1] = (time.perf_counter() - started) * 1000
                started = time.perf_counter()
                ratings_report(province, key)
                times[2] = (time.perf_counter() - started) * 1000
                raise Rollback
        except Rollback:
            pass
        return times[0], times[1], times[2]

    def one_rating() -> None:
        rating = MemberRating.objects.filter(year=key.year, quarter=0, org__path__startswith=province.path).first()
        assert rating is not None
        rating.level = "HTNV" if rating.level != "HTNV" else "HTTNV"
        rating.save()

    def transfer() -> None:
        member = members.order_by("pk").first()
        assert member is not None
        cell = Org.objects.filter(kind=OrgKind.CELL, path__startswith=province.path).exclude(members=member)
        event_add(
            actor=None, member=member, values={"kind": EventKind.TRANSFER_OUT, "on": key.end, "org": cell.first()}
        )

    def thousand_ratings() -> None:
        ids = list(
            MemberRating.objects.filter(year=key.year, quarter=0, org__path__startswith=province.path).values_list(
                "pk", flat=True
            )[:1000]
        )
        MemberRating.objects.filter(pk__in=ids).update(exemplary=True)

    def move_commune() -> None:
        commune = Org.objects.filter(parent=province).order_by("path").first()
        assert commune is not None and len(provinces) > 1
        org_move(actor=None, org=commune, new_parent=provinces[1])

    print(f"{'what':44} {'write ms':>10} {'sync ms':>10} {'report ms':>10}   (median of {runs}; max)")
    for name, change in (
        ("one member rating changed", one_rating),
        ("one member transferred (event)", transfer),
        ("1,000 member ratings in one UPDATE", thousand_ratings),
        ("a commune moved to another province (today)", move_commune),
    ):
        if name.startswith("a commune") and len(provinces) < 2:
            continue
        results = [in_rollback(change) for _ in range(runs)]
        cols = [[r[i] for r in results] for i in range(3)]
        print(
            f"{name:44} "
            + " ".join(f"{statistics.median(c):>10,.0f}" for c in cols)
            + "   (max "
            + " / ".join(f"{max(c):,.0f}" for c in cols)
            + ")"
        )
    started = time.perf_counter()
    try:
        with transaction.atomic():
            build_period(key)
            raise Rollback
    except Rollback:
        pass
    print(f"rebuild of {key.label()} from scratch: {time.perf_counter() - started:,.1f} s")


if __name__ == "__main__":
    main()
