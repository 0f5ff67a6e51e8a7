"""Pages: targets with their live progress (`/ke-hoach/?org=&nam=`), the inspection plan's progress
(`/ke-hoach/kiem-tra/?org=&nam=`). Readers: the roles that read the tree; out of scope is a 404."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from dangvu.accounts.models import MEMBER_EDITORS, ORG_EDITORS, TREE_READERS, User
from dangvu.audit.models import Action
from dangvu.audit.services import audit_record
from dangvu.orgs.models import Org
from dangvu.plans.forms import AssessmentForm, InspectionItemForm, InspectionRecordForm, RegistrationForm, TargetForm
from dangvu.plans.models import InspectionItem, InspectionPlan, Registration, Target
from dangvu.plans.progress import inspection_progress, targets_progress
from dangvu.plans.services import (
    inspection_item_delete,
    inspection_item_update,
    registration_assessment_update,
    registration_delete,
    target_delete,
    target_update,
)
from dangvu.plans.word import inspection_docx_filename, inspection_word_context, render_inspection_docx


def _reader(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.has_role_in(TREE_READERS):
        raise PermissionDenied
    return user


def _org_year(request: HttpRequest) -> tuple[Org, int]:
    user = _reader(request)
    visible = Org.objects.visible_to(user)
    raw = request.GET.get("org", "")
    if raw:
        if not raw.isdigit():
            raise Http404
        org = get_object_or_404(visible, pk=int(raw))
    elif user.scope is not None:
        org = user.scope
    else:
        first = visible.order_by("depth", "pk").first()
        if first is None:
            raise Http404
        org = first
    raw_year = request.GET.get("nam", "")
    year = int(raw_year) if raw_year.isdigit() else timezone.localdate().year
    if not 1950 <= year <= 2200:
        raise Http404
    return org, year


@login_required
@require_GET
def targets(request: HttpRequest) -> HttpResponse:
    org, year = _org_year(request)
    today = timezone.localdate()
    context = {
        "nav": "plans",
        "org": org,
        "year": year,
        "progress": targets_progress(org, year, today),
        "can_edit": request.user.has_role_in(ORG_EDITORS),  # type: ignore[union-attr]
        "registrations": Registration.objects.filter(
            Q(org__path__in_subtree=org.path) | Q(member__current_org__path__in_subtree=org.path), year=year
        ).count(),
    }
    return render(request, "plans/targets.html", context)


@login_required
@require_GET
def inspections(request: HttpRequest) -> HttpResponse:
    org, year = _org_year(request)
    context = {
        "nav": "plans",
        "org": org,
        "year": year,
        "progress": inspection_progress(org, year),
        "can_edit": request.user.has_role_in(ORG_EDITORS),  # type: ignore[union-attr]
        "items": InspectionItem.objects.filter(plan__org=org, plan__year=year).select_related(
            "target_org", "target_member"
        ),
    }
    return render(request, "plans/inspections.html", context)


@login_required
@require_GET
def inspections_docx(request: HttpRequest) -> HttpResponse:
    """The year's inspection and supervision plan and its progress as Word (HD 36 layout)."""
    org, year = _org_year(request)
    context = inspection_word_context(org, year, today=timezone.localdate())
    response = HttpResponse(
        render_inspection_docx(context),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="{inspection_docx_filename(context)}"'
    return response


# Editing ------------------------------------------------------------------------------------------------

MSG_SAVED = "Đã lưu."


def _editor(request: HttpRequest, roles: frozenset[str] = ORG_EDITORS) -> User:
    user = _reader(request)
    if not user.has_role_in(roles):
        raise PermissionDenied
    return user


def _form_page(request: HttpRequest, org: Org, title: str, form: Any, back: str) -> HttpResponse:
    return render(request, "plans/form.html", {"nav": "plans", "org": org, "title": title, "form": form, "back": back})


def _targets_url(org: Org, year: int) -> str:
    return f"{reverse('plans:targets')}?org={org.pk}&nam={year}"


def _inspections_url(org: Org, year: int) -> str:
    return f"{reverse('plans:inspections')}?org={org.pk}&nam={year}"


def _registrations_url(org: Org, year: int) -> str:
    return f"{reverse('plans:registrations')}?org={org.pk}&nam={year}"


@login_required
@require_http_methods(["GET", "POST"])
def target_add(request: HttpRequest) -> HttpResponse:
    user = _editor(request)
    org, year = _org_year(request)
    form = TargetForm(request.POST or None, initial={"year_from": year, "year_to": year})
    if request.method == "POST" and form.is_valid():
        target = form.save(commit=False)
        target.org = org
        target.save()
        audit_record(actor=user, action=Action.CREATE, target=target, note=str(target))
        messages.success(request, MSG_SAVED)
        return redirect(_targets_url(org, target.year_from))
    return _form_page(request, org, "Thêm chỉ tiêu", form, _targets_url(org, year))


@login_required
@require_http_methods(["GET", "POST"])
def inspection_add(request: HttpRequest) -> HttpResponse:
    user = _editor(request)
    org, year = _org_year(request)
    form = InspectionItemForm(request.POST or None, scope=org)
    if request.method == "POST" and form.is_valid():
        plan, _ = InspectionPlan.objects.get_or_create(
            org=org, year=year, defaults={"title": f"Kế hoạch kiểm tra, giám sát năm {year} của {org.name}"}
        )
        item = form.save(commit=False)
        item.plan = plan
        item.save()
        audit_record(actor=user, action=Action.CREATE, target=item, note=str(item))
        messages.success(request, MSG_SAVED)
        return redirect(_inspections_url(org, year))
    return _form_page(request, org, f"Thêm nội dung kiểm tra, giám sát năm {year}", form, _inspections_url(org, year))


@login_required
@require_http_methods(["GET", "POST"])
def inspection_record(request: HttpRequest, pk: int) -> HttpResponse:
    user = _editor(request)
    item = get_object_or_404(
        InspectionItem.objects.select_related("plan__org").filter(plan__org__in=Org.objects.visible_to(user)), pk=pk
    )
    org, year = item.plan.org, item.plan.year
    form = InspectionRecordForm(request.POST or None, instance=InspectionItem.objects.get(pk=item.pk))
    if request.method == "POST" and form.is_valid():
        try:
            inspection_item_update(actor=user, item=item, values=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, MSG_SAVED)
            return redirect(_inspections_url(org, year))
    return _form_page(request, org, f"Kết quả: {item}", form, _inspections_url(org, year))


@login_required
@require_GET
def registrations(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    org, year = _org_year(request)
    rows = (
        Registration.objects.filter(
            Q(org__path__in_subtree=org.path) | Q(member__current_org__path__in_subtree=org.path), year=year
        )
        .select_related("org", "member")
        .order_by("kind", "pk")
    )
    context = {
        "nav": "plans",
        "org": org,
        "year": year,
        "rows": rows,
        "can_edit": user.has_role_in(MEMBER_EDITORS),
    }
    return render(request, "plans/registrations.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def registration_add(request: HttpRequest) -> HttpResponse:
    user = _editor(request, MEMBER_EDITORS)
    org, year = _org_year(request)
    form = RegistrationForm(request.POST or None, scope=org, initial={"registered_on": date(year, 1, 15)})
    if request.method == "POST" and form.is_valid():
        row = form.save(commit=False)
        row.year = year
        row.save()
        audit_record(actor=user, action=Action.CREATE, target=row, note=str(row))
        messages.success(request, MSG_SAVED)
        return redirect(_registrations_url(org, year))
    return _form_page(request, org, f"Đăng ký thi đua năm {year}", form, _registrations_url(org, year))


def _own_registration(user: User, pk: int) -> Registration:
    visible = Org.objects.visible_to(user)
    return get_object_or_404(
        Registration.objects.filter(Q(org__in=visible) | Q(member__current_org__in=visible)).select_related(
            "org", "member__current_org"
        ),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def registration_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = _editor(request, MEMBER_EDITORS)
    row = _own_registration(user, pk)
    scope = row.org or (row.member.current_org if row.member else None)
    if scope is None:
        raise Http404
    back = _registrations_url(user.scope or scope, row.year)
    if request.method == "POST":
        what = str(row)
        registration_delete(actor=user, registration=row)
        messages.success(request, MSG_DELETED.format(what=what))
        return redirect(back)
    who = row.member.full_name if row.member else scope.name
    return _confirm_page(request, scope, "Xóa đăng ký", f"{row} — {who}", back)


@login_required
@require_http_methods(["GET", "POST"])
def registration_assess(request: HttpRequest, pk: int) -> HttpResponse:
    user = _editor(request, MEMBER_EDITORS)
    visible = Org.objects.visible_to(user)
    row = get_object_or_404(
        Registration.objects.filter(Q(org__in=visible) | Q(member__current_org__in=visible)).select_related(
            "org", "member__current_org"
        ),
        pk=pk,
    )
    scope = row.org or (row.member.current_org if row.member else None)
    if scope is None:
        raise Http404
    form = AssessmentForm(request.POST or None, instance=Registration.objects.get(pk=row.pk))
    back = _registrations_url(user.scope or scope, row.year)
    if request.method == "POST" and form.is_valid():
        try:
            registration_assessment_update(actor=user, registration=row, values=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, MSG_SAVED)
            return redirect(back)
    return _form_page(request, scope, f"Đánh giá: {row}", form, back)


# Changing and deleting (ORG_EDITORS whose scope holds the committee; a delete asks for confirmation) ------

MSG_DELETED = "Đã xóa: {what}."


def _own_target(user: User, pk: int) -> Target:
    return get_object_or_404(Target.objects.filter(org__in=Org.objects.editable_by(user)).select_related("org"), pk=pk)


def _own_item(user: User, pk: int) -> InspectionItem:
    return get_object_or_404(
        InspectionItem.objects.filter(plan__org__in=Org.objects.editable_by(user)).select_related(
            "plan__org", "target_org", "target_member"
        ),
        pk=pk,
    )


def _confirm_page(request: HttpRequest, org: Org, title: str, what: str, back: str) -> HttpResponse:
    context = {"nav": "plans", "org": org, "title": title, "what": what, "back": back}
    return render(request, "plans/confirm_delete.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _editor(request)
    target = _own_target(user, pk)
    back = _targets_url(target.org, target.year_from)
    form = TargetForm(request.POST or None, instance=Target.objects.get(pk=target.pk))
    if request.method == "POST" and form.is_valid():
        try:
            target_update(actor=user, target=target, values=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, MSG_SAVED)
            return redirect(_targets_url(target.org, target.year_from))
    return _form_page(request, target.org, f"Sửa chỉ tiêu: {target.get_kind_display()}", form, back)


@login_required
@require_http_methods(["GET", "POST"])
def target_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = _editor(request)
    target = _own_target(user, pk)
    back = _targets_url(target.org, target.year_from)
    if request.method == "POST":
        what = str(target)
        target_delete(actor=user, target=target)
        messages.success(request, MSG_DELETED.format(what=what))
        return redirect(back)
    return _confirm_page(request, target.org, "Xóa chỉ tiêu", f"{target} ({target.years_text})", back)


@login_required
@require_http_methods(["GET", "POST"])
def inspection_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _editor(request)
    item = _own_item(user, pk)
    org, year = item.plan.org, item.plan.year
    form = InspectionItemForm(request.POST or None, instance=InspectionItem.objects.get(pk=item.pk), scope=org)
    if request.method == "POST" and form.is_valid():
        try:
            inspection_item_update(actor=user, item=item, values=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, MSG_SAVED)
            return redirect(_inspections_url(org, year))
    return _form_page(request, org, f"Sửa nội dung kiểm tra, giám sát năm {year}", form, _inspections_url(org, year))


@login_required
@require_http_methods(["GET", "POST"])
def inspection_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = _editor(request)
    item = _own_item(user, pk)
    back = _inspections_url(item.plan.org, item.plan.year)
    if request.method == "POST":
        what = str(item)
        inspection_item_delete(actor=user, item=item)
        messages.success(request, MSG_DELETED.format(what=what))
        return redirect(back)
    return _confirm_page(request, item.plan.org, "Xóa nội dung kiểm tra, giám sát", str(item), back)
