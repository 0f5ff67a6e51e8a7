"""Pages of the evaluation: the periods (open, publish) and the rating grids of a cell's members and
of a committee's organisations.

Scoping as everywhere: an organisation outside the user's scope is a 404; one inside it that the user
may not rate is a 403. Saving goes through `services.ratings_save` (all rows or none); its findings
are warnings shown beside the rows, never a refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangvu.accounts.models import TREE_READERS, Role, User
from dangvu.evaluations import grids
from dangvu.evaluations.forms import PeriodOpenForm, RatingRowForm, RerateForm
from dangvu.evaluations.models import Period, PeriodStatus
from dangvu.evaluations.periods import PeriodKey
from dangvu.evaluations.regimes.base import Regime
from dangvu.evaluations.services import (
    GridError,
    RowInput,
    can_manage_period,
    can_rate_members,
    period_close,
    period_open,
    ratings_save,
    regime_of,
)
from dangvu.lib.forms import add_service_errors
from dangvu.orgs.kinds import CELL_KINDS
from dangvu.orgs.models import Org

MSG_OPENED = "Đã mở kỳ đánh giá {label} cho “{org}”."
MSG_CLOSED = "Đã công bố kết quả {label} của “{org}”. Từ nay mọi thay đổi là xếp loại lại."
MSG_SAVED = "Đã lưu xếp loại: {changed} dòng thay đổi."
MSG_UNCHANGED = "Không có dòng nào thay đổi."
MSG_FINDINGS = "{name}: {message} ({article})"
ERR_NOT_EDITABLE = "Kỳ đã công bố: hãy chọn “Xếp loại lại” và ghi lý do, số quyết định."
ERR_ROWS = "Có ô nhập chưa hợp lệ; chưa lưu dòng nào. Xem các ô tô đỏ bên dưới."
# Roles that open and publish periods (each within `services.can_manage_period`).
PERIOD_MANAGERS = frozenset[str]({Role.ADMIN, Role.STAFF, Role.SECRETARY})
RERATE_PARAM = "xep-loai-lai"
PAGE_PARAM = "trang"
PERIODS_PER_PAGE = 50


def _reader(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.has_role_in(TREE_READERS):
        raise PermissionDenied
    return user


def _key(year: int, quarter: int) -> PeriodKey:
    if quarter not in range(0, 5) or not 1900 < year < 2200:
        raise Http404
    return PeriodKey(year, quarter)


def _regime(key: PeriodKey) -> Regime:
    try:
        return regime_of(key)
    except ValidationError as error:
        raise Http404(error.messages[0]) from error


def member_grid_url(key: PeriodKey, org: Org) -> str:
    return reverse("evaluations:member_grid", args=[key.year, key.quarter, org.pk])


def org_grid_url(key: PeriodKey, org: Org) -> str:
    return reverse("evaluations:org_grid", args=[key.year, key.quarter, org.pk])


def _grid_links(user: User, org: Org, key: PeriodKey) -> list[tuple[str, str]]:
    allowed = grids.grid_links(user, org)
    links = []
    if allowed["members"]:
        links.append((f"Xếp loại đảng viên — {org.name}", member_grid_url(key, org)))
    if allowed["orgs"]:
        links.append((f"Xếp loại tổ chức trực thuộc — {org.name}", org_grid_url(key, org)))
    return links


def _default_year(today: date) -> int:
    """Early in the year the previous year's review is the one still being finished."""
    return today.year - 1 if today.month <= 2 else today.year


# Periods -----------------------------------------------------------------------------------------------


@dataclass
class PeriodRow:
    period: Period
    links: list[tuple[str, str]] = field(default_factory=list)
    can_publish: bool = False


def _period_rows(user: User, periods: list[Period]) -> list[PeriodRow]:
    scope = user.scope
    rows = []
    for period in periods:
        key = period.key
        links = _grid_links(user, period.org, key)
        if scope is not None and scope.pk != period.org.pk and scope.path.startswith(period.org.path):
            links += _grid_links(user, scope, key)  # a period opened above covers the user's own grids
        rows.append(
            PeriodRow(period, links, can_publish=period.is_open and can_manage_period(user, period.org)),
        )
    return rows


