"""Pages of cell meetings (`/sinh-hoat/`): the figures of a subtree for a year, a cell's meetings with the
striking-off warning, the attendance form; and the model cells (`/sinh-hoat/kieu-mau/`).

Scoping as everywhere: an organisation outside the user's scope is a 404; a reader who may not act
gets a 403 on the actions.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from dangvu.accounts.models import TREE_READERS, User
from dangvu.exchange.exports import FORMATS, export_response
from dangvu.lib.forms import int_or_none
from dangvu.meetings import queries, services
from dangvu.meetings.exports import stats_table
from dangvu.meetings.forms import AssessmentForm, CriterionForm, MeetingForm, RecogniseForm
from dangvu.meetings.models import AssessmentStatus, Meeting, ModelCellAssessment, ModelCellCriterion, Presence
from dangvu.meetings.rules import STRIKE_OFF_GROUND
from dangvu.members.lifecycle import ON_ROLL
from dangvu.members.models import Member
from dangvu.orgs.models import Org
from dangvu.orgs.queries import requested_org

MSG_RECORDED = "Đã ghi buổi sinh hoạt ngày {day:%d/%m/%Y}."
MSG_UPDATED = "Đã sửa buổi sinh hoạt ngày {day:%d/%m/%Y}."
MSG_DELETED = "Đã xóa buổi sinh hoạt ngày {day:%d/%m/%Y}."
MSG_CRITERION = "Đã thêm tiêu chí."
MSG_PROPOSED = "Đã lập đề nghị công nhận chi bộ kiểu mẫu."
MSG_RECOGNISED = "Đã ghi quyết định công nhận."


def _reader(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.has_role_in(TREE_READERS):
        raise PermissionDenied
    return user


def _year(request: HttpRequest) -> int:
    year = int_or_none(request.GET.get("nam"))
    return year if year and 1930 <= year <= 2200 else timezone.localdate().year


def _cell(user: User, pk: int) -> Org:
    return get_object_or_404(Org.objects.visible_to(user).cells(), pk=pk)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    org = requested_org(user, request.GET.get("org"))
    year = _year(request)
    stats = queries.year_stats(org, year, timezone.localdate())
    context = {"nav": "meetings", "org": org, "year": year, "stats": stats, "month_numbers": range(1, 13)}
    return render(request, "meetings/index.html", context)


@login_required
def export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The figures of the page as xlsx (default) or csv (`?format=csv`)."""
    user = _reader(request)
    org = requested_org(user, request.GET.get("org"))
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        raise Http404
    stats = queries.year_stats(org, _year(request), timezone.localdate())
    return export_response(stats_table(stats), fmt)


