"""Party fees (đảng phí): each member's fee profile over time, reductions granted for a few months, the
payments the cell records, and the settings of the rules DOMAIN-RULES marks UNCONFIRMED.

What a member owes for a month is never stored: `rules.monthly_fee` computes it from the profile in
force that month, so a corrected profile or setting corrects every figure at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from dangvu.accounts.models import TREE_READERS, Role
from dangvu.fees.rules import CATEGORY_LABELS, EXEMPTION_LABELS
from dangvu.members.models import Member
from dangvu.orgs.models import Org

if TYPE_CHECKING:
    from dangvu.accounts.models import User

CATEGORY_CHOICES = [(str(key), label) for key, label in CATEGORY_LABELS.items()]
EXEMPTION_CHOICES = [("", "Không miễn"), *[(str(key), label) for key, label in EXEMPTION_LABELS.items()]]


class Method(models.TextChoices):
    CASH = "cash", "Tiền mặt tại chi bộ"
    ONLINE = "online", "Trực tuyến (Cổng Dịch vụ công)"


class FeeSetting(models.Model):
    """A deployment's value for a fee rule DOMAIN-RULES marks UNCONFIRMED (keys: `rules.SETTINGS`)."""

    key = models.CharField(max_length=64, unique=True)
    value = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "cài đặt đảng phí"
        verbose_name_plural = "cài đặt đảng phí"

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"


def _member_scope(user: User, prefix: str = "member__") -> models.Q | None:
    """The filter on the member of a row for what `user` may see (None: nothing)."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.role == Role.ADMIN:
        return models.Q()
    if user.role == Role.MEMBER:
        return models.Q(**{f"{prefix}pk": user.member_id}) if user.member_id else None
    if user.role in TREE_READERS and user.scope is not None:
        return models.Q(**{f"{prefix}current_org__path__in_subtree": user.scope.path})
    return None


class MemberRowQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> MemberRowQuerySet:
        """Rows of the members the user may see (`Member.objects.visible_to`)."""
        condition = _member_scope(user)
        return self.none() if condition is None else self.filter(condition)


class FeeProfile(models.Model):
    """The member's category and base from `valid_from` (a month's first day) until the next profile."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="fee_profiles")
    valid_from = models.DateField("áp dụng từ tháng")
    category = models.CharField("đối tượng", max_length=16, choices=CATEGORY_CHOICES)
    base = models.PositiveBigIntegerField(
        "căn cứ tính (đ)", null=True, blank=True, help_text="Tiền lương đóng BHXH, trợ cấp BHXH hoặc lương hưu."
    )
    fixed_amount = models.PositiveIntegerField(
        "mức đóng cấp ủy quy định (đ/tháng)", null=True, blank=True, help_text="Với đảng viên khác, ở ngoài nước."
    )
    over_working_age = models.BooleanField("ngoài độ tuổi lao động", default=False)
    exemption = models.CharField("miễn đóng", max_length=24, choices=EXEMPTION_CHOICES, blank=True, default="")
    note = models.CharField("căn cứ, ghi chú", max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = MemberRowQuerySet.as_manager()

    class Meta:
        verbose_name = "mức đóng đảng phí"
        verbose_name_plural = "mức đóng đảng phí"
        ordering = ["member_id", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["member", "valid_from"], name="fee_profile_once_per_month")]

    def __str__(self) -> str:
        return f"{self.member} — {self.get_category_display()} từ {self.valid_from:%m/%Y}"


class FeeReduction(models.Model):
    """A reduction of 30, 50 or 70% from `first_month` to `last_month` (at most 12 months, QĐ 01)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="fee_reductions")
    percent = models.PositiveSmallIntegerField("mức giảm (%)")
    first_month = models.DateField("từ tháng")
    last_month = models.DateField("đến tháng")
    reason = models.CharField("lý do, căn cứ", max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = MemberRowQuerySet.as_manager()

    class Meta:
        verbose_name = "giảm đảng phí"
        verbose_name_plural = "giảm đảng phí"
        ordering = ["member_id", "first_month"]

    def __str__(self) -> str:
        return f"{self.member} — giảm {self.percent}% {self.first_month:%m/%Y}–{self.last_month:%m/%Y}"


class FeePayment(models.Model):
    """One month's fee paid by a member, recorded in the book of the cell it was paid to."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="fee_payments")
    cell = models.ForeignKey(Org, verbose_name="chi bộ", on_delete=models.CASCADE, related_name="fee_payments")
    month = models.DateField("tháng")
    amount = models.PositiveIntegerField("số tiền (đ)")
    paid_on = models.DateField("ngày nộp")
    method = models.CharField("hình thức", max_length=8, choices=Method.choices, default=Method.CASH)
    reference = models.CharField("mã giao dịch", max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = MemberRowQuerySet.as_manager()

    class Meta:
        verbose_name = "đảng phí đã nộp"
        verbose_name_plural = "đảng phí đã nộp"
        ordering = ["member_id", "month"]
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="fee_payment_once_per_month")]
        indexes = [models.Index(fields=["cell", "month"], name="fee_payment_cell_month_idx")]

    def __str__(self) -> str:
        return f"{self.member} — {self.month:%m/%Y}: {self.amount} đ"
