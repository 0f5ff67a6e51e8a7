"""Users, their role and their organisation scope.

Every user has one role and (except the system admin) one scope: an organisation whose subtree they
may see. What a role may do is stated once here, as sets of roles; the querysets of each app
(`visible_to`) and the views read these sets, never the role names directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.db import models

if TYPE_CHECKING:
    from dangvu.orgs.models import Org


class Role(models.TextChoices):
    ADMIN = "admin", "Quản trị hệ thống"
    STAFF = "staff", "Cán bộ Ban Tổ chức"
    SECRETARY = "secretary", "Bí thư chi bộ"
    VIEWER = "viewer", "Người xem"
    MEMBER = "member", "Đảng viên"


# Roles that read the organisation tree of their scope.
TREE_READERS = frozenset[str]({Role.ADMIN, Role.STAFF, Role.SECRETARY, Role.VIEWER})
# Roles that create, edit, move and dissolve organisations in their scope.
ORG_EDITORS = frozenset[str]({Role.ADMIN, Role.STAFF})
# Roles that create and edit member records and events in their scope.
MEMBER_EDITORS = frozenset[str]({Role.ADMIN, Role.STAFF, Role.SECRETARY})
# Roles whose work needs the sensitive fields (Nghị định 13/2023): they may reveal them, and each
# reveal is written to the audit trail. Everyone else sees them masked.
SENSITIVE_READERS = frozenset[str]({Role.ADMIN, Role.STAFF, Role.SECRETARY})
# Roles that browse the audit trail.
AUDIT_READERS = frozenset[str]({Role.ADMIN})


class User(AbstractUser):
    role = models.CharField("vai trò", max_length=16, choices=Role.choices, default=Role.VIEWER)
    scope = models.ForeignKey(
        "orgs.Org",
        verbose_name="phạm vi",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scoped_users",
        help_text="Tổ chức đảng mà người dùng được xem (cả cây con). Bỏ trống chỉ với quản trị hệ thống.",
    )
    member = models.OneToOneField(
        "members.Member",
        verbose_name="hồ sơ đảng viên",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account",
    )

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"

    @property
    def is_admin(self) -> bool:
        return self.is_active and self.role == Role.ADMIN

    def has_role_in(self, roles: frozenset[str]) -> bool:
        return self.is_active and self.role in roles

    @property
    def scope_org(self) -> Org | None:
        return self.scope

    def display_name(self) -> str:
        return self.get_full_name() or self.username
