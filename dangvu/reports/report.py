"""The rating report of one organisation for one period: a plain dict that the page, the paragraph, the
command line (json, csv, xlsx, text) and the tests all read.

Shape (stable keys; see README "Báo cáo xếp loại"):

    {
      "code", "name", "kind",                       the organisation
      "period": {"year", "quarter", "label"},
      "regime": {"code", "name", "member_levels": [{"code", "label"}], "org_levels": [...]},
      "rounding": "...",                            how the percentages are computed (stated on the page)
      "grassroots_orgs" | "attached_cells" | "members": BLOCK,
      "quota": {"members": QUOTA | None, "orgs": QUOTA | None},
      "children": [{"pk", "code", "name", "kind", "sector", "own_level", "grassroots_orgs", "attached_cells",
                    "members", "quota"}],
      "sectors": [{"code", "name", "grassroots_orgs", "attached_cells", "members"}],
      "years": [{"year", "regime", "grassroots_orgs": {"rated", "levels", "percent"}, "members": {...}}],
      "warnings": [{"code", "org", "message"}],
    }
    BLOCK = {"total", "rated", "levels": {code: n}, "percent": {code: x.y}, "exemplary", "not_rated": {reason: n}}
    QUOTA = {"top", "base", "share", "limit", "exceeded", "text"}

Counting rules. Organisations: `total` = those of the kind that existed on the period's last day in the
subtree (the organisation itself included); `rated` = their ratings with a decided level in the period,
by the subtree the rated organisation lies in. Members: `total` = `members_of_period` by their cell;
`rated` = ratings with a decided level by the cell the member was rated in (`MemberRating.org`);
`not_rated` = members of the period without a rating, by reason (`exclusion_expr`, else "not_yet").
Data are shown as they are: figures that do not add up become warnings, never corrections.

Queries: a fixed number (nine) whatever the number of children, organisations and members: every count
is grouped in the database on a CASE naming the direct child each row falls under.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from dangvu.evaluations.models import MemberRating, OrgRating
from dangvu.evaluations.periods import YEAR, PeriodKey
from dangvu.evaluations.queries import EXCLUDED, NotRatedReason, exclusion_expr, members_of_period
from dangvu.evaluations.regimes import regime_for
from dangvu.evaluations.regimes.base import LevelDef, Regime, Subject, quota_check
from dangvu.evaluations.services import regime_of, rule_overrides
from dangvu.members.lifecycle import ON_ROLL, Status
from dangvu.members.models import Member, Membership
from dangvu.orgs.history import (
    OrgState,
    Predecessor,
    children_as_of,
    predecessors,
    subtree_of,
    tree_as_of,
    trees_as_of,
)
from dangvu.orgs.kinds import CELL_KINDS, GRASSROOTS_KINDS, OrgKind, Sector
from dangvu.orgs.models import Org, OrgVersion
from dangvu.orgs.paths import in_subtree
from dangvu.tallies.read import report_rows, years_rated

Block = dict[str, Any]

GRASSROOTS, CELLS, MEMBERS = "grassroots_orgs", "attached_cells", "members"
BLOCKS = (GRASSROOTS, CELLS, MEMBERS)
# The organisation kinds each organisation block counts.
BLOCK_KINDS: dict[str, frozenset[str]] = {GRASSROOTS: GRASSROOTS_KINDS, CELLS: frozenset({OrgKind.CELL})}
REASONS = tuple(r.value for r in (*EXCLUDED, NotRatedReason.NOT_YET))
NOT_YET = NotRatedReason.NOT_YET.value
ROUNDING = "Tỷ lệ (%) tính trên số được đánh giá, xếp loại; làm tròn một chữ số thập phân (từ 5 trở lên làm tròn lên)."
SELF = 0  # bucket of rows that lie in the organisation itself, not under a child
# How the years comparison counts a past year: the organisations inside the subtree at the end of that year
# ("as is"), or also inside the subtrees of the organisations it continues ("comparable", `predecessors`).
AS_IS, COMPARABLE = "nguyen-trang", "so-sanh-duoc"
FIRST_RATED_YEAR = 2008  # HD 20 (10/10/2008): the first rating regime; the years comparison starts there
YEARS_BASES = {AS_IS: "Nguyên trạng (chỉ trong tổ chức khi đó)", COMPARABLE: "So sánh được (gộp các tổ chức tiền thân)"}

WARN_RATED_ABOVE_TOTAL = "{name}: {rated} {noun} được xếp loại, nhiều hơn tổng số {total} {noun} của kỳ."
WARN_QUOTA = "{name}: tỷ lệ {noun} hoàn thành xuất sắc nhiệm vụ vượt mức quy định ({text})."
WARN_UNKNOWN_LEVEL = "{name}: {n} {noun} có mức “{code}” không có trong {regime}."
ERR_QUARTER = "{regime} không đánh giá, xếp loại theo quý: không có số liệu {label}."
NOUNS = {GRASSROOTS: "tổ chức cơ sở đảng", CELLS: "chi bộ trực thuộc", MEMBERS: "đảng viên"}


def percent(count: int, rated: int) -> float:
    """Share of the rated, in percent, one decimal, half up (14,25 → 14,3)."""
    if not rated:
        return 0.0
    return float((Decimal(count) * 100 / Decimal(rated)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def vn_number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def vn_percent(value: float | Decimal) -> str:
    return f"{Decimal(str(value)).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}".replace(".", ",") + "%"


def _empty_block(levels: Iterable[LevelDef], *, members: bool) -> Block:
    return {
        "total": 0,
        "rated": 0,
        "levels": {lv.code: 0 for lv in levels},
        "percent": {},
        "exemplary": 0,
        "not_rated": {reason: 0 for reason in (REASONS if members else (NotRatedReason.NOT_YET.value,))},
    }


def _finish(block: Block) -> Block:
    block["percent"] = {code: percent(n, block["rated"]) for code, n in block["levels"].items()}
    return block


def _quota(
    regime: Regime, subject: Subject, overrides: Mapping[str, Any], levels: Mapping[str, int], *, outstanding: bool
) -> dict[str, Any] | None:
    rule = regime.quota(subject, overrides)
    if rule is None:
        return None
    top, base, share, limit, exceeded = quota_check(rule, levels, outstanding=outstanding)
    share_pct = (share * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    limit_pct = (limit * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return {
        "top": top,
        "base": base,
        "share": float(share_pct),
        "limit": float(limit_pct),
        "exceeded": exceeded,
        "base_levels": list(rule.base_levels),
        "article": rule.article,
        "text": f"{vn_number(top)} / {vn_number(base)} = {vn_percent(share_pct)}, giới hạn {limit_pct}%",
    }


def _existing_at(key: PeriodKey) -> Q:
    end = key.end
    return (Q(founded_on__isnull=True) | Q(founded_on__lte=end)) & (
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=end)
    )


def _bucket(children: list[Org], lookup: str) -> Case:
    """CASE: the pk of the direct child whose subtree holds the row, else SELF (the organisation itself)."""
    whens = [When(**{f"{lookup}__in_subtree": child.path}, then=Value(child.pk)) for child in children]
    return Case(*whens, default=Value(SELF), output_field=BigIntegerField())


def _block_of_kind(kind: str) -> str | None:
    for name, kinds in BLOCK_KINDS.items():
        if kind in kinds:
            return name
    return None


def _regime_dict(regime: Regime) -> dict[str, Any]:
    return {
        "code": regime.code,
        "name": regime.name,
        "member_levels": [{"code": lv.code, "label": lv.label} for lv in regime.levels("member")],
        "org_levels": [{"code": lv.code, "label": lv.label} for lv in regime.levels("org")],
    }


@dataclass
class Sources:
    """The grouped rows the report adds up, the same keys whichever tree they were counted on."""

    orgs: list[dict[str, Any]]  # node, kind, sector, has_rating, n
    org_ratings: list[dict[str, Any]]  # node, kind, sector, level, n, exemplary
    members: list[dict[str, Any]]  # node, sector, has_rating, reason, n
    member_ratings: list[dict[str, Any]]  # node, sector, level, n, exemplary


def _today_rows(org: Org, key: PeriodKey, regime: Regime, children: list[Any]) -> Sources:
    """Four grouped queries on today's tree: every count grouped on a CASE naming the direct child."""
    period = {"year": key.year, "quarter": key.quarter}
    org_kinds = GRASSROOTS_KINDS | {OrgKind.CELL}
    rated_org = OrgRating.objects.filter(org=OuterRef("pk"), **period).exclude(level="")
    org_rows = (
        Org.objects.filter(path__in_subtree=org.path, kind__in=org_kinds)
        .filter(_existing_at(key))
        .annotate(node=_bucket(children, "path"), has_rating=Exists(rated_org))
        .values("node", "kind", "sector", "has_rating")
        .annotate(n=Count("pk"))
        .order_by()
    )
    org_rating_rows = (
        OrgRating.objects.filter(org__path__in_subtree=org.path, org__kind__in=org_kinds, **period)
        .exclude(level="")
        .annotate(node=_bucket(children, "org__path"), kind=F("org__kind"), sector=F("org__sector"))
        .values("node", "kind", "sector", "level")
        .annotate(n=Count("pk"), exemplary=Count("pk", filter=Q(exemplary=True)))
        .order_by()
    )
    rated_member = MemberRating.objects.filter(member=OuterRef("pk"), **period).exclude(level="")
    member_rows = (
        members_of_period(Member.objects.in_subtree(org.path), key)
        .annotate(
            node=_bucket(children, "current_org__path"),
            has_rating=Exists(rated_member),
            reason=exclusion_expr(key, regime),
            sector=F("current_org__sector"),
        )
        .values("node", "sector", "has_rating", "reason")
        .annotate(n=Count("pk"))
        .order_by()
    )
    member_rating_rows = (
        MemberRating.objects.filter(org__path__in_subtree=org.path, **period)
        .exclude(level="")
        .annotate(node=_bucket(children, "org__path"), sector=F("org__sector"))
        .values("node", "sector", "level")
        .annotate(n=Count("pk"), exemplary=Count("pk", filter=Q(exemplary=True)))
        .order_by()
    )
    return Sources(
        [dict(r) for r in org_rows],
        [dict(r) for r in org_rating_rows],
        [dict(r) for r in member_rows],
        [dict(r) for r in member_rating_rows],
    )


