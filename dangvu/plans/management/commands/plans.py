"""`dangvu plans targets|inspections|registrations --org CODE --year YYYY --format json|csv|xlsx|text`
(inspections also docx).

The same figures as the pages (`progress.py`); csv and xlsx go to stdout (xlsx as bytes) or `--output`."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dangvu.exchange.exports import Column, Kind, Table, csv_lines, xlsx_file
from dangvu.orgs.models import Org
from dangvu.plans.rows import inspection_rows, registration_rows, target_rows
from dangvu.plans.word import inspection_docx_filename, inspection_word_context, render_inspection_docx

FORMATS = ("json", "csv", "xlsx", "text", "docx")


def _vn(value: float | None, goal: str) -> str:
    """12.5 → "12,5%" (a count target: "12")."""
    if value is None:
        return "—"
    if goal.endswith("%"):
        return f"{value:.1f}".replace(".", ",") + "%"
    return f"{int(value):,}".replace(",", ".")


def _getter(key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: row.get(key)


def _kind(rows: list[dict[str, Any]], key: str) -> Kind:
    values = [r.get(key) for r in rows if r.get(key) is not None]
    if values and all(isinstance(v, int) for v in values):
        return Kind.INT
    if values and all(isinstance(v, (int, float)) for v in values):
        return Kind.DECIMAL
    return Kind.TEXT


class Command(BaseCommand):
    help = "Chỉ tiêu và tiến độ kiểm tra, giám sát của một cấp ủy trong một năm."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=("targets", "inspections", "registrations"))
        parser.add_argument("--org", required=True, help="mã tổ chức")
        parser.add_argument("--year", type=int, default=None)
        parser.add_argument("--format", choices=FORMATS, default="text")
        parser.add_argument("--output", default="", help="tệp kết quả (mặc định: stdout)")

    def _docx(self, org: Org, year: int, what: str, output: str) -> None:
        if what != "inspections":
            raise CommandError("Định dạng docx chỉ có với kế hoạch kiểm tra, giám sát (inspections).")
        context = inspection_word_context(org, year, today=timezone.localdate())
        target = output or inspection_docx_filename(context)
        with open(target, "wb") as out:
            out.write(render_inspection_docx(context))
        self.stdout.write(f"Đã ghi {target}")

    def handle(self, *args: Any, **options: Any) -> None:
        org = Org.objects.filter(code=options["org"]).first()
        if org is None:
            raise CommandError(f"Không có tổ chức mã {options['org']}.")
        year = options["year"] or timezone.localdate().year
        what = options["what"]
        if options["format"] == "docx":
            self._docx(org, year, what, options["output"])
            return
        rows = {"targets": target_rows, "inspections": inspection_rows, "registrations": registration_rows}[what](
            org, year
        )
        fmt = options["format"]
        if fmt == "json":
            self.stdout.write(json.dumps({"org": org.code, "year": year, what: rows}, ensure_ascii=False, indent=2))
            return
        if fmt == "text":
            for row in rows:
                if what == "targets":
                    self.stdout.write(
                        f"{row['target']} {row['goal']} — {row['org']}: {row['numerator']}/{row['denominator']}"
                        f" ({_vn(row['actual'], row['goal'])}) {row['status_label']}"
                    )
                elif what == "registrations":
                    who = row["member"] or row["org"]
                    result = f" — {row['assessment_label']}" if row["assessment"] else ""
                    self.stdout.write(f"{row['kind_label']}: {who} — {row['text']}{result}")
                else:
                    self.stdout.write(f"Quý {row['quarter']}: {row['sentence']}")
            return
        keys = list(rows[0]) if rows else ["empty"]
        table = Table(
            name=f"{what}-{org.code}-{year}",
            title=what,
            columns=[Column(k, _getter(k), _kind(rows, k)) for k in keys],
            rows=rows,
        )
        data = b"".join(csv_lines(table)) if fmt == "csv" else xlsx_file(table).read()
        if options["output"]:
            with open(options["output"], "wb") as out:
                out.write(data)
        elif fmt == "csv":
            self.stdout.write(data.decode("utf-8-sig"), ending="")
        else:
            sys.stdout.buffer.write(data)
