"""Time the import of a 100,000-member .xlsx: dry run, then commit, on the database DATABASE_URL names.

    DATABASE_URL=sqlite:////tmp/import.sqlite3 .venv/bin/python bench/import_members.py [rows]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/import_h .venv/bin/python bench/import_members.py [rows]

Migrates the database, builds a generated tree when it has none of its own (a commune with 40
grassroots committees × 5 cells, codes BENCH-…), writes a plausible member file (names, dates,
12-digit CCCDs as text, card numbers with leading zeros), then times `run_import` (the pipeline the
web job and the command use) as a dry run, a commit, and a re-import (all unchanged). Prints rows/s
and the peak resident memory after each phase (resource.getrusage). Use a scratch database: the
members it adds stay there.
"""

from __future__ import annotations

import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from _django import setup_django

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Minh", "Đức", "Thu", "Ngọc", "Quang", "Thanh", "Hữu", "Kim"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Long", "Mai", "Nam", "Phúc"]
HEADERS = [
    "Số thẻ đảng viên",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Số CCCD",
    "Dân tộc",
    "Tôn giáo",
    "Quê quán",
    "Mã chi bộ",
    "Ngày vào Đảng",
    "Ngày lễ kết nạp",
    "Ngày chính thức",
    "Nghề nghiệp",
    "Điện thoại",
]


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


def write_file(path: Path, rows: int, cells: list[str]) -> None:
    import openpyxl

    rng = random.Random(2026)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Đảng viên")
    sheet.append(["ĐẢNG BỘ XÃ THỬ NGHIỆM"])
    sheet.append(["DANH SÁCH ĐẢNG VIÊN"])
    sheet.append([])
    sheet.append(HEADERS)
    for i in range(rows):
        birth = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 50))
        admitted = birth + timedelta(days=365 * rng.randint(19, 40) + rng.randrange(0, 300))
        admitted = min(admitted, date(2025, 6, 1))
        ceremony = admitted + timedelta(days=rng.randint(5, 30))
        official = date(ceremony.year + 1, ceremony.month, min(ceremony.day, 28))
        sex = rng.choice(["Nam", "Nữ"])
        name = f"{rng.choice(FAMILY)} {'Thị' if sex == 'Nữ' else rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        sheet.append(
            [
                f"9{i:08d}",
                name,
                sex,
                birth.strftime("%d/%m/%Y"),
                f"0{rng.randint(1, 96):02d}{birth.year % 100:02d}{i:07d}"[:12].rjust(12, "0"),
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
        )
    book.save(path)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    setup_django()
    from django.db import connection

    from dangvu.exchange.pipeline import run_import

    cells = build_tree()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dang-vien-100k.xlsx"
        started = time.perf_counter()
        write_file(path, rows, cells)
        print(f"Tệp {rows} dòng: {path.stat().st_size / 1e6:.1f} MB, viết trong {time.perf_counter() - started:.1f} s")
        print(f"Cơ sở dữ liệu: {connection.vendor}; bộ nhớ đỉnh trước khi nhập: {peak_mb():.0f} MB")
        for label, commit in (("Kiểm tra (dry run)", False), ("Ghi (commit)", True), ("Nhập lại (không đổi)", True)):
            started = time.perf_counter()
            report = run_import(kind="members", path=path, commit=commit, job_id=0)
            seconds = time.perf_counter() - started
            print(
                f"{label}: {seconds:.1f} s, {report.rows_done / seconds:,.0f} dòng/s; mới {report.new}, "
                f"đổi {report.changed}, không đổi {report.unchanged}, lỗi {report.errors}, cảnh báo {report.warnings}; "
                f"bộ nhớ đỉnh {peak_mb():.0f} MB"
            )
            if report.errors:
                print("  ", [(p.row, p.column, p.message) for p in report.problems[:5]])


if __name__ == "__main__":
    main()
