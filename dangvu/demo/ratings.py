"""The rating history of the demo province: periods, member and organisation ratings from 2018 on.

Planned in Python from the generated plan (the tree and the members' timelines), written with
`bulk_create`. For every closed year and every closed quarter of a quarterly regime the province gets a
published `Period`; the current year is open and about half of its grassroots organisations are rated
(never the cell of the `bithu` account, so a demo user can try the grid).

Who is rated is what `queries.members_of_period` and `exclusion_expr` compute from the stored members
(here in Python over the same fields, for speed): on the roll at the period's end (or left after it), not
exempt or suspended by then, admitted at least `regime.new_member_months` before the end; rated in their
current cell, as those queries count them until the membership history exists. A member whose current
cell did not exist at the period's end is left unrated (the reports show them as not yet rated).

Each row stores what `services.evaluate` returns for it (allowed level and findings). An organisation's
`Subordinates` are counted here from the planned rows exactly as `services.subordinates_of` counts them
in the database: members rated in cells under its present path, its present direct children, members
marked `disciplined`. Levels are drawn from persistent latent qualities (a good cell stays good), then
the regime's quota is applied per peer group as a committee would, except in a handful of groups (the
quota warnings); a handful of decisions are above what the rules allow, with a justification (the
contradiction warnings). The draws use their own random streams keyed by seed and period, so the
members and the tree are the same with or without ratings, and a regime added later does not change the
other years.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import combinations
from statistics import NormalDist
from typing import Any

from django.utils import timezone

from dangvu.demo.people import PlannedMember
from dangvu.demo.tree import OrgPlan
from dangvu.evaluations.models import MemberRating, OrgRating, Period, PeriodStatus
from dangvu.evaluations.periods import YEAR, PeriodKey
from dangvu.evaluations.regimes import regime_for
from dangvu.evaluations.regimes.base import Condition, LevelDef, QuotaRule, RatingInput, Regime, Subject, Subordinates
from dangvu.evaluations.services import RowInput, evaluate, rule_overrides
from dangvu.members.lifecycle import ON_ROLL, Status
from dangvu.members.models import Member
from dangvu.orgs.kinds import GRASSROOTS_KINDS, OrgKind
from dangvu.orgs.models import Org

RATINGS_FROM = 2018
RATED_KINDS = frozenset({OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL, OrgKind.SUB_COMMITTEE, OrgKind.CELL})
DISCIPLINED = "disciplined"  # the condition `subordinates_of` counts

# Shares drawn before the quota and the rules' caps (which lower the excellent share to about 14–15%).
MEMBER_SHARES = {"excellent": 0.22, "satisfactory": 0.065, "failed": 0.003}
ORG_SHARES = {"excellent": 0.26, "satisfactory": 0.09, "failed": 0.01}
DISCIPLINED_SHARE = 0.007  # members disciplined in a year
DISCIPLINED_FAILS = 0.8  # of them rated KHTNV; the rest kept one level up for mitigating facts
MEMBER_CONTRADICTIONS = 0.001  # other members decided above the allowed level
ORG_CONTRADICTIONS = 3  # organisations decided above the allowed level, per period (on average)
QUOTA_BREACHES = 3  # peer groups per period left above the quota (members; organisations: 1)
OPEN_YEAR_RATED = 0.5  # grassroots organisations whose members are already rated in the open year
OPEN_YEAR_CELL_RATED = 0.5  # of their cells, those whose own rating is already decided
EXEMPLARY = 0.25  # excellent organisations marked "tiêu biểu"
OUTSTANDING = 0.1  # excellent grassroots organisations marked outstanding

MEMBER_JUSTIFICATIONS = (
    "Có thành tích đột xuất trong phòng, chống thiên tai, được Chủ tịch UBND tỉnh tặng Bằng khen; "
    "chi bộ thống nhất đề nghị giữ mức xếp loại.",
    "Nhiệm vụ chậm tiến độ do nghỉ điều trị bệnh dài ngày có xác nhận; chi bộ xem xét kết quả công việc thực tế.",
)
LATE_FINDINGS = frozenset({"all_tasks_on_time", "late_within_20pct", "over_half_tasks_failed"})
MITIGATION = (
    "Đảng viên tự giác báo cáo vi phạm, chủ động khắc phục hậu quả; chi bộ xem xét tình tiết giảm nhẹ (HD 43-HD/BTCTW)."
)
ORG_JUSTIFICATIONS = (
    "Đảng viên bị kỷ luật do vi phạm từ trước khi chuyển sinh hoạt đến; cấp ủy cấp trên xem xét, giữ mức xếp loại.",
    "Đơn vị hoàn thành xuất sắc nhiệm vụ chính trị đột xuất được giao; Ban Thường vụ thống nhất giữ mức xếp loại.",
)

_NORMAL = NormalDist()
SCORE_PLACES = Decimal("0.01")  # MemberRating.score: decimal_places=2


@dataclass(frozen=True)
class DemoPeriod:
    key: PeriodKey
    regime: Regime
    closed: bool


@dataclass
class PeriodFigures:
    label: str
    regime: str
    closed: bool
    members: Counter[str] = field(default_factory=Counter)
    orgs: Counter[str] = field(default_factory=Counter)
    quota_breaches: int = 0
    contradictions: int = 0


@dataclass
class RatingSummary:
    periods: list[PeriodFigures] = field(default_factory=list)
    member_ratings: int = 0
    org_ratings: int = 0
    missing_regimes: list[str] = field(default_factory=list)  # periods skipped: no regime registered


def plan_periods(today: date) -> tuple[list[DemoPeriod], list[str]]:
    """Years from RATINGS_FROM to today's (this one open), and the ended quarters of quarterly regimes."""
    periods: list[DemoPeriod] = []
    missing: list[str] = []
    for year in range(RATINGS_FROM, today.year + 1):
        for quarter in (1, 2, 3, 4, YEAR):
            key = PeriodKey(year, quarter)
            if quarter != YEAR and key.end >= today:
                continue
            if quarter == YEAR and key.start > today:
                continue
            try:
                regime = regime_for(key.end)
            except LookupError:
                if quarter == YEAR:
                    missing.append(key.label())
                continue
            if quarter != YEAR and not regime.quarterly:
                continue
            periods.append(DemoPeriod(key, regime, closed=quarter != YEAR or year < today.year))
    return periods, missing


