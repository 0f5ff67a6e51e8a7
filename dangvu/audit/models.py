"""The audit trail: who did what to which record, when, with the values before and after.

Rows are written by the service functions of each app (never by signals) and never updated or deleted
by the application.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Action(models.TextChoices):
    CREATE = "create", "Tạo mới"
    UPDATE = "update", "Sửa"
    DELETE = "delete", "Xóa"
    MOVE = "move", "Chuyển cấp trên"
    DISSOLVE = "dissolve", "Giải thể"
    REVEAL = "reveal", "Xem thông tin nhạy cảm"
    EXPORT = "export", "Xuất dữ liệu cá nhân"
    LOAD = "load", "Nạp dữ liệu"


class AuditRecord(models.Model):
    at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thực hiện",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_records",
        db_index=False,  # audit_actor_idx leads with it
        # No database foreign key (migration 0003): the trail outlives its actor (`actor_name` says who it
        # was), and each audited row of an import skips a key check. Django still applies SET_NULL.
        db_constraint=False,
    )
    # Kept as text as well, so the record still says who it was if the account is removed.
    actor_name = models.CharField("tên người thực hiện", max_length=150)
    action = models.CharField("hành động", max_length=16, choices=Action.choices)
    target_type = models.CharField("loại đối tượng", max_length=32)
    target_id = models.BigIntegerField("mã đối tượng", null=True, blank=True)
    target_repr = models.CharField("đối tượng", max_length=255, blank=True)
    changes = models.JSONField("thay đổi", default=dict, blank=True)
    note = models.CharField("ghi chú", max_length=255, blank=True)
    ip_address = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)

    class Meta:
        verbose_name = "bản ghi nhật ký"
        verbose_name_plural = "nhật ký thay đổi"
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "-at"], name="audit_target_idx"),
            models.Index(fields=["actor", "-at"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_name} {self.get_action_display()} {self.target_repr}"
