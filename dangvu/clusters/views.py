"""Pages of the emulation clusters: list, cluster page with its figures, create/edit, quarterly briefing
(page, save of the committees' text, Word file).

Scoping as everywhere: a cluster whose owning committee is outside the user's scope is a 404; a reader
who may not edit (viewer, secretary) gets a 403 on the edits.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangvu.accounts.models import ORG_EDITORS, TREE_READERS, User
from dangvu.clusters import queries, word
from dangvu.clusters.forms import BriefingForm, ClusterForm
from dangvu.clusters.models import Briefing, Cluster
from dangvu.clusters.services import cluster_set_members
from dangvu.orgs.models import Org

MSG_SAVED = "Đã lưu cụm “{cluster}”."
MSG_BRIEFING_SAVED = "Đã lưu nội dung giao ban quý {quarter}/{year}."


def _reader(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.has_role_in(TREE_READERS):
        raise PermissionDenied
    return user


def _cluster(user: User, pk: int) -> Cluster:
    return get_object_or_404(Cluster.objects.visible_to(user).select_related("owner"), pk=pk)


def _editable(user: User, cluster: Cluster) -> None:
    if not user.has_role_in(ORG_EDITORS) or not Cluster.objects.editable_by(user).filter(pk=cluster.pk).exists():
        raise PermissionDenied


def _quarter(quarter: int) -> None:
    if not 1 <= quarter <= 4:
        raise Http404


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    clusters = Cluster.objects.visible_to(user).select_related("owner").order_by("owner__path", "name")
    return render(
        request,
        "clusters/index.html",
        {"nav": "clusters", "clusters": clusters, "can_create": user.has_role_in(ORG_EDITORS)},
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    cluster = _cluster(user, pk)
    year = _year(request)
    figures = queries.cluster_figures(cluster, year)
    can_edit = user.has_role_in(ORG_EDITORS) and Cluster.objects.editable_by(user).filter(pk=cluster.pk).exists()
    return render(
        request,
        "clusters/detail.html",
        {
            "nav": "clusters",
            "cluster": cluster,
            "figures": figures,
            "year": year,
            "quarters": [1, 2, 3, 4],
            "briefings": cluster.briefings.all(),
            "can_edit": can_edit,
        },
    )


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("nam", "")
    return int(raw) if raw.isdigit() and 1930 <= int(raw) <= 2100 else timezone.localdate().year


def _save_form(request: HttpRequest, user: User, cluster: Cluster | None) -> HttpResponse:
    year = timezone.localdate().year
    initial: dict[str, object] = {"year": year}
    if cluster is not None:
        initial["orgs"] = list(cluster.member_orgs(year))
    form = ClusterForm(
        request.POST or None,
        instance=cluster,
        initial=initial,
        editable=Org.objects.editable_by(user),
        visible=Org.objects.visible_to(user),
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        cluster_set_members(
            cluster=saved,
            orgs=form.cleaned_data["orgs"],
            year=form.cleaned_data["year"],
            leader=form.cleaned_data.get("leader"),
            deputy=form.cleaned_data.get("deputy"),
        )
        messages.success(request, MSG_SAVED.format(cluster=saved.name))
        return redirect("clusters:detail", pk=saved.pk)
    return render(request, "clusters/form.html", {"nav": "clusters", "form": form, "cluster": cluster})


@login_required
def create(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    if not user.has_role_in(ORG_EDITORS):
        raise PermissionDenied
    return _save_form(request, user, None)


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    cluster = _cluster(user, pk)
    _editable(user, cluster)
    return _save_form(request, user, cluster)


@login_required
def briefing(request: HttpRequest, pk: int, year: int, quarter: int) -> HttpResponse:
    user = _reader(request)
    cluster = _cluster(user, pk)
    _quarter(quarter)
    saved = Briefing.objects.filter(cluster=cluster, year=year, quarter=quarter).first()
    can_edit = user.has_role_in(ORG_EDITORS) and Cluster.objects.editable_by(user).filter(pk=cluster.pk).exists()
    return render(
        request,
        "clusters/briefing.html",
        {
            "nav": "clusters",
            "cluster": cluster,
            "b": (b := queries.briefing_context(cluster, year, quarter)),
            "inspection_lines": queries.inspection_lines(b["inspections"]),
            "form": BriefingForm(instance=saved) if can_edit else None,
        },
    )


@login_required
@require_POST
def briefing_save(request: HttpRequest, pk: int, year: int, quarter: int) -> HttpResponse:
    user = _reader(request)
    cluster = _cluster(user, pk)
    _quarter(quarter)
    _editable(user, cluster)
    saved = Briefing.objects.filter(cluster=cluster, year=year, quarter=quarter).first()
    form = BriefingForm(request.POST, instance=saved or Briefing(cluster=cluster, year=year, quarter=quarter))
    if form.is_valid():
        form.save()
        messages.success(request, MSG_BRIEFING_SAVED.format(quarter=quarter, year=year))
        return redirect("clusters:briefing", pk=cluster.pk, year=year, quarter=quarter)
    return render(
        request,
        "clusters/briefing.html",
        {
            "nav": "clusters",
            "cluster": cluster,
            "b": (b := queries.briefing_context(cluster, year, quarter)),
            "inspection_lines": queries.inspection_lines(b["inspections"]),
            "form": form,
        },
    )


@login_required
def briefing_docx(request: HttpRequest, pk: int, year: int, quarter: int) -> HttpResponse:
    user = _reader(request)
    cluster = _cluster(user, pk)
    _quarter(quarter)
    context = word.word_context(cluster, year, quarter, today=timezone.localdate())
    response = HttpResponse(
        word.render_docx(context),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="{word.docx_filename(context)}"'
    return response
