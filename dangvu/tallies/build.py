"""Counting the tallies from the raw data, whole or in part, and keeping them up to date.

A period's tallies describe its last day exactly as `reports.report._history_rows` counts it: the tree
of that day (`orgs.history.tree_as_of`) and the memberships held that day. They are kept for every
period that has a rating (and the current year once `rebuild` ran); a rating written for a new period
builds that period at the next `sync`.

Keeping them: every write to a source table leaves a row in `TallyDirty` (database triggers,
`triggers.py`). `sync` claims the queue and, for each kept period the rows concern, counts again only
the organisations they name (the cell of a membership, the organisation rated, the cell a rated member
was on the roll of that day) and adds the difference to the roll-ups of the organisations above them.
A change of the tree of that day (an organisation moved, founded under one that did not exist yet, or
dissolved with organisations still under it) rebuilds that period whole; a rename or a new kind or
sector only counts that organisation again. `sync` runs under a lock, in one transaction, before a
report reads; the same counts from scratch are `build_period`, and `check` compares the two.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from dangvu.evaluations.models import MemberRating, OrgRating
from dangvu.evaluations.periods import YEAR, PeriodKey
from dangvu.evaluations.queries import NotRatedReason
from dangvu.evaluations.services import regime_of
from dangvu.lib.parallel import allow_parallel
from dangvu.lib.rows import append_rows
from dangvu.members.lifecycle import ON_ROLL, Status
from dangvu.members.models import Membership
from dangvu.orgs.history import OrgState, tree_as_of
from dangvu.orgs.kinds import CELL_KINDS, GRASSROOTS_KINDS, OrgKind
from dangvu.orgs.models import OrgVersion
from dangvu.orgs.paths import in_subtree
from dangvu.tallies.cache import bump_generation
from dangvu.tallies.models import (
    MEMBER_RATINGS,
    MEMBERS,
    ORG_RATINGS,
    ORGS,
    Tally,
    TallyDirty,
    TallyNode,
    TallyPeriod,
    TallyRollup,
)

# Roll-ups are kept for the organisations of depth 0 to ROLLUP_DEPTH (the root, provinces, communes): a
# report of one of depth < ROLLUP_DEPTH reads its children's roll-ups; a deeper one sums its subtree's own
# counts (a commune's few hundred rows).
ROLLUP_DEPTH = 2
ORG_KINDS = GRASSROOTS_KINDS | {OrgKind.CELL}
CHUNK = 5000

# (source, kind, sector, level, has_rating, reason) -> [n, exemplary]
Key = tuple[int, str, str, str, bool, str]
Counts = dict[Key, list[int]]
KEY_FIELDS = ("source", "kind", "sector", "level", "has_rating", "reason")
ROW_FIELDS = ("period_id", "org_id", *KEY_FIELDS, "n", "exemplary")
NODE_FIELDS = ("period_id", "org_id", "parent_id", "path", "depth", "code", "name", "kind", "sector")


@dataclass
class SyncSummary:
    claimed: int = 0
    periods_built: list[str] = field(default_factory=list)
    orgs_counted: int = 0
    seconds: float = 0.0


def period_key(period: TallyPeriod) -> PeriodKey:
    return PeriodKey(period.year, period.quarter)


def rollup_ids(path: str) -> list[int]:
    """The organisations whose roll-up a row of the organisation at `path` adds to (itself included)."""
    return [int(part) for part in path.strip("/").split("/")[: ROLLUP_DEPTH + 1] if part]


def _chunks(ids: Collection[int] | None) -> Iterator[list[int] | None]:
    if ids is None:
        yield None
        return
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _held_on(day: date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))


def count_orgs(key: PeriodKey, nodes: Mapping[int, OrgState], org_ids: Collection[int] | None) -> dict[int, Counts]:
    """Each organisation's own counts for the period, on the tree of its last day (`nodes`); all of them
    when `org_ids` is None. An organisation absent from `nodes` (it did not exist that day) counts nothing."""
    regime = regime_of(key)
    period = {"year": key.year, "quarter": key.quarter}
    new_after = key.admitted_before_for_rating(regime.new_member_months)
    result: dict[int, Counts] = defaultdict(dict)

    def add(org_id: int, k: Key, n: int, exemplary: int = 0) -> None:
        counts = result[org_id].setdefault(k, [0, 0])
        counts[0] += n
        counts[1] += exemplary

    for chunk in _chunks(org_ids):
        org_ratings = OrgRating.objects.filter(**period).exclude(level="")
        member_ratings = MemberRating.objects.filter(**period).exclude(level="")
        rolls = Membership.objects.filter(_held_on(key.end), status__in=ON_ROLL)
        if chunk is not None:
            org_ratings = org_ratings.filter(org_id__in=chunk)
            member_ratings = member_ratings.filter(org_id__in=chunk)
            rolls = rolls.filter(org_id__in=chunk)
        rated: set[int] = set()
        for org_id, level, exemplary in org_ratings.values_list("org_id", "level", "exemplary").iterator(CHUNK):
            rated.add(org_id)
            state = nodes.get(org_id)
            if state is not None and state.kind in ORG_KINDS:
                add(org_id, (ORG_RATINGS, state.kind, state.sector, level, False, ""), 1, int(exemplary))
        for pk in chunk if chunk is not None else nodes:
            state = nodes.get(pk)
            if state is not None and state.kind in ORG_KINDS:
                add(pk, (ORGS, state.kind, state.sector, "", pk in rated, ""), 1)
        rated_member = MemberRating.objects.filter(member=OuterRef("member_id"), **period).exclude(level="")
        reason = Case(
            When(status=Status.EXEMPT, then=Value(NotRatedReason.EXEMPT.value)),
            When(status=Status.SUSPENDED, then=Value(NotRatedReason.SUSPENDED.value)),
            When(member__admitted_on__gt=new_after, then=Value(NotRatedReason.NEW.value)),
            default=Value(""),
            output_field=CharField(),
        )
        rows = (
            rolls.annotate(has_rating=Exists(rated_member), reason=reason)
            .values("org_id", "has_rating", "reason")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows.iterator(CHUNK):
            state = nodes.get(row["org_id"])
            if state is None or state.kind not in CELL_KINDS:
                continue
            add(row["org_id"], (MEMBERS, "", state.sector, "", bool(row["has_rating"]), row["reason"]), row["n"])
        by_level = (
            member_ratings.values("org_id", "level")
            .annotate(n=Count("pk"), exemplary=Count("pk", filter=Q(exemplary=True)))
            .order_by()
        )
        for rating in by_level.iterator(CHUNK):
            state = nodes.get(rating["org_id"])
            if state is not None:
                k: Key = (MEMBER_RATINGS, "", state.sector, rating["level"], False, "")
                add(rating["org_id"], k, rating["n"], rating["exemplary"])
    return result


def add_counts(into: Counts, counts: Counts, sign: int = 1) -> None:
    for k, (n, exemplary) in counts.items():
        total = into.setdefault(k, [0, 0])
        total[0] += sign * n
        total[1] += sign * exemplary


def rollups_of(
    counts: Mapping[int, Counts], nodes: Mapping[int, OrgState], rolled: dict[int, Counts] | None = None, sign: int = 1
) -> dict[int, Counts]:
    """Each organisation's counts added (or, sign -1, taken) to the roll-ups of its place in `nodes`."""
    rolled = defaultdict(dict) if rolled is None else rolled
    for org_id, own in counts.items():
        state = nodes.get(org_id)
        if state is None:
            continue
        for target in rollup_ids(state.path):
            add_counts(rolled[target], own, sign)
    return rolled