@login_required
def cell(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    org = _cell(user, pk)
    year = _year(request)
    meetings = Meeting.objects.filter(cell=org, held_on__year=year).order_by("-held_on", "-pk")
    members = Member.objects.visible_to(user).filter(current_org=org).on_roll()
    context = {
        "nav": "meetings",
        "cell": org,
        "year": year,
        "meetings": meetings,
        "absentees": queries.absentees(members, year),
        "ground": STRIKE_OFF_GROUND,
        "can_record": services.can_record_meetings(user, org),
    }
    return render(request, "meetings/cell.html", context)


@login_required
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    org = _cell(user, pk)
    if not services.can_record_meetings(user, org):
        raise PermissionDenied
    members = list(Member.objects.filter(current_org=org).on_roll().order_by("full_name", "pk"))
    form = MeetingForm(request.POST or None, initial={"held_on": timezone.localdate()})
    chosen = {m.pk: request.POST.get(f"p-{m.pk}", Presence.PRESENT) for m in members}
    if request.method == "POST" and form.is_valid():
        presences = {pk: value if value in Presence.values else Presence.PRESENT for pk, value in chosen.items()}
        try:
            meeting = services.meeting_record(actor=user, cell=org, presences=presences, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, MSG_RECORDED.format(day=meeting.held_on))
            return redirect(f"{reverse('meetings:cell', args=[org.pk])}?nam={meeting.held_on.year}")
    rows = [(m, chosen[m.pk]) for m in members]
    context = {"nav": "meetings", "cell": org, "form": form, "rows": rows, "presences": Presence.choices}
    return render(request, "meetings/meeting_form.html", context)


def _recordable_meeting(request: HttpRequest, pk: int) -> tuple[User, Meeting]:
    """A meeting of a cell in scope (else 404) that the user may record (else 403)."""
    user = _reader(request)
    meeting = get_object_or_404(
        Meeting.objects.filter(cell__in=Org.objects.visible_to(user)).select_related("cell"), pk=pk
    )
    if not services.can_record_meetings(user, meeting.cell):
        raise PermissionDenied
    return user, meeting


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user, meeting = _recordable_meeting(request, pk)
    org = meeting.cell
    stored = {a.member_id: a.presence for a in meeting.attendance.all()}
    members = list(
        Member.objects.filter(Q(current_org=org, status__in=ON_ROLL) | Q(pk__in=stored)).order_by("full_name", "pk")
    )
    form = MeetingForm(request.POST or None, instance=Meeting.objects.get(pk=meeting.pk))
    chosen = {m.pk: request.POST.get(f"p-{m.pk}", stored.get(m.pk, Presence.PRESENT)) for m in members}
    if request.method == "POST" and form.is_valid():
        presences = {pk: value if value in Presence.values else Presence.PRESENT for pk, value in chosen.items()}
        try:
            services.meeting_update(actor=user, meeting=meeting, presences=presences, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, MSG_UPDATED.format(day=meeting.held_on))
            return redirect("meetings:detail", pk=meeting.pk)
    rows = [(m, chosen[m.pk]) for m in members]
    context = {
        "nav": "meetings",
        "cell": org,
        "form": form,
        "rows": rows,
        "presences": Presence.choices,
        "meeting": meeting,
    }
    return render(request, "meetings/meeting_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user, meeting = _recordable_meeting(request, pk)
    if request.method == "POST":
        day, cell = meeting.held_on, meeting.cell
        services.meeting_delete(actor=user, meeting=meeting)
        messages.success(request, MSG_DELETED.format(day=day))
        return redirect(f"{reverse('meetings:cell', args=[cell.pk])}?nam={day.year}")
    return render(request, "meetings/meeting_delete.html", {"nav": "meetings", "meeting": meeting})


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    meeting = get_object_or_404(
        Meeting.objects.filter(cell__in=Org.objects.visible_to(user)).select_related("cell"), pk=pk
    )
    attendance = meeting.attendance.select_related("member").order_by("member__full_name", "member_id")
    context = {
        "nav": "meetings",
        "meeting": meeting,
        "attendance": attendance,
        "can_record": services.can_record_meetings(user, meeting.cell),
    }
    return render(request, "meetings/meeting.html", context)


def _model_cell_editor(request: HttpRequest) -> User:
    user = _reader(request)
    if not user.has_role_in(services.MODEL_CELL_EDITORS):
        raise PermissionDenied
    return user


@login_required
def model_cells(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    org = requested_org(user, request.GET.get("org"))
    recognised = list(queries.recognised(org))
    children = list(Org.objects.filter(parent=org).order_by("path"))
    by_child = [(child, sum(1 for a in recognised if a.cell.path.startswith(child.path))) for child in children]
    context = {
        "nav": "meetings",
        "org": org,
        "criteria": ModelCellCriterion.objects.filter(committee=org),
        "active_criteria": ModelCellCriterion.objects.filter(committee=org, active=True),
        "recognised": recognised,
        "by_child": by_child,
        "pending": ModelCellAssessment.objects.filter(
            cell__path__in_subtree=org.path, status=AssessmentStatus.PROPOSED
        ).select_related("cell"),
        "cells": Org.objects.subtree(org).cells().active().order_by("path"),
        "can_edit": user.has_role_in(services.MODEL_CELL_EDITORS),
        "criterion_form": CriterionForm(),
        "recognise_form": RecogniseForm(),
    }
    return render(request, "meetings/model_cells.html", context)


def _back(org: Org) -> HttpResponse:
    return redirect(f"{reverse('meetings:model_cells')}?org={org.pk}")


@login_required
@require_POST
def criterion_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _model_cell_editor(request)
    org = get_object_or_404(Org.objects.visible_to(user), pk=pk)
    form = CriterionForm(request.POST)
    if form.is_valid():
        services.criterion_add(actor=user, committee=org, **form.cleaned_data)
        messages.success(request, MSG_CRITERION)
    else:
        messages.error(request, "Tiêu chí chưa hợp lệ.")
    return _back(org)


@login_required
@require_POST
def criterion_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    user = _model_cell_editor(request)
    criterion = get_object_or_404(
        ModelCellCriterion.objects.filter(committee__in=Org.objects.visible_to(user)).select_related("committee"), pk=pk
    )
    services.criterion_set_active(actor=user, criterion=criterion, active=not criterion.active)
    return _back(criterion.committee)


@login_required
@require_POST
def assessment_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _model_cell_editor(request)
    org = get_object_or_404(Org.objects.visible_to(user), pk=pk)
    form = AssessmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Cần chọn chi bộ và thời kỳ.")
        return _back(org)
    target = get_object_or_404(Org.objects.subtree(org).cells(), pk=form.cleaned_data["cell"])
    criteria = ModelCellCriterion.objects.filter(committee=org, active=True)
    met = {c.pk: request.POST.get(f"c-{c.pk}") == "on" for c in criteria}
    try:
        services.assessment_propose(
            actor=user,
            cell=target,
            period_from=form.cleaned_data["period_from"],
            period_to=form.cleaned_data["period_to"],
            met=met,
        )
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, MSG_PROPOSED)
    return _back(org)


@login_required
@require_POST
def assessment_recognise(request: HttpRequest, pk: int) -> HttpResponse:
    user = _model_cell_editor(request)
    assessment = get_object_or_404(
        ModelCellAssessment.objects.filter(cell__in=Org.objects.visible_to(user)).select_related("cell"), pk=pk
    )
    form = RecogniseForm(request.POST)
    org = requested_org(user, request.POST.get("org"))
    if not form.is_valid():
        messages.error(request, "Cần số và ngày quyết định.")
        return _back(org)
    try:
        services.assessment_recognise(actor=user, assessment=assessment, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, MSG_RECOGNISED)
    return _back(org)
