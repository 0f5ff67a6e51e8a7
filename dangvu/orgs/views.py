"""Pages of the organisation tree: the tree with search, a node's page, and one form per change.

Every view starts from `Org.objects.visible_to(user)`: a node outside the scope is a 404; a role
that may read but not edit gets a 403 on the forms; the member role has no tree at all (403).
Changes go through `orgs.services`, whose Vietnamese messages are shown beside the field concerned.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from dangvu.accounts.models import AUDIT_READERS, ORG_EDITORS, TREE_READERS, Role, User
from dangvu.lib.forms import add_service_errors
from dangvu.orgs import as_of, queries
from dangvu.orgs.forms import OrgCreateForm, OrgDissolveForm, OrgEditForm, OrgMoveForm
from dangvu.orgs.kinds import ALLOWED_CHILDREN, kind_label
from dangvu.orgs.models import Org
from dangvu.orgs.services import org_create, org_dissolve, org_move, org_update

MSG_CREATED = "Đã thêm “{name}” (mã {code})."
MSG_UPDATED = "Đã lưu thay đổi của “{name}”."
MSG_MOVED = "Đã chuyển “{name}” về trực thuộc “{parent}”."
MSG_DISSOLVED = "Đã ghi nhận giải thể “{name}” từ ngày {day:%d/%m/%Y}."
ERR_DISSOLVED = "“{name}” đã giải thể ngày {day:%d/%m/%Y}; không thể thay đổi nữa."
ERR_DISSOLVE_SCOPE_ROOT = "Không thể giải thể tổ chức gốc trong phạm vi của bạn."
ERR_NO_CHILD_KINDS = "{kind} “{name}” không có tổ chức trực thuộc."
# Query-string names, in Vietnamese like the paths.
DISSOLVED_PARAM = "giai_the"
PAGE_PARAM = "trang"


def _reader(request: HttpRequest) -> User:
    """The signed-in user, if their role reads the tree; a 403 otherwise."""
    user = request.user
    if not isinstance(user, User) or not user.has_role_in(TREE_READERS):
        raise PermissionDenied
    return user


def _visible_org(user: User, pk: int) -> Org:
    return get_object_or_404(Org.objects.visible_to(user).select_related("parent"), pk=pk)


def _editable_org(request: HttpRequest, pk: int) -> tuple[User, Org]:
    """Out of scope is a 404 (for every role); in scope without an editing role is a 403."""
    user = _reader(request)
    org = _visible_org(user, pk)
    if not user.has_role_in(ORG_EDITORS):
        raise PermissionDenied
    return user, org


def _include_dissolved(request: HttpRequest) -> bool:
    return request.GET.get(DISSOLVED_PARAM) == "1"


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get(PAGE_PARAM, "1")))
    except ValueError:
        return 1


def _refuse_if_dissolved(request: HttpRequest, org: Org) -> HttpResponse | None:
    if org.dissolved_on is None:
        return None
    messages.error(request, ERR_DISSOLVED.format(name=org.name, day=org.dissolved_on))
    return redirect("orgs:detail", pk=org.pk)


def _form_page(request: HttpRequest, org: Org, user: User, **context: Any) -> HttpResponse:
    crumbs = [*queries.breadcrumbs(org, user), queries.Crumb(org.pk, org.code, org.name, True)]
    return render(request, "orgs/form.html", {"nav": "orgs", "org": org, "crumbs": crumbs, **context})


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    """The tree from the user's scope (an admin: every root), or the matches of a search."""
    user = _reader(request)
    choice = as_of.chosen_day(request)
    if choice.day is not None:
        return as_of.tree_page(request, user, choice)
    include_dissolved = _include_dissolved(request)
    query = " ".join(request.GET.get("q", "").split())
    context: dict[str, Any] = {
        "nav": "orgs",
        "day_choice": choice,
        "q": query,
        "include_dissolved": include_dissolved,
        "search_limit": queries.SEARCH_LIMIT,
    }
    if query:
        context["result"] = queries.search(user, query, include_dissolved=include_dissolved)
        return render(request, "orgs/tree.html", context)
    if user.role == Role.ADMIN:
        roots = Org.objects.visible_to(user).filter(parent__isnull=True)
        if not include_dissolved:
            roots = roots.active()
        root_list = sorted(roots, key=queries.tree_order)
    else:
        root_list = [user.scope] if user.scope is not None else []
    if len(root_list) == 1:
        root = root_list[0]
        context["root"], context["page"] = queries.tree_with_counts(root, include_dissolved=include_dissolved)
    else:
        context["roots"] = queries.nodes_with_counts(root_list, include_dissolved=include_dissolved)
    return render(request, "orgs/tree.html", context)


