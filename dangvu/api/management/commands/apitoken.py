"""`dangvu apitoken create|revoke|list`: API tokens of an account, for machine clients.

dangvu apitoken create USERNAME --name "Hệ thống thống kê"   prints the token once
dangvu apitoken revoke USERNAME [--name NAME]                 one token by name, else all of them
dangvu apitoken list [USERNAME]
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.accounts.models import User
from dangvu.api.models import ApiToken
from dangvu.api.services import apitoken_create, apitoken_revoke

ERR_NO_USER = "Không có tài khoản “{username}”."
ERR_INACTIVE = "Tài khoản “{username}” đã bị khóa."
ERR_NO_TOKEN = "Tài khoản “{username}” không có mã truy cập nào đang dùng{named}."


class Command(BaseCommand):
    help = "Tạo, thu hồi hoặc liệt kê mã truy cập API (token) của một tài khoản."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Tạo mã truy cập; mã chỉ được in ra một lần")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="Tên gợi nhớ: hệ thống nào dùng mã này")
        revoke = actions.add_parser("revoke", help="Thu hồi mã truy cập (mọi mã của tài khoản nếu không có --name)")
        revoke.add_argument("username")
        revoke.add_argument("--name", help="Chỉ thu hồi mã có tên này")
        listing = actions.add_parser("list", help="Liệt kê mã truy cập (không in ra mã)")
        listing.add_argument("username", nargs="?")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            self._list(options.get("username"))
            return
        user = self._user(options["username"])
        if action == "create":
            if not user.is_active:
                raise CommandError(ERR_INACTIVE.format(username=user.username))
            api_token, token = apitoken_create(actor=None, user=user, name=options["name"])
            self.stdout.write(f"Đã tạo mã truy cập “{api_token.name}” cho {user.username}. Mã chỉ hiện một lần:")
            self.stdout.write(token)
            return
        tokens = ApiToken.objects.live().filter(user=user)
        if options["name"]:
            tokens = tokens.filter(name=options["name"])
        found = list(tokens)
        if not found:
            named = f" tên “{options['name']}”" if options["name"] else ""
            raise CommandError(ERR_NO_TOKEN.format(username=user.username, named=named))
        for api_token in found:
            apitoken_revoke(actor=None, api_token=api_token)
        self.stdout.write(f"Đã thu hồi {len(found)} mã truy cập của {user.username}.")

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(ERR_NO_USER.format(username=username))
        return user

    def _list(self, username: str | None) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "created_at", "pk")
        if username:
            tokens = tokens.filter(user=self._user(username))
        for t in tokens:
            state = f"thu hồi {t.revoked_at:%d/%m/%Y}" if t.revoked_at else "đang dùng"
            used = f"{t.last_used_at:%d/%m/%Y %H:%M}" if t.last_used_at else "chưa dùng"
            self.stdout.write(f"{t.user.username}\t{t.name}\ttạo {t.created_at:%d/%m/%Y}\t{used}\t{state}")
