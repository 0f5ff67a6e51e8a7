"""Reading the tallies for the rating report: the same grouped rows `reports.report` adds up, from a few
hundred pre-counted rows instead of every member and rating of the subtree.

`report_rows` gives, for an organisation and a kept period, its state and children on the period's last
day and the rows by child (a child's roll-up, or the sum of its subtree's own counts below
ROLLUP_DEPTH); `years_rated` the rated figures of every kept year of one quarter. Both apply the queue
first (`build.sync`), so they read what the raw data say now. None when the period is not kept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet, Sum

from dangvu.evaluations.periods import PeriodKey
from dangvu.orgs.history import OrgState
from dangvu.orgs.kinds import GRASSROOTS_KINDS
from dangvu.orgs.models import Org
from dangvu.orgs.paths import in_subtree
from dangvu.tallies.build import KEY_FIELDS, ROLLUP_DEPTH, sync
from dangvu.tallies.models import MEMBER_RATINGS, MEMBERS, ORG_RATINGS, ORGS, Tally, TallyNode, TallyPeriod, TallyRollup

SELF = 0  # the bucket of rows that lie in the organisation itself (as `reports.report.SELF`)


@dataclass
class TallyRows:
    then: OrgState  # the organisation on the period's last day
    children: list[OrgState]  # its children that day
    orgs: list[dict[str, Any]]
    org_ratings: list[dict[str, Any]]
    members: list[dict[str, Any]]
    member_ratings: list[dict[str, Any]]


def _state(n: TallyNode) -> OrgState:
    return OrgState(n.org_id, n.parent_id, n.code, n.name, n.kind, n.sector, n.path, n.depth)


def _fetch(rows: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """A values_list queryset's rows straight from the cursor (thousands of rows: no per-row converters)."""
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def kept_period(key: PeriodKey) -> TallyPeriod | None:
    sync()
    return TallyPeriod.objects.filter(year=key.year, quarter=key.quarter).first()


def _rows_for(model: type[Tally | TallyRollup], period: TallyPeriod, buckets: dict[int, int]) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    ids = list(buckets)
    for start in range(0, len(ids), 5000):
        rows.extend(
            _fetch(
                model.objects.filter(period=period, org_id__in=ids[start : start + 5000]).values_list(
                    "org_id", *KEY_FIELDS, "n", "exemplary"
                )
            )
        )
    return rows


def report_rows(org: Org, key: PeriodKey) -> TallyRows | None:
    """The report's grouped rows for `org` in a kept period (None: not kept, or `org` did not exist then)."""
    period = kept_period(key)
    if period is None:
        return None
    node = TallyNode.objects.filter(period=period, org_id=org.pk).first()
    if node is None:
        return None
    then = _state(node)
    children = [_state(n) for n in TallyNode.objects.filter(period=period, parent_id=org.pk)]
    rows: list[tuple[Any, ...]]
    if then.depth < ROLLUP_DEPTH:
        # The children's roll-ups summed over the sectors (a few dozen rows each), the organisation's own
        # counts (for itself), and its own roll-up by sector (for the sectors): a sector of None or a node
        # of None tells the report the row counts for one of the two only.
        by_child = (
            TallyRollup.objects.filter(period=period, org_id__in=[c.org_id for c in children])
            .values_list("org_id", "source", "kind", "level", "has_rating", "reason")
            .annotate(Sum("n"), Sum("exemplary"))
            .order_by()
        )
        rows = [(o, source, kind, None, *rest) for o, source, kind, *rest in _fetch(by_child)]
        for model in (Tally, TallyRollup):
            own = model.objects.filter(period=period, org_id=org.pk).values_list(*KEY_FIELDS, "n", "exemplary")
            rows += [(SELF, *row[:2], None, *row[3:]) if model is Tally else (None, *row) for row in _fetch(own)]
    else:
        # Every organisation of the subtree that day, put under its child, and their own counts.
        bucket: dict[int, int] = {}
        depth = then.depth + 1
        for org_id, path in TallyNode.objects.filter(in_subtree("path", then.path), period=period).values_list(
            "org_id", "path"
        ):
            parts = path.strip("/").split("/")
            bucket[org_id] = int(parts[depth]) if len(parts) > depth else SELF
        rows = [(bucket[row[0]], *row[1:]) for row in _rows_for(Tally, period, bucket)]
    result = TallyRows(then, children, [], [], [], [])
    for node_id, source, kind, sector, level, has_rating, reason, n, exemplary in rows:
        if source == ORGS:
            result.orgs.append({"node": node_id, "kind": kind, "sector": sector, "has_rating": has_rating, "n": n})
        elif source == ORG_RATINGS:
            result.org_ratings.append(
                {"node": node_id, "kind": kind, "sector": sector, "level": level, "n": n, "exemplary": exemplary}
            )
        elif source == MEMBERS:
            result.members.append(
                {"node": node_id, "sector": sector, "has_rating": has_rating, "reason": reason, "n": n}
            )
        elif source == MEMBER_RATINGS:
            result.member_ratings.append(
                {"node": node_id, "sector": sector, "level": level, "n": n, "exemplary": exemplary}
            )
    return result


