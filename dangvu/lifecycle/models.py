"""Data of the lifecycle deadlines and the Party badge (Huy hiệu Đảng).

- `Holiday`: the public days off of Vietnam (Tết included), data updated each year (`dangvu holidays`).
- `ExpulsionCleared`: an expulsion later found wrong and cancelled ("minh oan"): the member keeps a
  continuous Party age (the expulsion event stays in the timeline; this row marks it as cleared).
- `IllnessMark`: a user marks a seriously ill member, who may be proposed early for a badge.
- `BadgeProposal` / `BadgeAward`: the proposal and the badge actually given (decision no, date, body).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Holiday(models.Model):
    day = models.DateField("ngày nghỉ", unique=True)
    name = models.CharField("tên ngày lễ", max_length=120)
    note = models.CharField("ghi chú", max_length=255, blank=True)

    class Meta:
        verbose_name = "ngày nghỉ lễ"
        verbose_name_plural = "ngày nghỉ lễ"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.name}"


class ExpulsionCleared(models.Model):
    event = models.OneToOneField(
        "members.MemberEvent", verbose_name="quyết định khai trừ", on_delete=models.CASCADE, related_name="cleared"
    )
    cleared_on = models.DateField("ngày hủy quyết định khai trừ")
    decision_no = models.CharField("số quyết định", max_length=60, blank=True)
    note = models.CharField("ghi chú", max_length=255, blank=True)

    class Meta:
        verbose_name = "khai trừ được minh oan"
        verbose_name_plural = "khai trừ được minh oan"

    def __str__(self) -> str:
        return f"Minh oan {self.cleared_on:%d/%m/%Y} — {self.event}"


class IllnessMark(models.Model):
    member = models.OneToOneField("members.Member", on_delete=models.CASCADE, related_name="illness_mark")
    marked_at = models.DateTimeField(auto_now_add=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "đảng viên ốm nặng"
        verbose_name_plural = "đảng viên ốm nặng"

    def __str__(self) -> str:
        return f"Ốm nặng — {self.member}"


class BadgeProposal(models.Model):
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="badge_proposals")
    milestone = models.PositiveSmallIntegerField("huy hiệu (năm tuổi đảng)")
    award_date = models.DateField("đợt trao")
    early = models.BooleanField("đề nghị sớm (ốm nặng)", default=False)
    proposed_at = models.DateTimeField(auto_now_add=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "đề nghị tặng huy hiệu"
        verbose_name_plural = "đề nghị tặng huy hiệu"
        constraints = [models.UniqueConstraint(fields=["member", "milestone"], name="badge_proposal_unique")]

    def __str__(self) -> str:
        return f"Đề nghị huy hiệu {self.milestone} năm — {self.member}"


class BadgeAward(models.Model):
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="badge_awards")
    milestone = models.PositiveSmallIntegerField("huy hiệu (năm tuổi đảng)")
    award_date = models.DateField("ngày trao")
    decision_no = models.CharField("số quyết định", max_length=60)
    decision_on = models.DateField("ngày quyết định")
    decided_by = models.CharField("cơ quan quyết định", max_length=120)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "huy hiệu đảng đã tặng"
        verbose_name_plural = "huy hiệu đảng đã tặng"
        constraints = [models.UniqueConstraint(fields=["member", "milestone"], name="badge_award_unique")]
        ordering = ["member", "milestone"]

    def __str__(self) -> str:
        return f"Huy hiệu {self.milestone} năm tuổi đảng — {self.member}"
