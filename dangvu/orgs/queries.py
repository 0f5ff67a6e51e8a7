"""Read-side queries of the organisation tree: counts, children pages, breadcrumbs, search, history.

Every count is aggregated in the database (one grouped query for a whole set of nodes, never one
query per node), so pages, the command line and later the API can share these functions. Callers
pass organisations they already took from `Org.objects.visible_to(user)`; the subtree of a visible
node is visible, so the counts need no further scoping.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection
from django.db.models import BigIntegerField, Case, Count, F, Q, Sum, Value, When

from dangvu.accounts.models import Role, User
from dangvu.lib.collation import sort_key
from dangvu.members.lifecycle import ON_ROLL, Status
from dangvu.members.models import Headcount
from dangvu.orgs.kinds import KIND_ORDER, OrgKind, kind_label
from dangvu.orgs.models import Org, OrgVersion
from dangvu.orgs.paths import in_subtree
from dangvu.tallies.cache import cached

# A node with more children than this shows them page by page.
CHILDREN_PER_PAGE = 100
# Search lists at most this many matches and asks for a narrower query beyond.
SEARCH_LIMIT = 50

# Order of the member rows on the detail page: on roll first, then the former members.
ON_ROLL_ORDER = (Status.ACTIVE, Status.AWAY, Status.EXEMPT, Status.SUSPENDED)
OTHER_ORDER = (Status.HOSTED, Status.NONE)
FORMER_ORDER = (Status.TRANSFERRED_OUT, Status.TEMP_ENDED, Status.STRUCK_OFF, Status.EXPELLED, Status.DECEASED)


@dataclass(frozen=True)
class Counts:
    """Counts over one node's subtree.

    `orgs`: {kind: n} of the active organisations below the node (the node itself excluded);
    `members`: {status: n} of the members whose current (or last) cell is in the subtree;
    `probationary` / `full`: the on-roll members split by membership.
    """

    orgs: dict[str, int] = field(default_factory=dict)
    members: dict[str, int] = field(default_factory=dict)
    probationary: int = 0
    full: int = 0

    @property
    def on_roll(self) -> int:
        return self.probationary + self.full

    @property
    def sub_orgs(self) -> int:
        return sum(self.orgs.values())

    def orgs_by_kind(self) -> list[tuple[str, int]]:
        """[(kind label, n)] in tree order, kinds with no organisation left out."""
        return [(kind_label(kind), self.orgs[kind]) for kind in OrgKind.values if self.orgs.get(kind)]

    def member_rows(self, statuses: tuple[str, ...]) -> list[tuple[str, int]]:
        """[(status label, n)] for the given statuses, in that order, zeros included."""
        return [(str(Status(status).label), self.members.get(status, 0)) for status in statuses]

    @property
    def former(self) -> int:
        return sum(self.members.get(status, 0) for status in FORMER_ORDER)


@dataclass(frozen=True)
class TreeNode:
    org: Org
    counts: Counts
    has_children: bool


@dataclass(frozen=True)
class ChildrenPage:
    """One page of a node's children, in tree order, with their subtree counts."""

    nodes: list[TreeNode]
    total: int
    page: int
    pages: int

    @property
    def capped(self) -> bool:
        return self.pages > 1

    @property
    def first_index(self) -> int:
        return (self.page - 1) * CHILDREN_PER_PAGE + 1 if self.nodes else 0

    @property
    def last_index(self) -> int:
        return self.first_index + len(self.nodes) - 1 if self.nodes else 0

    @property
    def previous_page(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None


@dataclass(frozen=True)
class Crumb:
    """One ancestor in a breadcrumb trail; `linked` when it lies inside the user's scope."""

    pk: int
    code: str
    name: str
    linked: bool


@dataclass(frozen=True)
class SearchHit:
    org: Org
    trail: list[Crumb]


@dataclass(frozen=True)
class SearchResult:
    hits: list[SearchHit]
    more: bool


@dataclass(frozen=True)
class HistoryRow:
    """One OrgVersion with the last day it held (`valid_to` is exclusive); `last_day` None = current."""

    version: OrgVersion
    last_day: date | None


def tree_order(org: Org) -> tuple[int, bytes]:
    """Children are listed by kind (KIND_ORDER), then by name in Vietnamese alphabet order."""
    return KIND_ORDER[org.kind], sort_key(org.name)


def _node_case(nodes: list[Org], lookup: str) -> tuple[Q, Case]:
    """A filter matching the subtrees of `nodes` and a CASE naming the node each row falls under."""
    condition = Q()
    for node in nodes:
        condition |= Q(**{f"{lookup}__in_subtree": node.path})
    whens = [When(**{f"{lookup}__in_subtree": node.path}, then=Value(node.pk)) for node in nodes]
    return condition, Case(*whens, output_field=BigIntegerField())


def _parent_path(org: Org) -> str:
    """The materialised path of the node's parent ("/" above a root): the path less its last id."""
    return org.path[: org.path.rstrip("/").rfind("/") + 1]


# The tree page of a node shallower than this (the top of the tree and its children: the national root
# and its provinces, or a province and its communes, ~10⁵ members each) keeps its roll-up in the cache.
CACHED_DEPTH = 2
# Up to this many sibling nodes are counted with one `LIKE` each (CASE); more go through `_rollup`.
FEW_NODES = 3


@dataclass
class _Rollup:
    """A node's subtree grouped by its children (`_rollup`): org rows (child pk, kind, the child itself?,
    active, total) and on-roll member rows (child pk or 0 for the node's own members, status,
    probationary, n)."""

    orgs: list[tuple[int, str, bool, int, int]]
    members: list[tuple[int, str, bool, int]]

    def by_child(self) -> dict[int, _Rollup]:
        """The rows split by child (one pass), so counting each of ~100 children reads its own rows only."""
        split: dict[int, _Rollup] = {}
        for org_row in self.orgs:
            split.setdefault(org_row[0], _Rollup([], [])).orgs.append(org_row)
        for member_row in self.members:
            split.setdefault(member_row[0], _Rollup([], [])).members.append(member_row)
        return split


def _child_of(path_column: str, prefix: str) -> str:
    """SQL naming the child of the node with path `prefix` that a row's path lies under: the id right
    after the prefix ('' for the node itself). STRPOS on PostgreSQL, INSTR on SQLite."""
    start = len(prefix) + 1
    find = "STRPOS" if connection.vendor == "postgresql" else "INSTR"
    rest = f"SUBSTR({path_column}, {start})"
    return (
        f"CASE WHEN LENGTH({path_column}) = {len(prefix)} THEN '' ELSE SUBSTR({rest}, 1, {find}({rest}, '/') - 1) END"
    )


def _rollup(prefix: str) -> _Rollup:
    """The subtree of the node with path `prefix`, grouped by its children, in one query (the organisations'
    rows and the members' rows as one UNION ALL, told apart by its first column).

    Members come from the counts kept per cell (`members.headcount`), grouped by child: the path is cut
    once per cell row, and no member row is read. This replaces a CASE with one `LIKE` per child evaluated
    on every member row (a province: ~100 communes × ~120,000 members), which PostgreSQL also compiled
    with JIT, and then a grouping of the subtree's member rows by cell (1.4 s for a province at 5.6
    million members)."""
    orgs = (
        Org.objects.filter(path__in_subtree=prefix).exclude(path=prefix).values("path", "kind", "depth", "dissolved_on")
    )
    inner_sql, inner_params = orgs.query.sql_with_params()
    child = _child_of("o.path", prefix)
    depth = prefix.count("/") - 1  # the children's depth: "/1/" is a root's path, its children depth 1
    org_sql = (
        f"SELECT 0 AS part, {child} AS child, o.kind AS name, o.depth = %s AS flag, "
        f"SUM(CASE WHEN o.dissolved_on IS NULL THEN 1 ELSE 0 END) AS n, COUNT(*) AS total "
        f"FROM ({inner_sql}) o GROUP BY 2, 3, 4"
    )
    # The members kept per cell (`members.headcount`), not the member rows: ~20,000 rows for a province
    # of 165,000 members.
    cells = (
        Headcount.objects.filter(in_subtree("org__path", prefix), status__in=ON_ROLL)
        .annotate(cell_path=F("org__path"))
        .values("cell_path", "status", "is_probationary", "n")
    )
    member_inner, member_params = cells.query.sql_with_params()
    member_sql = (
        f"SELECT 1 AS part, {_child_of('c.cell_path', prefix)} AS child, c.status AS name, c.is_probationary AS flag, "
        f"SUM(c.n) AS n, 0 AS total FROM ({member_inner}) c GROUP BY 2, 3, 4"
    )
    result = _Rollup(orgs=[], members=[])
    with connection.cursor() as cursor:
        cursor.execute(f"{org_sql} UNION ALL {member_sql}", [depth, *inner_params, *member_params])
        for part, c, name, flag, n, total in cursor.fetchall():
            if part == 0:
                result.orgs.append((int(c) if c else 0, name, bool(flag), int(n), int(total)))
            else:
                result.members.append((int(c) if c else 0, name, bool(flag), int(n)))
    return result


def subtree_rollup(root: Org) -> _Rollup:
    """`_rollup` of the node's subtree; for a node above CACHED_DEPTH kept in the cache under the tallies'
    generation (`tallies.cache`: any change to a membership or to the tree makes it counted again). The
    path is in the key: a node moved has other rows."""
    if root.depth >= CACHED_DEPTH:
        return _rollup(root.path)
    return cached("tree-rollup", (root.pk, root.path), lambda: _rollup(root.path))


def _counts_of(rollup: _Rollup, child: int | None, *, include_dissolved: bool) -> tuple[Counts, bool]:
    """Counts and 'has children' of one child of the rolled-up node, or (child None) of the node itself."""
    orgs: dict[str, int] = {}
    has_children = False
    for pk, kind, itself, active, total in rollup.orgs:
        if child is not None and (pk != child or itself):
            continue
        if active:
            orgs[kind] = orgs.get(kind, 0) + active
        if active or (include_dissolved and total):
            has_children = True
    members: dict[str, int] = {}
    split = [0, 0]
    for pk, status, probationary, n in rollup.members:
        if child is not None and pk != child:
            continue
        members[status] = members.get(status, 0) + n
        split[0 if probationary else 1] += n
    return Counts(orgs=orgs, members=members, probationary=split[0], full=split[1]), has_children


def counts_for(nodes: list[Org], *, include_dissolved: bool = False) -> tuple[dict[int, Counts], dict[int, bool]]:
    """Subtree counts of several non-nested nodes in one query (two groupings).

    Returns ({node pk: Counts}, {node pk: has children}). `Counts.members` holds the on-roll statuses
    only; `has children` counts dissolved children too when `include_dissolved`. More than FEW_NODES
    siblings (a page of children) are counted from their parent's roll-up (`_rollup`).
    """
    if not nodes:
        return {}, {}
    parents = {_parent_path(node) for node in nodes}
    if len(nodes) > FEW_NODES and len(parents) == 1:
        by_child = _rollup(parents.pop()).by_child()
        empty = _Rollup([], [])
        counts: dict[int, Counts] = {}
        children: dict[int, bool] = {}
        for node in nodes:
            counts[node.pk], children[node.pk] = _counts_of(
                by_child.get(node.pk, empty), node.pk, include_dissolved=include_dissolved
            )
        return counts, children
    org_filter, org_case = _node_case(nodes, "path")
    org_rows = (
        Org.objects.filter(org_filter)
        .exclude(pk__in=[node.pk for node in nodes])
        .annotate(node=org_case)
        .values("node", "kind")
        .annotate(active=Count("pk", filter=Q(dissolved_on__isnull=True)), total=Count("pk"))
        .order_by()
    )
    member_filter, member_case = _node_case(nodes, "org__path")
    member_rows = (
        Headcount.objects.filter(member_filter, status__in=ON_ROLL)
        .annotate(node=member_case)
        .values("node", "status", "is_probationary")
        .annotate(total=Sum("n"))
        .values("node", "status", "is_probationary", "total")
        .order_by()
    )
    # Both groupings in one statement, told apart by the first column.
    org_sql, org_params = org_rows.query.sql_with_params()
    member_sql, member_params = member_rows.query.sql_with_params()
    sql = (
        f"SELECT 0, o.node, o.kind, FALSE, o.active, o.total FROM ({org_sql}) o UNION ALL "
        f"SELECT 1, m.node, m.status, m.is_probationary, m.total, 0 FROM ({member_sql}) m"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*org_params, *member_params])
        rows = cursor.fetchall()
    orgs: dict[int, dict[str, int]] = {node.pk: {} for node in nodes}
    has_children = {node.pk: False for node in nodes}
    members: dict[int, dict[str, int]] = {node.pk: {} for node in nodes}
    split = {node.pk: [0, 0] for node in nodes}
    for part, node_pk, name, flag, n, total in rows:
        node_pk, n = int(node_pk), int(n)
        if part == 0:
            if n:
                orgs[node_pk][name] = n
            if n or (include_dissolved and total):
                has_children[node_pk] = True
        else:
            by_status = members[node_pk]
            by_status[name] = by_status.get(name, 0) + n
            split[node_pk][0 if flag else 1] += n
    result = {
        pk: Counts(orgs=orgs[pk], members=members[pk], probationary=split[pk][0], full=split[pk][1]) for pk in orgs
    }
    return result, has_children


