"""Pages of the restructuring decisions (`/sap-xep/`): the list, a decision with its operations and the preview
(dry run) of what applying it would do, the forms of each operation, the bulk sheet, apply and undo.

Readers: the roles that read the tree, decisions of a committee in their scope (else 404). Editors: staff and
admin (else 403); the services check that every organisation named is in their scope."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangvu.accounts.models import ORG_EDITORS, TREE_READERS, User
from dangvu.members.models import Member
from dangvu.orgs.models import Org
from dangvu.restructure.forms import OPERATION_FORMS, DecisionForm, SheetForm, SplitForm
from dangvu.restructure.models import Decision, Operation, OperationKind
from dangvu.restructure.services import (
    MOVED_STATUSES,
    decision_apply,
    decision_create,
    decision_preview,
    decision_undo,
    describe,
    operation_add,
    operation_remove,
    operations_replace,
    undo_problems,
)
from dangvu.restructure.sheet import read_sheet, sheet_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _reader(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.has_role_in(TREE_READERS):
        raise PermissionDenied
    return user


def _editor(request: HttpRequest) -> User:
    user = _reader(request)
    if not user.has_role_in(ORG_EDITORS):
        raise PermissionDenied
    return user


def _decision(user: User, pk: int) -> Decision:
    return get_object_or_404(Decision.objects.visible_to(user).select_related("committee"), pk=pk)


@login_required
@require_GET
def decision_list(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    decisions = Decision.objects.visible_to(user).select_related("committee")
    return render(
        request,
        "restructure/list.html",
        {"nav": "restructure", "decisions": decisions, "can_edit": user.has_role_in(ORG_EDITORS)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_new(request: HttpRequest) -> HttpResponse:
    user = _editor(request)
    initial = {"committee": user.scope.code if user.scope else ""}
    form = DecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        committee = Org.objects.editable_by(user).filter(code=data["committee"].strip().upper()).first()
        if committee is None:
            form.add_error("committee", f"Không có tổ chức mã “{data['committee']}” trong phạm vi của bạn.")
        else:
            decision = decision_create(
                actor=user,
                committee=committee,
                number=data["number"],
                signed_on=data["signed_on"],
                issued_by=data["issued_by"],
                effective_on=data["effective_on"],
                note=data["note"],
            )
            return redirect("restructure:detail", pk=decision.pk)
    return render(
        request, "restructure/form.html", {"nav": "restructure", "form": form, "title": "Quyết định sắp xếp mới"}
    )


@login_required
@require_GET
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    decision = _decision(user, pk)
    can_edit = user.has_role_in(ORG_EDITORS)
    operations = list(decision.operations.all())
    context: dict[str, Any] = {
        "nav": "restructure",
        "decision": decision,
        "operations": [(op, describe(op)) for op in operations],
        "can_edit": can_edit,
        "kinds": OperationKind.choices,
        "preview": None,
        "preview_error": "",
        "undo_problems": [],
    }
    if can_edit and decision.is_draft and operations:
        try:
            context["preview"] = decision_preview(decision=decision, actor=user)
        except ValidationError as error:
            context["preview_error"] = " ".join(error.messages)
    if can_edit and decision.status == "applied":
        context["undo_problems"] = undo_problems(decision=decision, actor=user)
    return render(request, "restructure/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def operation_new(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    user = _editor(request)
    decision = _decision(user, pk)
    if kind not in OPERATION_FORMS:
        raise Http404
    if not decision.is_draft:
        messages.error(request, "Quyết định đã được áp dụng; không thể thêm thao tác.")
        return redirect("restructure:detail", pk=decision.pk)
    form_class = OPERATION_FORMS[kind]
    extra: dict[str, Any] = {}
    source = None
    if form_class is SplitForm:
        code = (request.POST.get("source") or request.GET.get("source") or "").strip().upper()
        source = Org.objects.editable_by(user).filter(code=code, dissolved_on__isnull=True).first() if code else None
        if source is not None:
            extra["members"] = list(
                Member.objects.filter(current_org=source, status__in=MOVED_STATUSES).order_by("name_sort_key")
            )
            extra["children"] = list(source.children.filter(dissolved_on__isnull=True).order_by("code"))
    data = request.POST if request.method == "POST" else None
    initial = {"source": source.code} if source else None
    form = form_class(data, initial=initial, **extra)
    if request.method == "POST" and form.is_valid():
        params = form.params()  # type: ignore[attr-defined]
        if form.is_valid():  # params() may add errors (split parts)
            operation_add(actor=user, decision=decision, kind=kind, params=params)
            messages.success(request, "Đã thêm thao tác; xem trước kết quả bên dưới.")
            return redirect("restructure:detail", pk=decision.pk)
    return render(
        request,
        "restructure/operation_form.html",
        {
            "nav": "restructure",
            "decision": decision,
            "form": form,
            "kind": kind,
            "title": OperationKind(kind).label,
            "source": source,
            "org_codes": Org.objects.editable_by(user).filter(dissolved_on__isnull=True).order_by("code")[:2000],
        },
    )


@login_required
@require_POST
def operation_delete(request: HttpRequest, pk: int, op_pk: int) -> HttpResponse:
    user = _editor(request)
    decision = _decision(user, pk)
    op = get_object_or_404(Operation, decision=decision, pk=op_pk)
    try:
        operation_remove(actor=user, op=op)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("restructure:detail", pk=decision.pk)


@login_required
@require_POST
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    user = _editor(request)
    decision = _decision(user, pk)
    try:
        preview = decision_apply(decision=decision, actor=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("restructure:detail", pk=decision.pk)
    if preview.ok:
        messages.success(
            request, f"Đã áp dụng {len(preview.operations)} thao tác; {preview.members_moved} đảng viên được chuyển."
        )
    else:
        messages.error(request, "Không áp dụng được, không có gì thay đổi: " + " ".join(preview.errors))
    return redirect("restructure:detail", pk=decision.pk)


@login_required
@require_POST
def undo(request: HttpRequest, pk: int) -> HttpResponse:
    user = _editor(request)
    decision = _decision(user, pk)
    try:
        decision_undo(decision=decision, actor=user)
    except ValidationError as error:
        messages.error(request, "Không hoàn tác được, không có gì thay đổi: " + " ".join(error.messages))
    else:
        messages.success(request, "Đã hoàn tác toàn bộ quyết định.")
    return redirect("restructure:detail", pk=decision.pk)


@login_required
@require_http_methods(["GET", "POST"])
def sheet_upload(request: HttpRequest, pk: int) -> HttpResponse:
    user = _editor(request)
    decision = _decision(user, pk)
    form = SheetForm(request.POST or None, request.FILES or None)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid() and decision.is_draft:
        upload = form.cleaned_data["file"]
        with tempfile.NamedTemporaryFile(suffix=".upload") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
            handle.flush()
            plan = read_sheet(Path(handle.name), orgs=Org.objects.editable_by(user), filename=upload.name)
        problems = plan.problems
        if not problems:
            operations_replace(
                actor=user, decision=decision, operations=plan.operations, note=f"Nạp bảng kê “{upload.name}”"
            )
            messages.success(
                request,
                f"Đã đọc {plan.rows} dòng thành {len(plan.operations)} thao tác; xem trước kết quả rồi bấm Áp dụng.",
            )
            return redirect("restructure:detail", pk=decision.pk)
    return render(
        request,
        "restructure/sheet.html",
        {"nav": "restructure", "decision": decision, "form": form, "problems": problems},
    )


@login_required
@require_GET
def sheet_template_download(request: HttpRequest) -> HttpResponse:
    _editor(request)
    response = HttpResponse(sheet_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="bang-ke-sap-xep.xlsx"'
    return response
