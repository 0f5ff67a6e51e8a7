"""Reading history: the tree, the members' cells and the counts as they were on a given day.

The tree of a day is the set of `OrgVersion` rows that held on it (`valid_from <= day < valid_to`),
with the materialised path of that day rebuilt in Python from the parents of that day. The members'
cells come from `Membership` (derived from the events, `members.history`). Both are read with one
query each, whatever the depth; callers restrict to a subtree of the tree of the day.

Today's pages keep their own fast queries (`orgs.queries`); these functions are for a past day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from django.db.models import Count, Q
from django.utils import timezone

from dangvu.members.lifecycle import ON_ROLL, Status
from dangvu.members.models import Member, Membership
from dangvu.orgs.kinds import CELL_KINDS, KIND_ORDER
from dangvu.orgs.models import Org, OrgVersion
from dangvu.orgs.queries import Counts


@dataclass(frozen=True)
class OrgState:
    """An organisation as it was on a day: its state then and its place in the tree of that day."""

    org_id: int
    parent_id: int | None
    code: str
    name: str
    kind: str
    sector: str
    path: str
    depth: int

    @property
    def pk(self) -> int:
        return self.org_id

    @property
    def is_cell(self) -> bool:
        return self.kind in CELL_KINDS

    @property
    def kind_order(self) -> int:
        return KIND_ORDER[self.kind]

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]

    def is_within(self, path: str) -> bool:
        """Whether this organisation lay, on that day, in the subtree whose path (of that day) is `path`."""
        return self.path.startswith(path)


@dataclass(frozen=True)
class Stint:
    """A stretch of time a member belonged to one organisation (`end` exclusive, None = still today)."""

    org_id: int
    org_name: str
    start: date
    end: date | None
    temporary: bool = False  # hosted there temporarily (sinh hoạt tạm thời), not on its roll

    @property
    def last_day(self) -> date | None:
        return None if self.end is None else _last_day(self.start, self.end)


# Counts over one node's subtree on a day: the same shape as today's (organisations below it by kind;
# members on the roll by status, probationary / full), so the as-of page renders them like today's.
CountsAsOf = Counts


def _held_on(day: date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))


def tree_as_of(day: date) -> dict[int, OrgState]:
    """Every organisation existing on `day` with its state then (one query). An organisation whose
    parent of that day is missing from the tree of that day (inconsistent history) becomes a root."""
    rows = (
        OrgVersion.objects.filter(_held_on(day))
        .order_by("org_id", "-valid_from", "-pk")
        .values_list("org_id", "parent_id", "code", "name", "kind", "sector")
    )
    return _build_tree(rows)


def trees_as_of(days: Iterable[date]) -> dict[date, dict[int, OrgState]]:
    """`tree_as_of` for several days in one query (every version that began by the last of them); days
    between which no version began or ended share one tree (the same dict: do not change it)."""
    wanted = sorted(set(days))
    if not wanted:
        return {}
    rows = list(
        OrgVersion.objects.filter(valid_from__lte=wanted[-1])
        .order_by("org_id", "-valid_from", "-pk")
        .values_list("org_id", "parent_id", "code", "name", "kind", "sector", "valid_from", "valid_to")
    )
    changes = sorted({r[6] for r in rows} | {r[7] for r in rows if r[7] is not None})
    trees: dict[date, dict[int, OrgState]] = {}
    previous: date | None = None
    for day in wanted:
        if previous is not None and not any(previous < change <= day for change in changes):
            trees[day] = trees[previous]  # nothing began or ended in between: the same tree
        else:
            trees[day] = _build_tree(r[:6] for r in rows if r[6] <= day and (r[7] is None or day < r[7]))
        previous = day
    return trees


def _build_tree(rows: Iterable[tuple[int, int | None, str, str, str, str]]) -> dict[int, OrgState]:
    """The tree from the versions held on one day, the latest of an organisation's first."""
    versions: dict[int, tuple[int | None, str, str, str, str]] = {}
    for org_id, parent_id, code, name, kind, sector in rows:
        versions.setdefault(org_id, (parent_id, code, name, kind, sector))  # the latest version wins a tie
    paths: dict[int, str] = {}

    def path_of(org_id: int) -> str:
        chain: list[int] = []
        node: int | None = org_id
        while node is not None and node not in paths:
            if node in chain:  # a cycle in damaged data: cut it here
                break
            chain.append(node)
            parent = versions[node][0]
            node = parent if parent in versions else None
        prefix = paths[node] if node is not None and node in paths else "/"
        for pk in reversed(chain):
            prefix = f"{prefix}{pk}/"
            paths[pk] = prefix
        return paths[org_id]

    tree: dict[int, OrgState] = {}
    for pk, (parent, code, name, kind, sector) in versions.items():
        path = path_of(pk)
        tree[pk] = OrgState(
            org_id=pk,
            parent_id=parent if parent in versions else None,
            code=code,
            name=name,
            kind=kind,
            sector=sector,
            path=path,
            depth=path.count("/") - 2,
        )
    return tree


