"""Time travel on the tree pages: `/to-chuc/?ngay=…` and `/to-chuc/<pk>/?ngay=…` show the tree, names,
counts and the members' cells as they were at the end of that day, read-only.

Scoping is today's rule applied to the tree of that day: a user sees what their scope held then (the
subtree under their scope organisation in the tree of that day; everything for an admin). A node
outside it is a 404; so is every node when the scope organisation did not exist that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dangvu.accounts.models import Role, User
from dangvu.lib.forms import DATE_INPUT_FORMATS
from dangvu.members.models import Member
from dangvu.orgs import history
from dangvu.orgs.history import CountsAsOf, OrgState
from dangvu.orgs.kinds import Sector, kind_label
from dangvu.orgs.models import Org
from dangvu.orgs.queries import ON_ROLL_ORDER, Crumb

DAY_PARAM = "ngay"
ERR_DAY = "Ngày “{value}” không hợp lệ; hãy chọn ngày theo dạng ngày/tháng/năm, ví dụ 30/06/2025."
ERR_FUTURE = "Không xem được dữ liệu của ngày sau hôm nay ({today}); đang hiện dữ liệu hiện tại."
MSG_SCOPE_MISSING = "Ngày {day} tổ chức trong phạm vi của bạn ({scope}) chưa thành lập hoặc đã giải thể."


@dataclass(frozen=True)
class DayChoice:
    """The day asked for in the query string: `day` set for a past day; `error` for a bad or future one."""

    raw: str
    day: date | None
    error: str = ""


def chosen_day(request: HttpRequest) -> DayChoice:
    raw = request.GET.get(DAY_PARAM, "").strip()
    if not raw:
        return DayChoice(raw, None)
    for fmt in DATE_INPUT_FORMATS:
        try:
            day = datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
        today = timezone.localdate()
        if day > today:
            return DayChoice(raw, None, ERR_FUTURE.format(today=today.strftime("%d/%m/%Y")))
        return DayChoice(raw, day if day < today else None)
    return DayChoice(raw, None, ERR_DAY.format(value=raw[:40]))


@dataclass(frozen=True)
class Line:
    state: OrgState
    counts: CountsAsOf
    has_children: bool

    @property
    def kind_label(self) -> str:
        return kind_label(self.state.kind)

    @property
    def sector_label(self) -> str:
        return str(Sector(self.state.sector).label) if self.state.sector in Sector.values else self.state.sector


def scope_path(user: User, tree: dict[int, OrgState]) -> str | None:
    """The path, in the tree of that day, under which the user sees; None when their scope did not exist."""
    if user.role == Role.ADMIN:
        return "/"
    if user.scope_id is None or user.scope_id not in tree:
        return None
    return tree[user.scope_id].path


def _lines(day: date, tree: dict[int, OrgState], states: list[OrgState]) -> list[Line]:
    counts = history.counts_as_of(day, tree, [s.org_id for s in states])
    parents = {s.parent_id for s in tree.values()}
    return [Line(s, counts[s.org_id], s.org_id in parents) for s in states]


def _crumbs(tree: dict[int, OrgState], state: OrgState, visible: str) -> list[Crumb]:
    crumbs = []
    for pk in state.ancestor_ids():
        ancestor = tree.get(pk)
        if ancestor is not None:
            crumbs.append(Crumb(pk, ancestor.code, ancestor.name, ancestor.path.startswith(visible)))
    return crumbs


def _base(day: date, choice: DayChoice) -> dict[str, Any]:
    return {"nav": "orgs", "as_of": day, "day_choice": choice, "on_roll_order": ON_ROLL_ORDER}


def tree_page(request: HttpRequest, user: User, choice: DayChoice) -> HttpResponse:
    assert choice.day is not None
    day = choice.day
    tree = history.tree_as_of(day)
    visible = scope_path(user, tree)
    context = _base(day, choice)
    if visible is None:
        scope = user.scope.name if user.scope is not None else "—"
        context["notice"] = MSG_SCOPE_MISSING.format(day=day.strftime("%d/%m/%Y"), scope=scope)
        context["lines"] = []
        return render(request, "orgs/as_of_tree.html", context)
    if user.role == Role.ADMIN:
        roots = [s for s in tree.values() if s.parent_id is None]
    else:
        assert user.scope_id is not None
        roots = [tree[user.scope_id]]
    roots.sort(key=lambda s: (s.kind_order, s.code))
    if len(roots) == 1:
        return _node(request, day, choice, tree, roots[0], visible)
    context["lines"] = _lines(day, tree, roots)
    return render(request, "orgs/as_of_tree.html", context)


def node_page(request: HttpRequest, user: User, pk: int, choice: DayChoice) -> HttpResponse:
    assert choice.day is not None
    tree = history.tree_as_of(choice.day)
    visible = scope_path(user, tree)
    state = tree.get(pk)
    if visible is None or state is None or not state.path.startswith(visible):
        raise Http404
    return _node(request, choice.day, choice, tree, state, visible)


def _node(
    request: HttpRequest, day: date, choice: DayChoice, tree: dict[int, OrgState], state: OrgState, visible: str
) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    children = history.children_as_of(tree, state.org_id)
    lines = _lines(day, tree, [state, *children])
    members: list[dict[str, Any]] = []
    if state.is_cell:
        rows = history.members_as_of(day, [state.org_id])
        linkable = set(
            Member.objects.visible_to(user).filter(pk__in=[m.pk for m, _ in rows]).values_list("pk", flat=True)
        )
        members = [
            {
                "member": member,
                "linked": member.pk in linkable,
                "status": row.get_status_display(),
                "probationary": row.is_probationary,
                "since": row.valid_from,
            }
            for member, row in rows
        ]
    parent = tree.get(state.parent_id) if state.parent_id else None
    context = _base(day, choice) | {
        "state": state,
        "org": Org.objects.filter(pk=state.org_id).only("pk", "name", "code").first(),
        "node": lines[0],
        "lines": lines[1:],
        "parent": parent,
        "parent_visible": parent is not None and parent.path.startswith(visible),
        "crumbs": _crumbs(tree, state, visible),
        "members": members,
        "counts": lines[0].counts,
        "on_roll_rows": lines[0].counts.member_rows(ON_ROLL_ORDER),
    }
    return render(request, "orgs/as_of.html", context)
