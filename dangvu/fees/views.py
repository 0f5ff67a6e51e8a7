"""Pages of party fees (`/dang-phi/`): the yearly summary of a subtree, a cell's book (with its .xlsx in
the cells' layout), a member's fee page (profile, reductions, payments, history) and the settings.

Scoping as everywhere: a cell or member outside the user's scope is a 404 (a member sees only their own
page); a reader who may not act gets a 403 on the actions.
"""

from __future__ import annotations

import contextlib
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangvu.accounts.models import TREE_READERS, Role, User
from dangvu.audit.models import Action
from dangvu.audit.services import audit_record
from dangvu.exchange.exports import FORMATS, XLSX_CONTENT_TYPE, export_response, filename
from dangvu.fees import queries, rules, services
from dangvu.fees.exports import book_context, book_table, summary_table, write_book_xlsx
from dangvu.fees.forms import CollectForm, MoneyField, MonthField, PaymentForm, ProfileForm, ReductionForm, SettingForm
from dangvu.fees.models import FeePayment, FeeReduction, FeeSetting
from dangvu.lib.forms import add_service_errors, int_or_none
from dangvu.members.models import Member
from dangvu.orgs.models import Org
from dangvu.orgs.queries import requested_org

MSG_PROFILE = "Đã lưu mức đóng đảng phí từ tháng {month:%m/%Y}."
MSG_REDUCTION = "Đã ghi quyết định giảm {percent}% từ {first:%m/%Y} đến {last:%m/%Y}."
MSG_REDUCTION_DELETED = "Đã xóa quyết định giảm đảng phí."
MSG_PAYMENT = "Đã ghi đảng phí tháng {month:%m/%Y}: {amount} đ."
MSG_PAYMENT_DELETED = "Đã xóa khoản nộp tháng {month:%m/%Y}."
MSG_COLLECTED = "Đã ghi đảng phí tháng {month:%m/%Y} của {count} đảng viên."
MSG_SETTING = "Đã lưu cài đặt “{label}”."
NOTE_EXPORT = "Xuất sổ đảng phí {cell} năm {year} ({fmt}, {rows} đảng viên)"


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _reader(request: HttpRequest) -> User:
    user = _user(request)
    if not user.has_role_in(TREE_READERS):
        raise PermissionDenied
    return user


def _year(request: HttpRequest) -> int:
    year = int_or_none(request.GET.get("nam"))
    return year if year and 2011 <= year <= 2200 else timezone.localdate().year


def _money(value: int) -> str:
    return f"{value:,}".replace(",", ".")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.role == Role.MEMBER and user.member_id:
        return redirect("fees:member", pk=user.member_id)
    user = _reader(request)
    org = requested_org(user, request.GET.get("org"))
    year = _year(request)
    summary = queries.org_year(org, year)
    totals = {
        name: summary.total(name) for name in ("members", "due", "collected", "arrears", "passed_up", "kept", "at_risk")
    }
    context = {"nav": "fees", "org": org, "year": year, "summary": summary, "totals": totals}
    return render(request, "fees/index.html", context)


