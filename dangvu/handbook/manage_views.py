"""Secretary pages of the handbook: the start page (what waits), a cell's handbook (self-assessments of
the open periods, documents and their upload, questions), the inbox of questions, the notices.

Every page starts from the cells of the user's scope (`queries.cells_in_scope`): another cell is a 404;
a role that may read but not act (a viewer) gets a 403 on the actions. The member role never gets here
(404, see `middleware`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangvu.accounts.models import MEMBER_EDITORS, TREE_READERS, Role, User
from dangvu.evaluations.services import can_rate_members
from dangvu.handbook import queries, services
from dangvu.handbook.forms import AnswerForm, NoticeForm, UploadForm
from dangvu.handbook.models import AssessmentStatus, Question, SelfAssessment
from dangvu.handbook.uploads import mb_text
from dangvu.lib.forms import add_service_errors
from dangvu.meetings.models import Meeting
from dangvu.members.models import Member
from dangvu.orgs.models import Org

UPLOAD_READ_CHUNK = 64 * 1024
INBOX_PAGE = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


# Pages -------------------------------------------------------------------------------------------


def _manager(request: HttpRequest) -> User:
    user = _user(request)
    if user.role == Role.MEMBER or user.role not in TREE_READERS:
        raise Http404
    return user


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """The secretaries' start: the cells of their scope with open self-assessments and unanswered questions."""
    user = _manager(request)
    unanswered = queries.inbox(user).filter(answered_at__isnull=True)
    if code := request.GET.get("ma", "").strip():
        found = queries.cells_in_scope(user).filter(code__iexact=code).first()
        if found is not None:
            return redirect("handbook:manage_cell", pk=found.pk)
        messages.error(request, f"Không có chi bộ mã “{code}” trong phạm vi của bạn.")
    own_cell = user.scope if user.role == Role.SECRETARY and user.scope is not None else None
    context = {
        "nav": "handbook",
        "hb": "manage",
        "own_cell": own_cell,
        "unanswered": unanswered[:10],
        "unanswered_count": unanswered.count(),
        "submitted": SelfAssessment.objects.filter(
            cell__in=queries.cells_in_scope(user), status=AssessmentStatus.SUBMITTED
        )
        .select_related("member", "cell")
        .order_by("-submitted_at")[:10],
        "can_edit": user.role in MEMBER_EDITORS,
    }
    return render(request, "handbook/manage.html", context)


def _managed_cell(request: HttpRequest, pk: int) -> tuple[User, Org]:
    user = _manager(request)
    cell = get_object_or_404(queries.cells_in_scope(user), pk=pk)
    return user, cell


@login_required
def manage_cell(request: HttpRequest, pk: int, upload_form: UploadForm | None = None) -> HttpResponse:
    user, cell = _managed_cell(request, pk)
    today = timezone.localdate()
    meetings = Meeting.objects.filter(cell=cell).order_by("-held_on", "-pk")
    members = list(Member.objects.on_roll().filter(current_org=cell).order_by("name_sort_key", "pk"))
    rows = []
    for key in queries.open_period_keys(cell):
        by_member = queries.self_assessments_for_grid([m.pk for m in members], key)
        rows.append((key, [(m, by_member.get(m.pk)) for m in members]))
    context = {
        "nav": "handbook",
        "hb": "manage",
        "cell": cell,
        "documents": queries.documents_of_cell(cell),
        "upload_form": upload_form or UploadForm(meetings),
        "max_size": mb_text(services_max_bytes()),
        "can_edit": queries.may_manage_cell(user, cell),
        "can_rate": can_rate_members(user, cell),
        "periods": rows,
        "questions": list(
            Question.objects.filter(cell=cell)
            .select_related("member", "cell", "answered_by")
            .order_by("-asked_at")[:20]
        ),
        "upcoming": queries.upcoming_meetings(cell, today),
    }
    return render(request, "handbook/manage_cell.html", context, status=400 if upload_form is not None else 200)


def services_max_bytes() -> int:
    return int(settings.HANDBOOK_UPLOAD_MAX_BYTES)


def _read_upload(upload: Any, limit: int) -> bytes:
    """At most `limit + 1` bytes: enough to know the file is too large without reading all of it."""
    chunks = []
    size = 0
    for chunk in upload.chunks(UPLOAD_READ_CHUNK):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            break
    return b"".join(chunks)


@login_required
@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    user, cell = _managed_cell(request, pk)
    if not queries.may_manage_cell(user, cell):
        raise PermissionDenied("Bạn không có quyền đưa tài liệu lên cho chi bộ này.")
    form = UploadForm(Meeting.objects.filter(cell=cell).order_by("-held_on", "-pk"), request.POST, request.FILES)
    if form.is_valid():
        upload_file = form.cleaned_data["file"]
        data = _read_upload(upload_file, services_max_bytes())
        try:
            doc = services.document_upload(
                actor=user,
                cell=cell,
                meeting=form.cleaned_data["meeting"],
                title=form.cleaned_data["title"],
                upload_name=upload_file.name or "",
                data=data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Đã đưa lên tài liệu “{doc.title}” ({doc.filename}).")
            return redirect("handbook:manage_cell", pk=cell.pk)
    return manage_cell(request, cell.pk, upload_form=form)


@login_required
@require_POST
def document_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    doc = get_object_or_404(queries.documents_visible_to(user).select_related("cell"), pk=pk)
    services.document_remove(actor=user, document=doc)
    messages.success(request, f"Đã gỡ tài liệu “{doc.title}”.")
    return redirect("handbook:manage_cell", pk=doc.cell_id)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    page = Paginator(queries.inbox(user), INBOX_PAGE).get_page(request.GET.get("trang"))
    context = {
        "nav": "handbook",
        "hb": "inbox",
        "page": page,
        "can_answer": user.role in MEMBER_EDITORS,
        "form": AnswerForm(),
    }
    return render(request, "handbook/inbox.html", context)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    question = get_object_or_404(queries.inbox(user), pk=pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.question_answer(actor=user, question=question, answer=form.cleaned_data["answer"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"Đã trả lời {question.member.full_name}.")
    else:
        messages.error(request, "Nhập câu trả lời trước khi gửi.")
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/so-tay/") else "handbook:inbox")


@login_required
def notices(request: HttpRequest, form: NoticeForm | None = None) -> HttpResponse:
    user = _manager(request)
    page = Paginator(queries.notices_managed_by(user).order_by("-published_on", "-pk"), INBOX_PAGE).get_page(
        request.GET.get("trang")
    )
    initial = {"published_on": timezone.localdate(), "org_code": user.scope.code if user.scope else ""}
    context = {
        "nav": "handbook",
        "hb": "notices",
        "page": page,
        "form": form or NoticeForm(initial=initial),
        "can_post": user.role in MEMBER_EDITORS,
    }
    return render(request, "handbook/notices.html", context, status=400 if form is not None else 200)


@login_required
@require_POST
def notice_create(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    if user.role not in MEMBER_EDITORS:
        raise PermissionDenied("Bạn không có quyền gửi thông báo.")
    form = NoticeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        org = Org.objects.visible_to(user).filter(code__iexact=data["org_code"].strip()).first()
        if org is None:
            form.add_error("org_code", f"Không có tổ chức mã “{data['org_code']}” trong phạm vi của bạn.")
        else:
            try:
                services.notice_create(
                    actor=user,
                    org=org,
                    include_subtree=data["include_subtree"],
                    title=data["title"],
                    body=data["body"],
                    published_on=data["published_on"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Đã gửi thông báo tới {org.name}.")
                return redirect("handbook:notices")
    return notices(request, form=form)
