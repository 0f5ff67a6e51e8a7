"""API tokens for machine clients.

Only the SHA-256 of a token is stored: the token itself is printed once, when it is created
(`dangvu apitoken create USERNAME --name …`), and cannot be read back. A revoked token stays stored
(who had it, when it was last used) but no longer authenticates.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models

TOKEN_PREFIX = "dv_"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A fresh random token (256 bits), recognisable by its prefix in logs and secret scanners."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def live(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người dùng", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("tên", max_length=100, help_text="Hệ thống hoặc mục đích dùng mã truy cập này")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    last_used_at = models.DateTimeField("lần dùng gần nhất", null=True, blank=True)
    revoked_at = models.DateTimeField("ngày thu hồi", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "mã truy cập API"
        verbose_name_plural = "mã truy cập API"
        ordering = ["user", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