@login_required
def export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The summary as xlsx (default) or csv: figures per cell, no personal data."""
    user = _reader(request)
    org = requested_org(user, request.GET.get("org"))
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        raise Http404
    return export_response(summary_table(queries.org_year(org, _year(request))), fmt)


def _cell(user: User, pk: int) -> Org:
    return get_object_or_404(Org.objects.visible_to(user).cells(), pk=pk)


@login_required
def cell(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    org = _cell(user, pk)
    year = _year(request)
    book = queries.cell_book(org, year)
    context = {
        "nav": "fees",
        "cell": org,
        "year": year,
        "book": book,
        "months": range(1, 13),
        "can_record": services.can_record_payments(user, org),
    }
    return render(request, "fees/cell.html", context)


@login_required
def cell_export(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    """The book as xlsx in the cells' layout (default) or csv; an export of personal data, audited."""
    user = _reader(request)
    org = _cell(user, pk)
    year = _year(request)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        raise Http404
    book = queries.cell_book(org, year)
    audit_record(
        actor=user,
        action=Action.EXPORT,
        target=org,
        changes={"list": "Sổ đảng phí", "format": fmt, "year": year, "rows": len(book.rows)},
        note=NOTE_EXPORT.format(cell=org.name, year=year, fmt=fmt, rows=len(book.rows)),
        ip_address=request.META.get("REMOTE_ADDR") or None,
    )
    if fmt == "csv":
        return export_response(book_table(book), "csv")
    out = io.BytesIO()
    write_book_xlsx(book_context(book), out)
    out.seek(0)
    response = FileResponse(out, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename(f"dang-phi-{org.code}-{year}", "xlsx")}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def collect(request: HttpRequest, pk: int) -> HttpResponse:
    """The month's collection at the cell meeting: tick who paid (amount prefilled with what is due),
    record them all at once; a refusal names the member and nothing is recorded."""
    user = _reader(request)
    org = _cell(user, pk)
    if not services.can_record_payments(user, org):
        raise PermissionDenied
    today = timezone.localdate()
    month = rules.month_start(today)
    if request.method != "POST":
        with contextlib.suppress(ValidationError):  # a malformed ?thang= shows the current month
            month = MonthField("Tháng").clean(request.GET.get("thang")) or month
    form = CollectForm(request.POST or None, initial={"month": month, "paid_on": today})
    if form.is_bound and form.is_valid():
        month = form.cleaned_data["month"]
    members = list(Member.objects.filter(current_org=org, status__in=queries.ON_ROLL).order_by("name_sort_key", "pk"))
    dues = queries.fee_inputs([m.pk for m in members], [month], services.load_settings(), today)
    paid = set(FeePayment.objects.filter(member__in=members, month=month).values_list("member_id", flat=True))
    money = MoneyField("Số tiền", required=False)
    rows, amounts, row_errors = [], {}, []
    for m in members:
        due = dues.get(m.pk, {}).get(month)
        typed = request.POST.get(f"a-{m.pk}", "") if form.is_bound else ""
        ticked = request.POST.get(f"p-{m.pk}") == "on" if form.is_bound else False
        if ticked and m.pk not in paid:
            try:
                amounts[m.pk] = money.clean(typed)
            except ValidationError as error:
                row_errors.append(f"{m.full_name}: {'; '.join(error.messages)}")
        shown = typed if form.is_bound else (str(due.amount) if due and due.amount else "")
        rows.append({"member": m, "due": due, "paid": m.pk in paid, "amount": shown, "ticked": ticked})
    if form.is_bound and form.is_valid():
        if row_errors:
            form.add_error(None, row_errors)
        else:
            try:
                recorded = services.payments_record_month(
                    actor=user, cell=org, month=month, paid_on=form.cleaned_data["paid_on"], amounts=amounts
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, MSG_COLLECTED.format(month=month, count=len(recorded)))
                return redirect(f"{reverse('fees:cell', args=[org.pk])}?nam={month.year}")
    context = {"nav": "fees", "cell": org, "form": form, "rows": rows, "month": month}
    return render(request, "fees/collect.html", context, status=400 if form.is_bound else 200)


def _member(user: User, pk: int) -> Member:
    return get_object_or_404(Member.objects.visible_to(user).select_related("current_org"), pk=pk)


def _member_page(request: HttpRequest, member: Member, status: int = 200, **forms: Any) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()
    year = int_or_none(request.GET.get("nam"))
    history = queries.member_fee_history(member, year, today)
    can_edit = services.can_edit_profile(user, member)
    can_pay = member.current_org is not None and services.can_record_payments(user, member.current_org)
    current = history.profile
    context = {
        "nav": "fees" if user.role != Role.MEMBER else "members",
        "member": member,
        "history": history,
        "can_edit": can_edit,
        "can_pay": can_pay,
        "profile_form": forms.get("profile_form")
        or ProfileForm(
            initial={
                "valid_from": rules.month_start(today),
                "category": current.category if current else rules.Category.SALARY,
                "base": current.base if current else None,
                "fixed_amount": current.fixed_amount if current else None,
                "over_working_age": current.over_working_age if current else False,
                "exemption": current.exemption if current else "",
            }
        ),
        "reduction_form": forms.get("reduction_form") or ReductionForm(),
        "payment_form": forms.get("payment_form")
        or PaymentForm(
            initial={
                "month": rules.month_start(today),
                "amount": history.due_now.amount if history.due_now else None,
                "paid_on": today,
            }
        ),
    }
    return render(request, "fees/member.html", context, status=status)