def years_rated(
    roots: Iterable[int], quarter: int, *, synced: bool = False
) -> dict[int, dict[str, dict[str, int]]] | None:
    """{year: {"members": {level: n}, "grassroots_orgs": {level: n}}}: the ratings of every kept year of
    `quarter` given in the subtrees, at that year's end, of `roots` (an organisation inside another's
    subtree counted once; grassroots organisations of their kind then). None when nothing is kept.
    At most six queries, whatever the number of years (five when the caller has just `synced`)."""
    if not synced:
        sync()
    periods = {p.pk: p.year for p in TallyPeriod.objects.filter(quarter=quarter)}
    if not periods:
        return None
    wanted = list(roots)
    nodes: dict[int, list[OrgState]] = defaultdict(list)
    for node in TallyNode.objects.filter(period_id__in=list(periods), org_id__in=wanted):
        nodes[node.period_id].append(_state(node))
    pairs: set[tuple[int, int]] = set()  # (period, organisation) whose roll-up counts
    deep: list[Q] = []  # the subtrees, each period, counted from their own rows
    for period_id, found in nodes.items():
        for top in found:
            if any(other is not top and top.path.startswith(other.path) for other in found):
                continue
            if top.depth <= ROLLUP_DEPTH:
                pairs.add((period_id, top.org_id))
            else:
                deep.append(Q(period_id=period_id) & in_subtree("path", top.path))
    sources = [ORG_RATINGS, MEMBER_RATINGS]
    rows: list[tuple[int, int, str, str, int]] = []
    if pairs:
        rows += [
            (period_id, source, kind, level, n)
            for period_id, org_id, source, kind, level, n in TallyRollup.objects.filter(
                period_id__in={p for p, _ in pairs}, org_id__in={o for _, o in pairs}, source__in=sources
            ).values_list("period_id", "org_id", "source", "kind", "level", "n")
            if (period_id, org_id) in pairs
        ]
    own: set[tuple[int, int]] = set()
    if deep:
        own = set(TallyNode.objects.filter(reduce(or_, deep)).values_list("period_id", "org_id"))
    if own:
        rows += [
            (period_id, source, kind, level, n)
            for period_id, org_id, source, kind, level, n in Tally.objects.filter(
                period_id__in={p for p, _ in own}, org_id__in={o for _, o in own}, source__in=sources
            ).values_list("period_id", "org_id", "source", "kind", "level", "n")
            if (period_id, org_id) in own
        ]
    years: dict[int, dict[str, dict[str, int]]] = {}
    for period_id, source, kind, level, n in rows:
        year = years.setdefault(periods[period_id], {"members": defaultdict(int), "grassroots_orgs": defaultdict(int)})
        if source == MEMBER_RATINGS:
            year["members"][level] += n
        elif kind in GRASSROOTS_KINDS:
            year["grassroots_orgs"][level] += n
    return {
        year: {name: dict(levels) for name, levels in found.items()}
        for year, found in sorted(years.items())
        if any(found.values())
    }
