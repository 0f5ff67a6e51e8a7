"""`dangvu import FILE --kind orgs|members|events|ratings [--dry-run] [--user USERNAME]`

The same pipeline as the web pages. Without --dry-run the file is checked and written in one
transaction (nothing is written if any row has an error). Progress goes to stderr, the counts and every
problem to stdout. Exit status: 0 when the file was accepted, 1 when it was rejected.
Without --user the import runs as the system (no scope limit; audit rows say "hệ thống").
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.accounts.models import User
from dangvu.exchange.jobs import _store_report, store_path
from dangvu.exchange.models import Kind
from dangvu.exchange.pipeline import run_import

ERR_NO_FILE = "Không có tệp {path}."
ERR_NO_USER = "Không có người dùng “{name}”."


class Command(BaseCommand):
    help = "Nhập tổ chức, đảng viên, sự kiện hoặc xếp loại từ tệp .xlsx, .xls, .csv."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", required=True, choices=[k.value for k in Kind])
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi gì.")
        parser.add_argument("--user", help="Nhập với quyền và phạm vi của người dùng này.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(ERR_NO_FILE.format(path=path))
        user = None
        if options["user"]:
            user = User.objects.select_related("scope").filter(username=options["user"]).first()
            if user is None:
                raise CommandError(ERR_NO_USER.format(name=options["user"]))
        commit = not options["dry_run"]
        job = store_path(path, kind=options["kind"], user=user)
        last = [-1]
        err: TextIO = getattr(self.stderr, "_out", sys.stderr)

        def progress(done: int, total: int | None) -> None:
            percent = int(100 * done / total) if total else -1
            if percent == last[0] and total:
                return
            last[0] = percent
            text = f"{done}/{total} dòng ({percent}%)" if total else f"{done} dòng"
            err.write(f"\r{'Ghi' if commit else 'Kiểm tra'}: {text}")
            err.flush()

        started = time.perf_counter()
        report = run_import(
            kind=options["kind"],
            path=path,
            filename=path.name,
            user=user,
            commit=commit,
            job_id=job.pk,
            progress=progress,
        )
        seconds = time.perf_counter() - started
        err.write("\n")
        _store_report(job, report, commit=commit, seconds=seconds)
        out = self.stdout
        if report.file_error:
            out.write(f"Tệp bị từ chối: {report.file_error}")
        out.write(
            f"Lần nhập #{job.pk}: {report.rows_done} dòng trong {seconds:.1f} giây — thêm mới {report.new}, "
            f"thay đổi {report.changed}, không đổi {report.unchanged}, bị từ chối {report.rejected}; "
            f"{report.errors} lỗi, {report.warnings} cảnh báo."
        )
        for problem in report.problems:
            level = "LỖI" if problem.level == "error" else "Cảnh báo"
            out.write(f"{level} dòng {problem.row}, cột “{problem.column or '—'}”: {problem.message}")
        if report.problems_more:
            out.write(f"… và {report.problems_more} lỗi, cảnh báo khác.")
        if not report.ok:
            out.write("KHÔNG GHI: tệp có lỗi, chưa ghi dòng nào.")
            sys.exit(1)
        out.write("Đã ghi vào cơ sở dữ liệu." if commit else "Kiểm tra xong, không có lỗi (chưa ghi: --dry-run).")
