"""Targets (chỉ tiêu), inspection and supervision plans (kế hoạch kiểm tra, giám sát) and emulation
registrations (đăng ký thi đua, cam kết tu dưỡng rèn luyện, mô hình mới / cách làm sáng tạo).

Targets store only the goal; the actual is always computed from live data (`progress.py`).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from dangvu.plans.status import Comparator, Goal


class TargetKind(models.TextChoices):
    ORGS_GOOD = "orgs_good", "Tỷ lệ TCCS đảng hoàn thành tốt nhiệm vụ trở lên"
    MEMBERS_GOOD = "members_good", "Tỷ lệ đảng viên hoàn thành tốt nhiệm vụ trở lên"
    ADMITTED_SHARE = "admitted_share", "Kết nạp đảng viên mới (tỷ lệ trên tổng số đảng viên)"
    ADMITTED_COUNT = "admitted_count", "Kết nạp đảng viên mới (số lượng)"
    ORGS_REGISTERED = "orgs_registered", "Tỷ lệ tổ chức đảng có đăng ký mô hình mới, cách làm sáng tạo"
    MEMBERS_REGISTERED = "members_registered", "Tỷ lệ đảng viên có cam kết tu dưỡng, rèn luyện"
    INSPECTIONS = "inspections", "Kiểm tra, giám sát thực hiện so với kế hoạch"


RATING_KINDS = frozenset({TargetKind.ORGS_GOOD, TargetKind.MEMBERS_GOOD})
COUNT_KINDS = frozenset({TargetKind.ADMITTED_COUNT})


class Target(models.Model):
    org = models.ForeignKey("orgs.Org", verbose_name="cấp ủy", on_delete=models.CASCADE, related_name="targets")
    year_from = models.PositiveSmallIntegerField("từ năm")
    year_to = models.PositiveSmallIntegerField("đến năm")
    kind = models.CharField("loại chỉ tiêu", max_length=24, choices=TargetKind.choices)
    comparator = models.CharField("so sánh", max_length=8, choices=Comparator.choices, default=Comparator.MIN)
    low = models.DecimalField("mức dưới", max_digits=10, decimal_places=2, null=True, blank=True)
    high = models.DecimalField("mức trên", max_digits=10, decimal_places=2, null=True, blank=True)
    # "trong đó 15–20% HTXSNV": the band of excellent within the rating targets.
    excellent_low = models.DecimalField("HTXSNV từ (%)", max_digits=5, decimal_places=2, null=True, blank=True)
    excellent_high = models.DecimalField("HTXSNV đến (%)", max_digits=5, decimal_places=2, null=True, blank=True)
    note = models.CharField("căn cứ", max_length=255, blank=True)

    class Meta:
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"
        ordering = ["org", "year_from", "kind", "pk"]
        constraints = [models.CheckConstraint(condition=Q(year_to__gte=models.F("year_from")), name="target_years")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.goal.text(self.unit)}"

    @property
    def unit(self) -> str:
        return " đảng viên" if self.kind in COUNT_KINDS else "%"

    @property
    def goal_text(self) -> str:
        """ "≥ 90%", "12.000–13.000 đảng viên"."""
        return self.goal.text(self.unit)

    @property
    def goal(self) -> Goal:
        return Goal(self.comparator, self.low, self.high)

    @property
    def excellent_goal(self) -> Goal | None:
        if self.excellent_low is None and self.excellent_high is None:
            return None
        if self.excellent_high is None:
            return Goal(Comparator.MIN, self.excellent_low)
        if self.excellent_low is None:
            return Goal(Comparator.MAX, None, self.excellent_high)
        return Goal(Comparator.BAND, self.excellent_low, self.excellent_high)

    @property
    def years_text(self) -> str:
        return str(self.year_from) if self.year_from == self.year_to else f"{self.year_from}–{self.year_to}"


class InspectionKind(models.TextChoices):
    INSPECTION = "inspection", "Kiểm tra"
    SUPERVISION = "supervision", "Giám sát"


class InspectionPlan(models.Model):
    org = models.ForeignKey(
        "orgs.Org", verbose_name="cấp ủy", on_delete=models.CASCADE, related_name="inspection_plans"
    )
    year = models.PositiveSmallIntegerField("năm")
    title = models.CharField("tên kế hoạch", max_length=255)

    class Meta:
        verbose_name = "kế hoạch kiểm tra, giám sát"
        verbose_name_plural = "kế hoạch kiểm tra, giám sát"
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="inspection_plan_org_year")]

    def __str__(self) -> str:
        return self.title


class InspectionItem(models.Model):
    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="items")
    target_org = models.ForeignKey(
        "orgs.Org", verbose_name="tổ chức", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target_member = models.ForeignKey(
        "members.Member", verbose_name="đảng viên", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField("nội dung", max_length=255)
    kind = models.CharField("hình thức", max_length=12, choices=InspectionKind.choices)
    by_whom = models.CharField("chủ thể", max_length=120)
    quarter = models.PositiveSmallIntegerField("quý", choices=[(q, f"Quý {q}") for q in range(1, 5)])
    # The record of what was done.
    done_on = models.DateField("ngày thực hiện", null=True, blank=True)
    findings = models.TextField("kết quả, phát hiện", blank=True)
    conclusion = models.TextField("kết luận", blank=True)
    follow_up = models.CharField("yêu cầu khắc phục", max_length=255, blank=True)
    follow_up_due = models.DateField("hạn khắc phục", null=True, blank=True)
    follow_up_done_on = models.DateField("đã khắc phục ngày", null=True, blank=True)

    class Meta:
        verbose_name = "nội dung kiểm tra, giám sát"
        verbose_name_plural = "nội dung kiểm tra, giám sát"
        ordering = ["quarter", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_org__isnull=False, target_member__isnull=True)
                | Q(target_org__isnull=True, target_member__isnull=False),
                name="inspection_item_one_subject",
            )
        ]

    def __str__(self) -> str:
        who = self.target_org or self.target_member
        return f"{self.get_kind_display()} {who}: {self.subject}"


class RegistrationKind(models.TextChoices):
    TITLE = "title", "Đăng ký danh hiệu thi đua"
    COMMITMENT = "commitment", "Cam kết tu dưỡng, rèn luyện"
    INITIATIVE = "initiative", "Mô hình mới, cách làm sáng tạo"


class Assessment(models.TextChoices):
    PENDING = "", "Chưa đánh giá"
    DONE = "done", "Hoàn thành"
    NOT_DONE = "not_done", "Không hoàn thành"


class InitiativeLevel(models.TextChoices):
    NONE = "", "—"
    GRASSROOTS = "grassroots", "Cấp cơ sở"
    UPPER = "upper", "Cấp huyện/xã"
    PROVINCE = "province", "Cấp tỉnh"


class Registration(models.Model):
    year = models.PositiveSmallIntegerField("năm")
    kind = models.CharField("loại", max_length=12, choices=RegistrationKind.choices)
    org = models.ForeignKey(
        "orgs.Org", verbose_name="tổ chức", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name="đảng viên",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    text = models.CharField("nội dung đăng ký", max_length=500)
    registered_on = models.DateField("ngày đăng ký")
    assessment = models.CharField("kết quả", max_length=12, choices=Assessment.choices, blank=True, default="")
    level = models.CharField("cấp công nhận", max_length=12, choices=InitiativeLevel.choices, blank=True, default="")
    has_product = models.BooleanField("có sản phẩm cụ thể", default=False)

    class Meta:
        verbose_name = "đăng ký thi đua"
        verbose_name_plural = "đăng ký thi đua"
        ordering = ["year", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(org__isnull=False, member__isnull=True) | Q(org__isnull=True, member__isnull=False),
                name="registration_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}: {self.text}"