def nodes_with_counts(orgs: list[Org], *, include_dissolved: bool = False) -> list[TreeNode]:
    """Tree lines for the given non-nested organisations, in the given order (three queries at most)."""
    counts, has_children = counts_for(orgs, include_dissolved=include_dissolved)
    return [TreeNode(org=org, counts=counts[org.pk], has_children=has_children[org.pk]) for org in orgs]


def children_with_counts(
    org: Org, *, include_dissolved: bool = False, page: int = 1, per_page: int = CHILDREN_PER_PAGE
) -> ChildrenPage:
    """One page of `org`'s children in tree order, each with its subtree counts: three queries
    (the children; the sub-organisations of all of them; the members of all of them), whatever
    the number of children. A page number out of range gives the last page."""
    children = Org.objects.filter(parent=org)
    if not include_dissolved:
        children = children.active()
    ordered = sorted(children, key=tree_order)
    total = len(ordered)
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    nodes = nodes_with_counts(ordered[(page - 1) * per_page : page * per_page], include_dissolved=include_dissolved)
    return ChildrenPage(nodes=nodes, total=total, page=page, pages=pages)


def tree_with_counts(
    root: Org, *, include_dissolved: bool = False, page: int = 1, per_page: int = CHILDREN_PER_PAGE
) -> tuple[TreeNode, ChildrenPage]:
    """The tree page: the root's line and one page of its children, each with its subtree counts, from
    one roll-up of the root's subtree (the root's counts are the sum of its children's rows and its
    own): three queries (the children, the organisations below, the members below)."""
    children = Org.objects.filter(parent=root)
    if not include_dissolved:
        children = children.active()
    ordered = sorted(children, key=tree_order)
    total = len(ordered)
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rollup = subtree_rollup(root)
    root_counts, root_has_children = _counts_of(rollup, None, include_dissolved=include_dissolved)
    split = rollup.by_child()
    empty = _Rollup([], [])
    nodes = []
    for org in ordered[(page - 1) * per_page : page * per_page]:
        counts, has_children = _counts_of(split.get(org.pk, empty), org.pk, include_dissolved=include_dissolved)
        nodes.append(TreeNode(org=org, counts=counts, has_children=has_children))
    return (
        TreeNode(org=root, counts=root_counts, has_children=root_has_children),
        ChildrenPage(nodes=nodes, total=total, page=page, pages=pages),
    )