def _history_rows(org: Org, key: PeriodKey, regime: Regime, tree: dict[int, OrgState]) -> Sources:
    """The same rows on the tree and the memberships of the period's last day (`tree`): four queries
    grouped by organisation, each organisation put under its child of that day in Python.

    Counted: organisations of the subtree of that day (their kind and sector then); ratings of those
    organisations and member ratings given in their cells; members on the roll of their cells that day
    (their status that day gives the reason not to be rated). A rating of an organisation that was no
    longer in the subtree on the last day is not counted (it belongs where it was then)."""
    period = {"year": key.year, "quarter": key.quarter}
    sub = subtree_of(tree, org.pk)
    node = {pk: _child_under(state, org.pk) for pk, state in sub.items()}
    org_kinds = GRASSROOTS_KINDS | {OrgKind.CELL}
    ids = list(sub)
    rated = set(OrgRating.objects.filter(org_id__in=ids, **period).exclude(level="").values_list("org_id", flat=True))
    counted: dict[tuple[int, str, str, bool], int] = {}
    for pk, state in sub.items():
        if state.kind in org_kinds:
            group = (node[pk], state.kind, state.sector, pk in rated)
            counted[group] = counted.get(group, 0) + 1
    orgs = [{"node": g[0], "kind": g[1], "sector": g[2], "has_rating": g[3], "n": n} for g, n in counted.items()]
    org_ratings = [
        {"node": node[r["org_id"]], "kind": sub[r["org_id"]].kind, "sector": sub[r["org_id"]].sector, **r}
        for r in OrgRating.objects.filter(org_id__in=ids, **period)
        .exclude(level="")
        .values("org_id", "level")
        .annotate(n=Count("pk"), exemplary=Count("pk", filter=Q(exemplary=True)))
        .order_by()
        if sub[r["org_id"]].kind in org_kinds
    ]
    new_after = key.admitted_before_for_rating(regime.new_member_months)
    rated_member = MemberRating.objects.filter(member=OuterRef("member_id"), **period).exclude(level="")
    reason = Case(
        When(status=Status.EXEMPT, then=Value(NotRatedReason.EXEMPT.value)),
        When(status=Status.SUSPENDED, then=Value(NotRatedReason.SUSPENDED.value)),
        When(member__admitted_on__gt=new_after, then=Value(NotRatedReason.NEW.value)),
        default=Value(""),
        output_field=CharField(),
    )
    cells = [pk for pk, state in sub.items() if state.kind in CELL_KINDS]
    members = [
        {"node": node[r["org_id"]], "sector": sub[r["org_id"]].sector, **r}
        for r in Membership.objects.filter(org_id__in=cells, status__in=ON_ROLL, valid_from__lte=key.end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=key.end))
        .annotate(has_rating=Exists(rated_member), reason=reason)
        .values("org_id", "has_rating", "reason")
        .annotate(n=Count("pk"))
        .order_by()
    ]
    member_ratings = [
        {"node": node[r["org_id"]], "sector": sub[r["org_id"]].sector, **r}
        for r in MemberRating.objects.filter(org_id__in=ids, **period)
        .exclude(level="")
        .values("org_id", "level")
        .annotate(n=Count("pk"), exemplary=Count("pk", filter=Q(exemplary=True)))
        .order_by()
    ]
    return Sources(orgs, org_ratings, members, member_ratings)


