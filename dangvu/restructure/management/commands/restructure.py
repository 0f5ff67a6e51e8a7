"""`dangvu restructure list|sheet|undo`: restructuring decisions from the command line.

    dangvu restructure list
    dangvu restructure sheet FILE --number 15-QĐ/TU --signed-on 20/06/2025 --issued-by "Ban Thường vụ Tỉnh ủy" \\
        --effective-on 01/07/2025 --committee T99 [--note …] [--user U] [--dry-run]
    dangvu restructure undo ID [--user U] [--dry-run]

`sheet` reads a merger plan (old code → new code, the format of `/sap-xep/mau.xlsx`), prints every problem with
row, column and reason, previews each operation and applies the decision in one transaction. With --dry-run
nothing is kept (not even the draft). Without --user it runs as the system (no scope limit). Exit status 1 when
anything is refused.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from dangvu.accounts.models import User
from dangvu.orgs.models import Org
from dangvu.restructure.models import Decision
from dangvu.restructure.services import (
    Preview,
    decision_apply,
    decision_create,
    decision_undo,
    operations_replace,
    undo_problems,
)
from dangvu.restructure.sheet import read_sheet


class _DryRun(Exception):
    pass


def _day(value: str) -> date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise CommandError(f"Ngày “{value}” không hợp lệ; ghi dd/mm/yyyy.")


class Command(BaseCommand):
    help = "Quyết định sắp xếp tổ chức đảng: liệt kê, áp dụng bảng kê (mã cũ → mã mới), hoàn tác."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="Các quyết định sắp xếp.")
        sheet = sub.add_parser("sheet", help="Áp dụng một bảng kê sắp xếp như một quyết định.")
        sheet.add_argument("file")
        sheet.add_argument("--number", required=True, help="Số quyết định.")
        sheet.add_argument("--signed-on", required=True, help="Ngày quyết định (dd/mm/yyyy).")
        sheet.add_argument("--issued-by", required=True, help="Cơ quan ban hành.")
        sheet.add_argument("--effective-on", required=True, help="Ngày hiệu lực (dd/mm/yyyy).")
        sheet.add_argument("--committee", required=True, help="Mã cấp ủy quản lý.")
        sheet.add_argument("--note", default="")
        sheet.add_argument("--user", help="Thực hiện với quyền và phạm vi của người dùng này.")
        sheet.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra và xem trước, không ghi gì.")
        undo = sub.add_parser("undo", help="Hoàn tác một quyết định đã áp dụng.")
        undo.add_argument("id", type=int)
        undo.add_argument("--user")
        undo.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options.get("user"):
            user = User.objects.select_related("scope").filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Không có người dùng “{options['user']}”.")
        getattr(self, f"do_{options['action']}")(user, options)

    def do_list(self, user: User | None, options: dict[str, Any]) -> None:
        for d in Decision.objects.select_related("committee").order_by("effective_on", "pk"):
            self.stdout.write(
                f"{d.pk:>5}  {d.number:<16} hiệu lực {d.effective_on:%d/%m/%Y}  {d.get_status_display():<12} "
                f"{d.operations.count():>3} thao tác  {d.committee.code}  {d.note}"
            )

    def do_sheet(self, user: User | None, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không có tệp {path}.")
        orgs = Org.objects.editable_by(user) if user is not None else Org.objects.all()
        committee = orgs.filter(code=options["committee"].strip().upper()).first()
        if committee is None:
            raise CommandError(f"Không có tổ chức mã “{options['committee']}” trong phạm vi.")
        plan = read_sheet(path, orgs=orgs, filename=path.name)
        for problem in plan.problems:
            where = f"dòng {problem.row}, cột “{problem.column}”: " if problem.row else ""
            self.stdout.write(f"Lỗi: {where}{problem.message}")
        if plan.problems:
            raise CommandError(f"Bảng kê có {len(plan.problems)} lỗi; không ghi gì.")
        try:
            with transaction.atomic():
                decision = decision_create(
                    actor=user,
                    committee=committee,
                    number=options["number"],
                    signed_on=_day(options["signed_on"]),
                    issued_by=options["issued_by"],
                    effective_on=_day(options["effective_on"]),
                    note=options["note"],
                )
                operations_replace(
                    actor=user, decision=decision, operations=plan.operations, note=f"Nạp bảng kê “{path.name}”"
                )
                preview = decision_apply(decision=decision, actor=user)
                self._print(preview)
                if not preview.ok:
                    raise CommandError("Có thao tác bị từ chối; không ghi gì.")
                if options["dry_run"]:
                    raise _DryRun
        except _DryRun:
            self.stdout.write("Chạy thử: không ghi gì.")
            return
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Đã áp dụng quyết định {decision.number} (mã {decision.pk})."))

    def do_undo(self, user: User | None, options: dict[str, Any]) -> None:
        decision = Decision.objects.filter(pk=options["id"]).first()
        if decision is None or (user is not None and not Decision.objects.editable_by(user).filter(pk=decision.pk)):
            raise CommandError(f"Không có quyết định mã {options['id']}.")
        problems = undo_problems(decision=decision, actor=user)
        for problem in problems:
            self.stdout.write(f"Lỗi: {problem}")
        if problems:
            raise CommandError("Không hoàn tác được; không có gì thay đổi.")
        if options["dry_run"]:
            self.stdout.write("Chạy thử: hoàn tác được.")
            return
        try:
            decision_undo(decision=decision, actor=user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Đã hoàn tác quyết định {decision.number}."))

    def _print(self, preview: Preview) -> None:
        for op in preview.operations:
            rows = f" (dòng {op.source_rows})" if op.source_rows else ""
            self.stdout.write(f"{op.position}. {op.title}{rows}")
            for line in op.lines:
                self.stdout.write(f"   {line}")
            for error in op.errors:
                self.stdout.write(f"   Lỗi{rows}: {error}")
        self.stdout.write(f"{preview.members_moved} đảng viên được chuyển sinh hoạt.")