def subtree_counts(org: Org) -> Counts:
    """Counts of `org`'s whole subtree (two queries): active sub-organisations by kind and members by
    status (all statuses, the former ones included), with the on-roll members split probationary/full;
    the members from the counts kept per cell (`members.headcount`)."""
    below = Org.objects.subtree(org).exclude(pk=org.pk).active()
    orgs = {row["kind"]: row["n"] for row in below.values("kind").annotate(n=Count("pk")).order_by()}
    members: dict[str, int] = {}
    probationary = full = 0
    rows = (
        Headcount.objects.filter(in_subtree("org__path", org.path))
        .values("status", "is_probationary")
        .annotate(n=Sum("n"))
        .order_by()
    )
    for row in rows:
        members[row["status"]] = members.get(row["status"], 0) + row["n"]
        if row["status"] in ON_ROLL:
            if row["is_probationary"]:
                probationary += row["n"]
            else:
                full += row["n"]
    return Counts(orgs=orgs, members=members, probationary=probationary, full=full)


def in_scope(user: User, org: Org) -> bool:
    """Whether `org` lies inside the user's scope (everything for an admin)."""
    if user.role == Role.ADMIN:
        return True
    return user.scope is not None and org.path.startswith(user.scope.path)


def breadcrumbs(org: Org, user: User) -> list[Crumb]:
    """The ancestors of `org`, root first (one query); those above the user's scope are not linked."""
    return [Crumb(a.pk, a.code, a.name, in_scope(user, a)) for a in org.ancestors()]