def _child_under(state: OrgState, root: int) -> int:
    """The direct child of `root` (in the tree of that day) whose subtree holds `state`, else SELF."""
    chain = [*state.ancestor_ids(), state.org_id]
    at = chain.index(root)
    return chain[at + 1] if at + 1 < len(chain) else SELF


def _changed_in(field: str, path: str) -> Q:
    """The subtree condition of the probe's queries, whose other condition (`valid_to` after the day) reads
    only what changed since through its index. PostgreSQL picks between the two indexes by its statistics.
    SQLite has none: for the root or a province it gets Django's `LIKE`, which it never serves from an
    index, so it starts from the changed rows instead of walking the whole subtree; deeper, the subtree's
    path range is the smaller start."""
    if connection.vendor == "postgresql" or path.count("/") > 3:
        return in_subtree(field, path)
    return Q(**{f"{field}__startswith": path})  # startswith on purpose: see above


def _closed_in(org: Org, after: date | None = None) -> list[QuerySet[OrgVersion]]:
    """Closed versions of organisations of the subtree, and of ones that were under it (left it since): two
    queries, each of which can use the index on `valid_to` and the subtree condition."""
    versions = (
        OrgVersion.objects.filter(valid_to__isnull=False)
        if after is None
        else OrgVersion.objects.filter(valid_to__gt=after)
    )
    return [versions.filter(_changed_in("org__path", org.path)), versions.filter(_changed_in("parent__path", org.path))]


