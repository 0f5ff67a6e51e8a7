"""`dangvu synth --members N [--seed S] [--today YYYY-MM-DD] [--provinces P]`: the national-shaped
synthetic dataset (34 provinces, ~3,300 communes, ~55,000 grassroots organisations, ~270,000 cells at
5.6 million members, scaled down proportionally), with events and three years of ratings, written with
COPY on PostgreSQL and `executemany` on SQLite into an empty database. Same arguments, same data."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.synth.load import DEFAULT_SEED, DEFAULT_TODAY, synth_load

ERR_MEMBERS = "Số đảng viên phải từ 1 trở lên."
ERR_DAY = "Ngày “{value}” không hợp lệ; dùng dạng YYYY-MM-DD."


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(ERR_DAY.format(value=value)) from error


class Command(BaseCommand):
    help = "Sinh dữ liệu tổng hợp quy mô toàn quốc (tất định theo seed) vào cơ sở dữ liệu trống."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, default=200_000, help="số đảng viên (mặc định 200000)")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--today", default=DEFAULT_TODAY.isoformat(), help="ngày 'hôm nay' của dữ liệu")
        parser.add_argument("--provinces", type=int, default=None, help="số tỉnh (mặc định: theo tỷ lệ)")
        parser.add_argument("--years", type=int, default=3, help="số năm xếp loại (mặc định 3)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["members"] < 1:
            raise CommandError(ERR_MEMBERS)
        verbosity = options["verbosity"]
        try:
            summary = synth_load(
                members=options["members"],
                seed=options["seed"],
                today=_day(options["today"]),
                provinces=options["provinces"],
                rating_year_count=options["years"],
                progress=(lambda message: self.stderr.write(message)) if verbosity > 1 else None,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        shape = summary.shape
        self.stdout.write(
            f"{summary.vendor}: {shape.provinces} tỉnh, {shape.communes} xã/phường, {shape.grassroots} tổ chức cơ sở, "
            f"{shape.cells} chi bộ; seed {summary.seed}, ngày {summary.today:%d/%m/%Y}"
        )
        for name, count in summary.rows.items():
            self.stdout.write(f"  {name}: {count:,}")
        rate = summary.total_rows / summary.seconds
        self.stdout.write(
            f"{summary.total_rows:,} dòng trong {summary.seconds:.1f} s = {rate:,.0f} dòng/s (sinh "
            f"{summary.generate_seconds:.1f} s, ghi {summary.write_seconds:.1f} s, "
            f"chỉ mục {summary.index_seconds:.1f} s, số liệu tổng hợp {summary.tally_seconds:.1f} s)"
        )
