"""Restructuring decisions (quyết định sắp xếp, kiện toàn tổ chức đảng) and their operations.

A `Decision` holds an ordered list of `Operation`s (move, merge, split, dissolve, rename, change of kind).
Operations name organisations by their code, so an operation may use an organisation created by an earlier
one of the same decision (a merger into a new commune, then a move under it). Applying writes through
`dangvu.orgs.services` and `dangvu.members.services` only; each operation records the steps it wrote
(`Operation.steps`) so the whole decision can be undone while nothing else has touched those records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from dangvu.accounts.models import ORG_EDITORS, TREE_READERS, Role

if TYPE_CHECKING:
    from dangvu.accounts.models import User


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    APPLIED = "applied", "Đã áp dụng"
    UNDONE = "undone", "Đã hoàn tác"


class OperationKind(models.TextChoices):
    MOVE = "move", "Chuyển về tổ chức cấp trên khác"
    MERGE = "merge", "Hợp nhất, sáp nhập"
    SPLIT = "split", "Chia, tách"
    DISSOLVE = "dissolve", "Giải thể"
    RENAME = "rename", "Đổi tên"
    CHANGE_KIND = "change_kind", "Đổi loại tổ chức"


class DecisionQuerySet(models.QuerySet["Decision"]):
    def visible_to(self, user: User) -> DecisionQuerySet:
        """Decisions of a committee inside the user's scope; all for an admin; none otherwise."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.ADMIN:
            return self.all()
        if user.role in TREE_READERS and user.scope is not None:
            return self.filter(committee__path__in_subtree=user.scope.path)
        return self.none()

    def editable_by(self, user: User) -> DecisionQuerySet:
        if user.role not in ORG_EDITORS:
            return self.none()
        return self.visible_to(user)


class Decision(models.Model):
    number = models.CharField("số quyết định", max_length=60)
    signed_on = models.DateField("ngày quyết định")
    issued_by = models.CharField("cơ quan ban hành", max_length=120)
    effective_on = models.DateField("ngày hiệu lực")
    note = models.CharField("trích yếu, ghi chú", max_length=500, blank=True)
    committee = models.ForeignKey(
        "orgs.Org",
        verbose_name="cấp ủy quản lý",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Cấp ủy có phạm vi chứa các tổ chức được sắp xếp.",
    )
    status = models.CharField(
        "trạng thái", max_length=8, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField("thời điểm áp dụng", null=True, blank=True, editable=False)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField("thời điểm hoàn tác", null=True, blank=True, editable=False)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = "quyết định sắp xếp tổ chức"
        verbose_name_plural = "quyết định sắp xếp tổ chức"
        ordering = ["-effective_on", "-pk"]

    def __str__(self) -> str:
        return f"Quyết định số {self.number} ngày {self.signed_on:%d/%m/%Y}"

    @property
    def reference(self) -> str:
        """ "QĐ số 15-QĐ/TU ngày 20/6/2025 của Tỉnh ủy Lâm Viên", written on versions and member events."""
        return f"QĐ số {self.number} ngày {self.signed_on:%d/%m/%Y} của {self.issued_by}"[:255]

    @property
    def is_draft(self) -> bool:
        return self.status == DecisionStatus.DRAFT


class Operation(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="operations")
    position = models.PositiveIntegerField("thứ tự")
    kind = models.CharField("thao tác", max_length=16, choices=OperationKind.choices)
    # The operation's input, by organisation code (see services.py for each kind's keys).
    params = models.JSONField("nội dung", default=dict)
    # What applying it wrote, in order: [{"t": "created"|"version"|"dissolved"|"event", ...}]; used by undo.
    steps = models.JSONField("các bước đã ghi", default=list, editable=False)
    # The row(s) of the bulk sheet it came from, to name them in errors.
    source_rows = models.CharField("dòng trong bảng kê", max_length=60, blank=True)

    class Meta:
        verbose_name = "thao tác sắp xếp"
        verbose_name_plural = "thao tác sắp xếp"
        ordering = ["decision", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.position}. {self.get_kind_display()}"
