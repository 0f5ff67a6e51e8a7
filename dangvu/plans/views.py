"""Pages: targets with their live progress (`/ke-hoach/?org=&nam=`), the inspection plan's progress
(`/ke-hoach/kiem-tra/?org=&nam=`). Readers: the roles that read the tree; out of scope is a 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dangvu.accounts.models import TREE_READERS, User
from dangvu.orgs.models import Org
from dangvu.plans.models import InspectionItem, Registration
from dangvu.plans.progress import inspection_progress, targets_progress


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
        "registrations": Registration.objects.filter(
            Q(org__path__startswith=org.path) | Q(member__current_org__path__startswith=org.path), year=year
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
        "items": InspectionItem.objects.filter(plan__org=org, plan__year=year).select_related(
            "target_org", "target_member"
        ),
    }
    return render(request, "plans/inspections.html", context)