# Choosing a row's inputs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipe:
    """Inputs that make the rules allow a level: a score band (scored regimes) and the conditions that differ
    from their defaults."""

    band: str | None
    flips: tuple[str, ...]
    level: str | None  # what the rules allow for it (with healthy subordinates)


class Recipes:
    """For one regime and subject: the score bands and the condition changes that lead to each level, found
    by asking the regime itself (so it works for any regime registered later)."""

    def __init__(self, regime: Regime, subject: Subject, overrides: Mapping[str, Any]) -> None:
        self.regime, self.subject, self.overrides = regime, subject, overrides
        self.levels = sorted(regime.levels(subject), key=lambda lv: lv.rank)
        self.rank = {lv.code: lv.rank for lv in self.levels}
        self.conditions = [c for c in regime.conditions(subject) if not c.computed]
        self.defaults = {c.code: c.default for c in self.conditions}
        self.discipline = _discipline_condition(self.conditions) if subject == "member" else None
        top, good = self.levels[0].code, self.levels[min(1, len(self.levels) - 1)].code
        self.probe_below = Subordinates({top: 2, good: 8}, {}, 0) if subject == "org" else None
        self.bands: dict[str | None, tuple[Decimal, Decimal]] = {}
        if regime.scored:
            step = Decimal("0.5")
            score = Decimal(0)
            while score <= regime.max_score:
                level = self._probe(score, {})
                if level is not None:
                    low, high = self.bands.get(level, (score, score))
                    self.bands[level] = (min(low, score), max(high, score))
                score += step
        self._cache: dict[tuple[str, str | None, tuple[str, ...]], list[tuple[Recipe, float]]] = {}
        self._probes: dict[tuple[str | None, tuple[str, ...]], str | None] = {}

    def _probe(self, score: Decimal | None, flips: Mapping[str, bool]) -> str | None:
        conditions = {**self.defaults, **flips}
        return self.regime.verdict(self.subject, RatingInput(score, conditions, self.probe_below), self.overrides).level

    def probe(self, band: str | None, flips: tuple[str, ...]) -> str | None:
        key = (band, flips)
        if key not in self._probes:
            score = None
            if band is not None:
                low, high = self.bands[band]
                score = (low + high) / 2
            self._probes[key] = self._probe(score, {code: not self.defaults[code] for code in flips})
        return self._probes[key]

    def level_at(self, rank: int) -> str:
        return self.levels[min(rank, len(self.levels)) - 1].code

    def choices(self, target: str, hint: str | None, forced: tuple[str, ...]) -> list[tuple[Recipe, float]]:
        """Recipes giving `target` (or, when no input gives it, the nearest better level: lower levels are
        then a human decision); preferring the band of `hint` and few changed conditions."""
        key = (target, hint, forced)
        if key in self._cache:
            return self._cache[key]
        free = [c.code for c in self.conditions if c.code not in forced and c.code != self.discipline]
        bands: list[str | None] = list(self.bands) if self.bands else [None]
        found: list[tuple[int, Recipe, float]] = []
        for band in bands:
            for size in range(3):
                for extra in combinations(free, size):
                    flips = tuple(sorted((*forced, *extra)))
                    level = self.probe(band, flips)
                    if level is None or any(
                        self.probe(band, tuple(f for f in flips if f != drop)) == level for drop in extra
                    ):
                        continue  # not minimal: a changed condition that changes nothing
                    gap = self.rank[target] - self.rank[level]
                    distance = gap if gap >= 0 else 100 - gap  # worse than the target: last resort
                    band_gap = abs(self.rank[band] - self.rank[hint or target]) if band is not None else 0
                    weight = 1 / (1 + 3 * size) / (1 + 3 * band_gap)
                    found.append((distance, Recipe(band, flips, level), weight))
        if not found:  # the regime computes no level for any input: decide the target as typed
            return [(Recipe(bands[0], forced, None), 1.0)]
        best = min(d for d, _, _ in found)
        self._cache[key] = [(recipe, weight) for d, recipe, weight in found if d == best]
        return self._cache[key]

    def score_in(self, rng: random.Random, band: str | None) -> Decimal | None:
        if band is None:
            return None
        low, high = (float(v) for v in self.bands[band])
        if self.rank[band] == 1:
            value = rng.triangular(low, min(high, low + 8), low + 2.5)
        else:
            low = max(low, high - 20)
            value = rng.triangular(low, high, low + 0.7 * (high - low))
        score = min(max(Decimal(round(value * 2)) / 2, self.bands[band][0]), self.bands[band][1])
        return score.quantize(SCORE_PLACES)  # as the database gives it back, so findings read the same


