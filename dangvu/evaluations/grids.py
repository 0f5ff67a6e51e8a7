"""What the evaluation pages show, built from the database: the periods a user sees, the rows of a
rating grid (members of a cell, or the organisations directly under a committee), the figures of the
organisations below each rated organisation, the quota line, and a member's rating history.

Set-level queries only: a grid costs the same few queries whatever the number of rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from dangvu.accounts.models import ORG_EDITORS, Role, User
from dangvu.evaluations.models import MemberRating, OrgRating, Period, PeriodStatus
from dangvu.evaluations.periods import PeriodKey
from dangvu.evaluations.queries import NotRatedReason, exclusion_expr, members_of_period
from dangvu.evaluations.regimes import regime_by_code
from dangvu.evaluations.regimes.base import (
    Condition,
    LevelDef,
    QuotaRule,
    RatingInput,
    Regime,
    Subject,
    Subordinates,
    quota_check,
)
from dangvu.evaluations.services import can_rate_members, can_rate_orgs, rule_overrides
from dangvu.members.models import Member
from dangvu.orgs.kinds import ALLOWED_CHILDREN, CELL_KINDS
from dangvu.orgs.models import Org

YES, NO = "có", "không"


def pct_text(value: Decimal | float, digits: int = 1) -> str:
    """0.2044 -> "20,4%" (a share, not a percentage)."""
    return f"{Decimal(value) * 100:.{digits}f}".replace(".", ",") + "%"


def limit_text(value: Decimal) -> str:
    """0.20 -> "20%"; 0.225 -> "22,5%"."""
    number = (Decimal(value) * 100).normalize()
    text = f"{number:f}".replace(".", ",")
    return text + "%"


# Periods -----------------------------------------------------------------------------------------------


def visible_periods(user: User) -> QuerySet[Period]:
    """Periods of the user's scope, of the organisations above it (they cover it), and of those below
    it; every period for an admin. Newest first, then in tree order."""
    periods = Period.objects.select_related("org", "opened_by", "closed_by").order_by("-year", "-quarter", "org__path")
    if user.role == Role.ADMIN:
        return periods
    scope = user.scope
    if scope is None:
        return periods.none()
    return periods.filter(Q(org__path__in_subtree=scope.path) | Q(org_id__in=scope.ancestor_ids()))


def has_children_kinds(org: Org) -> bool:
    return bool(ALLOWED_CHILDREN.get(org.kind))


def may_rate_children(user: User, org: Org) -> bool:
    """The committee `org` rates the organisations directly under it: staff whose scope holds it, or an admin."""
    if not has_children_kinds(org) or not user.has_role_in(ORG_EDITORS):
        return False
    if user.role == Role.ADMIN:
        return True
    return user.scope is not None and org.path.startswith(user.scope.path)


# Grids -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotaLine:
    """`HTXSNV x / HTTNV y = z%, giới hạn 20%` for the rows of one grid."""

    rule: QuotaRule
    top: int
    base: int
    share: Decimal
    limit: Decimal
    exceeded: bool

    @property
    def base_label(self) -> str:
        return "+".join(self.rule.base_levels)

    @property
    def limit_text(self) -> str:
        return limit_text(self.limit)

    @property
    def text(self) -> str:
        return (
            f"{self.rule.top_level} {self.top} / {self.base_label} {self.base} = {pct_text(self.share)}, "
            f"giới hạn {self.limit_text}"
        )


def quota_line(rule: QuotaRule | None, levels: Iterable[str], *, outstanding: bool = False) -> QuotaLine | None:
    if rule is None:
        return None
    counts: dict[str, int] = defaultdict(int)
    for level in levels:
        if level:
            counts[level] += 1
    top, base, share, limit, exceeded = quota_check(rule, counts, outstanding=outstanding)
    return QuotaLine(rule, top, base, share, limit, exceeded)


@dataclass(frozen=True)
class Computed:
    """A condition the rules take from the data, as shown in an organisation's row."""

    condition: Condition
    value: bool | None

    @property
    def text(self) -> str:
        return "—" if self.value is None else (YES if self.value else NO)


