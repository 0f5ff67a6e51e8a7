"""Time the member import (`exchange.pipeline.run_import`, what the web job and `dangvu import` run) of an
N-row .xlsx or CSV: dry run, commit, re-import, on the database DATABASE_URL names.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/dv_x .venv/bin/python bench/import_members.py 100000 --format csv
    DATABASE_URL=… .venv/bin/python bench/import_members.py 1000000 --format csv --phases dry,commit --rollback
    DATABASE_URL=… .venv/bin/python bench/import_members.py 200000 --format csv --phases commit --rollback --vacuum
    /usr/bin/time -v … (the process's peak RSS: "Maximum resident set size")

Migrates the database. The members go into the cells of the first commune of a `dangvu synth` dataset, or,
in an empty database, of a generated tree (a commune with 40 grassroots committees × 5 cells, BENCH-…).
Writes the file once to /tmp/dangvu-import-N.FORMAT (`--file` to choose; an existing file is reused), then
prints per phase the rows/s by the wall clock, the CPU seconds of the process (the machine may be shared),
on PostgreSQL running on this machine the CPU seconds of the import's database backend (from /proc), and the
peak resident memory so far (resource.getrusage). `--rollback` rolls each commit back, for shared
datasets; without it the members stay (use a scratch database).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from _django import setup_django

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Minh", "Đức", "Thu", "Ngọc", "Quang", "Thanh", "Hữu", "Kim"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Long", "Mai", "Nam", "Phúc"]
# The import's own headers (`exchange.kinds`) of the columns the file fills.
KEYS = (
    "card_number",
    "full_name",
    "sex",
    "birth_date",
    "citizen_id",
    "ethnicity",
    "religion",
    "home_town",
    "cell_code",
    "admitted_on",
    "ceremony_on",
    "official_on",
    "occupation",
    "phone",
)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_tree() -> list[str]:
    from dangvu.orgs.kinds import OrgKind, Sector
    from dangvu.orgs.models import Org
    from dangvu.orgs.services import org_create

    cells = list(Org.objects.filter(code__startswith="BENCH-", kind=OrgKind.CELL).values_list("code", flat=True))
    if cells:
        return cells
    day = date(2000, 1, 1)
    root = Org.objects.filter(parent__isnull=True).first() or org_create(
        actor=None,
        code="BENCH",
        name="Đảng bộ tỉnh Thử",
        kind=OrgKind.PROVINCE,
        sector=Sector.OTHER,
        parent=None,
        founded_on=day,
        effective_on=day,
    )
    commune = org_create(
        actor=None,
        code="BENCH-X",
        name="Đảng bộ xã Thử nghiệm",
        kind=OrgKind.UPPER,
        sector=Sector.COMMUNE,
        parent=root,
        founded_on=day,
        effective_on=day,
    )
    for g in range(40):
        grassroots = org_create(
            actor=None,
            code=f"BENCH-{g:02d}",
            name=f"Đảng bộ cơ sở số {g}",
            kind=OrgKind.GRASSROOTS_COMMITTEE,
            sector=Sector.PUBLIC_SERVICE,
            parent=commune,
            founded_on=day,
            effective_on=day,
        )
        for c in range(5):
            cell = org_create(
                actor=None,
                code=f"BENCH-{g:02d}-{c}",
                name=f"Chi bộ {c + 1}",
                kind=OrgKind.CELL,
                sector=Sector.PUBLIC_SERVICE,
                parent=grassroots,
                founded_on=day,
                effective_on=day,
            )
            cells.append(cell.code)
    return cells


def member_rows(rows: int, cells: list[str]) -> Iterator[list[object]]:
    """The data rows: plausible members, card numbers of 9 digits and CCCDs of the (unused) province code 099,
    so they never collide with `dangvu synth` data (8-digit cards, real province codes)."""
    rng = random.Random(2026)
    for i in range(rows):
        birth = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 50))
        admitted = birth + timedelta(days=365 * rng.randint(19, 40) + rng.randrange(0, 300))
        admitted = min(admitted, date(2025, 6, 1))
        ceremony = admitted + timedelta(days=rng.randint(5, 30))
        official = date(ceremony.year + 1, ceremony.month, min(ceremony.day, 28))
        sex = rng.choice(["Nam", "Nữ"])
        name = f"{rng.choice(FAMILY)} {'Thị' if sex == 'Nữ' else rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        yield [
            f"9{i:08d}",
            name,
            sex,
            birth.strftime("%d/%m/%Y"),
            f"099{i:09d}",
            "Kinh",
            "Không",
            "Xã Thử nghiệm",
            rng.choice(cells),
            admitted,
            ceremony,
            official if official <= date(2026, 1, 1) else None,
            "Cán bộ",
            f"09{rng.randint(10_000_000, 99_999_999)}",
        ]


def headers() -> list[str]:
    from dangvu.exchange.kinds import KINDS

    by_key = {c.key: c.header for c in KINDS["members"].columns}
    return [by_key[key] for key in KEYS]


def write_file(path: Path, rows: int, cells: list[str]) -> None:
    """An .xlsx (openpyxl, write-only: inline strings, no <dimension>) or, for a path ending in .csv, a UTF-8
    CSV with dates as dd/mm/yyyy; the same rows either way."""
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(headers())
            for row in member_rows(rows, cells):
                writer.writerow(
                    ["" if v is None else v.strftime("%d/%m/%Y") if isinstance(v, date) else v for v in row]
                )
        return
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Đảng viên")
    sheet.append(["ĐẢNG BỘ XÃ THỬ NGHIỆM"])
    sheet.append(["DANH SÁCH ĐẢNG VIÊN"])
    sheet.append([])
    sheet.append(headers())
    for row in member_rows(rows, cells):
        sheet.append(row)
    book.save(path)


def target_cells() -> list[str]:
    """The cells of the first commune of a `dangvu synth` dataset (as bench/run.py picks it), else of a
    generated tree (BENCH-…)."""
    from dangvu.orgs.kinds import CELL_KINDS, OrgKind
    from dangvu.orgs.models import Org

    root = Org.objects.filter(parent__isnull=True).exclude(code="BENCH").order_by("pk").first()
    if root is None:
        return build_tree()
    province = root if root.kind == OrgKind.PROVINCE else Org.objects.filter(parent=root).order_by("code").first()
    assert province is not None
    commune = Org.objects.filter(parent=province, kind=OrgKind.UPPER).order_by("code").first() or province
    return list(
        Org.objects.filter(path__startswith=commune.path, kind__in=CELL_KINDS, dissolved_on__isnull=True)
        .order_by("code")
        .values_list("code", flat=True)
    )


def importer(cell_code: str) -> Any:
    """A provincial officer (role staff) scoped to the province above the cell, as a web import runs: their
    user id goes on every event and audit record the import writes (with no foreign key to check since
    migrations members 0008 and audit 0003: who did it is a log column)."""
    from dangvu.accounts.models import Role, User
    from dangvu.orgs.models import Org
    from dangvu.orgs.paths import area_of

    cell = Org.objects.get(code=cell_code)
    area = area_of(cell.path)
    province = Org.objects.get(pk=area) if area is not None else cell
    user, _ = User.objects.get_or_create(username="bench-importer", defaults={"role": Role.STAFF, "scope": province})
    return user


class _Rollback(Exception):
    pass


def backend_cpu(connection: Any) -> float | None:
    """CPU seconds this connection's PostgreSQL backend has used so far: the server's own share of the work,
    read from /proc when the server runs on this machine (None otherwise)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def vacuum(connection: Any) -> None:
    from dangvu.audit.models import AuditRecord
    from dangvu.members.models import Member, MemberEvent, Membership

    tables = ", ".join(model._meta.db_table for model in (Member, MemberEvent, Membership, AuditRecord))
    with connection.cursor() as cursor:  # autocommit: VACUUM cannot run in a transaction
        cursor.execute(f"VACUUM ANALYZE {tables}, tallies_tallydirty")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rows", type=int, nargs="?", default=100_000)
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    parser.add_argument("--phases", default="dry,commit,reimport", help="comma-separated: dry, commit, reimport")
    parser.add_argument("--rollback", action="store_true", help="roll every commit back (shared datasets)")
    parser.add_argument("--file", default="", help="the file to import (written first when it does not exist)")
    parser.add_argument(
        "--vacuum",
        action="store_true",
        help="PostgreSQL: VACUUM ANALYZE the tables an import writes before each phase (a rolled-back commit"
        " leaves dead rows and index entries that slow the next one's unique checks)",
    )
    parser.add_argument(
        "--system",
        dest="as_user",
        action="store_false",
        help="import as the system (no user) instead of a provincial officer (role staff, scope the province of"
        " the target cells, created inside each phase's transaction), as the web import runs",
    )
    args = parser.parse_args()
    setup_django()
    from django.db import connection, transaction

    from dangvu.exchange.pipeline import run_import

    path = Path(args.file or f"/tmp/dangvu-import-{args.rows}.{args.format}")
    cells = target_cells()
    if not path.exists():
        started = time.perf_counter()
        write_file(path, args.rows, cells)
        print(f"Tệp {path}: {path.stat().st_size / 1e6:.1f} MB, viết trong {time.perf_counter() - started:.1f} s")
    load = os.getloadavg()
    print(
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {connection.vendor} {connection.settings_dict['NAME']};"
        f" tệp {path.name}; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} CPUs;"
        f" bộ nhớ đỉnh trước khi nhập: {peak_mb():.0f} MB"
    )
    # Time the bulk writes (COPY / bulk_create, database triggers included) per table.
    import dangvu.exchange.pipeline as pipeline

    insert = pipeline.bulk_insert
    writes: dict[str, list[float]] = {}

    def timed_insert(model: Any, rows: Any) -> list[int]:
        started = time.perf_counter()
        ids = insert(model, rows)
        spent = writes.setdefault(model._meta.db_table, [0.0, 0])
        spent[0] += time.perf_counter() - started
        spent[1] += len(rows)
        return ids

    copy = pipeline.copy_rows

    def timed_copy(table: Any, rows: Any) -> None:
        started = time.perf_counter()
        copy(table, rows)
        spent = writes.setdefault(table.table, [0.0, 0])
        spent[0] += time.perf_counter() - started
        spent[1] += len(rows)

    pipeline.bulk_insert = timed_insert
    pipeline.copy_rows = timed_copy
    labels = {"dry": ("dry run", False), "commit": ("commit", True), "reimport": ("re-import (unchanged)", True)}
    for phase in filter(None, args.phases.split(",")):
        label, commit = labels[phase]
        if args.vacuum and connection.vendor == "postgresql":
            vacuum(connection)
        server_cpu = backend_cpu(connection)
        cpu = time.process_time()
        started = time.perf_counter()
        try:
            with transaction.atomic():
                user = importer(cells[0]) if args.as_user else None
                report = run_import(kind="members", path=path, commit=commit, user=user, job_id=0)
                if args.rollback:
                    # The foreign keys are DEFERRABLE INITIALLY DEFERRED (Django's default): PostgreSQL checks
                    # them at COMMIT. Check them now, inside the timing, before the roll-back discards them.
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    seconds = time.perf_counter() - started
                    server_after = backend_cpu(connection)
                    raise _Rollback
        except _Rollback:
            pass
        else:
            seconds = time.perf_counter() - started  # the COMMIT (and its checks) included
            server_after = backend_cpu(connection)
        cpu = time.process_time() - cpu
        print(
            f"{label}: {report.rows_done:,} rows in {seconds:.1f} s = {report.rows_done / seconds:,.0f} rows/s;"
            f" CPU {cpu:.1f} s ({report.rows_done / cpu:,.0f} rows per CPU second); new {report.new:,},"
            f" changed {report.changed:,}, unchanged {report.unchanged:,}, errors {report.errors},"
            f" warnings {report.warnings:,}; peak RSS so far {peak_mb():.0f} MB"
        )
        if server_cpu is not None and server_after is not None:
            server = server_after - server_cpu
            print(
                f"   CPU per row: Python {cpu / report.rows_done * 1e6:.0f} µs, PostgreSQL (this connection's"
                f" backend) {server / report.rows_done * 1e6:.0f} µs ({server:.1f} s)"
            )
        if writes:
            print("   bulk writes: " + "; ".join(f"{table} {n:,} rows {t:.1f} s" for table, (t, n) in writes.items()))
            writes.clear()
        if report.errors or report.file_error:
            print("  ", report.file_error, [(p.row, p.column, p.message) for p in report.problems[:5]])


if __name__ == "__main__":
    main()
