"""The import history: one `ImportJob` per uploaded file, from the dry run to the commit.

A job keeps who imported what (file name, SHA-256, the stored copy under DATA_DIR/imports), how far
it got (rows done of rows total, written every few hundred rows by the background runner), what it
found (counts and the problems, capped) and how long each phase took.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

from dangvu.accounts.models import Role

if TYPE_CHECKING:
    from dangvu.accounts.models import User

# Problems kept on the job; the rest are only counted (a 100k-row file with a wrong column would
# otherwise store 100k messages).
MAX_STORED_PROBLEMS = 1000


class Kind(models.TextChoices):
    ORGS = "orgs", "Tổ chức đảng"
    MEMBERS = "members", "Đảng viên"
    EVENTS = "events", "Sự kiện của đảng viên"
    RATINGS = "ratings", "Xếp loại chất lượng"
    INSPECTIONS = "inspections", "Kế hoạch kiểm tra, giám sát"
    REGISTRATIONS = "registrations", "Đăng ký thi đua, cam kết, mô hình mới"
    MEETINGS = "meetings", "Sinh hoạt chi bộ, điểm danh"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang xử lý"
    DRY_RUN_DONE = "dry_run_done", "Đã kiểm tra, chưa ghi"
    COMMITTED = "committed", "Đã ghi vào cơ sở dữ liệu"
    REJECTED = "rejected", "Bị từ chối (có lỗi)"
    FAILED = "failed", "Gặp sự cố"


class Phase(models.TextChoices):
    DRY_RUN = "dry_run", "Kiểm tra"
    COMMIT = "commit", "Ghi"


FINISHED = frozenset({JobStatus.DRY_RUN_DONE, JobStatus.COMMITTED, JobStatus.REJECTED, JobStatus.FAILED})


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    def visible_to(self, user: User) -> ImportJobQuerySet:
        """The user's own jobs; every job for an admin; none for anyone else."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.ADMIN:
            return self.all()
        return self.filter(user=user)


class ImportJob(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người nhập",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_jobs",
    )
    user_name = models.CharField("tên người nhập", max_length=150, blank=True)
    kind = models.CharField("loại dữ liệu", max_length=16, choices=Kind.choices)
    filename = models.CharField("tên tệp", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.BigIntegerField("dung lượng (byte)", default=0)
    stored_path = models.CharField("tệp lưu", max_length=500)
    status = models.CharField("trạng thái", max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    phase = models.CharField("giai đoạn", max_length=8, choices=Phase.choices, default=Phase.DRY_RUN)
    # Counts of the last finished phase.
    new = models.PositiveIntegerField("thêm mới", default=0)
    changed = models.PositiveIntegerField("thay đổi", default=0)
    unchanged = models.PositiveIntegerField("không đổi", default=0)
    rejected = models.PositiveIntegerField("bị từ chối", default=0)
    warnings = models.PositiveIntegerField("cảnh báo", default=0)
    errors = models.PositiveIntegerField("lỗi", default=0)
    rows_done = models.PositiveIntegerField("số dòng đã xử lý", default=0)
    rows_total = models.PositiveIntegerField("tổng số dòng", null=True, blank=True)
    # [{"row": 12, "column": "Ngày sinh", "message": "…", "level": "error"|"warning"}, …]
    problems = models.JSONField("lỗi và cảnh báo", default=list, blank=True)
    problems_more = models.PositiveIntegerField("số lỗi, cảnh báo không lưu", default=0)
    failure = models.TextField("sự cố", blank=True)
    # {"dry_run": seconds, "commit": seconds}
    timings = models.JSONField("thời gian xử lý", default=dict, blank=True)
    created_at = models.DateTimeField("thời điểm tải lên", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    committed_at = models.DateTimeField("thời điểm ghi", null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = "lần nhập dữ liệu"
        verbose_name_plural = "lịch sử nhập dữ liệu"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="importjob_user_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} — {self.filename}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def can_commit(self) -> bool:
        return self.status == JobStatus.DRY_RUN_DONE and self.errors == 0

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.is_finished else 0
        return min(100, round(100 * self.rows_done / self.rows_total))

    def progress(self) -> dict[str, Any]:
        """The small JSON the job page polls."""
        return {
            "id": self.pk,
            "status": self.status,
            "status_label": self.get_status_display(),
            "phase": self.phase,
            "finished": self.is_finished,
            "rows_done": self.rows_done,
            "rows_total": self.rows_total,
            "percent": self.percent,
            "counts": {
                "new": self.new,
                "changed": self.changed,
                "unchanged": self.unchanged,
                "rejected": self.rejected,
                "warnings": self.warnings,
                "errors": self.errors,
            },
        }