def _discipline_condition(conditions: Sequence[Condition]) -> str | None:
    codes = [c.code for c in conditions if c.kind == "trigger"]
    if DISCIPLINED in codes:
        return DISCIPLINED
    return next((code for code in codes if "disciplin" in code), None)


def _level_for(z: float, shares: Mapping[str, float], levels: Sequence[LevelDef]) -> str:
    """Rank by a standard-normal draw: top `excellent`, bottom `failed`, then `satisfactory` above it."""
    codes = [lv.code for lv in levels]
    if z > _NORMAL.inv_cdf(1 - shares["excellent"]):
        return codes[0]
    if z < _NORMAL.inv_cdf(shares["failed"]):
        return codes[min(3, len(codes) - 1)]
    if z < _NORMAL.inv_cdf(shares["failed"] + shares["satisfactory"]):
        return codes[min(2, len(codes) - 1)]
    return codes[1]


# Rows --------------------------------------------------------------------------------------------------


@dataclass
class Row:
    subject: int  # member index into the plan, or org index into the tree plan
    cell: int  # the cell (members) or the org itself
    z: float
    score: Decimal | None = None
    conditions: dict[str, bool] = field(default_factory=dict)
    proposed: str = ""
    level: str = ""
    allowed: str = ""
    findings: list[dict[str, str]] = field(default_factory=list)
    justification: str = ""
    exemplary: bool = False
    outstanding: bool = False
    fixed: bool = False  # a deliberate decision the quota pass must not change
    below: Subordinates | None = None


