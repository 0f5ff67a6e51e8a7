"""`dangvu tallies rebuild|sync|check|status`: the counts kept for the rating report (`dangvu.tallies`).

- rebuild: count every kept period from scratch (every period with a rating and the current year), or
  only `--year Y [--quarter Q]`; run after a bulk load that switched the triggers off, or to repair;
  without `--year` also the members kept per cell today (`members.headcount`, the tree's counts);
- sync: apply the queue of changes now (a report does it before reading; a cron job can do it at night);
- check: compare what is kept with a count from scratch (the members per cell too, without `--year`);
  exit status 1 when they differ;
- status: the kept periods and the length of the queue.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.evaluations.periods import PeriodKey
from dangvu.members import headcount
from dangvu.tallies.build import check, rebuild, sync
from dangvu.tallies.models import Tally, TallyDirty, TallyNode, TallyPeriod, TallyRollup


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class Command(BaseCommand):
    help = "Số liệu tổng hợp sẵn cho báo cáo xếp loại: tính lại, cập nhật, kiểm tra, xem tình trạng."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild", "sync", "check", "status"])
        parser.add_argument("--year", type=int, help="chỉ năm này (rebuild, check)")
        parser.add_argument("--quarter", type=int, default=0, help="quý (0: cả năm)")

    def handle(self, *args: Any, **options: Any) -> None:
        action, year, quarter = options["action"], options["year"], options["quarter"]
        started = time.perf_counter()
        if action == "rebuild":
            keys = [PeriodKey(year, quarter)] if year else None
            built = rebuild(keys)
            labels = ", ".join(k.label() for k in built) or "không có kỳ nào"
            if not year:
                cells = headcount.rebuild()
                labels += f"; số đảng viên từng chi bộ hôm nay ({_n(cells)} dòng)"
            self.stdout.write(f"Đã tính lại: {labels} ({time.perf_counter() - started:.1f} giây).")
        elif action == "sync":
            summary = sync()
            self.stdout.write(
                f"Đã cập nhật {_n(summary.claimed)} thay đổi: {_n(summary.orgs_counted)} tổ chức được đếm lại"
                + (f", tính lại {', '.join(summary.periods_built)}" if summary.periods_built else "")
                + f" ({summary.seconds:.1f} giây)."
            )
        elif action == "check":
            sync()
            periods = TallyPeriod.objects.order_by("year", "quarter")
            if year:
                periods = periods.filter(year=year, quarter=quarter)
            problems = [p for period in periods for p in check(period)]
            if not year:
                problems += headcount.check()
            for problem in problems:
                self.stderr.write(problem)
            if problems:
                raise CommandError(f"{len(problems)} chỗ khác với số liệu gốc.")
            self.stdout.write(
                f"Khớp với số liệu gốc: {periods.count()} kỳ"
                + ("" if year else " và số đảng viên từng chi bộ")
                + f" ({time.perf_counter() - started:.1f} giây)."
            )
        else:
            for period in TallyPeriod.objects.order_by("year", "quarter"):
                label = PeriodKey(period.year, period.quarter).label()
                rows = {
                    name: model.objects.filter(period=period).count()
                    for name, model in (("tổ chức", TallyNode), ("dòng", Tally), ("dòng cộng dồn", TallyRollup))
                }
                self.stdout.write(
                    f"{label}: "
                    + ", ".join(f"{_n(n)} {name}" for name, n in rows.items())
                    + f"; tính lúc {period.built_at:%d/%m/%Y %H:%M}"
                )
            self.stdout.write(f"Hàng đợi thay đổi: {_n(TallyDirty.objects.count())} dòng.")
        sys.stdout.flush()