def _kept_counts(period: TallyPeriod, org_ids: Collection[int]) -> dict[int, Counts]:
    """The own counts kept for these organisations."""
    kept: dict[int, Counts] = defaultdict(dict)
    for chunk in _chunks(org_ids):
        for row in Tally.objects.filter(period=period, org_id__in=chunk or []).values_list(
            "org_id", *KEY_FIELDS, "n", "exemplary"
        ):
            kept[row[0]][tuple(row[1:7])] = [row[7], row[8]]
    return kept


# Writing ----------------------------------------------------------------------------------------------


def _insert(model: type[Any], columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> int:
    """Append rows of one of the tallies' tables (`lib.rows.append_rows`: COPY on PostgreSQL)."""
    names = [str(model._meta.get_field(c.removesuffix("_id") if c == "period_id" else c).column) for c in columns]
    return append_rows(model._meta.db_table, names, rows)


def _count_rows(period_id: int, counts: Mapping[int, Counts]) -> Iterator[tuple[Any, ...]]:
    for org_id, own in counts.items():
        for k, (n, exemplary) in own.items():
            if n or exemplary:
                yield (period_id, org_id, *k, n, exemplary)


def _node_row(period_id: int, s: OrgState) -> tuple[Any, ...]:
    return (period_id, s.org_id, s.parent_id, s.path, s.depth, s.code, s.name, s.kind, s.sector)


def _delete_period_rows(period_id: int) -> None:
    with connection.cursor() as cursor:
        for model in (Tally, TallyRollup, TallyNode):
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE period_id = %s", [period_id])


def build_period(key: PeriodKey) -> TallyPeriod:
    """Count one period from scratch (replacing what was kept for it)."""
    regime_of(key)  # ValidationError when no regime covers it
    with transaction.atomic():
        period, _ = TallyPeriod.objects.get_or_create(year=key.year, quarter=key.quarter)
        _delete_period_rows(period.pk)
        nodes = tree_as_of(key.end)
        _insert(TallyNode, NODE_FIELDS, (_node_row(period.pk, s) for s in nodes.values()))
        counts = count_orgs(key, nodes, None)
        _insert(Tally, ROW_FIELDS, _count_rows(period.pk, counts))
        _insert(TallyRollup, ROW_FIELDS, _count_rows(period.pk, rollups_of(counts, nodes)))
        TallyPeriod.objects.filter(pk=period.pk).update(built_at=timezone.now())
    return period


def periods_to_keep() -> list[PeriodKey]:
    """Every period that has a rating, and the current year; those some regime covers."""
    keys = {PeriodKey(timezone.localdate().year, YEAR)}
    for model in (MemberRating, OrgRating):
        keys |= {PeriodKey(y, q) for y, q in model.objects.values_list("year", "quarter").distinct().order_by()}
    kept = []
    for key in sorted(keys, key=lambda k: (k.year, k.quarter)):
        try:
            regime_of(key)
        except ValidationError:
            continue
        kept.append(key)
    return kept


def rebuild(keys: Iterable[PeriodKey] | None = None) -> list[PeriodKey]:
    """Count every kept period (or the given ones) from scratch and empty the queue."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            allow_parallel(cursor, connection)
        _lock()
        _claim()
        bump_generation()
        wanted = list(keys) if keys is not None else periods_to_keep()
        if keys is None:
            stale = [p for p in TallyPeriod.objects.all() if period_key(p) not in set(wanted)]
            for period in stale:
                _delete_period_rows(period.pk)
            TallyPeriod.objects.filter(pk__in=[p.pk for p in stale]).delete()
        for key in wanted:
            build_period(key)
        with connection.cursor() as cursor:  # the planner's statistics of the tables just written
            for model in (TallyNode, Tally, TallyRollup):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    return wanted


# Keeping up to date ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)  # slots: an import of a million members queues ~2 million of them
class Dirty:
    org_id: int | None
    member_id: int | None
    year: int | None
    quarter: int | None
    valid_from: date | None
    valid_to: date | None
    structural: bool
    rebuild: bool

    def concerns(self, key: PeriodKey) -> bool:
        if self.year is not None:
            return self.year == key.year and self.quarter == key.quarter
        end = key.end
        if self.valid_from is not None and self.valid_from > end:
            return False
        return self.valid_to is None or self.valid_to > end


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('dangvu.tallies'))")


def _claim() -> list[Dirty]:
    """Take every queued row out of the queue (they come back if the transaction rolls back)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {TallyDirty._meta.db_table} RETURNING org_id, member_id, year, quarter, valid_from, "
            "valid_to, structural, rebuild"
        )
        # Row by row, not `fetchall`: the rows and their `Dirty` would both be held at once. Equal cells and
        # dates share one object (a bulk import repeats a few thousand of each across millions of rows).
        shared: dict[Any, Any] = {}

        def one(value: Any) -> Any:
            return shared.setdefault(value, value)

        return [
            Dirty(
                one(row[0]),
                row[1],
                row[2],
                row[3],
                one(_as_date(row[4])),
                one(_as_date(row[5])),
                bool(row[6]),
                bool(row[7]),
            )
            for row in cursor
        ]


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def pending() -> bool:
    return TallyDirty.objects.exists()