def search(user: User, query: str, *, include_dissolved: bool = False, limit: int = SEARCH_LIMIT) -> SearchResult:
    """Organisations visible to `user` whose name or code matches `query` (accent-insensitive), the
    shallowest first, each with its breadcrumb trail: two queries. `more` when over `limit` matched."""
    found = Org.objects.visible_to(user).search(query)
    if not include_dissolved:
        found = found.active()
    rows = list(found.order_by("depth", "code")[: limit + 1])
    more = len(rows) > limit
    rows = sorted(rows[:limit], key=lambda org: (org.depth, *tree_order(org)))
    ancestor_ids = {pk for org in rows for pk in org.ancestor_ids()}
    ancestors = {a.pk: a for a in Org.objects.filter(pk__in=ancestor_ids)} if ancestor_ids else {}
    hits = [
        SearchHit(
            org=org,
            trail=[
                Crumb(a.pk, a.code, a.name, in_scope(user, a))
                for a in (ancestors.get(pk) for pk in org.ancestor_ids())
                if a is not None
            ],
        )
        for org in rows
    ]
    return SearchResult(hits=hits, more=more)


def history(org: Org) -> list[HistoryRow]:
    """The node's versions, oldest first (one query), with the last day each one held."""
    rows = []
    for version in org.versions.select_related("parent").order_by("valid_from", "pk"):
        last_day = None
        if version.valid_to is not None:
            last_day = max(version.valid_from, version.valid_to - timedelta(days=1))
        rows.append(HistoryRow(version=version, last_day=last_day))
    return rows


def requested_org(user: User, raw: str | None) -> Org:
    """The organisation a page asks for by pk (404 outside the user's scope), else the user's scope,
    else the shallowest organisation the user sees (an admin's root)."""
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    from dangvu.lib.forms import int_or_none

    visible = Org.objects.visible_to(user)
    pk = int_or_none(raw)
    if pk is not None:
        return get_object_or_404(visible, pk=pk)
    if user.scope is not None:
        return user.scope
    org = visible.order_by("depth", "pk").first()
    if org is None:
        raise Http404
    return org
