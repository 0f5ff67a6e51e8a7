"""Member pages: the list with search and filters, the record with its timeline, the forms.

Every view starts from `Member.objects.visible_to(user)` (or the events of those members), so a record
out of scope is a 404; editing also needs a role in MEMBER_EDITORS (a 403 otherwise). Writes go through
`members.services`, which validate and write the audit rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dangvu.accounts.models import AUDIT_READERS, MEMBER_EDITORS, SENSITIVE_READERS, TREE_READERS, Role, User
from dangvu.audit.models import Action
from dangvu.audit.services import audit_record
from dangvu.evaluations.grids import rating_history
from dangvu.lib.forms import add_service_errors
from dangvu.lifecycle.views import member_section
from dangvu.members import services
from dangvu.members.forms import EventDeleteForm, EventForm, MemberCreateForm, MemberForm
from dangvu.members.lifecycle import EventKind, Status
from dangvu.members.models import SENSITIVE_FIELDS, Member, MemberEvent, Sex, can_reveal
from dangvu.members.queries import (
    AGE_BAND_LABELS,
    MEMBERSHIP_LABELS,
    PAGE_SIZE,
    STATUS_ALL,
    MemberSearch,
    member_search,
)
from dangvu.orgs.history import member_org_history
from dangvu.orgs.models import Org

MASK = "•••"
# Digits of the CCCD left visible when masked: enough to tell two records apart on the phone.
CCCD_VISIBLE_DIGITS = 3
NOTE_EDIT_FORM_REVEAL = "Mở biểu mẫu sửa hồ sơ (hiện các thông tin nhạy cảm)"
SESSION_REVEALED = "members:revealed:{pk}"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _require_editor(user: User) -> None:
    if user.role not in MEMBER_EDITORS:
        raise PermissionDenied("Bạn không có quyền sửa hồ sơ đảng viên.")


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def org_url(org: Org) -> str:
    """The page of an organisation: its own page when the org pages provide one, else its member list."""
    try:
        return reverse("orgs:detail", args=[org.pk])
    except NoReverseMatch:
        return f"{reverse('members:list')}?org={org.pk}"


def mask(field: str, value: str) -> str:
    """A sensitive value as shown before a reveal: the CCCD keeps its last digits, the rest nothing."""
    if not value:
        return ""
    if field == "citizen_id" and len(value) > CCCD_VISIBLE_DIGITS:
        return "•" * (len(value) - CCCD_VISIBLE_DIGITS) + value[-CCCD_VISIBLE_DIGITS:]
    return MASK


# List ---------------------------------------------------------------------------------------------


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.role not in TREE_READERS:
        raise PermissionDenied("Danh sách đảng viên dành cho cán bộ theo phạm vi được giao.")
    params = MemberSearch.parse(request.GET)
    org = get_object_or_404(Org.objects.visible_to(user), pk=params.org) if params.org is not None else None
    members = member_search(user, params, org=org)
    page = Paginator(members, PAGE_SIZE).get_page(params.page)
    return render(
        request,
        "members/list.html",
        {
            "nav": "members",
            "params": params,
            "org": org,
            "page": page,
            "total": page.paginator.count,
            "can_edit": user.role in MEMBER_EDITORS,
            "sensitive": user.role in SENSITIVE_READERS,
            "status_choices": [("", "Trong danh sách"), (STATUS_ALL, "Tất cả"), *Status.choices],
            "sex_choices": Sex.choices,
            "age_choices": list(AGE_BAND_LABELS.items()),
            "membership_choices": list(MEMBERSHIP_LABELS.items()),
        },
    )


# Record -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordRow:
    field: str
    label: str
    value: str
    masked: bool = False
    revealable: bool = False


def _label(field: str) -> str:
    name = str(getattr(Member._meta.get_field(field), "verbose_name", field))
    return name[:1].upper() + name[1:]


def _record_rows(member: Member, *, unmasked: set[str], reveal_allowed: bool) -> list[RecordRow]:
    plain: list[tuple[str, str]] = [
        ("full_name", member.full_name),
        ("sex", member.get_sex_display()),
        ("birth_date", f"{member.birth_date:%d/%m/%Y}"),
        ("home_town", member.home_town),
        ("ethnicity", member.ethnicity),
        ("religion", member.religion),
        ("citizen_id", member.citizen_id or ""),
        ("card_number", member.card_number or ""),
        ("education", member.education),
        ("professional_level", member.get_professional_level_display() if member.professional_level else ""),
        ("political_theory", member.get_political_theory_display() if member.political_theory else ""),
        ("occupation", member.occupation),
        ("position", member.position),
        ("phone", member.phone),
        ("address", member.address),
    ]
    rows = []
    for field, value in plain:
        if field in SENSITIVE_FIELDS and field not in unmasked and value:
            rows.append(RecordRow(field, _label(field), mask(field, value), masked=True, revealable=reveal_allowed))
        else:
            rows.append(RecordRow(field, _label(field), value))
    return rows


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    member = get_object_or_404(Member.objects.visible_to(user).select_related("current_org"), pk=pk)
    is_editor = user.role in MEMBER_EDITORS
    own = user.role == Role.MEMBER  # visible_to gives the member role its own record only
    reveal_allowed = can_reveal(user, member) and not own
    unmasked = set(SENSITIVE_FIELDS) if own else set()
    if reveal_allowed:  # a reveal posted without JavaScript: shown on this one page view
        unmasked |= set(request.session.pop(SESSION_REVEALED.format(pk=member.pk), []))
    events = member.events.select_related("org", "deleted_by").order_by("on", "pk")
    if not is_editor:
        events = events.live()
    timeline = list(events)
    admissions = [e for e in timeline if e.deleted_at is None and e.kind in {EventKind.ADMITTED, EventKind.READMITTED}]
    cell = member.current_org
    stints = member_org_history(member)
    # Which of the cell and the past organisations the user may open (one query for all of them).
    wanted = {s.org_id for s in stints} | ({cell.pk} if cell is not None else set())
    stint_orgs = set(Org.objects.visible_to(user).filter(pk__in=wanted).values_list("pk", flat=True))
    cell_visible = cell is not None and cell.pk in stint_orgs
    response = render(
        request,
        "members/detail.html",
        {
            "nav": "members",
            "member": member,
            "rows": _record_rows(member, unmasked=unmasked, reveal_allowed=reveal_allowed),
            "cell": cell,
            "cell_url": org_url(cell) if cell is not None and cell_visible else "",
            "admission": admissions[-1] if admissions else None,
            "warnings": services.member_warnings(member, events=[e for e in timeline if e.deleted_at is None]),
            "timeline": timeline,
            "stints": [(stint, stint.org_id in stint_orgs) for stint in stints],
            "ratings": rating_history(member),
            "party": member_section(member),
            "can_edit": is_editor,
            "audit_url": (f"{reverse('audit:list')}?type=member&id={member.pk}" if user.role in AUDIT_READERS else ""),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@login_required
@require_POST
def member_reveal(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    """Show one sensitive field: writes the audit row, answers JSON to the page's script, or without
    JavaScript goes back to the record, which shows the value once."""
    user = _user(request)
    member = get_object_or_404(Member.objects.visible_to(user), pk=pk)
    if field not in SENSITIVE_FIELDS:
        raise Http404
    if user.role == Role.MEMBER or not can_reveal(user, member):
        raise PermissionDenied("Bạn không có quyền xem thông tin này.")
    value = services.member_reveal(actor=user, member=member, field=field, ip_address=_ip(request))
    if request.headers.get("X-Requested-With") == "fetch" or "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"value": value})
    key = SESSION_REVEALED.format(pk=member.pk)
    request.session[key] = sorted({*request.session.get(key, []), field})
    return redirect(reverse("members:detail", args=[member.pk]) + f"#f-{field}")


# Forms --------------------------------------------------------------------------------------------


def _show_warnings(request: HttpRequest, warnings: list[str]) -> None:
    for warning in warnings:
        messages.warning(request, warning)


def _back_to(request: HttpRequest, user: User, member: Member) -> HttpResponse:
    """The record after an event; the list when the event took the member out of the user's scope
    (a transfer to a cell of another commune), where the record would now be a 404."""
    if Member.objects.visible_to(user).filter(pk=member.pk).exists():
        return redirect("members:detail", pk=member.pk)
    messages.info(request, f"{member.full_name} đã chuyển ra ngoài phạm vi của bạn.")
    return redirect("members:list")


@never_cache
@login_required
def member_create_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_editor(user)
    cells = Org.objects.visible_to(user).cells().active()
    initial: dict[str, Any] = {}
    if (cell_pk := request.GET.get("cell", "")).isdigit():
        initial["cell"] = int(cell_pk)
    form = MemberCreateForm(
        request.POST if request.method == "POST" else None,
        cells=cells,
        sensitive=user.role in SENSITIVE_READERS,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = services.member_create(
                actor=user,
                data=form.personal_data(),
                cell=data["cell"],
                admitted_on=data["admitted_on"],
                ceremony_on=data["ceremony_on"],
                official_on=data["official_on"],
                decision_no=data["decision_no"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Đã thêm hồ sơ đảng viên {outcome.member.full_name}.")
            _show_warnings(request, outcome.warnings)
            return redirect("members:detail", pk=outcome.member.pk)
    return render(request, "members/member_form.html", {"nav": "members", "form": form, "member": None})


@never_cache
@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    member = get_object_or_404(Member.objects.visible_to(user), pk=pk)
    _require_editor(user)
    sensitive = user.role in SENSITIVE_READERS
    title_name = member.full_name
    if request.method == "POST":
        form = MemberForm(request.POST, sensitive=sensitive)
        if form.is_valid():
            try:
                outcome = services.member_update(actor=user, member=member, data=form.personal_data())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Đã lưu hồ sơ.")
                _show_warnings(request, outcome.warnings)
                return redirect("members:detail", pk=member.pk)
    else:
        form = MemberForm(sensitive=sensitive)
        form.initial = {name: getattr(member, name) or "" for name in form.fields}
        form.initial["birth_date"] = member.birth_date
        if sensitive:  # the form shows every sensitive value at once: one logged reveal
            audit_record(
                actor=user,
                action=Action.REVEAL,
                target=member,
                changes={"fields": list(SENSITIVE_FIELDS)},
                note=NOTE_EDIT_FORM_REVEAL,
                ip_address=_ip(request),
            )
    return render(
        request,
        "members/member_form.html",
        {"nav": "members", "form": form, "member": member, "title_name": title_name},
    )


@never_cache
@login_required
def event_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    member = get_object_or_404(Member.objects.visible_to(user), pk=pk)
    _require_editor(user)
    form = EventForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.event_add(actor=user, member=member, values=form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Đã ghi sự kiện.")
            _show_warnings(request, outcome.warnings)
            return _back_to(request, user, member)
    return render(request, "members/event_form.html", {"nav": "members", "form": form, "member": member, "event": None})


def _editable_event(request: HttpRequest, event_id: int) -> tuple[User, MemberEvent]:
    user = _user(request)
    event = get_object_or_404(MemberEvent.objects.visible_to(user).live().select_related("member", "org"), pk=event_id)
    _require_editor(user)
    return user, event


@never_cache
@login_required
def event_edit(request: HttpRequest, event_id: int) -> HttpResponse:
    user, event = _editable_event(request, event_id)
    member = event.member
    form = EventForm(request.POST if request.method == "POST" else None, user=user, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.event_update(actor=user, event=event, values=form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Đã sửa sự kiện.")
            _show_warnings(request, outcome.warnings)
            return _back_to(request, user, member)
    return render(
        request, "members/event_form.html", {"nav": "members", "form": form, "member": member, "event": event}
    )


@never_cache
@login_required
def event_remove(request: HttpRequest, event_id: int) -> HttpResponse:
    """Soft delete: the event leaves the timeline, stays stored and in the audit trail with the reason."""
    user, event = _editable_event(request, event_id)
    member = event.member
    form = EventDeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.event_delete(actor=user, event=event, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Đã xóa sự kiện “{event.get_kind_display()}” ngày {event.on:%d/%m/%Y}.")
            _show_warnings(request, outcome.warnings)
            return _back_to(request, user, member)
    return render(
        request, "members/event_delete.html", {"nav": "members", "form": form, "member": member, "event": event}
    )
