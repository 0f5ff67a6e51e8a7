"""Cell meetings (sinh hoạt chi bộ, Chỉ thị 50-CT/TW, HD 42-HD/BTCTW) with their attendance, and model
cells (chi bộ kiểu mẫu): the committee's checklist criteria kept as data, assessments of a cell against
them, proposed then recognised by a decision.

How often a cell must meet and which topics it must take are UNCONFIRMED (DOMAIN-RULES §6): they are
settings (`dangvu.meetings.rules`), not code. The criteria of a model cell are UNCONFIRMED too: each
committee keeps its own list as rows of `ModelCellCriterion`.
"""

from __future__ import annotations

from django.db import models

from dangvu.members.models import Member
from dangvu.orgs.models import Org


class MeetingKind(models.TextChoices):
    REGULAR = "regular", "Sinh hoạt thường kỳ (hằng tháng)"
    THEMATIC = "thematic", "Sinh hoạt chuyên đề"


class Presence(models.TextChoices):
    PRESENT = "present", "Có mặt"
    EXCUSED = "excused", "Vắng có lý do"
    ABSENT = "absent", "Vắng không lý do"


class Meeting(models.Model):
    cell = models.ForeignKey(Org, verbose_name="chi bộ", on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField("ngày sinh hoạt")
    kind = models.CharField("loại", max_length=16, choices=MeetingKind.choices, default=MeetingKind.REGULAR)
    theme = models.CharField("chủ đề", max_length=255, blank=True)
    upper_cadre = models.CharField(
        "cán bộ cấp trên dự", max_length=255, blank=True, help_text="Cấp ủy viên cấp trên được phân công dự."
    )
    resolutions = models.TextField("nghị quyết, kết luận", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "buổi sinh hoạt chi bộ"
        verbose_name_plural = "buổi sinh hoạt chi bộ"
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["cell", "held_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on:%d/%m/%Y} — {self.cell.name}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="meeting_attendance")
    presence = models.CharField("tình trạng", max_length=16, choices=Presence.choices, default=Presence.PRESENT)

    class Meta:
        verbose_name = "điểm danh"
        verbose_name_plural = "điểm danh"
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once_per_meeting")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.get_presence_display()}"


class ModelCellCriterion(models.Model):
    """One line of a committee's checklist for "chi bộ kiểu mẫu" (each committee sets its own)."""

    committee = models.ForeignKey(
        Org, verbose_name="cấp ủy ban hành", on_delete=models.CASCADE, related_name="model_cell_criteria"
    )
    position = models.PositiveSmallIntegerField("thứ tự", default=1)
    text = models.CharField("tiêu chí", max_length=500)
    active = models.BooleanField("đang áp dụng", default=True)

    class Meta:
        verbose_name = "tiêu chí chi bộ kiểu mẫu"
        verbose_name_plural = "tiêu chí chi bộ kiểu mẫu"
        ordering = ["committee_id", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class AssessmentStatus(models.TextChoices):
    PROPOSED = "proposed", "Đề nghị"
    RECOGNISED = "recognised", "Đã công nhận"


class ModelCellAssessment(models.Model):
    cell = models.ForeignKey(Org, verbose_name="chi bộ", on_delete=models.CASCADE, related_name="model_assessments")
    period_from = models.DateField("từ ngày")
    period_to = models.DateField("đến ngày")
    status = models.CharField(
        "trạng thái", max_length=16, choices=AssessmentStatus.choices, default=AssessmentStatus.PROPOSED
    )
    decision_number = models.CharField("số quyết định", max_length=64, blank=True)
    decision_on = models.DateField("ngày quyết định", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "đánh giá chi bộ kiểu mẫu"
        verbose_name_plural = "đánh giá chi bộ kiểu mẫu"
        ordering = ["-period_to", "pk"]

    def __str__(self) -> str:
        return f"{self.cell.name} ({self.period_from:%d/%m/%Y}–{self.period_to:%d/%m/%Y})"


class AssessmentItem(models.Model):
    assessment = models.ForeignKey(ModelCellAssessment, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(ModelCellCriterion, on_delete=models.PROTECT, related_name="+")
    met = models.BooleanField("đạt", default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "criterion"], name="assessment_item_once")]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {'đạt' if self.met else 'không đạt'}"