def _moved_since(org: Org, day: date) -> list[QuerySet[Membership]]:
    """Memberships of `day` in another cell than today's, in the subtree then, or of members in it now. Only
    those that ended since can be (a membership still open is the member's current cell): the index on
    `valid_to` finds them, so a subtree where nobody moved answers without reading its members."""
    moved = Membership.objects.filter(valid_from__lte=day, status__in=ON_ROLL, valid_to__gt=day).exclude(
        org_id=F("member__current_org_id")
    )
    return [
        moved.filter(_changed_in("org__path", org.path)),
        moved.filter(_changed_in("member__current_org__path", org.path)),
    ]


def history_probe(org: Org, day: date) -> tuple[bool, bool]:
    """One query: (whether the subtree or its members' cells changed after `day`, whether the subtree's
    tree ever changed). The first is False without asking for today or a later day (the fast path):
    an organisation of the subtree (or one that left it) changed name, kind, sector or parent or was
    dissolved after `day`, or a member on a roll of the subtree on `day` (or in it today) was then in
    another cell than today's."""
    ever = [Exists(q) for q in _closed_in(org)]
    if day >= timezone.localdate():
        found = Org.objects.filter(pk=org.pk).values_list(*ever).first()
        return False, bool(found and any(found))
    since = [Exists(q) for q in (*_closed_in(org, day), *_moved_since(org, day))]
    row = Org.objects.filter(pk=org.pk).values_list(*since, *ever).first()
    if row is None:
        return False, False
    return any(row[: len(since)]), any(row[len(since) :])


def history_changed(org: Org, day: date) -> bool:
    """Whether a report of a period ending on `day` must be counted on the tree of that day."""
    return history_probe(org, day)[0]