def _periods_page(request: HttpRequest, user: User, form: PeriodOpenForm, status: int = 200) -> HttpResponse:
    page = Paginator(grids.visible_periods(user), PERIODS_PER_PAGE).get_page(request.GET.get(PAGE_PARAM))
    context = {
        "nav": "evaluations",
        "form": form,
        "can_open": bool(form.fields["org"].widget.choices),
        "page": page,
        "rows": _period_rows(user, list(page.object_list)),
    }
    return render(request, "evaluations/periods.html", context, status=status)


@login_required
def periods(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    initial = {"org": user.scope_id, "year": _default_year(timezone.localdate())}
    return _periods_page(request, user, PeriodOpenForm(user=user, initial=initial))


@login_required
@require_POST
def period_create(request: HttpRequest) -> HttpResponse:
    """Open a period; on success go to the grid of the organisation it was opened for."""
    user = _reader(request)
    if not user.has_role_in(PERIOD_MANAGERS):
        raise PermissionDenied
    form = PeriodOpenForm(request.POST, user=user)
    if form.is_valid():
        org: Org = form.cleaned_data["org"]
        try:
            period = period_open(
                actor=user, org=org, year=form.cleaned_data["year"], quarter=form.cleaned_data["quarter"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, MSG_OPENED.format(label=period.key.label(), org=org.name))
            links = _grid_links(user, org, period.key)
            return redirect(links[0][1] if links else reverse("evaluations:periods"))
    return _periods_page(request, user, form)


def _period_in_view(user: User, pk: int) -> Period:
    """A period the user sees: of their subtree or of an organisation above their scope; else 404."""
    periods = grids.visible_periods(user)
    return get_object_or_404(periods, pk=pk)


@login_required
def period_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish (close) a period: a confirmation page, then the POST that closes it."""
    user = _reader(request)
    period = _period_in_view(user, pk)
    if not can_manage_period(user, period.org):
        raise PermissionDenied
    if request.method == "POST":
        try:
            period_close(actor=user, period=period)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, MSG_CLOSED.format(label=period.key.label(), org=period.org.name))
        return redirect("evaluations:periods")
    context = {
        "nav": "evaluations",
        "period": period,
        "links": _grid_links(user, period.org, period.key),
    }
    return render(request, "evaluations/publish.html", context)


# Grids -------------------------------------------------------------------------------------------------


@login_required
def member_grid(request: HttpRequest, year: int, quarter: int, pk: int) -> HttpResponse:
    user = _reader(request)
    key = _key(year, quarter)
    cell = get_object_or_404(Org.objects.visible_to(user).select_related("parent"), pk=pk)
    if cell.kind not in CELL_KINDS:
        raise Http404
    if not can_rate_members(user, cell):
        raise PermissionDenied
    return _grid_page(request, user, lambda: grids.member_grid(cell, key, _regime(key)))


@login_required
def org_grid(request: HttpRequest, year: int, quarter: int, pk: int) -> HttpResponse:
    user = _reader(request)
    key = _key(year, quarter)
    org = get_object_or_404(Org.objects.visible_to(user).select_related("parent"), pk=pk)
    if not grids.has_children_kinds(org):
        raise Http404
    if not grids.may_rate_children(user, org):
        raise PermissionDenied

    def child_url(child: Org) -> str:
        if child.kind in CELL_KINDS and can_rate_members(user, child):
            return member_grid_url(key, child)
        return org_grid_url(key, child) if grids.may_rate_children(user, child) else ""

    return _grid_page(request, user, lambda: grids.org_grid(org, key, _regime(key), user, child_url))


def _row_forms(grid: grids.Grid, data: Any) -> dict[int, tuple[RatingRowForm, dict[str, Any]]]:
    forms = {}
    for row in grid.rows:
        initial = RatingRowForm.initial_for(grid.regime, grid.subject, row.rating)
        form = RatingRowForm(
            data, prefix=f"r{row.pk}", initial=initial, regime=grid.regime, subject=grid.subject, name=row.name
        )
        row.form = form
        row.cells = [
            grids.ConditionCell(c, form[f"c_{c.code}"], initial[f"c_{c.code}"] if row.rating is not None else None)
            for c in grid.typed_conditions
        ]
        forms[row.pk] = (form, initial)
    return forms


def _grid_page(request: HttpRequest, user: User, build: Callable[[], grids.Grid]) -> HttpResponse:
    grid = build()
    rerate = grid.is_closed and request.GET.get(RERATE_PARAM) == "1"
    editable = grid.state == PeriodStatus.OPEN or rerate
    grid_errors: list[str] = []
    rerate_form = RerateForm(request.POST if request.method == "POST" else None) if rerate else None
    if request.method == "POST":
        if not editable:
            messages.error(request, ERR_NOT_EDITABLE)
            return redirect(request.path)
        forms = _row_forms(grid, request.POST)
        valid = [form.is_valid() for form, _ in forms.values()]
        if rerate_form is not None:
            valid.append(rerate_form.is_valid())
        if all(valid):
            saved = _save(request, user, grid, forms, rerate_form, grid_errors)
            if saved:
                return redirect(request.path)
        else:
            grid_errors.append(ERR_ROWS)
    else:
        _row_forms(grid, None)
    for row in grid.rows:
        for name in row.form.errors:
            if name in row.form.fields:
                row.form.fields[name].widget.attrs["aria-invalid"] = "true"
    period = grid.period
    context = {
        "nav": "evaluations",
        "grid": grid,
        "editable": editable,
        "rerate": rerate,
        "rerate_form": rerate_form,
        "rerate_param": RERATE_PARAM,
        "grid_errors": grid_errors,
        "can_publish": period is not None and period.is_open and can_manage_period(user, period.org),
        "can_open": grid.state is None and can_manage_period(user, grid.container),
        "up_url": _up_url(user, grid),
        "today": timezone.localdate(),
    }
    return render(request, "evaluations/grid.html", context)


def _up_url(user: User, grid: grids.Grid) -> str:
    parent = grid.container.parent
    if parent is not None and grids.may_rate_children(user, parent):
        return org_grid_url(grid.key, parent)
    return ""


def _save(
    request: HttpRequest,
    user: User,
    grid: grids.Grid,
    forms: dict[int, tuple[RatingRowForm, dict[str, Any]]],
    rerate_form: RerateForm | None,
    grid_errors: list[str],
) -> bool:
    reason = rerate_form.cleaned_data["rerate_reason"] if rerate_form is not None else ""
    decision = rerate_form.cleaned_data["rerate_decision"] if rerate_form is not None else ""
    rows = []
    names = {}
    for row in grid.rows:
        form, initial = forms[row.pk]
        if not form.is_submitted() or (row.rating is None and form.is_blank(initial)):
            continue
        data = form.cleaned_data
        names[row.pk] = row.name
        rows.append(
            RowInput(
                subject_id=row.pk,
                score=data.get("score"),
                conditions=form.conditions(),
                proposed_level=data["proposed_level"],
                level=data["level"],
                exemplary=data["exemplary"],
                justification=data["justification"],
                rerate_reason=reason,
                rerate_decision=decision,
                outstanding=bool(data.get("outstanding")),
            )
        )
    if not rows:
        messages.info(request, MSG_UNCHANGED)
        return True
    try:
        results = ratings_save(actor=user, subject=grid.subject, container=grid.container, key=grid.key, rows=rows)
    except GridError as error:
        grid_errors.append(error.messages[0])
        for result in error.results:
            row_form = forms[result.subject_id][0] if result.subject_id in forms else None
            for name, messages_ in result.errors.items():
                if name in {"rerate_reason", "rerate_decision"}:
                    if rerate_form is not None:
                        for message in messages_:
                            if message not in rerate_form.errors.get(name, []):
                                rerate_form.add_error(name, message)
                    else:
                        grid_errors.extend(m for m in messages_ if m not in grid_errors)
                elif row_form is not None:
                    row_form.add_error(row_form.field_for(name), messages_)
        return False
    except ValidationError as error:
        grid_errors.extend(error.messages)
        return False
    changed = sum(1 for r in results if r.changed)
    messages.success(request, MSG_SAVED.format(changed=changed) if changed else MSG_UNCHANGED)
    for result in results:
        for finding in result.findings:
            messages.warning(
                request,
                MSG_FINDINGS.format(
                    name=names[result.subject_id], message=finding["message"], article=finding["article"]
                ),
            )
    return True
