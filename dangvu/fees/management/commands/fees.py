"""`dangvu fees …`: the fee book from the command line.

- `dangvu fees book --cell CODE [--year YYYY] [--format json|csv|xlsx|text] [--output FILE]`: a cell's
  book (personal data: each export writes an audit row).
- `dangvu fees summary --org CODE [--year YYYY] [--format json|csv|xlsx|text] [--output FILE]`: the
  yearly summary of an organisation's subtree, one line per cell.
- `dangvu fees settings [--set KEY=VALUE]`: the settings of the UNCONFIRMED rules (changes audited).

xlsx goes to `--output` (default `dang-phi-<CODE>-<YYYY>.xlsx`); the other formats to stdout.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dangvu.audit.models import Action
from dangvu.audit.services import audit_record
from dangvu.exchange.exports import csv_lines, table_to_command
from dangvu.fees import rules
from dangvu.fees.exports import book_context, book_table, summary_table, write_book_xlsx
from dangvu.fees.models import FeeSetting
from dangvu.fees.queries import cell_book, org_year
from dangvu.fees.services import setting_set
from dangvu.orgs.kinds import CELL_KINDS
from dangvu.orgs.models import Org

ERR_NO_ORG = "Không có tổ chức mã “{code}”."
ERR_NOT_CELL = "“{code}” không phải là chi bộ."
ERR_SET = "--set cần dạng KHÓA=GIÁ_TRỊ."
FORMATS = ["json", "csv", "xlsx", "text"]


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class Command(BaseCommand):
    help = "Đảng phí: book --cell MÃ | summary --org MÃ (--year NĂM --format json|csv|xlsx|text) | settings."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        book = sub.add_parser("book")
        book.add_argument("--cell", required=True)
        summary = sub.add_parser("summary")
        summary.add_argument("--org", required=True)
        for p in (book, summary):
            p.add_argument("--year", type=int, default=timezone.localdate().year)
            p.add_argument("--format", choices=FORMATS, default="text")
            p.add_argument("--output", default="")
        settings = sub.add_parser("settings")
        settings.add_argument("--set", dest="assign", default="")

    def _org(self, code: str) -> Org:
        org = Org.objects.filter(code=code).first()
        if org is None:
            raise CommandError(ERR_NO_ORG.format(code=code))
        return org

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "settings":
            self._settings(options["assign"])
        elif action == "book":
            self._book(options)
        else:
            self._summary(options)

    def _settings(self, assign: str) -> None:
        if assign:
            key, sep, raw = assign.partition("=")
            if not sep:
                raise CommandError(ERR_SET)
            try:
                setting_set(actor=None, key=key.strip(), raw=raw)
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from None
        stored = dict(FeeSetting.objects.values_list("key", "value"))
        for spec in rules.SETTINGS:
            mark = "  [chưa xác nhận]" if spec.unconfirmed else ""
            self.stdout.write(f"{spec.key:<26} {stored.get(spec.key, spec.default)!s:<12} {spec.label}{mark}")

    def _book(self, options: dict[str, Any]) -> None:
        cell = self._org(options["cell"])
        if cell.kind not in CELL_KINDS:
            raise CommandError(ERR_NOT_CELL.format(code=cell.code))
        year, fmt = options["year"], options["format"]
        book = cell_book(cell, year)
        if fmt != "text":
            audit_record(
                actor=None,
                action=Action.EXPORT,
                target=cell,
                changes={"list": "Sổ đảng phí", "format": fmt, "year": year, "rows": len(book.rows)},
                note=f"Xuất sổ đảng phí {cell.name} năm {year} ({fmt}, dòng lệnh)",
            )
        if fmt == "json":
            data = {
                "cell": cell.code,
                "year": year,
                "collected": book.collected,
                "due": book.due_total,
                "arrears": book.arrears,
                "keep_percent": book.keep_percent,
                "passed_up": book.passed_up,
                "kept": book.kept,
                "month_collected": book.month_collected,
                "month_passed_up": book.month_passed_up,
                "regimes": book.regimes,
                "rows": [
                    {
                        "name": row.member.full_name,
                        "card_number": row.member.card_number,
                        "due": [e.due.amount if e.due else None for e in row.entries],
                        "paid": [e.paid for e in row.entries],
                        "paid_total": row.paid_total,
                        "due_total": row.due_total,
                        "arrears": row.arrears,
                        "unpaid_months": row.unpaid_months,
                    }
                    for row in book.rows
                ],
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        elif fmt == "csv":
            for line in csv_lines(book_table(book)):
                self.stdout.write(line.decode("utf-8"), ending="")
        elif fmt == "xlsx":
            path = options["output"] or f"dang-phi-{cell.code}-{year}.xlsx"
            with open(path, "wb") as out:
                write_book_xlsx(book_context(book), out)
            self.stdout.write(path)
        else:
            self.stdout.write(
                f"{cell.name} — năm {year}: đã thu {_n(book.collected)} đ, phải thu {_n(book.due_total)} đ, "
                f"còn nợ {_n(book.arrears)} đ, nộp cấp trên {_n(book.passed_up)} đ"
            )
            for row in book.rows:
                unpaid = ", ".join(map(str, row.unpaid_months)) or "—"
                self.stdout.write(
                    f"  {row.member.full_name:<30} đã nộp {_n(row.paid_total):>10}  nợ {_n(row.arrears):>10}  "
                    f"chưa nộp: {unpaid}"
                )

    def _summary(self, options: dict[str, Any]) -> None:
        org = self._org(options["org"])
        year, fmt = options["year"], options["format"]
        summary = org_year(org, year)
        if fmt == "json":
            data = {
                "org": org.code,
                "year": year,
                "collected": summary.total("collected"),
                "due": summary.total("due"),
                "arrears": summary.total("arrears"),
                "passed_up": summary.total("passed_up"),
                "kept": summary.total("kept"),
                "cells": [
                    {
                        "code": c.cell.code,
                        "name": c.cell.name,
                        "members": c.members,
                        "month_collected": c.month_collected,
                        "collected": c.collected,
                        "due": c.due,
                        "arrears": c.arrears,
                        "passed_up": c.passed_up,
                        "kept": c.kept,
                        "members_unpaid_3_months": c.at_risk,
                    }
                    for c in summary.cells
                ],
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        table = summary_table(summary)
        if fmt in ("csv", "xlsx"):
            table_to_command(self.stdout, table, fmt, options["output"] or f"dang-phi-{org.code}-{year}.xlsx")
            return
        self.stdout.write(
            f"{org.name} — năm {year}: đã thu {_n(summary.total('collected'))} đ, "
            f"còn nợ {_n(summary.total('arrears'))} đ, nộp cấp trên {_n(summary.total('passed_up'))} đ"
        )
        for c in summary.cells:
            self.stdout.write(
                f"  {c.cell.code:<14} {c.cell.name:<34} {c.members:>4} ĐV  thu {_n(c.collected):>12}  "
                f"nợ {_n(c.arrears):>10}  chưa đóng ≥3 tháng: {c.at_risk}"
            )
