"""`dangvu report ratings --org CODE --year YYYY [--quarter N] --format json|csv|xlsx|text|docx [--output FILE]`.

json: the report dict (README, "Báo cáo xếp loại"); docx: the Word report (HD 36-HD/VPTW layout,
`--number`, `--place`); csv: one row per organisation (the organisation and
its direct children), a column per block and level; xlsx: the same with Vietnamese headers and more
sheets; text: the published paragraph. Errors are in Vietnamese with a non-zero exit status.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.evaluations.periods import YEAR, PeriodKey
from dangvu.orgs.models import Org
from dangvu.reports.export import report_csv, report_xlsx
from dangvu.reports.paragraph import rating_paragraph
from dangvu.reports.report import ratings_report

FORMATS = ("json", "csv", "xlsx", "text", "docx")
ERR_ORG = "Không có tổ chức đảng mã “{code}”."
ERR_QUARTER = "Quý phải từ 1 đến 4 (bỏ --quarter để lấy cả năm)."
ERR_XLSX_OUTPUT = "Định dạng {fmt} cần --output TÊN_TỆP.{fmt}."
ERR_WRITE = "Không ghi được tệp {path}: {error}"


class Command(BaseCommand):
    help = "Báo cáo, thống kê. `report ratings`: kết quả đánh giá, xếp loại của một tổ chức trong một kỳ."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="report", required=True, title="báo cáo")
        ratings = sub.add_parser("ratings", help="Kết quả đánh giá, xếp loại chất lượng (TCCS, chi bộ, đảng viên)")
        ratings.add_argument("--org", required=True, help="mã tổ chức đảng")
        ratings.add_argument("--year", required=True, type=int, help="năm")
        ratings.add_argument("--quarter", type=int, default=YEAR, help="quý 1–4 (mặc định: cả năm)")
        ratings.add_argument("--format", choices=FORMATS, default="json", help="json | csv | xlsx | text | docx")
        ratings.add_argument("--number", default="", help="docx: số văn bản (để trống: điền tay)")
        ratings.add_argument("--place", default="", help="docx: địa danh ở dòng ngày tháng")
        ratings.add_argument("--output", help="ghi ra tệp thay vì màn hình")

    def handle(self, *args: Any, **options: Any) -> None:
        org = Org.objects.filter(code=options["org"]).first()
        if org is None:
            raise CommandError(ERR_ORG.format(code=options["org"]))
        if not 0 <= options["quarter"] <= 4:
            raise CommandError(ERR_QUARTER)
        fmt, output = options["format"], options.get("output")
        if fmt in ("xlsx", "docx") and not output:
            raise CommandError(ERR_XLSX_OUTPUT.format(fmt=fmt))
        report_key = PeriodKey(options["year"], options["quarter"])
        try:
            report = ratings_report(org, report_key)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        content: str | bytes
        if fmt == "json":
            content = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
        elif fmt == "csv":
            content = report_csv(report)
        elif fmt == "xlsx":
            content = report_xlsx(report)
        elif fmt == "docx":
            from django.utils import timezone

            from dangvu.reports.docx_report import render_docx, report_context

            context = report_context(
                org, report_key, number=options["number"], place=options["place"], today=timezone.localdate()
            )
            content = render_docx(context)
        else:
            content = rating_paragraph(report) + "\n"
        if output:
            path = Path(output)
            try:
                if isinstance(content, bytes):
                    path.write_bytes(content)
                else:
                    path.write_text(content, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
            except OSError as error:
                raise CommandError(ERR_WRITE.format(path=path, error=error.strerror)) from error
            self.stderr.write(f"Đã ghi {path}")
        else:
            assert isinstance(content, str)
            self.stdout.write(content, ending="")