def sync() -> SyncSummary:
    """Apply the queue (see the module doc). Cheap when it is empty: one query."""
    summary = SyncSummary()
    if not pending():
        return summary
    started = time.perf_counter()
    with transaction.atomic():
        _lock()
        dirty = _claim()
        summary.claimed = len(dirty)
        if not dirty:
            return summary
        bump_generation()
        if any(d.rebuild for d in dirty):
            summary.periods_built = [k.label() for k in rebuild()]
            summary.seconds = time.perf_counter() - started
            return summary
        kept = {(p.year, p.quarter): p for p in TallyPeriod.objects.all()}
        new_keys = {(d.year, d.quarter) for d in dirty if d.year is not None and d.quarter is not None} - set(kept)
        for year, quarter in sorted(new_keys):
            key = PeriodKey(year, quarter)
            try:
                build_period(key)
            except ValidationError:
                continue
            summary.periods_built.append(key.label())
        for period in kept.values():
            key = period_key(period)
            concerned = [d for d in dirty if d.concerns(key)]
            if concerned:
                summary.orgs_counted += _apply(period, key, concerned, summary)
    summary.seconds = time.perf_counter() - started
    return summary


def _node_states(period: TallyPeriod, org_ids: Collection[int]) -> dict[int, OrgState]:
    states: dict[int, OrgState] = {}
    for chunk in _chunks(org_ids):
        for n in TallyNode.objects.filter(period=period, org_id__in=chunk or []):
            states[n.org_id] = OrgState(n.org_id, n.parent_id, n.code, n.name, n.kind, n.sector, n.path, n.depth)
    return states


