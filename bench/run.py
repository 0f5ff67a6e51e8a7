"""Run every benchmark on the database DATABASE_URL names and print one table: name, median, p95, runs,
the naive-SQL baseline run side by side in the same process, and the ratio to it.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/dv_bench .venv/bin/python bench/run.py [--synth 200000]
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/run.py --synth 200000 --runs 20

Migrates the database; with `--synth N` and no organisation in it, first loads the national-shaped
dataset (`dangvu synth --members N`). Benchmarks (each after one warm-up run):

- `report …`: `ratings_report` of the latest rated year as JSON (what `dangvu report ratings` prints)
  for a grassroots organisation, a commune, a province and the national root; the baseline is one
  straightforward join and GROUP BY over the ratings of the node's subtree (`dangvu.synth.baseline`),
  timed in the same loop, alternately.
- `search …`: `members.queries.member_search` as the member list runs it (count + first page of 50,
  Vietnamese name order), accent-free words, for a staff account scoped to a province.
- `list page`: the member list page (`/dang-vien/?org=<commune>`) through the Django test client,
  50 rows in Vietnamese name order within a commune.
- `import`: `exchange.pipeline.run_import` of an .xlsx and of a CSV of `--import-rows` rows written by
  `bench/import_members.py` into the cells of one commune, dry run and commit (rolled back after, so
  the dataset stays as it was); reported in rows per second. For big files and peak memory use
  `bench/import_members.py` itself.

The targets column repeats the issue's targets (p95); "ok" or "MISS" compares the measured p95.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _django import setup_django


@dataclass
class Result:
    name: str
    size: str
    times: list[float]
    baseline: list[float] | None = None
    target_ms: float | None = None
    rate: str = ""

    @staticmethod
    def p95(times: list[float]) -> float:
        ordered = sorted(times)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timed(
    fn: Callable[[], Any], runs: int, baseline: Callable[[], Any] | None = None
) -> tuple[list[float], list[float]]:
    """Milliseconds of `runs` calls of fn (and of baseline, interleaved), after one warm-up of each."""
    fn()
    if baseline is not None:
        baseline()
    times: list[float] = []
    base: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
        if baseline is not None:
            started = time.perf_counter()
            baseline()
            base.append((time.perf_counter() - started) * 1000)
    return times, base


def print_table(results: list[Result]) -> None:
    header = (
        f"{'benchmark':34} {'size':>22} {'median ms':>10} {'p95 ms':>9} {'runs':>5} {'naive ms':>9} {'ratio':>6}"
        f" {'target p95':>10}  {'':4} {'rate'}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        naive = f"{statistics.median(r.baseline):9.1f}" if r.baseline else f"{'—':>9}"
        ratio = f"{statistics.median(r.times) / statistics.median(r.baseline):6.2f}" if r.baseline else f"{'—':>6}"
        p95 = Result.p95(r.times)
        target = f"{r.target_ms:10.0f}" if r.target_ms else f"{'—':>10}"
        verdict = ("ok" if p95 <= r.target_ms else "MISS") if r.target_ms else ""
        print(
            f"{r.name:34} {r.size:>22} {statistics.median(r.times):10.1f} {p95:9.1f} {len(r.times):5d} {naive} {ratio}"
            f" {target}  {verdict:4} {r.rate}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--synth", type=int, default=0, help="load N synthetic members first when the database is empty"
    )
    parser.add_argument("--runs", type=int, default=20, help="timed runs per benchmark (national report: a quarter)")
    parser.add_argument("--import-rows", type=int, default=2_000, help="rows of the import file (0: no import)")
    parser.add_argument("--only", default="", help="run only the benchmarks whose name contains this text")
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from dangvu.orgs.models import Org

    if args.synth and not Org.objects.exists():
        from dangvu.synth.load import synth_load

        summary = synth_load(members=args.synth)
        print(
            f"synth {args.synth:,} members: {summary.total_rows:,} rows in {summary.seconds:.1f} s "
            f"({summary.total_rows / summary.seconds:,.0f} rows/s)"
        )
    results = run_all(args.runs, args.import_rows, args.only)
    from dangvu.members.models import Member

    print(
        f"\n{connection.vendor} {connection.settings_dict['NAME']}: {Member.objects.count():,} members; "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} CPUs"
    )
    print_table(results)


def run_all(runs: int, import_rows: int, only: str) -> list[Result]:
    from dangvu.evaluations.models import MemberRating
    from dangvu.evaluations.periods import PeriodKey
    from dangvu.members.models import Member
    from dangvu.orgs.kinds import OrgKind
    from dangvu.orgs.models import Org
    from dangvu.reports.report import ratings_report
    from dangvu.synth.baseline import naive_rating_counts

    results: list[Result] = []
    year = MemberRating.objects.filter(quarter=0).order_by("-year").values_list("year", flat=True).first()
    root = Org.objects.filter(parent__isnull=True).order_by("pk").first()
    if root is None or year is None:
        sys.exit("Cơ sở dữ liệu chưa có dữ liệu xếp loại: chạy với --synth N hoặc `dangvu synth` trước.")
    province = root if root.kind == OrgKind.PROVINCE else Org.objects.filter(parent=root).order_by("code").first()
    assert province is not None
    commune = Org.objects.filter(parent=province, kind=OrgKind.UPPER).order_by("code").first() or province
    grassroots = (
        Org.objects.filter(path__startswith=commune.path, kind=OrgKind.GRASSROOTS_COMMITTEE).order_by("code").first()
        or commune
    )
    key = PeriodKey(year)

    def size(org: Org) -> str:
        n = Member.objects.in_subtree(org.path).count() if org != root else Member.objects.count()
        return f"{org.code} {n:,} m."

    def wanted(name: str) -> bool:
        return not only or only in name

    nodes = [("grassroots", grassroots, 100), ("commune", commune, 100), ("province", province, 300)]
    if root != province:
        nodes.append(("national", root, 1000))
    for label, org, target in nodes:
        name = f"report {label} {year}"
        if not wanted(name):
            continue
        n_runs = max(3, runs // 4) if label == "national" else runs

        def report(org: Org = org) -> str:
            return json.dumps(ratings_report(org, key), ensure_ascii=False)

        def naive(org: Org = org) -> Any:
            return naive_rating_counts(org, year)

        times, base = timed(report, n_runs, naive)
        results.append(Result(name, size(org), times, base, target))
        print(f"… {name}", file=sys.stderr)

    # Member search and the list page, as a staff account of the province sees them; the account (and the
    # list page's session) is rolled back afterwards, so the dataset stays as it was.
    from django.db import transaction

    try:
        with transaction.atomic():
            results.extend(search_bench(province, commune, runs, wanted, size))
            raise _Rollback
    except _Rollback:
        pass

    if import_rows and wanted("import"):
        results.extend(import_bench(commune, import_rows))
    return results


def search_bench(
    province: Any, commune: Any, runs: int, wanted: Callable[[str], bool], size: Callable[[Any], str]
) -> list[Result]:
    """Member search (count + first page) for a staff account scoped to the province; the commune's list."""
    from django.db.models import Count
    from django.db.models.functions import Length
    from django.test import Client

    from dangvu.accounts.models import Role, User
    from dangvu.members.models import Member
    from dangvu.members.queries import PAGE_SIZE, MemberSearch, member_search

    results: list[Result] = []

    user = User.objects.filter(username="bench-staff").first()
    if user is None:
        user = User.objects.create_user(username="bench-staff", password=None, role=Role.STAFF, scope=province)
    elif user.scope_id != province.pk:
        user.scope = province
        user.save(update_fields=["scope"])
    common = (
        Member.objects.in_subtree(province.path)
        .values("name_search")
        .annotate(n=Count("pk"), length=Length("name_search"))
        .order_by("-n", "name_search")
        .first()
    )
    family_given = common["name_search"].split(" ") if common else ["nguyen", "an"]
    queries = {
        "search full name": common["name_search"] if common else "nguyen van an",
        "search family+given": f"{family_given[0]} {family_given[-1]}",
        "search one rare word": "thuy",
    }
    from django.core.paginator import Paginator

    for label, text in queries.items():
        name = f"{label} (province)"
        if not wanted(name):
            continue

        def search(text: str = text) -> int:
            page = Paginator(member_search(user, MemberSearch(q=text, org=province.pk), org=province), PAGE_SIZE)
            first = page.get_page(1)
            list(first.object_list)
            return page.count

        found = search()
        times, _ = timed(search, runs)
        results.append(Result(name, f"“{text}” → {found:,}", times, None, 100))
        print(f"… {name}", file=sys.stderr)

    if wanted("list page (commune)"):
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        url = f"/dang-vien/?org={commune.pk}"

        def page() -> None:
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        times, _ = timed(page, runs)
        results.append(Result("list page (commune, HTTP)", size(commune), times, None, 100))

        def list_query() -> None:
            members = member_search(user, MemberSearch(org=commune.pk), org=commune)
            paginated = Paginator(members, PAGE_SIZE).get_page(1)
            list(paginated.object_list)

        times, _ = timed(list_query, runs)
        results.append(Result("list query (commune)", size(commune), times, None, 100))
        print("… list page", file=sys.stderr)

    return results