def subtree_of(tree: dict[int, OrgState], org_id: int) -> dict[int, OrgState]:
    """The part of a tree of a day under `org_id` (itself included); empty when it did not exist."""
    root = tree.get(org_id)
    if root is None:
        return {}
    return {pk: state for pk, state in tree.items() if state.path.startswith(root.path)}


def children_as_of(tree: dict[int, OrgState], org_id: int) -> list[OrgState]:
    """The direct children on that day, in tree order (kind, then Vietnamese name order)."""
    from dangvu.lib.collation import sort_key

    return sorted(
        (s for s in tree.values() if s.parent_id == org_id), key=lambda s: (KIND_ORDER[s.kind], sort_key(s.name))
    )


def member_cells_as_of(day: date, *, member_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Member id → the cell whose roll they were on at the end of `day` (on-roll statuses only)."""
    rows = Membership.objects.filter(_held_on(day), status__in=ON_ROLL)
    if member_ids is not None:
        rows = rows.filter(member_id__in=list(member_ids))
    return dict(rows.values_list("member_id", "org_id"))


def member_org_history(member: Member) -> list[Stint]:
    """The organisations the member belonged to over time, oldest first, with each one's name as it was
    on the stint's last day (today's for the current one), in three queries. Consecutive stretches in the
    same cell (a change of status, of probationary to full) are one stint; a temporary stay elsewhere is a
    stint of its own."""
    merged: list[tuple[int, date, date | None, bool]] = []  # (org, start, end, temporary)
    for row in Membership.objects.filter(member=member).order_by("valid_from", "pk"):
        temporary = row.status == Status.HOSTED
        if merged:
            org_id, start, end, was_temporary = merged[-1]
            if org_id == row.org_id and end == row.valid_from and was_temporary == temporary:
                merged[-1] = (org_id, start, row.valid_to, temporary)
                continue
        merged.append((row.org_id, row.valid_from, row.valid_to, temporary))
    today = timezone.localdate()
    last_days = [(org_id, _last_day(start, end) if end is not None else today) for org_id, start, end, _ in merged]
    names = _names_on(last_days)
    return [
        Stint(org_id=org_id, org_name=names.get(key, ""), start=start, end=end, temporary=temporary)
        for (org_id, start, end, temporary), key in zip(merged, last_days, strict=True)
    ]


def _last_day(start: date, end: date) -> date:
    return max(start, end - timedelta(days=1))


def _names_on(wanted: list[tuple[int, date]]) -> dict[tuple[int, date], str]:
    """The name each organisation had on each given day (one query over their versions)."""
    if not wanted:
        return {}
    versions: dict[int, list[OrgVersion]] = {}
    for version in OrgVersion.objects.filter(org_id__in={pk for pk, _ in wanted}).order_by("valid_from", "pk"):
        versions.setdefault(version.org_id, []).append(version)
    names: dict[tuple[int, date], str] = {}
    current = dict(Org.objects.filter(pk__in={pk for pk, _ in wanted}).values_list("pk", "name"))
    for pk, day in wanted:
        mine = versions.get(pk, [])
        held = [v for v in mine if v.held_on(day)]
        earlier = [v for v in mine if v.valid_from <= day]
        # Held that day; else the last one before it (dissolved since); else the first one (founded later).
        chosen = held[-1] if held else (earlier[-1] if earlier else (mine[0] if mine else None))
        names[(pk, day)] = chosen.name if chosen else current.get(pk, "")
    return names


def counts_as_of(day: date, tree: dict[int, OrgState], nodes: Iterable[int]) -> dict[int, CountsAsOf]:
    """Subtree counts on `day` for each node of the tree of that day (one query for the members of the
    nodes' subtrees; the organisations are counted from `tree`). Nodes may be nested."""
    wanted = [pk for pk in nodes if pk in tree]
    if not wanted:
        return {}
    paths = {pk: tree[pk].path for pk in wanted}
    inside = {pk for pk, s in tree.items() if any(s.path.startswith(p) for p in paths.values())}
    orgs: dict[int, dict[str, int]] = {pk: {} for pk in wanted}
    for state in tree.values():
        if state.org_id not in inside:
            continue
        for pk, path in paths.items():
            if state.org_id != pk and state.path.startswith(path):
                orgs[pk][state.kind] = orgs[pk].get(state.kind, 0) + 1
    members: dict[int, dict[str, int]] = {pk: {} for pk in wanted}
    split = {pk: [0, 0] for pk in wanted}
    rows = (
        Membership.objects.filter(_held_on(day), status__in=ON_ROLL)
        .filter(org_id__in=_cells_only(tree, inside))
        .values("org_id", "status", "is_probationary")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        cell = tree.get(row["org_id"])
        if cell is None:
            continue
        for pk, path in paths.items():
            if cell.path.startswith(path):
                members[pk][row["status"]] = members[pk].get(row["status"], 0) + row["n"]
                split[pk][0 if row["is_probationary"] else 1] += row["n"]
    return {
        pk: CountsAsOf(orgs=orgs[pk], members=members[pk], probationary=split[pk][0], full=split[pk][1])
        for pk in wanted
    }


def _cells_only(tree: dict[int, OrgState], ids: set[int]) -> list[int]:
    return [pk for pk in ids if tree[pk].kind in CELL_KINDS]


def members_as_of(day: date, cell_ids: Iterable[int]) -> list[tuple[Member, Membership]]:
    """The members on the roll of the given cells at the end of `day`, with their membership row of
    that day (status, probationary then), by name order (one query)."""
    rows = (
        Membership.objects.filter(_held_on(day), status__in=ON_ROLL, org_id__in=list(cell_ids))
        .select_related("member")
        .order_by("member__name_sort_key", "member_id")
    )
    return [(row.member, row) for row in rows]


# A merged organisation is closed when its content moves, or within this many days after.
SUCCESSION_WINDOW = timedelta(days=92)


@dataclass(frozen=True)
class Predecessor:
    """An organisation whose content (sub-organisations or members) moved into another one, which it was
    dissolved on (or soon after) `on`: the other one continues it (merge, dissolution into)."""

    org_id: int
    name: str
    on: date
    # An organisation that moved into `org`'s subtree on `on` and lives on there, from a parent that does
    # not count as a predecessor: its own past belongs to the comparison too, but it is not a "tiền thân".
    moved_in: bool = False


def predecessors(org: Org, *, depth: int = 5) -> list[Predecessor]:
    """The organisations `org` (with its subtree) continues, read from history alone, oldest first:

    a dissolved organisation is a predecessor when, on a day D up to SUCCESSION_WINDOW before its
    dissolution, one of its sub-organisations was re-parented into `org`'s subtree or one of its members
    moved (a transfer within the system) to a cell of `org`'s subtree. From what moved (the re-parented
    organisation, the cell the members left), the highest ancestor dissolved in that window and outside
    `org`'s subtree whose content all came here is taken (a merged commune rather than each of its cells;
    not the district whose communes went to several new communes). A re-parented organisation whose old
    parent is not taken is listed with `moved_in` (its past counts in a comparison, it is no predecessor).
    Predecessors of predecessors are included (`depth`)."""
    found: dict[int, Predecessor] = {}
    frontier = [org]
    seen = {org.pk}
    for _ in range(depth):
        next_frontier: list[Org] = []
        for successor in frontier:
            for pred in _direct_predecessors(successor):
                if pred.org_id not in seen:
                    seen.add(pred.org_id)
                    found[pred.org_id] = pred
                    if not pred.moved_in:
                        next_frontier.append(Org.objects.get(pk=pred.org_id))
        if not next_frontier:
            break
        frontier = next_frontier
    return sorted(found.values(), key=lambda p: (p.on, p.name))


def _direct_predecessors(org: Org) -> list[Predecessor]:
    inside = set(Org.objects.subtree(org).values_list("pk", flat=True))
    sources: set[tuple[int, date]] = set()  # (organisation the content was in, day it moved)
    versions: dict[int, list[tuple[date, int | None]]] = {}
    for org_id, valid_from, parent_id in (
        OrgVersion.objects.filter(org_id__in=inside)
        .order_by("org_id", "valid_from", "pk")
        .values_list("org_id", "valid_from", "parent_id")
    ):
        versions.setdefault(org_id, []).append((valid_from, parent_id))
    moved_in: set[int] = set()
    for moved, chain in versions.items():
        for (_, before), (day, after) in pairwise(chain):
            if before is not None and before != after and before not in inside and after in inside:
                sources.add((moved, day))
                moved_in.add(moved)
    cells = list(inside)
    arrivals = Membership.objects.filter(org_id__in=cells).values_list("member_id", "valid_from")
    arrived = {(m, d) for m, d in arrivals}
    if arrived:
        for member_id, org_id, valid_to in (
            Membership.objects.filter(member_id__in={m for m, _ in arrived}, valid_to__isnull=False)
            .exclude(org_id__in=cells)
            .values_list("member_id", "org_id", "valid_to")
        ):
            if valid_to is not None and (member_id, valid_to) in arrived:
                sources.add((org_id, valid_to))
    if not sources:
        return []
    dissolved = dict(Org.objects.filter(dissolved_on__isnull=False).values_list("pk", "dissolved_on"))
    by_day: dict[date, set[int]] = {}
    for source, day in sources:
        by_day.setdefault(day, set()).add(source)
    result: dict[int, Predecessor] = {}
    for day in sorted(by_day):
        tree = tree_as_of(day - timedelta(days=1))

        def ended(pk: int, moved_on: date = day) -> bool:
            closed = dissolved.get(pk)
            return closed is not None and moved_on <= closed <= moved_on + SUCCESSION_WINDOW and pk not in inside

        sourced = {pk for pk in by_day[day] if pk in tree and (pk in moved_in or ended(pk))}
        if not sourced:
            continue
        children: dict[int, list[int]] = {}
        for state in tree.values():
            if state.parent_id is not None:
                children.setdefault(state.parent_id, []).append(state.org_id)
        peopled = {
            tree[pk].path
            for pk in Membership.objects.filter(_held_on(day - timedelta(days=1)), status__in=ON_ROLL)
            .values_list("org_id", flat=True)
            .distinct()
            if pk in tree
        }

        def empty(pk: int, tree: dict[int, OrgState] = tree, peopled: set[str] = peopled) -> bool:
            path = tree[pk].path
            return not any(p.startswith(path) for p in peopled)

        # Climb to a parent that ended too when all its content came here: each child moved here, or ended
        # empty (a district whose communes went to several new communes is not the predecessor of one).
        grew = True
        while grew:
            grew = False
            for pk in list(sourced):
                parent = tree[pk].parent_id
                if parent is None or parent in sourced or not ended(parent):
                    continue
                if all(c in sourced or (ended(c) and empty(c)) for c in children.get(parent, [])):
                    sourced.add(parent)
                    grew = True
        for pk in sourced:
            if tree[pk].parent_id not in sourced and pk not in result:
                result[pk] = Predecessor(org_id=pk, name=tree[pk].name, on=day, moved_in=pk in inside)
    return list(result.values())


def is_past(day: date | None) -> bool:
    return day is not None and day < timezone.localdate()


__all__ = [
    "CountsAsOf",
    "OrgState",
    "Predecessor",
    "Stint",
    "children_as_of",
    "counts_as_of",
    "is_past",
    "member_cells_as_of",
    "member_org_history",
    "members_as_of",
    "predecessors",
    "subtree_of",
    "tree_as_of",
    "trees_as_of",
]