def _versions_on(day: date, org_ids: Collection[int]) -> dict[int, tuple[int | None, str, str, str, str]]:
    """org -> (parent, code, name, kind, sector) of its version held on `day` (the latest one on a tie)."""
    found: dict[int, tuple[int | None, str, str, str, str]] = {}
    for chunk in _chunks(org_ids):
        rows = (
            OrgVersion.objects.filter(_held_on(day), org_id__in=chunk or [])
            .order_by("org_id", "-valid_from", "-pk")
            .values_list("org_id", "parent_id", "code", "name", "kind", "sector")
        )
        for org_id, parent_id, code, name, kind, sector in rows:
            found.setdefault(org_id, (parent_id, code, name, kind, sector))
    return found


def _apply(period: TallyPeriod, key: PeriodKey, dirty: list[Dirty], summary: SyncSummary) -> int:
    """Count again the organisations the queued rows name, for one kept period; returns how many."""
    end = key.end
    structural = {d.org_id for d in dirty if d.structural and d.org_id is not None}
    org_ids = {d.org_id for d in dirty if not d.structural and d.org_id is not None}
    member_ids = {d.member_id for d in dirty if d.member_id is not None}
    for chunk in _chunks(member_ids):
        org_ids |= set(
            Membership.objects.filter(_held_on(end), member_id__in=chunk or []).values_list("org_id", flat=True)
        )
    versions = _versions_on(end, structural) if structural else {}
    if structural and not _apply_moves(period, structural, versions):
        return _rebuild_period(key, summary)
    before = _node_states(period, org_ids | structural)  # (after the moves: their new places)
    after = dict(before)
    if structural:
        with_children = set(
            TallyNode.objects.filter(period=period, parent_id__in=list(structural)).values_list("parent_id", flat=True)
        )
        for org_id in sorted(structural, key=lambda pk: (before[pk].depth if pk in before else 99, pk)):
            old, new = before.get(org_id), versions.get(org_id)
            if old is not None and new is not None and old.parent_id == new[0]:
                after[org_id] = OrgState(org_id, old.parent_id, new[1], new[2], new[3], new[4], old.path, old.depth)
            elif old is None and new is not None and org_id not in with_children:
                parent = after.get(new[0]) if new[0] is not None else None
                if parent is None and new[0] is not None:
                    parent = _node_states(period, [new[0]]).get(new[0])
                if new[0] is not None and parent is None:
                    return _rebuild_period(key, summary)
                path = f"{parent.path if parent else '/'}{org_id}/"
                after[org_id] = OrgState(org_id, new[0], new[1], new[2], new[3], new[4], path, path.count("/") - 2)
            elif old is not None and new is None and org_id not in with_children:
                del after[org_id]
            elif old is None and new is None:
                continue
            else:  # moved, or its place changed with organisations under it: the tree of that day is rebuilt
                return _rebuild_period(key, summary)
            org_ids.add(org_id)
    if not org_ids:
        return 0
    fresh = count_orgs(key, after, org_ids)
    delta = rollups_of(_kept_counts(period, org_ids), before, sign=-1)
    rollups_of(fresh, after, delta)
    _write_counts(period, org_ids, fresh)
    _add_to_rollups(period, delta)
    _write_nodes(period, before, after, structural)
    return len(org_ids)


