"""The member's handbook (sổ tay đảng viên): the self-assessment a member fills in during an open
evaluation period, the documents a secretary puts up for the cell (and its meetings), the committee's
notices, and the questions members send to their cell secretary.

Every row belongs to a cell (or, for a notice, to any organisation and optionally its subtree); the
pages read them through the functions of `queries.py`, which scope them to the user.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dangvu.evaluations.periods import YEAR


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Bản nháp"
    SUBMITTED = "submitted", "Đã nộp"
    RETURNED = "returned", "Trả lại để sửa"


class RoleKind(models.TextChoices):
    """Which individual form of HD 43-HD/BTCTW the member fills in (Mẫu 2A / 2B / 2C)."""

    LEADER = "leader", "Cán bộ lãnh đạo, quản lý"
    NON_LEADER = "non_leader", "Cán bộ, công chức, viên chức, người lao động không giữ chức vụ lãnh đạo, quản lý"
    OUTSIDE = (
        "outside",
        "Đảng viên không công tác trong hệ thống chính trị (nghỉ hưu, học sinh, sinh viên, khu vực tư…)",
    )


class SelfAssessment(models.Model):
    """A member's self-assessment for one period (QĐ 366, Điều 12: step one, "cá nhân tự đánh giá")."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="self_assessments")
    cell = models.ForeignKey("orgs.Org", verbose_name="chi bộ", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("năm")
    quarter = models.PositiveSmallIntegerField("quý", default=YEAR)
    regime = models.CharField("quy định áp dụng", max_length=16)
    role_kind = models.CharField("đối tượng", max_length=16, choices=RoleKind.choices, default=RoleKind.NON_LEADER)
    scores = models.JSONField("điểm từng tiêu chí", default=dict, blank=True)
    score = models.DecimalField("tổng điểm", max_digits=5, decimal_places=2, null=True, blank=True)
    conditions = models.JSONField("điều kiện tự nhận", default=dict, blank=True)
    tasks = models.TextField("kết quả thực hiện nhiệm vụ", blank=True)
    strengths = models.TextField("ưu điểm", blank=True)
    shortcomings = models.TextField("hạn chế, khuyết điểm và nguyên nhân", blank=True)
    proposed_level = models.CharField("tự xếp loại", max_length=8, blank=True)
    status = models.CharField(
        "trạng thái", max_length=12, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    # Who typed it: the member, or a secretary on the member's behalf (the record says so).
    on_behalf = models.BooleanField("nhập thay", default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("ngày nộp", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_comment = models.TextField("ý kiến khi trả lại", blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "bản tự đánh giá"
        verbose_name_plural = "bản tự đánh giá"
        constraints = [
            models.UniqueConstraint(fields=["member", "year", "quarter"], name="self_assessment_unique_period")
        ]
        indexes = [models.Index(fields=["cell", "year", "quarter"], name="selfassess_cell_period_idx")]

    def __str__(self) -> str:
        return f"{self.member} — {self.year}/{self.quarter}: {self.get_status_display()}"

    @property
    def is_submitted(self) -> bool:
        return self.status == AssessmentStatus.SUBMITTED

    @property
    def score_text(self) -> str:
        """85.50 -> "85,5"."""
        return "" if self.score is None else f"{self.score.normalize():f}".replace(".", ",")


class DocumentKind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"


class CellDocument(models.Model):
    """A file a secretary put up for the cell (a meeting's material or a general document). The bytes
    live under the data directory (`storage_path`); only `uploads.check_upload` decides what is kept."""

    cell = models.ForeignKey("orgs.Org", verbose_name="chi bộ", on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name="buổi sinh hoạt",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField("tên tài liệu", max_length=255)
    filename = models.CharField("tên tệp", max_length=160)
    kind = models.CharField("loại tệp", max_length=8, choices=DocumentKind.choices)
    size = models.PositiveIntegerField("dung lượng (byte)")
    sha256 = models.CharField(max_length=64)
    stored_as = models.CharField(max_length=255, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "tài liệu chi bộ"
        verbose_name_plural = "tài liệu chi bộ"
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Notice(models.Model):
    """A notice of a committee (or a cell) to one organisation or its whole subtree."""

    org = models.ForeignKey("orgs.Org", verbose_name="gửi tới", on_delete=models.PROTECT, related_name="+")
    include_subtree = models.BooleanField("gửi cả các tổ chức trực thuộc", default=True)
    title = models.CharField("tiêu đề", max_length=255)
    body = models.TextField("nội dung")
    published_on = models.DateField("ngày thông báo")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """A member's question or comment to the cell secretary, and the answer."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    cell = models.ForeignKey("orgs.Org", verbose_name="chi bộ", on_delete=models.PROTECT, related_name="+")
    body = models.TextField("câu hỏi, ý kiến")
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField("trả lời", blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "câu hỏi gửi bí thư"
        verbose_name_plural = "câu hỏi gửi bí thư"
        ordering = ["-asked_at", "-pk"]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def answered(self) -> bool:
        return bool(self.answered_at)