@dataclass(frozen=True)
class ConditionCell:
    condition: Condition
    bound: Any  # the form's BoundField
    value: bool | None  # stored (or default) value; None when the row has no rating yet


@dataclass
class GridRow:
    subject: Member | Org
    rating: MemberRating | OrgRating | None
    link: str = ""  # the grid of the rated organisation (its members or its own children)
    subordinates: Subordinates | None = None
    computed: list[Computed] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    form: Any = None  # the row's form, set by the view
    cells: list[ConditionCell] = field(default_factory=list)  # the typed conditions, set with the form

    @property
    def pk(self) -> int:
        return int(self.subject.pk)

    @property
    def name(self) -> str:
        return self.subject.full_name if isinstance(self.subject, Member) else self.subject.name

    @property
    def findings(self) -> list[dict[str, str]]:
        return list(self.rating.findings) if self.rating is not None else []

    @property
    def rated(self) -> bool:
        return self.rating is not None and bool(self.rating.level)


@dataclass(frozen=True)
class ExcludedRow:
    member: Member
    reason: str

    @property
    def reason_label(self) -> str:
        return str(NotRatedReason(self.reason).label)


@dataclass
class Grid:
    subject: Subject
    container: Org
    key: PeriodKey
    regime: Regime
    periods: list[Period]
    rows: list[GridRow]
    excluded: list[ExcludedRow]
    overrides: dict[str, Any]
    outstanding: bool  # the container is an outstanding unit: the 25% exception of the quota

    @property
    def state(self) -> str | None:
        if any(p.status == PeriodStatus.CLOSED for p in self.periods):
            return PeriodStatus.CLOSED
        return PeriodStatus.OPEN if self.periods else None

    @property
    def is_closed(self) -> bool:
        return self.state == PeriodStatus.CLOSED

    @property
    def period(self) -> Period | None:
        """The covering period that decides the state: a published one, else the deepest open one."""
        closed = [p for p in self.periods if p.status == PeriodStatus.CLOSED]
        chosen = closed or self.periods
        return chosen[0] if chosen else None

    @property
    def levels(self) -> tuple[LevelDef, ...]:
        return self.regime.levels(self.subject)

    @property
    def typed_conditions(self) -> list[Condition]:
        """Requirements first, then triggers: the order of the grid's columns."""
        typed = [c for c in self.regime.conditions(self.subject) if not c.computed]
        return [c for c in typed if c.kind == "requirement"] + [c for c in typed if c.kind != "requirement"]

    @property
    def requirements(self) -> list[Condition]:
        return [c for c in self.typed_conditions if c.kind == "requirement"]

    @property
    def triggers(self) -> list[Condition]:
        return [c for c in self.typed_conditions if c.kind == "trigger"]

    @property
    def computed_conditions(self) -> list[Condition]:
        return [c for c in self.regime.conditions(self.subject) if c.computed]

    @property
    def has_outstanding(self) -> bool:
        return has_outstanding(self.regime)

    @property
    def quota_rule(self) -> QuotaRule | None:
        return self.regime.quota(self.subject, self.overrides)

    @property
    def quota(self) -> QuotaLine | None:
        levels = [row.rating.level for row in self.rows if row.rating is not None]
        return quota_line(self.quota_rule, levels, outstanding=self.outstanding)

    @property
    def rated(self) -> int:
        return sum(1 for row in self.rows if row.rated)

    @property
    def not_yet(self) -> int:
        return sum(1 for row in self.rows if not row.rated)

    @property
    def with_findings(self) -> int:
        return sum(1 for row in self.rows if row.findings)

    def level_label(self, code: str) -> str:
        level = self.regime.level(self.subject, code) if code else None
        return level.label if level is not None else code


def has_outstanding(regime: Regime) -> bool:
    """Whether the regime knows "đơn vị nổi trội": a quota with a higher limit for an outstanding unit."""
    rules = (regime.quota("member"), regime.quota("org"))
    return any(rule is not None and rule.exception_ratio is not None for rule in rules)