@login_required
def children(request: HttpRequest, pk: int) -> HttpResponse:
    """HTML fragment for the lazy tree: only `<ul class="tree">…</ul>` with the node's children."""
    user = _reader(request)
    org = _visible_org(user, pk)
    include_dissolved = _include_dissolved(request)
    page = queries.children_with_counts(org, include_dissolved=include_dissolved, page=_page_number(request))
    return render(request, "orgs/children.html", {"parent": org, "page": page, "include_dissolved": include_dissolved})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    choice = as_of.chosen_day(request)
    if choice.day is not None:
        return as_of.node_page(request, user, pk, choice)
    org = _visible_org(user, pk)
    include_dissolved = _include_dissolved(request)
    counts = queries.subtree_counts(org)
    can_edit = user.has_role_in(ORG_EDITORS)
    context = {
        "nav": "orgs",
        "org": org,
        "crumbs": queries.breadcrumbs(org, user),
        "counts": counts,
        "on_roll_rows": counts.member_rows(queries.ON_ROLL_ORDER),
        "other_rows": [row for row in counts.member_rows(queries.OTHER_ORDER) if row[1]],
        "former_rows": counts.member_rows(queries.FORMER_ORDER),
        "page": queries.children_with_counts(org, include_dissolved=include_dissolved, page=_page_number(request)),
        "include_dissolved": include_dissolved,
        "history": queries.history(org),
        "parent_in_scope": org.parent is not None and queries.in_scope(user, org.parent),
        "can_edit": can_edit and not org.is_dissolved,
        "can_add_child": can_edit and not org.is_dissolved and bool(ALLOWED_CHILDREN.get(org.kind)),
        "can_read_audit": user.has_role_in(AUDIT_READERS),
        "day_choice": choice,
    }
    return render(request, "orgs/detail.html", context)


@login_required
def create_child(request: HttpRequest, pk: int) -> HttpResponse:
    user, parent = _editable_org(request, pk)
    if refused := _refuse_if_dissolved(request, parent):
        return refused
    form = OrgCreateForm(request.POST if request.method == "POST" else None, parent=parent)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            child = org_create(
                actor=user,
                code=data["code"],
                name=data["name"],
                kind=data["kind"],
                sector=data["sector"],
                parent=parent,
                founded_on=data["founded_on"],
                reason=data["reason"],
            )
        except ValidationError as error:
            # The service names the shape problem `parent`: here it is the kind chosen under this parent.
            add_service_errors(form, error, {"parent": "kind", "effective_on": "founded_on"})
        else:
            messages.success(request, MSG_CREATED.format(name=child.name, code=child.code))
            return redirect("orgs:detail", pk=child.pk)
    no_children = None
    if not form.allowed_kinds:
        no_children = ERR_NO_CHILD_KINDS.format(kind=kind_label(parent.kind), name=parent.name)
    return _form_page(
        request,
        parent,
        user,
        form=form,
        title=f"Thêm tổ chức trực thuộc “{parent.name}”",
        submit_label="Thêm tổ chức",
        warning=no_children,
        show_form=form.allowed_kinds or form.is_bound,
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user, org = _editable_org(request, pk)
    if refused := _refuse_if_dissolved(request, org):
        return refused
    form = OrgEditForm(request.POST if request.method == "POST" else None, org=org)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            org_update(
                actor=user,
                org=org,
                code=data["code"],
                name=data["name"],
                kind=data["kind"],
                sector=data["sector"],
                founded_on=data["founded_on"],
                effective_on=data["effective_on"],
                reason=data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            org.refresh_from_db()
        else:
            messages.success(request, MSG_UPDATED.format(name=org.name))
            return redirect("orgs:detail", pk=org.pk)
    return _form_page(
        request,
        org,
        user,
        form=form,
        title=f"Sửa thông tin “{org.name}”",
        intro="Đổi tên, mã, loại hoặc khối sẽ đóng trạng thái hiện tại vào ngày hiệu lực và mở trạng thái mới "
        "trong lịch sử của tổ chức.",
        submit_label="Lưu thay đổi",
        show_form=True,
    )


@login_required
def move(request: HttpRequest, pk: int) -> HttpResponse:
    user, org = _editable_org(request, pk)
    if refused := _refuse_if_dissolved(request, org):
        return refused
    form = OrgMoveForm(request.POST if request.method == "POST" else None, user=user)
    if form.is_bound and form.is_valid() and form.new_parent is not None:
        try:
            org_move(
                actor=user,
                org=org,
                new_parent=form.new_parent,
                effective_on=form.cleaned_data["effective_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error, {"parent": "new_parent_code"})
            org.refresh_from_db()
        else:
            messages.success(request, MSG_MOVED.format(name=org.name, parent=form.new_parent.name))
            return redirect("orgs:detail", pk=org.pk)
    current = org.parent
    return _form_page(
        request,
        org,
        user,
        form=form,
        title=f"Chuyển “{org.name}” sang tổ chức cấp trên khác",
        intro=(f"Hiện trực thuộc: {current.name} (mã {current.code})." if current else "Đây là tổ chức gốc.")
        + " Toàn bộ tổ chức trực thuộc và đảng viên đi theo.",
        submit_label="Chuyển",
        show_form=True,
    )


@login_required
def dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    user, org = _editable_org(request, pk)
    if refused := _refuse_if_dissolved(request, org):
        return refused
    form = OrgDissolveForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        if user.scope_id == org.pk:
            form.add_error(None, ERR_DISSOLVE_SCOPE_ROOT)
        else:
            try:
                org_dissolve(
                    actor=user,
                    org=org,
                    effective_on=form.cleaned_data["effective_on"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
                org.refresh_from_db()
            else:
                assert org.dissolved_on is not None
                messages.success(request, MSG_DISSOLVED.format(name=org.name, day=org.dissolved_on))
                return redirect("orgs:detail", pk=org.pk)
    return _form_page(
        request,
        org,
        user,
        form=form,
        title=f"Giải thể “{org.name}”",
        intro="Tổ chức đã giải thể vẫn được giữ trong lịch sử của cây tổ chức. Phải chuyển hoặc giải thể các tổ "
        "chức trực thuộc và chuyển sinh hoạt cho đảng viên trước.",
        submit_label="Giải thể",
        danger=True,
        show_form=True,
    )