def _apply_moves(
    period: TallyPeriod, structural: Collection[int], versions: Mapping[int, tuple[int | None, str, str, str, str]]
) -> bool:
    """Put each organisation whose parent of that day changed, with its subtree, in its new place: the
    subtree's counts leave the roll-ups above its old place and join those above the new one; the paths
    below it are rewritten; the roll-ups inside it are counted again if its depth changed. False when the
    moves cannot be applied one by one (one inside another's subtree, a parent that did not exist that
    day): the caller rebuilds the period."""
    nodes = _node_states(period, structural)
    moved = [pk for pk in structural if pk in nodes and pk in versions and nodes[pk].parent_id != versions[pk][0]]
    if not moved:
        return True
    tops = [nodes[pk] for pk in moved]
    if any(a is not b and b.path.startswith(a.path) for a in tops for b in tops):
        return False
    for node in tops:
        parent_id = versions[node.org_id][0]
        parent = _node_states(period, [parent_id]).get(parent_id) if parent_id is not None else None
        if parent_id is not None and (parent is None or parent.path.startswith(node.path)):
            return False
        old_path, new_path = node.path, f"{parent.path if parent else '/'}{node.org_id}/"
        shift = new_path.count("/") - old_path.count("/")
        sub = dict(TallyNode.objects.filter(in_subtree("path", old_path), period=period).values_list("org_id", "path"))
        own = _kept_counts(period, sub)
        total: Counts = {}
        for counts in own.values():
            add_counts(total, counts)
        delta: dict[int, Counts] = defaultdict(dict)
        for path, sign in ((old_path, -1), (new_path, 1)):
            for target in rollup_ids(path):
                if target != node.org_id:
                    add_counts(delta[target], total, sign)
        _add_to_rollups(period, delta)
        for chunk in _chunks(sub):
            TallyNode.objects.filter(period=period, org_id__in=chunk or []).update(
                path=Concat(Value(new_path), Substr("path", len(old_path) + 1), output_field=CharField()),
                depth=F("depth") + shift,
            )
        TallyNode.objects.filter(period=period, org_id=node.org_id).update(parent_id=parent_id)
        if shift:
            for chunk in _chunks(sub):
                TallyRollup.objects.filter(period=period, org_id__in=chunk or []).delete()
            paths = {pk: new_path + path[len(old_path) :] for pk, path in sub.items()}
            inside: dict[int, Counts] = defaultdict(dict)
            for pk, counts in own.items():
                for target in rollup_ids(paths[pk]):
                    if target in sub:
                        add_counts(inside[target], counts)
            _insert(TallyRollup, ROW_FIELDS, _count_rows(period.pk, inside))
    return True


def _rebuild_period(key: PeriodKey, summary: SyncSummary) -> int:
    build_period(key)
    summary.periods_built.append(key.label())
    return 0


