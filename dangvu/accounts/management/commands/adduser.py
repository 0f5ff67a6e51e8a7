"""`dangvu adduser`: create (or update) an account with its role and scope from the command line."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from dangvu.accounts.models import Role, User
from dangvu.audit.models import Action
from dangvu.audit.services import audit_record
from dangvu.members.models import Member
from dangvu.orgs.models import Org


class Command(BaseCommand):
    help = "Tạo hoặc cập nhật tài khoản với vai trò và phạm vi (mã tổ chức)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--scope", help="Mã tổ chức làm phạm vi (bắt buộc, trừ vai trò admin và member)")
        parser.add_argument("--card", help="Số thẻ đảng viên (vai trò member)")
        parser.add_argument("--full-name", default="")
        parser.add_argument(
            "--password-env",
            help="Đọc mật khẩu từ biến môi trường này thay vì hỏi (dùng trong kịch bản cài đặt)",
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        role = options["role"]
        scope = member = None
        if options["scope"]:
            scope = Org.objects.filter(code=options["scope"].upper()).first()
            if scope is None:
                raise CommandError(f"Không có tổ chức mã {options['scope']}.")
        elif role not in {Role.ADMIN, Role.MEMBER}:
            raise CommandError("Vai trò này cần --scope (mã tổ chức).")
        if role == Role.MEMBER:
            member = Member.objects.filter(card_number=options["card"]).first() if options["card"] else None
            if member is None:
                raise CommandError("Vai trò member cần --card là số thẻ của một đảng viên có trong hệ thống.")
        if options["password_env"]:
            password = os.environ.get(options["password_env"], "")
        else:
            password = getpass.getpass("Mật khẩu: ")
            if password != getpass.getpass("Nhập lại mật khẩu: "):
                raise CommandError("Hai lần nhập mật khẩu không khớp.")
        user = User.objects.filter(username=options["username"]).first() or User(username=options["username"])
        created = user.pk is None
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        user.role, user.scope, user.member = role, scope, member
        user.first_name = options["full_name"] or user.first_name
        user.set_password(password)
        user.save()
        audit_record(
            actor=None,
            action=Action.CREATE if created else Action.UPDATE,
            target=user,
            changes={"role": [None, role], "scope": [None, str(scope) if scope else None]},
            note="dangvu adduser",
        )
        verb = "Đã tạo" if created else "Đã cập nhật"
        self.stdout.write(f"{verb} tài khoản {user.username} ({Role(role).label}).")
