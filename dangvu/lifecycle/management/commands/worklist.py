"""`dangvu worklist --user U [--format text|json] [--today YYYY-MM-DD]`: the user's work list."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dangvu.accounts.models import User
from dangvu.lifecycle.worklist import worklist


class Command(BaseCommand):
    help = "Việc cần làm của một người dùng (trong phạm vi của họ), việc gần hạn nhất trước."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True)
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--today", type=date.fromisoformat)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"Không có người dùng “{options['user']}”.")
        items = worklist(user, options["today"] or timezone.localdate())
        if options["format"] == "json":
            self.stdout.write(json.dumps([item.as_json() for item in items], ensure_ascii=False, indent=2))
            return
        for item in items:
            late = " QUÁ HẠN" if item.late else ""
            self.stdout.write(f"{item.due:%d/%m/%Y}{late}\t{item.kind_label}\t{item.subject}\t{item.detail}")
        self.stdout.write(f"{len(items)} việc.")