def ratings_report(
    org: Org,
    key: PeriodKey,
    *,
    years_basis: str = AS_IS,
    on_tree: str | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The rating figures of `org` and of each direct child for the period `key` (see the module doc).

    A past period whose tree or memberships changed since inside the organisation's subtree is counted on
    the tree and the memberships of its last day (`history_changed`, `reports.history`); else, and always
    for the current period, on today's tree (the fast path). `years_basis` chooses the comparison over
    the years (AS_IS or COMPARABLE, see `years_comparison`). `on_tree` forces the tree ("today" or "as_of",
    for benchmarks and tests); None decides as above. `overrides`: the regime's rule settings
    (`rule_overrides`), when the caller has read them already.

    Raises ValidationError when no regime covers the period, or for a quarter under a yearly regime.
    """
    regime = regime_of(key)
    if key.quarter != YEAR and not regime.quarterly:
        raise ValidationError(ERR_QUARTER.format(regime=regime.name, label=key.label()))
    if overrides is None:
        overrides = rule_overrides(regime)
    member_levels, org_levels = regime.levels("member"), regime.levels("org")
    changed, tree_changed = history_probe(org, key.end)
    if on_tree is not None:
        changed = on_tree == "as_of"
    continued = predecessors(org) if years_basis == COMPARABLE else []
    # The kept counts (`dangvu.tallies`), on the tree of the period's last day; else counted here.
    tallied = report_rows(org, key) if on_tree is None else None
    as_of = tree_as_of(key.end) if changed and tallied is None else None
    children: list[Any]
    if tallied is not None:
        children = sorted(tallied.children, key=lambda o: (o.kind_order, o.code))
    elif as_of is not None:
        children = sorted(children_as_of(as_of, org.pk), key=lambda o: (o.kind_order, o.code))
    else:
        children = sorted(
            Org.objects.filter(parent=org).filter(_existing_at(key)), key=lambda o: (o.kind_order, o.code)
        )
    ids = [SELF, *[c.pk for c in children]]

    def new_blocks() -> dict[str, Block]:
        return {
            GRASSROOTS: _empty_block(org_levels, members=False),
            CELLS: _empty_block(org_levels, members=False),
            MEMBERS: _empty_block(member_levels, members=True),
        }

    rows: dict[int, dict[str, Block]] = {pk: new_blocks() for pk in ids}
    sectors: dict[str, dict[str, Block]] = {}
    by_kind: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    unknown: dict[tuple[int, str, str], int] = {}

    def sector_blocks(sector: str) -> dict[str, Block]:
        blocks = sectors.get(sector)
        if blocks is None:
            blocks = sectors[sector] = new_blocks()
        return blocks

    known = {
        MEMBERS: {lv.code for lv in member_levels},
        GRASSROOTS: {lv.code for lv in org_levels},
        CELLS: {lv.code for lv in org_levels},
    }

    def add_level(block: Block, level: str, n: int, where: tuple[int, str] | None) -> None:
        """`where`: the child and block a level the regime does not know is reported for (None: a sector)."""
        block["rated"] += n
        block["levels"][level] = block["levels"].get(level, 0) + n
        if where is not None and level not in known[where[1]]:
            unknown[(*where, level)] = unknown.get((*where, level), 0) + n

    period = {"year": key.year, "quarter": key.quarter}
    if tallied is not None:
        rows_of = Sources(tallied.orgs, tallied.org_ratings, tallied.members, tallied.member_ratings)
    elif as_of is not None:
        rows_of = _history_rows(org, key, regime, as_of)
    else:
        rows_of = _today_rows(org, key, regime, children)

    # 1. Organisations of the period, by child, kind, sector and whether they have a decided rating.
    # Each row adds to its child's blocks and to its sector's; a row of the kept counts may carry only one of
    # the two (None: the children's sums come without sectors, the sectors from the organisation's own sum).
    def targets(row: Mapping[str, Any], *, other: bool = False) -> list[tuple[dict[str, Block], bool]]:
        found: list[tuple[dict[str, Block], bool]] = []
        if row["node"] is not None:
            found.append((rows[row["node"]], True))
        if row["sector"] is not None:
            found.append((sector_blocks(row["sector"] or (Sector.OTHER if other else "")), False))
        return found

    # 1. Organisations of the period, by child, kind, sector and whether they have a decided rating.
    for row in rows_of.orgs:
        name = _block_of_kind(row["kind"])
        assert name is not None
        for blocks, _ in targets(row):
            blocks[name]["total"] += row["n"]
            if not row["has_rating"]:
                blocks[name]["not_rated"][NOT_YET] += row["n"]
        if row["node"] is not None:
            kinds = by_kind[row["node"]]
            kinds[row["kind"]] = kinds.get(row["kind"], 0) + row["n"]

    # 2. Organisation ratings by child, kind, sector, level.
    for rating_row in rows_of.org_ratings:
        name = _block_of_kind(rating_row["kind"])
        assert name is not None
        for blocks, by_node in targets(rating_row):
            where = (rating_row["node"], name) if by_node else None
            add_level(blocks[name], rating_row["level"], rating_row["n"], where)
            blocks[name]["exemplary"] += rating_row["exemplary"]

    # 3. The organisation's and its children's own ratings (level, "đơn vị nổi trội").
    own = {
        r.org_id: r
        for r in OrgRating.objects.filter(org_id__in=[org.pk, *ids[1:]], **period).only(
            "org_id", "level", "exemplary", "outstanding"
        )
    }

    # 4. Members of the period, by child, sector of their cell, rated or not, reason not to be rated.
    for member_row in rows_of.members:
        for blocks, _ in targets(member_row, other=True):
            block = blocks[MEMBERS]
            block["total"] += member_row["n"]
            if not member_row["has_rating"]:
                block["not_rated"][member_row["reason"] or NOT_YET] += member_row["n"]

    # 5. Member ratings by the cell they were rated in.
    for mrating_row in rows_of.member_ratings:
        for blocks, by_node in targets(mrating_row):
            where = (mrating_row["node"], MEMBERS) if by_node else None
            add_level(blocks[MEMBERS], mrating_row["level"], mrating_row["n"], where)
            blocks[MEMBERS]["exemplary"] += mrating_row["exemplary"]

    # The organisation's figures are the sum over its children and itself.
    total = new_blocks()
    for pk in ids:
        for name in BLOCKS:
            _add_into(total[name], rows[pk][name])
    kinds_total: dict[str, int] = {}
    for pk in ids:
        for kind, n in by_kind[pk].items():
            kinds_total[kind] = kinds_total.get(kind, 0) + n

    names = {SELF: org.name, **{c.pk: c.name for c in children}}
    codes = {SELF: org.code, **{c.pk: c.code for c in children}}
    warnings: list[dict[str, str]] = []

    def quotas(blocks: dict[str, Block], pk: int, outstanding: bool) -> dict[str, Any]:
        q = {
            "members": _quota(regime, "member", overrides, blocks[MEMBERS]["levels"], outstanding=outstanding),
            "orgs": _quota(regime, "org", overrides, _sum_levels(blocks[GRASSROOTS], blocks[CELLS]), outstanding=False),
        }
        for subject, noun in (("members", NOUNS[MEMBERS]), ("orgs", "tổ chức đảng")):
            status = q[subject]
            if status is not None and status["exceeded"] and status["top"]:
                warnings.append(
                    {
                        "code": f"quota_{subject}",
                        "org": codes[pk],
                        "message": WARN_QUOTA.format(name=names[pk], noun=noun, text=status["text"]),
                    }
                )
        return q

    def check(blocks: dict[str, Block], pk: int) -> None:
        for name in BLOCKS:
            block = blocks[name]
            if block["rated"] > block["total"]:
                warnings.append(
                    {
                        "code": "rated_above_total",
                        "org": codes[pk],
                        "message": WARN_RATED_ABOVE_TOTAL.format(
                            name=names[pk],
                            rated=vn_number(block["rated"]),
                            total=vn_number(block["total"]),
                            noun=NOUNS[name],
                        ),
                    }
                )

    own_self = own.get(org.pk)
    for name in BLOCKS:
        _finish(total[name])
    total[GRASSROOTS]["by_kind"] = {k: kinds_total.get(k, 0) for k in sorted(GRASSROOTS_KINDS)}
    check(total, SELF)
    report_quota = quotas(total, SELF, bool(own_self and own_self.outstanding))

    child_rows = []
    for child in children:
        blocks = rows[child.pk]
        for name in BLOCKS:
            _finish(blocks[name])
        check(blocks, child.pk)
        own_rating = own.get(child.pk)
        child_rows.append(
            {
                "pk": child.pk,
                "code": child.code,
                "name": child.name,
                "kind": child.kind,
                "sector": child.sector,
                "own_level": own_rating.level if own_rating else "",
                **blocks,
                "quota": quotas(blocks, child.pk, bool(own_rating and own_rating.outstanding)),
            }
        )
    for (pk, name, code), n in sorted(unknown.items()):
        warnings.append(
            {
                "code": "unknown_level",
                "org": codes[pk],
                "message": WARN_UNKNOWN_LEVEL.format(
                    name=names[pk], n=vn_number(n), noun=NOUNS[name], code=code, regime=regime.name
                ),
            }
        )

    sector_rows = []
    for sector in Sector.values:
        if sector not in sectors:
            continue
        blocks = sectors[sector]
        for name in BLOCKS:
            _finish(blocks[name])
        sector_rows.append({"code": sector, "name": str(Sector(sector).label), **blocks})

    then = tallied.then if tallied is not None else as_of.get(org.pk) if as_of is not None else None
    return {
        "code": then.code if then else org.code,
        "name": then.name if then else org.name,
        "kind": then.kind if then else org.kind,
        "pk": org.pk,
        "period": {"year": key.year, "quarter": key.quarter, "label": key.label()},
        "regime": _regime_dict(regime),
        "rounding": ROUNDING,
        "own_level": own_self.level if own_self else "",
        **total,
        "quota": report_quota,
        "children": child_rows,
        "sectors": sector_rows,
        "years": years_comparison(
            org,
            quarter=key.quarter,
            basis=years_basis,
            tree_changed=tree_changed,
            continued=continued,
            use_tallies=on_tree is None,
            synced=True,  # by `report_rows` above whenever the tallies are used
        ),
        "years_basis": years_basis,
        "predecessors": [{"pk": p.org_id, "name": p.name, "on": p.on.isoformat()} for p in continued if not p.moved_in],
        "as_of": key.end.isoformat() if changed else None,
        "warnings": warnings,
    }


def _add_into(into: Block, block: Block) -> None:
    into["total"] += block["total"]
    into["rated"] += block["rated"]
    into["exemplary"] += block["exemplary"]
    for code, n in block["levels"].items():
        into["levels"][code] = into["levels"].get(code, 0) + n
    for reason, n in block["not_rated"].items():
        into["not_rated"][reason] = into["not_rated"].get(reason, 0) + n


def _sum_levels(*blocks: Block) -> dict[str, int]:
    levels: dict[str, int] = {}
    for block in blocks:
        for code, n in block["levels"].items():
            levels[code] = levels.get(code, 0) + n
    return levels


def years_comparison(
    org: Org,
    *,
    quarter: int = YEAR,
    basis: str = AS_IS,
    tree_changed: bool | None = None,
    continued: list[Predecessor] | None = None,
    use_tallies: bool = True,
    synced: bool = False,
) -> list[dict[str, Any]]:
    """The organisation's rated figures for every year that has ratings (of the same quarter; 0 = the
    yearly ratings), oldest first.

    AS_IS: the ratings of the organisations inside the subtree at the end of that year (member ratings by
    the cell rated in; grassroots organisations of that year's kind). COMPARABLE: the same, adding every
    year the subtrees then of the organisations `org` continues (`orgs.history.predecessors`), so a merged
    commune compares with what its predecessors did.

    Counted as before history existed, on today's subtree (two grouped queries), then corrected: when the
    subtree's tree changed (`tree_changed`, from `history_probe`, else one query) or for COMPARABLE, the
    trees of the years' ends are built from one query of the versions, and the ratings of the organisations
    whose place differs between a year's end and today (moved, dissolved during the year, of another kind,
    or of a predecessor) are added or taken away (one or two more grouped queries, over those only)."""
    if use_tallies:
        roots = [org.pk]
        if basis == COMPARABLE:
            roots += [p.org_id for p in (predecessors(org) if continued is None else continued)]
        kept = years_rated(roots, quarter, synced=synced)
        if kept is not None:
            return _years_entries(kept, quarter)
    found = _years_today(org, quarter)
    if basis == COMPARABLE:
        roots = [org.pk, *(p.org_id for p in (predecessors(org) if continued is None else continued))]
    else:
        roots = [org.pk]
        if tree_changed is None:
            tree_changed = any(q.exists() for q in _closed_in(org))
        if not tree_changed:
            return _years_entries(found, quarter)
    today = timezone.localdate()
    current = {
        pk: (kind, dissolved_on)
        for pk, kind, dissolved_on in Org.objects.filter(path__in_subtree=org.path).values_list(
            "pk", "kind", "dissolved_on"
        )
    }
    # Every year from the first regime on, so a year rated only in organisations that have all left the
    # subtree since is counted too (as the kept counts of `dangvu.tallies` count it).
    ends = {year: PeriodKey(year, quarter).end for year in range(FIRST_RATED_YEAR, today.year + 1)}
    trees = trees_as_of(ends.values())
    # year -> {org pk: +1 (counted then, not by today's subtree) or -1 (counted by today's subtree, not then)}
    members_fix: dict[int, dict[int, int]] = {}
    orgs_fix: dict[int, dict[int, int]] = {}
    for year, end in ends.items():
        tree = trees[end]
        then: dict[int, OrgState] = {}
        for root in roots:
            then.update(subtree_of(tree, root))
        start = PeriodKey(year, quarter).start
        m_fix: dict[int, int] = {pk: 1 for pk in then if pk not in current}
        o_fix: dict[int, int] = {
            pk: 1
            for pk, state in then.items()
            if state.kind in GRASSROOTS_KINDS and not (pk in current and current[pk][0] in GRASSROOTS_KINDS)
        }
        for pk, (kind, dissolved_on) in current.items():
            state = then.get(pk)
            if state is None:
                # Outside the subtree then, or no longer existing at the year's end (dissolved during it; one
                # not yet founded has no ratings of that year).
                if pk in tree or (dissolved_on is not None and start <= dissolved_on <= end):
                    m_fix[pk] = -1
                    if kind in GRASSROOTS_KINDS:
                        o_fix[pk] = -1
            elif kind in GRASSROOTS_KINDS and state.kind not in GRASSROOTS_KINDS:
                o_fix[pk] = -1
        if m_fix:
            members_fix[year] = m_fix
        if o_fix:
            orgs_fix[year] = o_fix
    for name, fixes, model in ((MEMBERS, members_fix, MemberRating), (GRASSROOTS, orgs_fix, OrgRating)):
        ids = {pk for by_org in fixes.values() for pk in by_org}
        if not ids:
            continue
        rows = (
            model.objects.filter(org_id__in=ids, quarter=quarter, year__in=list(fixes))
            .exclude(level="")
            .values("year", "org_id", "level")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            sign = fixes[row["year"]].get(row["org_id"])
            if sign is None:
                continue
            levels = found.setdefault(row["year"], {MEMBERS: {}, GRASSROOTS: {}})[name]
            levels[row["level"]] = levels.get(row["level"], 0) + sign * row["n"]
    for year in list(found):
        for levels in found[year].values():
            for code in [code for code, n in levels.items() if n == 0]:
                del levels[code]
        if not any(found[year].values()):
            del found[year]
    return _years_entries(found, quarter)


def _years_today(org: Org, quarter: int) -> dict[int, dict[str, dict[str, int]]]:
    """{year: {MEMBERS: {level: n}, GRASSROOTS: {level: n}}} on today's subtree (two grouped queries)."""
    members = (
        MemberRating.objects.filter(org__path__in_subtree=org.path, quarter=quarter)
        .exclude(level="")
        .values("year", "level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    orgs = (
        OrgRating.objects.filter(org__path__in_subtree=org.path, org__kind__in=GRASSROOTS_KINDS, quarter=quarter)
        .exclude(level="")
        .values("year", "level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    years: dict[int, dict[str, dict[str, int]]] = {}
    for name, rows in ((MEMBERS, members), (GRASSROOTS, orgs)):
        for row in rows:
            levels = years.setdefault(row["year"], {MEMBERS: {}, GRASSROOTS: {}})[name]
            levels[row["level"]] = levels.get(row["level"], 0) + row["n"]
    return years


def _years_entries(years: dict[int, dict[str, dict[str, int]]], quarter: int) -> list[dict[str, Any]]:
    result = []
    for year in sorted(years):
        key = PeriodKey(year, quarter)
        try:
            regime: Regime | None = regime_for(key.end)
        except LookupError:
            regime = None
        entry: dict[str, Any] = {"year": year, "regime": regime.code if regime else ""}
        subjects: tuple[tuple[str, Subject], ...] = ((MEMBERS, "member"), (GRASSROOTS, "org"))
        for name, subject in subjects:
            found = years[year][name]
            codes = [lv.code for lv in regime.levels(subject)] if regime else []
            levels = {code: found.get(code, 0) for code in codes}
            levels.update({code: n for code, n in found.items() if code not in levels})
            rated = sum(levels.values())
            entry[name] = {
                "rated": rated,
                "levels": levels,
                "percent": {code: percent(n, rated) for code, n in levels.items()},
            }
        result.append(entry)
    return result


def level_label(report: Mapping[str, Any], subject: Subject, code: str) -> str:
    """The regime's name of a level code in this report ("" → the code itself when unknown)."""
    for level in report["regime"]["member_levels" if subject == "member" else "org_levels"]:
        if level["code"] == code:
            return str(level["label"])
    return code


ORG_RATED = "da"
ORG_EXEMPLARY = "tieu-bieu"
ORG_NOT_RATED = "chua"


def orgs_behind(org: Org, key: PeriodKey, block: str, rating: str = "", sector: str = "") -> Any:
    """The organisations behind one figure of the report, counted as `ratings_report` counts them, each
    annotated with `rating_level` (its decided level in the period, "" when none), in path order.

    `block`: GRASSROOTS or CELLS; `rating`: "" (the total: those existing at the period's end),
    ORG_NOT_RATED (existing, without a decided level), ORG_RATED, ORG_EXEMPLARY or a level code (from the
    ratings, existing or not); `sector`: a Sector code or "".
    """
    period = {"year": key.year, "quarter": key.quarter}
    ratings = OrgRating.objects.filter(org=OuterRef("pk"), **period).exclude(level="")
    orgs = Org.objects.filter(path__in_subtree=org.path, kind__in=BLOCK_KINDS[block])
    if sector:
        orgs = orgs.filter(sector=sector)
    if rating in ("", ORG_NOT_RATED):
        orgs = orgs.filter(_existing_at(key))
        if rating == ORG_NOT_RATED:
            orgs = orgs.filter(~Exists(ratings))
    elif rating == ORG_EXEMPLARY:
        orgs = orgs.filter(Exists(ratings.filter(exemplary=True)))
    elif rating == ORG_RATED:
        orgs = orgs.filter(Exists(ratings))
    else:
        orgs = orgs.filter(Exists(ratings.filter(level=rating)))
    return orgs.annotate(rating_level=Subquery(ratings.values("level")[:1])).order_by("path")


__all__ = [
    "AS_IS",
    "COMPARABLE",
    "ValidationError",
    "history_changed",
    "history_probe",
    "level_label",
    "orgs_behind",
    "percent",
    "ratings_report",
    "years_comparison",
]
