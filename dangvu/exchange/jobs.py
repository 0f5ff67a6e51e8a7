"""Running an import job outside the request: store the upload, then check or commit it in a daemon
thread with its own database connection, writing progress as it goes.

- The upload view calls `store_upload` then `start(job, commit=False)` and redirects to the job page,
  which polls `ImportJob.progress()` as JSON; nothing slow happens inside a request.
- The dry-run phase writes its progress to the job row every chunk (500 rows). The commit phase runs
  in one transaction, so its progress is also kept in this process (`LIVE`), which the progress
  endpoint reads first (SQLite would not let a second connection write the job row meanwhile).
- A server restart kills the thread: a job that is queued or running and whose row has not been
  touched for `STALE_AFTER` is marked failed (`fail_stale_jobs`, run by the pages that list or show
  jobs). Its commit, if any, was never committed: the transaction died with the process.
- Tests set `EXCHANGE_RUN_INLINE = True` to run the job in the calling thread.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from dangvu.accounts.models import User
from dangvu.exchange.models import ImportJob, JobStatus, Phase
from dangvu.exchange.pipeline import Report, run_import

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=10)
MSG_STALE = "Máy chủ đã khởi động lại hoặc tiến trình bị dừng khi đang xử lý; chưa ghi dữ liệu nào. Hãy nhập lại tệp."
MSG_CRASH = "Gặp sự cố khi xử lý tệp ({error}); chưa ghi dữ liệu nào."
# job id -> (rows done, rows total), for the phases whose progress cannot reach the job row.
LIVE: dict[int, tuple[int, int | None]] = {}


def imports_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_upload(chunks: Iterable[bytes], *, filename: str, kind: str, user: User | None) -> ImportJob:
    """Copy the file under DATA_DIR/imports (hashing it on the way) and create its job."""
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in Path(filename).name)[-80:] or "tep"
    target = imports_dir() / f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}-{safe}"
    digest, size = hashlib.sha256(), 0
    with target.open("wb") as out:
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return ImportJob.objects.create(
        user=user if user is not None and user.pk else None,
        user_name=user.username if user is not None else "hệ thống",
        kind=kind,
        filename=Path(filename).name[:255],
        sha256=digest.hexdigest(),
        size=size,
        stored_path=str(target),
    )


def store_path(path: Path, *, kind: str, user: User | None) -> ImportJob:
    def read() -> Iterable[bytes]:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                yield block

    return store_upload(read(), filename=path.name, kind=kind, user=user)


def start(job: ImportJob, *, commit: bool) -> threading.Thread | None:
    """Queue a phase of the job and run it: in a daemon thread, or inline when the settings say so."""
    job.status, job.phase = JobStatus.QUEUED, Phase.COMMIT if commit else Phase.DRY_RUN
    job.rows_done = 0
    job.save(update_fields=["status", "phase", "rows_done", "updated_at"])
    if getattr(settings, "EXCHANGE_RUN_INLINE", False):
        run_job(job.pk, commit=commit)
        return None
    thread = threading.Thread(target=_thread_main, args=(job.pk, commit), name=f"import-{job.pk}", daemon=True)
    thread.start()
    return thread


def _thread_main(job_id: int, commit: bool) -> None:
    close_old_connections()
    try:
        run_job(job_id, commit=commit)
    finally:
        connection.close()


def run_job(job_id: int, *, commit: bool, progress_stream: object | None = None) -> ImportJob:
    """Run one phase of a job to its end and store the outcome; never raises for bad data."""
    job = ImportJob.objects.select_related("user", "user__scope").get(pk=job_id)
    job.status, job.started_at, job.failure = JobStatus.RUNNING, timezone.now(), ""
    job.save(update_fields=["status", "started_at", "failure", "updated_at"])
    started = time.perf_counter()

    def progress(done: int, total: int | None) -> None:
        LIVE[job_id] = (done, total)
        if not commit:
            ImportJob.objects.filter(pk=job_id).update(rows_done=done, rows_total=total, updated_at=timezone.now())

    try:
        report = run_import(
            kind=job.kind,
            path=Path(job.stored_path),
            filename=job.filename,
            user=job.user,
            commit=commit,
            job_id=job.pk,
            progress=progress,
        )
    except Exception as error:  # a bug or a lost database: the job says so instead of staying "running"
        logger.exception("import job %s failed", job_id)
        job.status, job.failure = JobStatus.FAILED, MSG_CRASH.format(error=type(error).__name__)
        job.finished_at = timezone.now()
        job.save()
        LIVE.pop(job_id, None)
        return job
    finally:
        LIVE.pop(job_id, None)
    _store_report(job, report, commit=commit, seconds=time.perf_counter() - started)
    return job


def _store_report(job: ImportJob, report: Report, *, commit: bool, seconds: float) -> None:
    job.new, job.changed, job.unchanged, job.rejected = report.new, report.changed, report.unchanged, report.rejected
    job.warnings, job.errors = report.warnings, report.errors + (1 if report.file_error else 0)
    job.rows_done, job.rows_total = report.rows_done, report.rows_total or report.rows_done
    problems = [p.as_dict() for p in report.problems]
    if report.file_error:
        problems.insert(0, {"row": None, "column": "", "message": report.file_error, "level": "error"})
    job.problems, job.problems_more = problems, report.problems_more
    job.timings = {**job.timings, ("commit" if commit else "dry_run"): round(seconds, 3)}
    job.finished_at = timezone.now()
    if not report.ok:
        job.status = JobStatus.REJECTED
    elif commit:
        job.status, job.committed_at = JobStatus.COMMITTED, timezone.now()
    else:
        job.status = JobStatus.DRY_RUN_DONE
    job.save()


def live_progress(job: ImportJob) -> dict[str, object]:
    data = job.progress()
    live = LIVE.get(job.pk)
    if live is not None and not job.is_finished:
        done, total = live
        data.update(rows_done=done, rows_total=total, percent=min(100, round(100 * done / total)) if total else 0)
    return data


def fail_stale_jobs() -> int:
    """Jobs left queued or running by a stopped server: mark them failed. Returns how many."""
    limit = timezone.now() - STALE_AFTER
    stale = ImportJob.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING], updated_at__lt=limit)
    stale = stale.exclude(pk__in=list(LIVE))
    return stale.update(status=JobStatus.FAILED, failure=MSG_STALE, finished_at=timezone.now())