def _container_outstanding(container: Org, key: PeriodKey) -> bool:
    return OrgRating.objects.filter(org=container, year=key.year, quarter=key.quarter, outstanding=True).exists()


def _periods_covering(org: Org, key: PeriodKey) -> list[Period]:
    ids = [*org.ancestor_ids(), org.pk]
    periods = list(Period.objects.filter(org_id__in=ids, year=key.year, quarter=key.quarter).select_related("org"))
    return sorted(periods, key=lambda p: -p.org.depth)


def member_grid(cell: Org, key: PeriodKey, regime: Regime) -> Grid:
    """The members of `cell` in the period: those to be rated (with their rating, if any) and those
    the regulation leaves out, with the reason. Five queries whatever the size of the cell."""
    members = list(
        members_of_period(Member.objects.filter(current_org=cell), key)
        .annotate(not_rated=exclusion_expr(key, regime))
        .order_by("name_sort_key", "pk")
    )
    ratings = {
        r.member_id: r
        for r in MemberRating.objects.filter(member__in=[m.pk for m in members], year=key.year, quarter=key.quarter)
    }
    rows = [GridRow(m, ratings.get(m.pk)) for m in members if not m.not_rated]
    excluded = [ExcludedRow(m, m.not_rated) for m in members if m.not_rated]
    return Grid(
        subject="member",
        container=cell,
        key=key,
        regime=regime,
        periods=_periods_covering(cell, key),
        rows=rows,
        excluded=excluded,
        overrides=rule_overrides(regime),
        outstanding=_container_outstanding(cell, key),
    )


def children_of_period(container: Org, key: PeriodKey) -> QuerySet[Org]:
    """Organisations directly under `container` that existed during the period."""
    return (
        Org.objects.filter(parent=container)
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=key.start))
        .filter(Q(founded_on__isnull=True) | Q(founded_on__lte=key.end))
        .order_by("code")
    )


