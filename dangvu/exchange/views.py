"""Import pages: the history with the upload form, a job's page (progress, then the dry-run result and
the commit button), its JSON progress, the commit, and the downloadable templates.

Editors only: ORG_EDITORS for organisations, MEMBER_EDITORS for members, events and ratings (else 403).
A job is visible to its uploader and to admins; anyone else gets a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from dangvu.accounts.models import User
from dangvu.exchange import jobs
from dangvu.exchange.forms import UploadForm, allowed_kinds
from dangvu.exchange.models import ImportJob, JobStatus
from dangvu.exchange.templates_xlsx import template_workbook

HISTORY_SIZE = 50
MSG_COMMIT_STARTED = "Đang ghi dữ liệu của tệp “{name}” vào cơ sở dữ liệu."
ERR_CANNOT_COMMIT = "Chỉ ghi được khi đã kiểm tra xong và không còn lỗi."
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _importer(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not allowed_kinds(user):
        raise PermissionDenied
    return user


def _job(request: HttpRequest, pk: int) -> tuple[User, ImportJob]:
    user = _importer(request)
    return user, get_object_or_404(ImportJob.objects.visible_to(user).select_related("user"), pk=pk)


@login_required
def imports(request: HttpRequest) -> HttpResponse:
    user = _importer(request)
    jobs.fail_stale_jobs()
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, user=user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            kind = form.cleaned_data["kind"]
            if kind not in allowed_kinds(user):
                raise PermissionDenied
            job = jobs.store_upload(upload.chunks(), filename=upload.name, kind=kind, user=user)
            jobs.start(job, commit=False)
            return redirect("exchange:job", pk=job.pk)
    else:
        form = UploadForm(user=user)
    history = ImportJob.objects.visible_to(user).select_related("user")[:HISTORY_SIZE]
    kinds = [(k, label) for k, label in form.fields["kind"].choices]  # type: ignore[attr-defined]
    return render(
        request, "exchange/imports.html", {"nav": "imports", "form": form, "history": history, "kinds": kinds}
    )


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _, job = _job(request, pk)
    jobs.fail_stale_jobs()
    job.refresh_from_db()
    errors = [p for p in job.problems if p.get("level") == "error"]
    warnings = [p for p in job.problems if p.get("level") != "error"]
    return render(
        request,
        "exchange/job.html",
        {"nav": "imports", "job": job, "errors": errors, "warnings": warnings, "progress": jobs.live_progress(job)},
    )


@login_required
@require_GET
def job_progress(request: HttpRequest, pk: int) -> JsonResponse:
    _, job = _job(request, pk)
    return JsonResponse(jobs.live_progress(job))


@login_required
@require_POST
def job_commit(request: HttpRequest, pk: int) -> HttpResponse:
    user, job = _job(request, pk)
    if job.kind not in allowed_kinds(user) or (job.user_id != user.pk and not user.is_admin):
        raise PermissionDenied
    if not job.can_commit:
        messages.error(request, ERR_CANNOT_COMMIT)
        return redirect("exchange:job", pk=job.pk)
    # Claim the job atomically: a double click must not start two commits.
    claimed = ImportJob.objects.filter(pk=job.pk, status=JobStatus.DRY_RUN_DONE).update(status=JobStatus.QUEUED)
    if not claimed:
        return redirect("exchange:job", pk=job.pk)
    job.refresh_from_db()
    jobs.start(job, commit=True)
    messages.info(request, MSG_COMMIT_STARTED.format(name=job.filename))
    return redirect("exchange:job", pk=job.pk)


@login_required
@require_GET
def template_download(request: HttpRequest, kind: str) -> HttpResponse:
    user = _importer(request)
    if kind not in allowed_kinds(user):
        raise Http404
    response = HttpResponse(template_workbook(kind), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-{kind}.xlsx"'
    return response