class _Rollback(Exception):
    pass


def import_bench(commune: Any, rows: int) -> list[Result]:
    """`run_import` of a generated file into the commune's cells: dry run, then commit (rolled back)."""
    from django.db import transaction

    from dangvu.exchange.pipeline import run_import
    from dangvu.orgs.kinds import CELL_KINDS
    from dangvu.orgs.models import Org

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from import_members import write_file

    cells = list(
        Org.objects.filter(path__startswith=commune.path, kind__in=CELL_KINDS, dissolved_on__isnull=True)
        .order_by("code")
        .values_list("code", flat=True)
    )
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in ("xlsx", "csv"):
            path = Path(tmp) / f"dang-vien.{suffix}"
            write_file(path, rows, cells)
            for label, commit in ((f"import dry run {suffix}", False), (f"import commit {suffix}", True)):
                started = time.perf_counter()
                try:
                    with transaction.atomic():
                        report = run_import(kind="members", path=path, commit=commit, job_id=0)
                        seconds = time.perf_counter() - started
                        raise _Rollback
                except _Rollback:
                    pass
                assert report.errors == 0 and report.rows_done == rows, (report.errors, report.file_error)
                results.append(
                    Result(
                        f"{label} ({rows:,} rows)",
                        f"{report.new:,} new",
                        [seconds * 1000],
                        rate=f"{rows / seconds:,.0f} rows/s (target ≥ 20,000)",
                    )
                )
                print(f"… {label}", file=sys.stderr)
    return results


if __name__ == "__main__":
    main()