def _write_counts(period: TallyPeriod, org_ids: Collection[int], fresh: Mapping[int, Counts]) -> None:
    for chunk in _chunks(org_ids):
        Tally.objects.filter(period=period, org_id__in=chunk or []).delete()
    _insert(Tally, ROW_FIELDS, _count_rows(period.pk, {pk: fresh[pk] for pk in org_ids if pk in fresh}))


def _add_to_rollups(period: TallyPeriod, delta: Mapping[int, Counts]) -> None:
    changed = {org_id: {k: v for k, v in own.items() if v[0] or v[1]} for org_id, own in delta.items()}
    changed = {org_id: own for org_id, own in changed.items() if own}
    if not changed:
        return
    current: dict[int, Counts] = defaultdict(dict)
    ids: dict[tuple[int, Key], int] = {}
    for row in TallyRollup.objects.filter(period=period, org_id__in=list(changed)).values_list(
        "pk", "org_id", *KEY_FIELDS, "n", "exemplary"
    ):
        k: Key = tuple(row[2:8])
        current[row[1]][k] = [row[8], row[9]]
        ids[(row[1], k)] = row[0]
    gone: list[int] = []
    updated: list[TallyRollup] = []
    added: list[tuple[Any, ...]] = []
    for org_id, own in changed.items():
        for k, (dn, dex) in own.items():
            n, exemplary = current[org_id].get(k, [0, 0])
            n, exemplary = n + dn, exemplary + dex
            pk = ids.get((org_id, k))
            if pk is None:
                added.append((period.pk, org_id, *k, n, exemplary))
            elif n == 0 and exemplary == 0:
                gone.append(pk)
            else:
                updated.append(TallyRollup(pk=pk, n=n, exemplary=exemplary))
    if gone:
        TallyRollup.objects.filter(pk__in=gone).delete()
    if updated:
        TallyRollup.objects.bulk_update(updated, ["n", "exemplary"], batch_size=CHUNK)
    _insert(TallyRollup, ROW_FIELDS, added)


def _write_nodes(
    period: TallyPeriod, before: Mapping[int, OrgState], after: Mapping[int, OrgState], structural: Collection[int]
) -> None:
    for org_id in structural:
        old, new = before.get(org_id), after.get(org_id)
        if old == new:
            continue
        if old is not None:
            TallyNode.objects.filter(period=period, org_id=org_id).delete()
        if new is not None:
            _insert(TallyNode, NODE_FIELDS, [_node_row(period.pk, new)])


# Checking ----------------------------------------------------------------------------------------------


def check(period: TallyPeriod) -> list[str]:
    """The differences between what is kept for the period and a count from scratch ([] when equal)."""
    key = period_key(period)
    nodes = tree_as_of(key.end)
    problems: list[str] = []
    kept_nodes = {
        n.org_id: OrgState(n.org_id, n.parent_id, n.code, n.name, n.kind, n.sector, n.path, n.depth)
        for n in TallyNode.objects.filter(period=period)
    }
    if kept_nodes != nodes:
        differ = sorted(set(kept_nodes) ^ set(nodes) | {pk for pk in nodes if kept_nodes.get(pk) != nodes[pk]})
        problems.append(f"{key.label()}: cây tổ chức khác ở {len(differ)} tổ chức (ví dụ {differ[:5]})")
    counts = count_orgs(key, nodes, None)
    for model, expected in ((Tally, counts), (TallyRollup, rollups_of(counts, nodes))):
        kept: dict[int, Counts] = defaultdict(dict)
        for row in model.objects.filter(period=period).values_list("org_id", *KEY_FIELDS, "n", "exemplary"):
            kept[row[0]][tuple(row[1:7])] = [row[7], row[8]]
        want = {pk: {k: v for k, v in own.items() if v[0] or v[1]} for pk, own in expected.items()}
        want = {pk: own for pk, own in want.items() if own}
        if dict(kept) != want:
            differ = sorted(pk for pk in set(kept) | set(want) if kept.get(pk) != want.get(pk))
            problems.append(f"{key.label()}: {model.__name__} khác ở {len(differ)} tổ chức (ví dụ {differ[:5]})")
    return problems
