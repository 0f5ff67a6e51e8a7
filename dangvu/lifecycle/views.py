"""Pages: the work list, the badge list of an organisation for an award date (propose, record a decision),
and the Party-age section of the member's page."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangvu.accounts.models import MEMBER_EDITORS, TREE_READERS, User
from dangvu.lifecycle import services
from dangvu.lifecycle.badges import MILESTONES, MILESTONES_SOURCE, award_dates, next_award_date, next_badge
from dangvu.lifecycle.models import BadgeAward, BadgeProposal, IllnessMark
from dangvu.lifecycle.worklist import worklist
from dangvu.members.models import Member
from dangvu.orgs.models import Org


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


@login_required
def worklist_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    items = worklist(_user(request), today)
    return render(request, "lifecycle/worklist.html", {"nav": "worklist", "items": items, "today": today})


@login_required
def badge_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.role not in TREE_READERS:
        raise Http404
    orgs = Org.objects.visible_to(user)
    org_id = request.GET.get("org")
    if org_id:
        org = get_object_or_404(orgs, pk=org_id) if org_id.isdigit() else None
        if org is None:
            raise Http404
    else:
        org = user.scope or orgs.filter(parent__isnull=True).order_by("pk").first()
        if org is None:
            raise Http404
    today = timezone.localdate()
    award_date = _parse_date(request.GET.get("dot")) or next_award_date(today)
    choices = [d for year in (today.year - 1, today.year, today.year + 1) for d in award_dates(year)]
    rows = services.badge_candidates(services.org_members(org), award_date, today)
    return render(
        request,
        "lifecycle/badges.html",
        {
            "nav": "members",
            "org": org,
            "award_date": award_date,
            "award_choices": choices,
            "rows": rows,
            "can_edit": user.role in MEMBER_EDITORS,
            "source": MILESTONES_SOURCE,
            "milestones": MILESTONES,
        },
    )


def _editable_member(request: HttpRequest, pk: Any) -> Member:
    user = _user(request)
    if user.role not in MEMBER_EDITORS:
        raise PermissionDenied
    return get_object_or_404(Member.objects.editable_by(user), pk=pk)


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else reverse("badges:list"))


def _milestone(request: HttpRequest) -> int:
    value = request.POST.get("milestone", "")
    if not value.isdigit() or int(value) not in MILESTONES:
        raise Http404
    return int(value)


@login_required
@require_POST
def badge_propose(request: HttpRequest) -> HttpResponse:
    member = _editable_member(request, request.POST.get("member"))
    award_date = _parse_date(request.POST.get("award_date"))
    if award_date is None:
        raise Http404
    services.badge_propose(
        actor=_user(request),
        member=member,
        milestone=_milestone(request),
        award_date=award_date,
        early=request.POST.get("early") == "1",
    )
    messages.success(request, f"Đã đề nghị tặng huy hiệu cho {member.full_name}.")
    return _back(request)


@login_required
@require_POST
def badge_record(request: HttpRequest) -> HttpResponse:
    member = _editable_member(request, request.POST.get("member"))
    award_date = _parse_date(request.POST.get("award_date"))
    decision_on = _parse_date(request.POST.get("decision_on"))
    if award_date is None or decision_on is None:
        messages.error(request, services.ERR_DECISION_REQUIRED)
        return _back(request)
    try:
        services.badge_record(
            actor=_user(request),
            member=member,
            milestone=_milestone(request),
            award_date=award_date,
            decision_no=request.POST.get("decision_no", ""),
            decision_on=decision_on,
            decided_by=request.POST.get("decided_by", ""),
        )
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Đã ghi quyết định tặng huy hiệu cho {member.full_name}.")
    return _back(request)


@login_required
@require_POST
def illness_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    member = _editable_member(request, pk)
    services.illness_mark(actor=_user(request), member=member, ill=request.POST.get("ill") == "1")
    return redirect("members:detail", pk=member.pk)


def member_section(member: Member) -> dict[str, Any]:
    """Context of the Party-age section on the member's page."""
    today = timezone.localdate()
    age = services.member_party_age(member, today)
    awards = list(BadgeAward.objects.filter(member=member).order_by("milestone"))
    given = {a.milestone for a in awards}
    return {
        "age": age,
        "years": age.years_on(today) if age else 0,
        "next_badge": next_badge(age, today, given=given) if age and age.official else None,
        "awards": awards,
        "proposals": list(BadgeProposal.objects.filter(member=member).exclude(milestone__in=given)),
        "ill": IllnessMark.objects.filter(member=member).exists(),
    }