class PeriodRater:
    """Plans the rows of one period: members first, then organisations from the deepest up."""

    def __init__(self, world: World, period: DemoPeriod, overrides: Mapping[str, Any]) -> None:
        self.world, self.period, self.overrides = world, period, overrides
        self.regime = period.regime
        key = period.key
        self.rng = random.Random(f"{world.seed}:ratings:{key.year}:{key.quarter}")
        self.member_recipes = world.recipes(self.regime, "member", overrides)
        self.org_recipes = world.recipes(self.regime, "org", overrides)
        self.figures = PeriodFigures(key.label(), self.regime.code, period.closed)

    # evaluate() on a row, exactly as the grid would for the same input
    def _evaluate(self, subject: Subject, row: Row) -> None:
        result = evaluate(
            self.regime,
            subject,
            RowInput(0, row.score, row.conditions, "", row.level, row.exemplary, row.justification),
            self.overrides,
            row.below,
        )
        if result.errors:
            raise RuntimeError(f"Dữ liệu mẫu xếp loại không hợp lệ: {result.errors}")
        row.allowed, row.findings = result.allowed_level, result.findings

    def _decide(self, subject: Subject, recipes: Recipes, row: Row, target: str, hint: str | None) -> None:
        forced = (recipes.discipline,) if hint is not None and recipes.discipline else ()
        options = recipes.choices(target, hint, forced)
        recipe = self.rng.choices([r for r, _ in options], [w for _, w in options])[0]
        row.score = recipes.score_in(self.rng, recipe.band)
        row.conditions = {**recipes.defaults, **{code: not recipes.defaults[code] for code in recipe.flips}}
        row.level = target
        self._evaluate(subject, row)
        if row.allowed and recipes.rank[target] < recipes.rank[row.allowed]:
            row.level = row.allowed  # the rules cap it; the committee follows them
            self._evaluate(subject, row)
        row.proposed = row.level

    def _raise(self, subject: Subject, recipes: Recipes, row: Row, justification: str) -> None:
        """Decide one level above the allowed one, with a justification: a contradiction warning."""
        row.level = recipes.level_at(recipes.rank[row.allowed] - 1)
        row.proposed, row.justification, row.fixed = row.level, justification, True
        self._evaluate(subject, row)
        self.figures.contradictions += 1

    def rate_members(self, rows: list[Row], disciplined: set[int]) -> None:
        recipes = self.member_recipes
        levels = recipes.levels
        eligible: list[Row] = []  # for a decision above the allowed level
        for row in rows:
            latent = _level_for(row.z, MEMBER_SHARES, levels)
            if row.subject in disciplined and recipes.discipline is not None:
                self._decide("member", recipes, row, levels[-1].code, latent)
                if (
                    row.allowed == levels[-1].code
                    and row.level == row.allowed
                    and self.rng.random() > DISCIPLINED_FAILS
                ):
                    self._raise("member", recipes, row, MITIGATION)
            else:
                self._decide("member", recipes, row, latent, None)
                if row.allowed and row.level == row.allowed and recipes.rank[row.allowed] > 1:
                    eligible.append(row)
        chosen = [row for row in eligible if self.rng.random() < MEMBER_CONTRADICTIONS]
        if not chosen and eligible:  # at least one per period, even in a small demo
            chosen = [self.rng.choice(eligible)]
        for row in chosen:
            self._raise("member", recipes, row, MEMBER_JUSTIFICATIONS[0])
            if any(f["code"] in LATE_FINDINGS for f in row.findings):
                row.justification = MEMBER_JUSTIFICATIONS[1]  # not an input of the rules
        quota = self.regime.quota("member", self.overrides)
        if quota is not None:
            by_cell = quota.peer_group == "cell"
            groups: dict[int, list[Row]] = defaultdict(list)
            for row in rows:
                groups[row.cell if by_cell else self.world.grassroots[row.cell]].append(row)
            self._apply_quota("member", recipes, quota, groups, QUOTA_BREACHES)

    def rate_orgs(self, rows: list[Row], members: list[Row]) -> None:
        """Deepest first, so each organisation's subordinates are final when it is rated."""
        world, recipes = self.world, self.org_recipes
        member_levels: dict[int, Counter[str]] = defaultdict(Counter)
        disciplined: Counter[int] = Counter()
        for member in members:
            for org in world.ancestors[member.cell]:
                member_levels[org][member.level] += 1
                if member.conditions.get(DISCIPLINED) is True:
                    disciplined[org] += 1
        child_levels: dict[int, Counter[str]] = defaultdict(Counter)
        by_depth: dict[int, list[Row]] = defaultdict(list)
        for row in rows:
            by_depth[world.depth[row.subject]].append(row)
        contradiction_share = ORG_CONTRADICTIONS / max(len(rows), 1)
        quota = self.regime.quota("org", self.overrides)
        for depth in sorted(by_depth, reverse=True):
            layer = by_depth[depth]
            for row in layer:
                row.below = Subordinates(
                    members_by_level=dict(member_levels[row.subject]),
                    children_by_level=dict(child_levels[row.subject]),
                    disciplined_members=disciplined[row.subject],
                )
                self._decide("org", recipes, row, _level_for(row.z, ORG_SHARES, recipes.levels), None)
                if row.level == recipes.levels[0].code:
                    row.exemplary = self.rng.random() < EXEMPLARY
                    row.outstanding = (
                        world.plans[row.subject].kind in GRASSROOTS_KINDS and self.rng.random() < OUTSTANDING
                    )
                    if row.exemplary:
                        self._evaluate("org", row)
                elif (
                    row.allowed
                    and row.level == row.allowed
                    and recipes.rank[row.allowed] == 2
                    and self.rng.random() < contradiction_share
                ):
                    self._raise("org", recipes, row, ORG_JUSTIFICATIONS[1])
                    if any(f["code"] == "no_disciplined_below" for f in row.findings):
                        row.justification = ORG_JUSTIFICATIONS[0]  # not an input of the rules
            if quota is not None:
                groups: dict[int, list[Row]] = defaultdict(list)
                for row in layer:
                    parent = world.parent[row.subject]
                    groups[-1 if parent is None else parent].append(row)
                self._apply_quota("org", recipes, quota, groups, 1)
            for row in layer:
                parent = world.parent[row.subject]
                if parent is not None:
                    child_levels[parent][row.level] += 1

    def _apply_quota(
        self, subject: Subject, recipes: Recipes, quota: QuotaRule, groups: Mapping[int, list[Row]], breaches: int
    ) -> None:
        """Lower the weakest excellent rows of each peer group to the next level until the quota holds, as
        the deciding committee would; leave `breaches` groups as they are (the quota warnings)."""
        over = [g for g in sorted(groups) if _exceeds(quota, groups[g])]
        keep = set(self.rng.sample(over, min(breaches, len(over))))
        self.figures.quota_breaches += len(keep)
        lower = recipes.level_at(2)
        for group in over:
            if group in keep:
                continue
            candidates = sorted(
                (r for r in groups[group] if r.level == quota.top_level and not r.fixed), key=lambda r: r.z
            )
            for row in candidates:
                if not _exceeds(quota, groups[group]):
                    break
                row.level, row.exemplary, row.outstanding = lower, False, False
                self._evaluate(subject, row)


