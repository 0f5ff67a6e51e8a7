"""The import history (read-only): a job is visible to its uploader and to admins, as on the import
pages (`ImportJob.objects.visible_to`); anyone else gets a 404."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router

from dangvu.api.auth import current_user
from dangvu.api.errors import not_found
from dangvu.api.schemas import (
    ERRORS,
    MAX_ID,
    ImportCountsOut,
    ImportJobDetailOut,
    ImportJobOut,
    ImportJobPage,
    ImportProblemOut,
    ImportsIn,
)
from dangvu.exchange.models import ImportJob

router = Router(tags=["Nhập dữ liệu"])

JobId = Path(..., ge=1, le=MAX_ID, description="Số của lần nhập")


def job_fields(job: ImportJob) -> dict[str, Any]:
    return {
        "id": job.pk,
        "kind": job.kind,
        "kind_label": job.get_kind_display(),
        "filename": job.filename,
        "sha256": job.sha256,
        "size": job.size,
        "user": job.user.username if job.user is not None else job.user_name,
        "status": job.status,
        "status_label": job.get_status_display(),
        "phase": job.phase,
        "finished": job.is_finished,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "percent": job.percent,
        "counts": ImportCountsOut(
            new=job.new,
            changed=job.changed,
            unchanged=job.unchanged,
            rejected=job.rejected,
            warnings=job.warnings,
            errors=job.errors,
        ),
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "committed_at": job.committed_at,
    }


def _problem(problem: Any) -> ImportProblemOut:
    data = problem if isinstance(problem, dict) else {"message": str(problem)}
    row = data.get("row")
    return ImportProblemOut(
        row=row if isinstance(row, int) else None,
        column=str(data.get("column") or ""),
        message=str(data.get("message") or ""),
        level=str(data.get("level") or "error"),
    )


@router.get("/imports", response={200: ImportJobPage, **ERRORS}, summary="Lịch sử nhập dữ liệu")
def import_list(request: HttpRequest, filters: Query[ImportsIn]) -> ImportJobPage:
    """The user's imports (every import for an admin), newest first."""
    jobs = ImportJob.objects.visible_to(current_user(request))
    if filters.kind:
        jobs = jobs.filter(kind=filters.kind)
    if filters.status:
        jobs = jobs.filter(status=filters.status)
    count = jobs.count()
    rows = jobs.select_related("user").order_by("-created_at", "-pk")[filters.offset : filters.offset + filters.limit]
    return ImportJobPage(
        items=[ImportJobOut(**job_fields(job)) for job in rows], count=count, limit=filters.limit, offset=filters.offset
    )


@router.get("/imports/{job_id}", response={200: ImportJobDetailOut, **ERRORS}, summary="Một lần nhập dữ liệu")
def import_detail(request: HttpRequest, job_id: int = JobId) -> ImportJobDetailOut:
    """The job with its progress, counts and the stored problems (row, column, message)."""
    job = ImportJob.objects.visible_to(current_user(request)).select_related("user").filter(pk=job_id).first()
    if job is None:
        raise not_found()
    timings = {str(k): float(v) for k, v in (job.timings or {}).items() if isinstance(v, int | float)}
    return ImportJobDetailOut(
        **job_fields(job),
        problems=[_problem(p) for p in job.problems or []],
        problems_more=job.problems_more,
        failure=job.failure,
        timings=timings,
    )
