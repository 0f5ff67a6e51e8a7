"""`dangvu demo`: replace the data with the deterministic demo province and print the demo logins."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.accounts.models import Role
from dangvu.demo.generator import DEFAULT_MEMBERS, DEFAULT_SEED, DEMO_PASSWORD, DEMO_URL, DemoSummary, demo_load
from dangvu.evaluations.regimes.base import HTNV, HTTNV, HTXSNV, KHTNV
from dangvu.members.lifecycle import Status

LEVELS = (HTXSNV, HTTNV, HTNV, KHTNV)


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu: một tỉnh giả định với cây tổ chức, khoảng 15.000 đảng viên và một tài khoản cho mỗi "
        "vai trò. XÓA dữ liệu tổ chức, đảng viên, nhật ký và các tài khoản thường hiện có."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, default=DEFAULT_MEMBERS, help="Số đảng viên (mặc định 15000).")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Hạt giống ngẫu nhiên (mặc định 2026).")
        parser.add_argument(
            "--today", type=date.fromisoformat, default=None, help="Ngày hiện tại giả định, YYYY-MM-DD (để thử)."
        )
        parser.add_argument(
            "--no-ratings",
            action="store_true",
            help="Không nạp lịch sử đánh giá, xếp loại (kỳ đánh giá, xếp loại đảng viên và tổ chức đảng).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["members"] < 0:
            raise CommandError("--members phải là số không âm.")
        self.stdout.write(
            self.style.WARNING(
                "Cảnh báo: xóa toàn bộ tổ chức, đảng viên, sự kiện, nhật ký, phiên đăng nhập và các tài khoản "
                "không phải superuser, rồi nạp dữ liệu mẫu…"
            )
        )
        summary = demo_load(
            members=options["members"],
            seed=options["seed"],
            today=options["today"],
            ratings=not options["no_ratings"],
        )
        self._report(summary)

    def _report(self, summary: DemoSummary) -> None:
        write = self.stdout.write
        write(
            self.style.SUCCESS(
                f"Đã nạp dữ liệu mẫu trong {summary.seconds:.1f} giây: {_n(summary.orgs)} tổ chức "
                f"({_n(summary.grassroots)} tổ chức cơ sở đảng, {_n(summary.cells)} chi bộ), "
                f"{_n(summary.members)} đảng viên, {_n(summary.events)} sự kiện."
            )
        )
        statuses = ", ".join(
            f"{Status(status).label.lower()} {_n(count)}"
            for status, count in sorted(summary.by_status.items(), key=lambda item: -item[1])
        )
        write(f"Tình trạng: {statuses}.")
        if summary.ratings is not None:
            self._report_ratings(summary)
        write("")
        write(f"Mở {DEMO_URL} và đăng nhập (mật khẩu chung: {DEMO_PASSWORD}):")
        for account in summary.accounts:
            write(f"  {account.username:<9} {Role(account.role).label:<20} phạm vi: {account.scope}")

    def _report_ratings(self, summary: DemoSummary) -> None:
        ratings = summary.ratings
        assert ratings is not None
        write = self.stdout.write
        write(
            f"Xếp loại ({summary.rating_seconds:.1f} giây): {_n(ratings.member_ratings)} lượt đảng viên, "
            f"{_n(ratings.org_ratings)} lượt tổ chức đảng; mỗi kỳ (HTXSNV/HTTNV/HTNV/KHTNV):"
        )
        for period in ratings.periods:
            members = "/".join(_n(period.members[code]) for code in LEVELS)
            orgs = "/".join(_n(period.orgs[code]) for code in LEVELS)
            state = "đã công bố" if period.closed else "đang đánh giá"
            write(
                f"  {period.label:<11} {period.regime:<6} {state:<13} đảng viên {members:<24} tổ chức {orgs:<16}"
                f" vượt tỷ lệ {period.quota_breaches}, cao hơn mức cho phép {period.contradictions}"
            )
        if ratings.missing_regimes:
            write(
                self.style.WARNING(
                    "Chưa có quy định đánh giá cho: " + ", ".join(ratings.missing_regimes) + " (bỏ qua các kỳ này)."
                )
            )