def _exceeds(quota: QuotaRule, rows: Iterable[Row]) -> bool:
    counts = Counter(r.level for r in rows)
    top = counts.get(quota.top_level, 0)
    base = sum(counts.get(level, 0) for level in quota.base_levels)
    return top > quota.ratio * base


# The province as the rater sees it -----------------------------------------------------------------------


class World:
    """The plan seen through the present tree (as the queries see the database), with latent qualities."""

    def __init__(self, plans: list[OrgPlan], planned: list[PlannedMember], seed: int, pinned_cell: int) -> None:
        self.plans, self.planned, self.seed, self.pinned_cell = plans, planned, seed, pinned_cell
        self.parent = [p.parent for p in plans]
        self.depth: list[int] = []
        self.ancestors: list[list[int]] = []
        for plan in plans:  # parents first
            chain = [plan.index] + (self.ancestors[plan.parent] if plan.parent is not None else [])
            self.ancestors.append(chain)
            self.depth.append(len(chain) - 1)
        self.grassroots = [
            next((a for a in chain if plans[a].kind in GRASSROOTS_KINDS), chain[0]) for chain in self.ancestors
        ]
        latent = random.Random(f"{seed}:ratings:latent")
        self.org_quality = [latent.gauss(0, 1) for _ in plans]
        self.member_quality = [latent.gauss(0, 1) for _ in planned]
        self._recipes: dict[tuple[str, str], Recipes] = {}

    def recipes(self, regime: Regime, subject: Subject, overrides: Mapping[str, Any]) -> Recipes:
        key = (regime.code, subject)
        if key not in self._recipes:
            self._recipes[key] = Recipes(regime, subject, overrides)
        return self._recipes[key]

    def exists(self, index: int, day: date) -> str | None:
        """The organisation's kind on `day`, or None when it did not exist then."""
        plan = self.plans[index]
        if plan.founded_on > day or (plan.dissolved_on is not None and plan.dissolved_on <= day):
            return None
        kind = plan.history[0].kind
        for segment in plan.history:
            if segment.valid_from <= day:
                kind = segment.kind
        return kind


