"""`dangvu meetings stats --org CODE --year YYYY --format json|csv|xlsx|text`: the cell-meeting figures of
an organisation's subtree for a year (meetings per month, attendance rate, missed months).

xlsx is written to `--output` (default: `sinh-hoat-<CODE>-<YYYY>.xlsx`); the other formats to stdout.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dangvu.exchange.exports import table_to_command
from dangvu.meetings.exports import missed_text, stats_table
from dangvu.meetings.queries import year_stats
from dangvu.orgs.models import Org

ERR_NO_ORG = "Không có tổ chức mã “{code}”."


class Command(BaseCommand):
    help = "Thống kê sinh hoạt chi bộ: stats --org MÃ --year NĂM --format json|csv|xlsx|text."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        stats = sub.add_parser("stats")
        stats.add_argument("--org", required=True)
        stats.add_argument("--year", type=int, default=timezone.localdate().year)
        stats.add_argument("--format", choices=["json", "csv", "xlsx", "text"], default="text")
        stats.add_argument("--output", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        org = Org.objects.filter(code=options["org"]).first()
        if org is None:
            raise CommandError(ERR_NO_ORG.format(code=options["org"]))
        year = options["year"]
        stats = year_stats(org, year, timezone.localdate())
        fmt = options["format"]
        if fmt == "json":
            data = {
                "org": org.code,
                "year": year,
                "held": stats.held,
                "rate": stats.rate,
                "cells_missing_months": len(stats.missing_cells),
                "cells": [
                    {
                        "code": r.cell.code,
                        "name": r.cell.name,
                        "regular_by_month": r.months,
                        "thematic": r.thematic,
                        "held": r.held,
                        "present": r.present,
                        "excused": r.excused,
                        "absent": r.absent,
                        "rate": r.rate,
                        "missed_months": list(r.missed),
                    }
                    for r in stats.cells
                ],
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        table = stats_table(stats)
        if fmt in ("csv", "xlsx"):
            table_to_command(self.stdout, table, fmt, options["output"] or f"sinh-hoat-{org.code}-{year}.xlsx")
            return
        self.stdout.write(f"{org.name} — năm {year}: {stats.held} buổi, tỷ lệ dự {stats.rate}")
        for r in stats.cells:
            missed = missed_text(r) or "—"
            self.stdout.write(f"  {r.cell.code:<14} {r.cell.name:<36} {r.held:>3} buổi  {r.rate:>7}  thiếu: {missed}")
