"""Evaluation periods and the ratings of members and organisations.

A rating keeps what was typed (score, conditions, proposed and decided level, "tiêu biểu") and what the
rules said when it was saved (the level they allow and the findings), so reports and warnings never
have to recompute history. A period is opened for an organisation's subtree and closed when published;
after that a change is a re-rating with reason and decision.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dangvu.evaluations.periods import YEAR, PeriodKey


class PeriodStatus(models.TextChoices):
    OPEN = "open", "Đang đánh giá"
    CLOSED = "closed", "Đã công bố"


class Period(models.Model):
    org = models.ForeignKey("orgs.Org", verbose_name="tổ chức", on_delete=models.PROTECT, related_name="periods")
    year = models.PositiveSmallIntegerField("năm")
    quarter = models.PositiveSmallIntegerField("quý", default=YEAR, help_text="0: cả năm")
    regime = models.CharField("quy định áp dụng", max_length=16)
    status = models.CharField("trạng thái", max_length=8, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "kỳ đánh giá"
        verbose_name_plural = "kỳ đánh giá"
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "quarter"], name="period_unique_org_year_quarter")
        ]
        ordering = ["-year", "-quarter"]

    def __str__(self) -> str:
        return f"{self.key.label()} — {self.org.name}"

    @property
    def key(self) -> PeriodKey:
        return PeriodKey(self.year, self.quarter)

    @property
    def is_open(self) -> bool:
        return self.status == PeriodStatus.OPEN


class RatingFields(models.Model):
    year = models.PositiveSmallIntegerField("năm")
    quarter = models.PositiveSmallIntegerField("quý", default=YEAR)
    regime = models.CharField("quy định áp dụng", max_length=16)
    score = models.DecimalField("điểm", max_digits=5, decimal_places=2, null=True, blank=True)
    conditions = models.JSONField("điều kiện", default=dict, blank=True)
    proposed_level = models.CharField("mức đề xuất", max_length=8, blank=True)
    level = models.CharField("mức xếp loại", max_length=8, blank=True, help_text="Mức do cấp có thẩm quyền quyết định")
    exemplary = models.BooleanField("tiêu biểu", default=False)
    # What the rules said at the last save.
    allowed_level = models.CharField("mức quy định cho phép", max_length=8, blank=True)
    findings = models.JSONField("cảnh báo", default=list, blank=True)
    justification = models.CharField("giải trình", max_length=500, blank=True)
    # A change after the period was published.
    rerated = models.BooleanField("đã xếp loại lại", default=False)
    rerate_reason = models.CharField("lý do xếp loại lại", max_length=500, blank=True)
    rerate_decision = models.CharField("quyết định xếp loại lại", max_length=120, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def key(self) -> PeriodKey:
        return PeriodKey(self.year, self.quarter)


class MemberRating(RatingFields):
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="ratings")
    # The cell the member was rated in: reports count the rating there.
    org = models.ForeignKey("orgs.Org", verbose_name="chi bộ", on_delete=models.PROTECT, related_name="member_ratings")

    class Meta:
        verbose_name = "xếp loại đảng viên"
        verbose_name_plural = "xếp loại đảng viên"
        constraints = [
            models.UniqueConstraint(fields=["member", "year", "quarter"], name="member_rating_unique_period")
        ]
        indexes = [models.Index(fields=["org", "year", "quarter", "level"], name="mrating_org_period_idx")]

    def __str__(self) -> str:
        return f"{self.member} — {self.key.label()}: {self.level or 'chưa xếp loại'}"


class OrgRating(RatingFields):
    org = models.ForeignKey("orgs.Org", verbose_name="tổ chức", on_delete=models.PROTECT, related_name="ratings")
    outstanding = models.BooleanField(
        "đơn vị nổi trội", default=False, help_text="Được áp dụng tỷ lệ HTXSNV tối đa 25% thay vì 20% (QĐ 366)"
    )

    class Meta:
        verbose_name = "xếp loại tổ chức đảng"
        verbose_name_plural = "xếp loại tổ chức đảng"
        constraints = [models.UniqueConstraint(fields=["org", "year", "quarter"], name="org_rating_unique_period")]
        indexes = [models.Index(fields=["year", "quarter", "level"], name="orating_period_level_idx")]

    def __str__(self) -> str:
        return f"{self.org} — {self.key.label()}: {self.level or 'chưa xếp loại'}"


class RuleSetting(models.Model):
    """A deployment's value for a regime setting (rules DOMAIN-RULES marks UNCONFIRMED)."""

    regime = models.CharField(max_length=16)
    key = models.CharField(max_length=64)
    value = models.JSONField()
    note = models.CharField("căn cứ", max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["regime", "key"], name="rulesetting_unique")]

    def __str__(self) -> str:
        return f"{self.regime}.{self.key} = {self.value}"