def rated_member(member: Member, key: PeriodKey, regime: Regime) -> bool:
    """`members_of_period` and an empty `exclusion_expr`, on one stored member."""
    end, since = key.end, member.status_since
    if member.admitted_on is None or member.admitted_on > end:
        return False
    if member.status not in ON_ROLL and not (since is not None and since > end):
        return False
    if member.status in {Status.EXEMPT, Status.SUSPENDED} and since is not None and since <= end:
        return False
    return member.admitted_on <= key.admitted_before_for_rating(regime.new_member_months)


# Writing -----------------------------------------------------------------------------------------------


def write_ratings(
    *,
    plans: list[OrgPlan],
    planned: list[PlannedMember],
    orgs: Mapping[int, Org],
    members: Sequence[Member],
    province: Org,
    pinned_cell: int,
    seed: int,
    today: date,
    progress: Callable[[str], None] | None = None,
) -> RatingSummary:
    periods, missing = plan_periods(today)
    summary = RatingSummary(missing_regimes=missing)
    if not periods:
        return summary
    world = World(plans, planned, seed, pinned_cell)
    index_of = {org.pk: index for index, org in orgs.items()}
    cells = [index_of.get(member.current_org_id) if member.current_org_id else None for member in members]
    overrides_by_regime: dict[str, Mapping[str, Any]] = {}
    member_batch: list[MemberRating] = []
    org_batch: list[OrgRating] = []
    period_rows: list[tuple[Period, DemoPeriod]] = []
    for period in periods:
        key, regime = period.key, period.regime
        if regime.code not in overrides_by_regime:
            overrides_by_regime[regime.code] = rule_overrides(regime)
        rater = PeriodRater(world, period, overrides_by_regime[regime.code])
        member_rows, org_rows, disciplined = _rows(world, period, members, cells)
        rater.rate_members(member_rows, disciplined)
        rater.rate_orgs(org_rows, member_rows)
        for row in member_rows:
            member_batch.append(
                MemberRating(
                    member_id=members[row.subject].pk,
                    org_id=orgs[row.cell].pk,
                    **_fields(key, regime, row),
                )
            )
            rater.figures.members[row.level] += 1
        for row in org_rows:
            org_batch.append(
                OrgRating(org_id=orgs[row.subject].pk, outstanding=row.outstanding, **_fields(key, regime, row))
            )
            rater.figures.orgs[row.level] += 1
        summary.periods.append(rater.figures)
        period_rows.append((Period(org=province, year=key.year, quarter=key.quarter, regime=regime.code), period))
        if progress:
            progress(key.label())
    _write_periods(period_rows, today)
    MemberRating.objects.bulk_create(member_batch, batch_size=2000)
    OrgRating.objects.bulk_create(org_batch, batch_size=2000)
    summary.member_ratings, summary.org_ratings = len(member_batch), len(org_batch)
    return summary


