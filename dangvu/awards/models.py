"""Emulation and commendation (thi đua, khen thưởng): the award rules, proposals and decisions.

Rules are data (HD 06-HD/TW (2025) §19 is seeded by migration 0002; a province adds its own, e.g.
"TSVM tiêu biểu 3 năm liền"). A proposal names one subject (a member or an organisation) for one rule
and final year, with the years that qualified when it was made; a decision grants proposals.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from dangvu.awards.streaks import years_text
from dangvu.orgs.kinds import GRASSROOTS_KINDS, OrgKind


class SubjectKind(models.TextChoices):
    MEMBER = "member", "Đảng viên"
    CELL = "cell", "Chi bộ trực thuộc"
    GRASSROOTS = "grassroots", "Tổ chức cơ sở đảng (đảng bộ cơ sở, chi bộ cơ sở)"


# The organisation kinds each subject kind covers (HD 06 §19 says "chi bộ" for attached cells, also
# those under a đảng bộ bộ phận).
SUBJECT_ORG_KINDS: dict[str, frozenset[str]] = {
    SubjectKind.CELL: frozenset({OrgKind.CELL}),
    SubjectKind.GRASSROOTS: frozenset(GRASSROOTS_KINDS),
}
SUBJECT_NOUNS = {
    SubjectKind.MEMBER: "đảng viên",
    SubjectKind.CELL: "chi bộ",
    SubjectKind.GRASSROOTS: "tổ chức cơ sở đảng",
}


class AwardKind(models.TextChoices):
    CERTIFICATE = "giay_khen", "Giấy khen"
    MERIT = "bang_khen", "Bằng khen"
    BANNER = "co", "Cờ thi đua"


class RequiredLevel(models.TextChoices):
    HTXSNV = "HTXSNV", "Hoàn thành xuất sắc nhiệm vụ"
    HTTNV = "HTTNV", "Hoàn thành tốt nhiệm vụ"
    HTNV = "HTNV", "Hoàn thành nhiệm vụ"


class AwardRuleQuerySet(models.QuerySet["AwardRule"]):
    def active(self) -> AwardRuleQuerySet:
        return self.filter(active=True)


class AwardRule(models.Model):
    subject_kind = models.CharField("đối tượng", max_length=16, choices=SubjectKind.choices)
    level = models.CharField("mức xếp loại", max_length=8, choices=RequiredLevel.choices, default=RequiredLevel.HTXSNV)
    exemplary_required = models.BooleanField("phải “tiêu biểu”", default=False)
    years = models.PositiveSmallIntegerField(
        "số năm liền", default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    award = models.CharField("hình thức khen thưởng", max_length=16, choices=AwardKind.choices)
    body = models.CharField("cấp khen thưởng", max_length=255)
    source = models.CharField("căn cứ", max_length=255, blank=True)
    active = models.BooleanField("đang áp dụng", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AwardRuleQuerySet.as_manager()

    class Meta:
        verbose_name = "quy tắc khen thưởng"
        verbose_name_plural = "quy tắc khen thưởng"
        ordering = ["subject_kind", "years", "award", "pk"]

    def __str__(self) -> str:
        return f"{self.get_award_display()} {self.get_subject_kind_display().lower()} {self.achievement()}"

    def achievement(self) -> str:
        """ "hoàn thành xuất sắc nhiệm vụ 5 năm liên tục", "hoàn thành xuất sắc nhiệm vụ tiêu biểu trong năm"."""
        text = str(RequiredLevel(self.level).label).lower()
        if self.exemplary_required:
            text += " tiêu biểu"
        return text + (f" {self.years} năm liên tục" if self.years > 1 else " trong năm")

    def subject_noun(self) -> str:
        return SUBJECT_NOUNS[SubjectKind(self.subject_kind)]

    def window(self, final_year: int) -> str:
        return years_text(list(range(final_year - self.years + 1, final_year + 1)))

    def title(self, final_year: int) -> str:
        """ "Hoàn thành xuất sắc nhiệm vụ 5 năm liên tục (2018–2022)" — the one-click link's text."""
        text = self.achievement()
        return f"{text[0].upper()}{text[1:]} ({self.window(final_year)})"

    @property
    def is_member_rule(self) -> bool:
        return self.subject_kind == SubjectKind.MEMBER


class AwardDecision(models.Model):
    number = models.CharField("số quyết định", max_length=40)
    signed_on = models.DateField("ngày quyết định")
    body = models.CharField("cấp quyết định", max_length=255)
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name="tổ chức ra quyết định",
        on_delete=models.PROTECT,
        related_name="award_decisions",
        help_text="Phạm vi của quyết định: ai xem được tổ chức này thì xem được quyết định.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "quyết định khen thưởng"
        verbose_name_plural = "quyết định khen thưởng"
        ordering = ["-signed_on", "-pk"]

    def __str__(self) -> str:
        return f"Quyết định số {self.number} ngày {self.signed_on:%d/%m/%Y}"


class AwardProposal(models.Model):
    rule = models.ForeignKey(AwardRule, verbose_name="quy tắc", on_delete=models.PROTECT, related_name="proposals")
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.CASCADE, related_name="award_proposals"
    )
    org = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="award_proposals")
    final_year = models.PositiveSmallIntegerField("năm cuối")
    years = models.JSONField("các năm đạt", default=list)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decision = models.ForeignKey(
        AwardDecision, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )

    class Meta:
        verbose_name = "đề nghị khen thưởng"
        verbose_name_plural = "đề nghị khen thưởng"
        ordering = ["-final_year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False, org__isnull=True) | Q(member__isnull=True, org__isnull=False),
                name="award_proposal_one_subject",
            ),
            models.UniqueConstraint(
                fields=["rule", "member", "final_year"], condition=Q(member__isnull=False), name="award_member_once"
            ),
            models.UniqueConstraint(
                fields=["rule", "org", "final_year"], condition=Q(org__isnull=False), name="award_org_once"
            ),
        ]
        indexes = [models.Index(fields=["rule", "final_year"], name="award_rule_year_idx")]

    def __str__(self) -> str:
        subject = self.member if self.member_id else self.org
        return f"{subject} — {self.rule} ({self.years_text})"

    @property
    def years_text(self) -> str:
        return years_text(list(self.years))

    @property
    def granted(self) -> bool:
        return self.decision_id is not None
