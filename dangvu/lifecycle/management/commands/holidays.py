"""`dangvu holidays list [--year Y] | add DATE NAME | remove DATE`: the public days off used for working days."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.lifecycle.models import Holiday


class Command(BaseCommand):
    help = "Ngày nghỉ lễ, Tết dùng để tính ngày làm việc: list | add YYYY-MM-DD TÊN | remove YYYY-MM-DD"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "add", "remove"])
        parser.add_argument("day", nargs="?")
        parser.add_argument("name", nargs="?", default="")
        parser.add_argument("--year", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            rows = Holiday.objects.all()
            if options["year"]:
                rows = rows.filter(day__year=options["year"])
            for holiday in rows:
                self.stdout.write(
                    f"{holiday.day:%d/%m/%Y}\t{holiday.name}{' (' + holiday.note + ')' if holiday.note else ''}"
                )
            return
        try:
            day = date.fromisoformat(options["day"] or "")
        except ValueError as error:
            raise CommandError("Cần ngày dạng YYYY-MM-DD.") from error
        if action == "add":
            if not options["name"]:
                raise CommandError("Cần tên ngày nghỉ.")
            Holiday.objects.update_or_create(day=day, defaults={"name": options["name"]})
            self.stdout.write(f"Đã thêm ngày nghỉ {day:%d/%m/%Y}.")
        else:
            deleted, _ = Holiday.objects.filter(day=day).delete()
            if not deleted:
                raise CommandError(f"Không có ngày nghỉ {day:%d/%m/%Y}.")
            self.stdout.write(f"Đã bỏ ngày nghỉ {day:%d/%m/%Y}.")