def _rows(
    world: World, period: DemoPeriod, stored: Sequence[Member], cells: Sequence[int | None]
) -> tuple[list[Row], list[Row], set[int]]:
    key, regime = period.key, period.regime
    end = key.end
    noise = random.Random(f"{world.seed}:ratings:noise:{key.year}")
    fresh = random.Random(f"{world.seed}:ratings:fresh:{key.year}:{key.quarter}")
    quarterly = key.quarter != YEAR
    kinds = {plan.index: world.exists(plan.index, end) for plan in world.plans}
    rated_orgs = [i for i, kind in kinds.items() if kind in RATED_KINDS]
    cells_open: set[int] | None = None
    cells_decided: set[int] = set()
    if not period.closed:  # the open year: some grassroots organisations done, the bithu cell not
        choose = random.Random(f"{world.seed}:ratings:open:{key.year}")
        groups = sorted({world.grassroots[i] for i in rated_orgs})
        done = {g for g in groups if choose.random() < OPEN_YEAR_RATED} - {world.grassroots[world.pinned_cell]}
        cells_open = {i for i in rated_orgs if world.plans[i].is_cell and world.grassroots[i] in done}
        cells_decided = {i for i in sorted(cells_open) if choose.random() < OPEN_YEAR_CELL_RATED}
    disciplined: set[int] = set()
    members: list[Row] = []
    for number in range(len(world.planned)):
        year_noise, in_trouble, bad_quarter = noise.gauss(0, 1), noise.random(), noise.randint(1, 4)
        period_noise = 0.7 * year_noise + 0.71 * fresh.gauss(0, 1) if quarterly else year_noise
        cell = cells[number]
        if cell is None or not rated_member(stored[number], key, regime):
            continue
        if kinds.get(cell) not in RATED_KINDS or (cells_open is not None and cell not in cells_open):
            continue
        if in_trouble < DISCIPLINED_SHARE and (not quarterly or key.quarter == bad_quarter):
            disciplined.add(number)
        z = 0.45 * world.org_quality[cell] + 0.65 * world.member_quality[number] + 0.6 * period_noise
        members.append(Row(subject=number, cell=cell, z=z))
    orgs: list[Row] = []
    for index in range(len(world.plans)):  # a draw for every organisation: the same stream in every period
        year_noise = noise.gauss(0, 1)
        period_noise = 0.7 * year_noise + 0.71 * fresh.gauss(0, 1) if quarterly else year_noise
        if kinds[index] not in RATED_KINDS or (cells_open is not None and index not in cells_decided):
            continue
        z = 0.75 * world.org_quality[index] + 0.66 * period_noise
        orgs.append(Row(subject=index, cell=index, z=z))
    return members, orgs, disciplined


def _fields(key: PeriodKey, regime: Regime, row: Row) -> dict[str, Any]:
    return {
        "year": key.year,
        "quarter": key.quarter,
        "regime": regime.code,
        "score": row.score,
        "conditions": row.conditions,
        "proposed_level": row.proposed,
        "level": row.level,
        "exemplary": row.exemplary,
        "allowed_level": row.allowed,
        "findings": row.findings,
        "justification": row.justification,
    }


def _aware(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _write_periods(rows: list[tuple[Period, DemoPeriod]], today: date) -> None:
    for period, plan in rows:
        if plan.closed:
            period.status = PeriodStatus.CLOSED
            period.closed_at = _aware(plan.key.end + timedelta(days=20 if plan.key.quarter == YEAR else 10), 15)
    Period.objects.bulk_create([period for period, _ in rows])
    for period, plan in rows:  # opened_at is auto_now_add: set the historical day afterwards
        opened = plan.key.end - timedelta(days=45 if plan.key.quarter == YEAR else 5)
        Period.objects.filter(pk=period.pk).update(opened_at=_aware(min(opened, today)))