def subordinates_by_child(children: list[Org], key: PeriodKey) -> dict[int, Subordinates]:
    """`services.subordinates_of` for every child at once: three aggregate queries, grouped by the
    cell (or organisation) the ratings belong to and summed up to the child whose subtree holds it."""
    if not children:
        return {}
    by_path = sorted(children, key=lambda c: -len(c.path))

    def owner(path: str) -> int | None:
        return next((c.pk for c in by_path if path.startswith(c.path)), None)

    subtree = Q()
    for child in children:
        subtree |= Q(org__path__in_subtree=child.path)
    member_rows = MemberRating.objects.filter(subtree, year=key.year, quarter=key.quarter)
    members: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for path, level, n in (
        member_rows.exclude(level="").values_list("org__path", "level").annotate(n=Count("pk")).order_by()
    ):
        pk = owner(path)
        if pk is not None:
            members[pk][level] += n
    disciplined: dict[int, int] = defaultdict(int)
    for path, n in (
        member_rows.filter(conditions__disciplined=True).values_list("org__path").annotate(n=Count("pk")).order_by()
    ):
        pk = owner(path)
        if pk is not None:
            disciplined[pk] += n
    grand: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for parent_id, level, n in (
        OrgRating.objects.filter(org__parent__in=children, year=key.year, quarter=key.quarter)
        .exclude(level="")
        .values_list("org__parent_id", "level")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        grand[parent_id][level] += n
    return {
        c.pk: Subordinates(
            members_by_level=dict(members[c.pk]),
            children_by_level=dict(grand[c.pk]),
            disciplined_members=disciplined[c.pk],
        )
        for c in children
    }


def computed_values(
    regime: Regime, subordinates: Subordinates, overrides: Mapping[str, Any] | None = None
) -> list[Computed]:
    """Whether each computed condition holds for these subordinate results. The regime's own rule
    decides: the best possible input (full score, every requirement met, no trigger) is judged with
    these subordinates; a requirement named among the reasons the top level is missed does not hold,
    a trigger named there does."""
    computed = [c for c in regime.conditions("org") if c.computed]
    if not computed:
        return []
    best = {c.code: c.kind == "requirement" for c in regime.conditions("org") if not c.computed}
    score = regime.max_score if regime.scored else None
    verdict = regime.verdict("org", RatingInput(score, best, subordinates), overrides)
    if verdict.level is None:
        return [Computed(c, None) for c in computed]
    named = {reason.code for reason in verdict.reasons}
    # A requirement holds when not named; a trigger (e.g. "over half the members KHTNV") when named.
    return [Computed(c, (c.code in named) if c.kind == "trigger" else (c.code not in named)) for c in computed]


def subordinate_figures(regime: Regime, subordinates: Subordinates) -> list[str]:
    """Short lines for an organisation's row: its members by cumulative level ("≥ HTTNV: 85,7%"), its
    disciplined members, and its own children's levels."""
    lines: list[str] = []
    rated = subordinates.members_rated
    levels = sorted(regime.levels("member"), key=lambda lv: lv.rank)
    if rated:
        parts = []
        running = 0
        for level in levels[:-1]:
            running += subordinates.members_by_level.get(level.code, 0)
            parts.append(f"≥ {level.code}: {pct_text(Decimal(running) / rated)}")
        lines.append(f"{rated} ĐV đã xếp loại; " + "; ".join(parts))
    else:
        lines.append("Chưa có đảng viên được xếp loại")
    lines.append(f"ĐV bị kỷ luật: {subordinates.disciplined_members}")
    if subordinates.children_rated:
        counts = ", ".join(
            f"{lv.code} {subordinates.children_by_level[lv.code]}"
            for lv in sorted(regime.levels("org"), key=lambda lv: lv.rank)
            if subordinates.children_by_level.get(lv.code)
        )
        lines.append(f"Tổ chức trực thuộc: {counts}")
    return lines


def org_grid(container: Org, key: PeriodKey, regime: Regime, user: User, grid_url: Any) -> Grid:
    """The organisations directly under `container` that `user` may rate, with their ratings and the
    figures below each. `grid_url(org)` gives the page that rates inside a child (or "")."""
    children = [c for c in children_of_period(container, key) if can_rate_orgs(user, c)]
    ratings = {r.org_id: r for r in OrgRating.objects.filter(org__in=children, year=key.year, quarter=key.quarter)}
    subordinates = subordinates_by_child(children, key)
    overrides = rule_overrides(regime)
    rows = []
    for child in children:
        below = subordinates[child.pk]
        rows.append(
            GridRow(
                child,
                ratings.get(child.pk),
                link=grid_url(child),
                subordinates=below,
                computed=computed_values(regime, below, overrides),
                figures=subordinate_figures(regime, below),
            )
        )
    return Grid(
        subject="org",
        container=container,
        key=key,
        regime=regime,
        periods=_periods_covering(container, key),
        rows=rows,
        excluded=[],
        overrides=overrides,
        outstanding=_container_outstanding(container, key),
    )


def grid_links(user: User, org: Org) -> dict[str, bool]:
    """Which grids of `org` the user may open: its members (a cell) and its direct children (a committee)."""
    return {
        "members": org.kind in CELL_KINDS and can_rate_members(user, org),
        "orgs": may_rate_children(user, org),
    }


# A member's record -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    rating: MemberRating
    label: str  # "Năm 2025", "Quý 3/2025"
    level_label: str
    regime_name: str

    @property
    def score_text(self) -> str:
        """92.50 -> "92,5"."""
        score = self.rating.score
        return "" if score is None else f"{score.normalize():f}".replace(".", ",")


def rating_history(member: Member) -> list[HistoryRow]:
    """The member's ratings, newest year first and the year before its quarters. One query."""
    ratings = MemberRating.objects.filter(member=member).select_related("org").order_by("-year", "quarter")
    rows = []
    for rating in ratings:
        try:
            regime: Regime | None = regime_by_code(rating.regime)
        except LookupError:
            regime = None
        level = regime.level("member", rating.level) if regime is not None and rating.level else None
        rows.append(
            HistoryRow(
                rating=rating,
                label=rating.key.label(),
                level_label=level.label if level is not None else rating.level,
                regime_name=regime.name if regime is not None else rating.regime,
            )
        )
    return rows
