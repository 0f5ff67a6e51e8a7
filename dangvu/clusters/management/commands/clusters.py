"""`dangvu clusters briefing --cluster ID --year Y --quarter Q --format json|text|docx|csv|xlsx [--output F]`
(csv, xlsx: one row per organisation of the cluster)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dangvu.clusters import queries, word
from dangvu.clusters.models import Cluster
from dangvu.exchange.exports import csv_lines, xlsx_file


class Command(BaseCommand):
    help = "Cụm thi đua: báo cáo giao ban quý."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        briefing = sub.add_parser("briefing", help="Báo cáo giao ban quý của một cụm.")
        briefing.add_argument("--cluster", type=int, required=True)
        briefing.add_argument("--year", type=int, required=True)
        briefing.add_argument("--quarter", type=int, required=True, choices=[1, 2, 3, 4])
        briefing.add_argument("--format", choices=["json", "text", "docx", "csv", "xlsx"], default="text")
        briefing.add_argument("--output", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        cluster = Cluster.objects.select_related("owner").filter(pk=options["cluster"]).first()
        if cluster is None:
            raise CommandError(f"Không có cụm thi đua số {options['cluster']}.")
        year, quarter, fmt, output = options["year"], options["quarter"], options["format"], options["output"]
        if fmt == "docx":
            context = word.word_context(cluster, year, quarter, today=timezone.localdate())
            target = Path(output or word.docx_filename(context))
            target.write_bytes(word.render_docx(context))
            self.stdout.write(f"Đã ghi {target}")
            return
        context = queries.briefing_context(cluster, year, quarter)
        if fmt in ("csv", "xlsx"):
            table = queries.briefing_table(context)
            data = b"".join(csv_lines(table)) if fmt == "csv" else xlsx_file(table).read()
            if output:
                Path(output).write_bytes(data)
                self.stdout.write(f"Đã ghi {output}")
            elif fmt == "csv":
                self.stdout.write(data.decode("utf-8-sig"), ending="")
            else:
                sys.stdout.buffer.write(data)
            return
        text = (
            json.dumps(context, ensure_ascii=False, indent=2) + "\n"
            if fmt == "json"
            else queries.briefing_text(context)
        )
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(f"Đã ghi {output}")
        else:
            self.stdout.write(text, ending="")
