"""`dangvu memberships rebuild`: derive every member's membership history again from the live events
(after a bulk load that wrote events directly, or to repair the derived table)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dangvu.members.history import rebuild_memberships


class Command(BaseCommand):
    help = "Tính lại quá trình sinh hoạt (chi bộ, tình trạng theo thời gian) của mọi đảng viên từ các sự kiện."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild"], help="rebuild: tính lại toàn bộ")

    def handle(self, *args: Any, **options: Any) -> None:
        written = rebuild_memberships()
        self.stdout.write(f"Đã tính lại quá trình sinh hoạt: {written:,} dòng.".replace(",", "."))