@login_required
def member(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    return _member_page(request, _member(user, pk))


def _editable_member(request: HttpRequest, pk: int) -> tuple[User, Member]:
    user = _user(request)
    target = _member(user, pk)
    if not services.can_edit_profile(user, target):
        raise PermissionDenied
    return user, target


@login_required
@require_POST
def profile_set(request: HttpRequest, pk: int) -> HttpResponse:
    user, target = _editable_member(request, pk)
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            profile = services.profile_set(actor=user, member=target, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, MSG_PROFILE.format(month=profile.valid_from))
            return redirect("fees:member", pk=target.pk)
    return _member_page(request, target, 400, profile_form=form)


@login_required
@require_POST
def reduction_add(request: HttpRequest, pk: int) -> HttpResponse:
    user, target = _editable_member(request, pk)
    form = ReductionForm(request.POST)
    if form.is_valid():
        try:
            reduction = services.reduction_grant(actor=user, member=target, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                MSG_REDUCTION.format(percent=reduction.percent, first=reduction.first_month, last=reduction.last_month),
            )
            return redirect("fees:member", pk=target.pk)
    return _member_page(request, target, 400, reduction_form=form)


@login_required
@require_POST
def reduction_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    reduction = get_object_or_404(FeeReduction.objects.visible_to(user).select_related("member"), pk=pk)
    if not services.can_edit_profile(user, reduction.member):
        raise PermissionDenied
    services.reduction_delete(actor=user, reduction=reduction)
    messages.success(request, MSG_REDUCTION_DELETED)
    return redirect("fees:member", pk=reduction.member_id)


@login_required
@require_POST
def payment_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    target = _member(user, pk)
    if target.current_org is None or not services.can_record_payments(user, target.current_org):
        raise PermissionDenied
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            payment = services.payment_record(actor=user, member=target, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, MSG_PAYMENT.format(month=payment.month, amount=_money(payment.amount)))
            back = request.POST.get("next", "")
            if back == "cell":
                return redirect(f"{reverse('fees:cell', args=[payment.cell_id])}?nam={payment.month.year}")
            return redirect("fees:member", pk=target.pk)
    return _member_page(request, target, 400, payment_form=form)


@login_required
@require_POST
def payment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    payment = get_object_or_404(
        FeePayment.objects.filter(cell__in=Org.objects.visible_to(user)).select_related("member", "cell"), pk=pk
    )
    if not services.can_record_payments(user, payment.cell):
        raise PermissionDenied
    services.payment_delete(actor=user, payment=payment)
    messages.success(request, MSG_PAYMENT_DELETED.format(month=payment.month))
    return redirect("fees:member", pk=payment.member_id)


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    stored = dict(FeeSetting.objects.values_list("key", "value"))
    rows = [
        {"spec": spec, "value": stored.get(spec.key, spec.default), "form": SettingForm(prefix=spec.key)}
        for spec in rules.SETTINGS
    ]
    context = {"nav": "fees", "rows": rows, "can_edit": user.has_role_in(services.SETTING_EDITORS)}
    return render(request, "fees/settings.html", context)


@login_required
@require_POST
def setting_set(request: HttpRequest, key: str) -> HttpResponse:
    user = _reader(request)
    if not user.has_role_in(services.SETTING_EDITORS):
        raise PermissionDenied
    if key not in rules.SETTING_SPECS:
        raise Http404
    try:
        services.setting_set(actor=user, key=key, raw=request.POST.get("value", ""))
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, MSG_SETTING.format(label=rules.SETTING_SPECS[key].label))
    return redirect("fees:settings")
