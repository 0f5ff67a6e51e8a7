"""Pages of the awards: the eligibility list (`/khen-thuong/?rule=&org=&nam=`) with its one-click links,
proposals, decisions and their Word annex, the rule catalogue.

Scoping as everywhere: an organisation or decision outside the user's scope is a 404; a user who may
read but not act gets a 403 on the actions.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from dangvu.accounts.models import TREE_READERS, User
from dangvu.awards import annex, queries
from dangvu.awards.forms import DecisionForm, RuleForm
from dangvu.awards.models import AwardDecision, AwardRule
from dangvu.awards.services import (
    RULE_EDITORS,
    can_edit_awards,
    decision_create,
    proposals_create,
    rule_add,
    rule_set_active,
)
from dangvu.exchange.exports import Column, Kind, Table, xlsx_response
from dangvu.lib.forms import int_or_none
from dangvu.orgs.models import Org
from dangvu.orgs.queries import requested_org

MSG_PROPOSED = "Đã lập {n} đề nghị khen thưởng."
MSG_DECIDED = "Đã ghi {decision}: {n} đề nghị được khen thưởng."
MSG_RULE_ADDED = "Đã thêm quy tắc “{rule}”."
MSG_RULE_SWITCHED = "Quy tắc “{rule}” {state}."


def _reader(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.has_role_in(TREE_READERS):
        raise PermissionDenied
    return user


def _editor(request: HttpRequest) -> User:
    user = _reader(request)
    if not can_edit_awards(user):
        raise PermissionDenied
    return user


def last_complete_year() -> int:
    return timezone.localdate().year - 1


def list_url(rule: AwardRule, org: Org, final_year: int) -> str:
    return f"{reverse('awards:index')}?rule={rule.pk}&org={org.pk}&nam={final_year}"


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    org = requested_org(user, request.GET.get("org"))
    last = last_complete_year()
    final_year = int_or_none(request.GET.get("nam")) or last
    if not 1950 <= final_year <= 2200:
        raise Http404
    rules = list(AwardRule.objects.active())
    ready = [
        {
            "rule": rule,
            "links": [
                (rule.window(year), list_url(rule, org, year))
                for year in range(last - queries.READY_YEARS + 1, last + 1)
            ],
        }
        for rule in rules
    ]
    rule_pk = int_or_none(request.GET.get("rule"))
    rule = None
    if rule_pk is not None:
        rule = get_object_or_404(AwardRule, pk=rule_pk)
    context = {
        "nav": "awards",
        "org": org,
        "final_year": final_year,
        "ready": ready,
        "rule": rule,
        "can_edit": can_edit_awards(user),
        "counts": queries.granted_counts(org, final_year),
    }
    if rule is not None:
        context["title"] = rule.title(final_year)
        context["eligibility"] = queries.eligible(rule, org, final_year)
        context["pending"] = queries.pending_proposals(rule, org, final_year)
        context["decisions"] = queries.decisions_for(org, final_year)
        context["decision_form"] = DecisionForm(initial={"body": rule.body, "signed_on": timezone.localdate()})
        context["export_url"] = f"{reverse('awards:export')}?rule={rule.pk}&org={org.pk}&nam={final_year}"
    return render(request, "awards/index.html", context)


@login_required
@require_GET
def export(request: HttpRequest) -> FileResponse:
    user = _reader(request)
    org = requested_org(user, request.GET.get("org"))
    final_year = int_or_none(request.GET.get("nam")) or last_complete_year()
    rule = get_object_or_404(AwardRule, pk=int_or_none(request.GET.get("rule")) or 0)
    result = queries.eligible(rule, org, final_year)
    member = rule.is_member_rule
    table = Table(
        name=f"khen-thuong-{rule.pk}-{final_year}",
        title=rule.title(final_year),
        columns=[
            Column("STT", lambda r: r[0], Kind.INT, 6),
            Column("Họ và tên" if member else "Tên tổ chức đảng", lambda r: r[1].name, width=32),
            Column("Số thẻ đảng viên" if member else "Mã tổ chức", lambda r: r[1].code, Kind.ID, 16),
            Column("Chi bộ" if member else "Cấp trên trực tiếp", lambda r: r[1].parent, width=32),
            Column("Các năm đạt", lambda r: r[1].years_text, width=14),
            Column("Khen thưởng", lambda r: rule.get_award_display(), width=14),
            Column(
                "Đề nghị / quyết định",
                lambda r: (
                    (str(r[1].proposal.decision) if r[1].proposal.decision else "Đã đề nghị") if r[1].proposal else ""
                ),
                width=30,
            ),
        ],
        rows=enumerate(result.candidates, start=1),
    )
    return xlsx_response(table)


@login_required
@require_POST
def propose(request: HttpRequest) -> HttpResponse:
    user = _editor(request)
    org = requested_org(user, request.POST.get("org"))
    rule = get_object_or_404(AwardRule, pk=int_or_none(request.POST.get("rule")) or 0)
    final_year = int_or_none(request.POST.get("nam")) or last_complete_year()
    ids = [pk for pk in (int_or_none(v) for v in request.POST.getlist("subject")) if pk is not None]
    try:
        created = proposals_create(actor=user, rule=rule, org=org, final_year=final_year, subject_ids=ids)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, MSG_PROPOSED.format(n=len(created)))
    return redirect(list_url(rule, org, final_year))


@login_required
@require_POST
def decide(request: HttpRequest) -> HttpResponse:
    user = _editor(request)
    org = requested_org(user, request.POST.get("org"))
    rule = get_object_or_404(AwardRule, pk=int_or_none(request.POST.get("rule")) or 0)
    final_year = int_or_none(request.POST.get("nam")) or last_complete_year()
    form = DecisionForm(request.POST)
    ids = [pk for pk in (int_or_none(v) for v in request.POST.getlist("proposal")) if pk is not None]
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(list_url(rule, org, final_year))
    try:
        decision = decision_create(
            actor=user,
            org=org,
            number=form.cleaned_data["number"],
            signed_on=form.cleaned_data["signed_on"],
            body=form.cleaned_data["body"],
            proposal_ids=ids,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(list_url(rule, org, final_year))
    messages.success(request, MSG_DECIDED.format(decision=decision, n=len(ids)))
    return redirect("awards:decision", pk=decision.pk)


def _decision(request: HttpRequest, pk: int) -> AwardDecision:
    user = _reader(request)
    return get_object_or_404(
        AwardDecision.objects.select_related("org", "org__parent").filter(
            org__in=Org.objects.visible_to(user).values("pk")
        ),
        pk=pk,
    )


@login_required
@require_GET
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    return render(
        request,
        "awards/decision.html",
        {"nav": "awards", "decision": decision, "rows": queries.decision_rows(decision)},
    )


@login_required
@require_GET
def decision_annex(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    content = annex.render_annex(annex.annex_context(decision))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="{annex.annex_filename(decision)}"'
    return response


@login_required
@require_GET
def rules(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    return render(
        request,
        "awards/rules.html",
        {
            "nav": "awards",
            "rules": AwardRule.objects.all(),
            "can_edit_rules": user.has_role_in(RULE_EDITORS),
            "form": RuleForm(),
        },
    )


def _rule_editor(request: HttpRequest) -> User:
    user = _reader(request)
    if not user.has_role_in(RULE_EDITORS):
        raise PermissionDenied
    return user


@login_required
@require_POST
def rule_create(request: HttpRequest) -> HttpResponse:
    user = _rule_editor(request)
    form = RuleForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "awards/rules.html",
            {"nav": "awards", "rules": AwardRule.objects.all(), "can_edit_rules": True, "form": form},
            status=400,
        )
    rule = rule_add(actor=user, **form.cleaned_data)
    messages.success(request, MSG_RULE_ADDED.format(rule=rule))
    return redirect("awards:rules")


@login_required
@require_POST
def rule_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    user = _rule_editor(request)
    rule = get_object_or_404(AwardRule, pk=pk)
    rule_set_active(actor=user, rule=rule, active=not rule.active)
    state = "đang áp dụng" if rule.active else "đã ngừng áp dụng"
    messages.success(request, MSG_RULE_SWITCHED.format(rule=rule, state=state))
    return redirect("awards:rules")
