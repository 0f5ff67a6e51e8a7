"""Time the fee figures over a whole demo province (every member with a profile and ten months paid).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/fees_bench .venv/bin/python bench/fees_book.py

Use a scratch database: it runs `dangvu demo` first when it holds no members. The fees of the whole
province (the demo itself fills only the demo commune) are written inside a transaction that is rolled
back at the end. Timed, each as the best of three: the province's yearly summary (`org_year`), the book
of the largest cell (`cell_book`), the members with three unpaid months (`fee_defaulters`, the work-list
item) and one member's history.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

from _django import setup_django

TODAY = date(2026, 11, 23)


def best_of(label: str, run: Callable[[], object], times: int = 3) -> None:
    best = float("inf")
    for _ in range(times):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    print(f"{label:<48} {best:7.3f} s")


def main() -> None:
    setup_django()
    from collections import Counter
    from io import StringIO

    from django.core.management import call_command
    from django.db import transaction

    from dangvu.demo.fees import fees_demo
    from dangvu.fees.queries import cell_book, fee_defaulters, member_fee_history, org_year
    from dangvu.members.models import Member
    from dangvu.orgs.models import Org

    if not Member.objects.exists():
        call_command("demo", today=TODAY, no_ratings=True, stdout=StringIO())
    province = Org.objects.get(depth=0)
    biggest = Counter(Member.objects.exclude(current_org=None).values_list("current_org_id", flat=True))
    cell = Org.objects.get(pk=biggest.most_common(1)[0][0])
    with transaction.atomic():
        started = time.perf_counter()
        summary = fees_demo(scope=province, focus=cell, today=TODAY)
        print(f"fees of the province: {summary.profiles} profiles, {summary.payments} payments written in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        best_of(f"org_year(province), {Org.objects.cells().count()} cells", lambda: org_year(province, 2026, TODAY))
        best_of(
            f"cell_book(largest cell, {biggest.most_common(1)[0][1]} members)", lambda: cell_book(cell, 2026, TODAY)
        )
        roll = Member.objects.filter(current_org__path__startswith=province.path)
        best_of("fee_defaulters(province)", lambda: fee_defaulters(roll, 2026, TODAY))
        member = Member.objects.filter(current_org=cell).first()
        assert member is not None
        best_of("member_fee_history(one member)", lambda: member_fee_history(member, today=TODAY))
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
