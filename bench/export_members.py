"""Time the member export (`/xuat/dang-vien.xlsx` and `.csv`) over 100,000 rows.

    DATABASE_URL=sqlite:////tmp/export-bench.sqlite3 .venv/bin/python bench/export_members.py [rows]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/export_bench .venv/bin/python bench/export_members.py

Use a scratch database: when it holds fewer members than asked, the script adds a small tree (one
province, 20 communes, 10 cells each) and bulk-creates members into it until there are enough. The
export runs through the real view (as an admin, all columns, the audit row included) and the response
is read to its end. Each format runs twice: once timed (seconds, rows/s), once under tracemalloc for
the peak of Python memory the export allocated (the process's max RSS is printed too).
"""

from __future__ import annotations

import random
import resource
import sys
import time
import tracemalloc
from datetime import date, timedelta

from _django import setup_django

COMMUNES, CELLS = 20, 10
GIVEN = ("An", "Bình", "Châu", "Dũng", "Đức", "Giang", "Hà", "Hùng", "Khoa", "Lan", "Long", "Mai", "Nam", "Phúc", "Yến")
MIDDLE = ("Văn", "Thị", "Minh", "Đức", "Ngọc", "Quang", "Thu")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ")


def ensure_members(wanted: int) -> None:
    from django.db import transaction

    from dangvu.lib.collation import name_sort_key
    from dangvu.lib.text import fold
    from dangvu.members.lifecycle import Status
    from dangvu.members.models import Member
    from dangvu.orgs.kinds import OrgKind, Sector
    from dangvu.orgs.models import Org
    from dangvu.orgs.services import org_create

    have = Member.objects.count()
    if have >= wanted:
        return
    started = time.perf_counter()
    cells = list(Org.objects.filter(code__startswith="B-", kind=OrgKind.GRASSROOTS_CELL))
    if not cells:
        since = date(2000, 1, 1)
        with transaction.atomic():
            province = org_create(
                actor=None,
                code="B",
                name="Đảng bộ tỉnh Thử Tải",
                kind=OrgKind.PROVINCE,
                sector=Sector.OTHER,
                parent=None,
                founded_on=since,
                effective_on=since,
            )
            for c in range(COMMUNES):
                commune = org_create(
                    actor=None,
                    code=f"B-{c:02d}",
                    name=f"Đảng bộ xã Thử {c:02d}",
                    kind=OrgKind.UPPER,
                    sector=Sector.COMMUNE,
                    parent=province,
                    founded_on=since,
                    effective_on=since,
                )
                for k in range(CELLS):
                    cells.append(
                        org_create(
                            actor=None,
                            code=f"B-{c:02d}-{k:02d}",
                            name=f"Chi bộ thôn {k:02d}",
                            kind=OrgKind.GRASSROOTS_CELL,
                            sector=Sector.COMMUNE,
                            parent=commune,
                            founded_on=since,
                            effective_on=since,
                        )
                    )
    rng = random.Random(11)
    batch: list[Member] = []
    names: dict[str, tuple[str, bytes]] = {}
    for index in range(have, wanted):
        full_name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        if full_name not in names:
            names[full_name] = (fold(full_name), name_sort_key(full_name))
        admitted = date(1980, 1, 1) + timedelta(days=rng.randrange(16000))
        batch.append(
            Member(
                full_name=full_name,
                name_search=names[full_name][0],
                name_sort_key=names[full_name][1],
                sex=rng.choice(("male", "female")),
                birth_date=admitted - timedelta(days=rng.randrange(7000, 15000)),
                home_town="Xã Thử, tỉnh Thử Tải",
                citizen_id=f"{index:012d}",
                card_number=f"{index:08d}",
                phone="0912345678",
                address="Thôn Đông",
                status=Status.ACTIVE,
                current_org=cells[index % len(cells)],
                admitted_on=admitted,
                ceremony_on=admitted + timedelta(days=15),
                official_on=admitted + timedelta(days=380),
            )
        )
        if len(batch) == 5000:
            Member.objects.bulk_create(batch)
            batch = []
    Member.objects.bulk_create(batch)
    print(f"added {wanted - have:,} members in {time.perf_counter() - started:.1f} s")


def export(fmt: str) -> int:
    """One export through the view, read to the end; returns the size in bytes."""
    from django.test import RequestFactory

    from dangvu.accounts.models import Role, User
    from dangvu.exchange.export_views import members

    user = User.objects.filter(username="bench-admin").first() or User.objects.create_user(
        username="bench-admin", password=None, role=Role.ADMIN
    )
    request = RequestFactory().get(f"/xuat/dang-vien.{fmt}")
    request.user = user
    response = members(request, fmt)
    size = 0
    for chunk in response.streaming_content:  # type: ignore[union-attr]
        size += len(chunk)
    response.close()
    return size


def main() -> None:
    wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    setup_django()
    from django.db import connection

    ensure_members(wanted)
    from dangvu.members.models import Member

    rows = Member.objects.filter(status__in=("active", "away", "exempt", "suspended")).count()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; {rows:,} members on the roll")
    for fmt in ("xlsx", "csv"):
        started = time.perf_counter()
        size = export(fmt)
        seconds = time.perf_counter() - started
        tracemalloc.start()
        export(fmt)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"{fmt}: {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s; "
            f"{size / 1e6:.1f} MB; peak Python memory {peak / 2**20:.1f} MiB"
        )
    print(f"max RSS of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
