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
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import BigIntegerField, Case, Count, Exists, OuterRef, Q, Subquery, Value, When

from dangvu.evaluations.models import MemberRating, OrgRating
from dangvu.evaluations.periods import YEAR, PeriodKey
from dangvu.evaluations.queries import EXCLUDED, NotRatedReason, exclusion_expr, members_of_period
from dangvu.evaluations.regimes import regime_for
from dangvu.evaluations.regimes.base import LevelDef, Regime, Subject, quota_check
from dangvu.evaluations.services import regime_of, rule_overrides
from dangvu.members.models import Member
from dangvu.orgs.kinds import GRASSROOTS_KINDS, OrgKind, Sector
from dangvu.orgs.models import Org

Block = dict[str, Any]

GRASSROOTS, CELLS, MEMBERS = "grassroots_orgs", "attached_cells", "members"
BLOCKS = (GRASSROOTS, CELLS, MEMBERS)
# The organisation kinds each organisation block counts.
BLOCK_KINDS: dict[str, frozenset[str]] = {GRASSROOTS: GRASSROOTS_KINDS, CELLS: frozenset({OrgKind.CELL})}
REASONS = tuple(r.value for r in (*EXCLUDED, NotRatedReason.NOT_YET))
ROUNDING = "Tỷ lệ (%) tính trên số được đánh giá, xếp loại; làm tròn một chữ số thập phân (từ 5 trở lên làm tròn lên)."
SELF = 0  # bucket of rows that lie in the organisation itself, not under a child

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
    whens = [When(**{f"{lookup}__startswith": child.path}, then=Value(child.pk)) for child in children]
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


def ratings_report(org: Org, key: PeriodKey) -> dict[str, Any]:
    """The rating figures of `org` and of each direct child for the period `key` (see the module doc).

    Raises ValidationError when no regime covers the period, or for a quarter under a yearly regime.
    """
    regime = regime_of(key)
    if key.quarter != YEAR and not regime.quarterly:
        raise ValidationError(ERR_QUARTER.format(regime=regime.name, label=key.label()))
    overrides = rule_overrides(regime)
    member_levels, org_levels = regime.levels("member"), regime.levels("org")
    children = sorted(Org.objects.filter(parent=org).filter(_existing_at(key)), key=lambda o: (o.kind_order, o.code))
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
        return sectors.setdefault(sector, new_blocks())

    def add_level(block: Block, level: str, n: int, where: tuple[int, str]) -> None:
        block["rated"] += n
        if level not in block["levels"]:
            block["levels"][level] = 0
            unknown[(*where, level)] = unknown.get((*where, level), 0) + n
        block["levels"][level] += n

    period = {"year": key.year, "quarter": key.quarter}
    org_kinds = GRASSROOTS_KINDS | {OrgKind.CELL}

    # 1. Organisations of the period, by child, kind, sector and whether they have a decided rating.
    rated_org = OrgRating.objects.filter(org=OuterRef("pk"), **period).exclude(level="")
    org_rows = (
        Org.objects.filter(path__startswith=org.path, kind__in=org_kinds)
        .filter(_existing_at(key))
        .annotate(node=_bucket(children, "path"), has_rating=Exists(rated_org))
        .values("node", "kind", "sector", "has_rating")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in org_rows:
        name = _block_of_kind(row["kind"])
        assert name is not None
        for blocks in (rows[row["node"]], sector_blocks(row["sector"])):
            blocks[name]["total"] += row["n"]
            if not row["has_rating"]:
                blocks[name]["not_rated"][NotRatedReason.NOT_YET.value] += row["n"]
        kinds = by_kind[row["node"]]
        kinds[row["kind"]] = kinds.get(row["kind"], 0) + row["n"]

    # 2. Organisation ratings by child, kind, sector, level.
    org_rating_rows = (
        OrgRating.objects.filter(org__path__startswith=org.path, org__kind__in=org_kinds, **period)
        .exclude(level="")
        .annotate(node=_bucket(children, "org__path"))
        .values("node", "org__kind", "org__sector", "level")
        .annotate(n=Count("pk"), exemplary=Count("pk", filter=Q(exemplary=True)))
        .order_by()
    )
    for rating_row in org_rating_rows:
        name = _block_of_kind(rating_row["org__kind"])
        assert name is not None
        for blocks in (rows[rating_row["node"]], sector_blocks(rating_row["org__sector"])):
            add_level(blocks[name], rating_row["level"], rating_row["n"], (rating_row["node"], name))
            blocks[name]["exemplary"] += rating_row["exemplary"]

    # 3. The organisation's and its children's own ratings (level, "đơn vị nổi trội").
    own = {
        r.org_id: r
        for r in OrgRating.objects.filter(org_id__in=[org.pk, *ids[1:]], **period).only(
            "org_id", "level", "exemplary", "outstanding"
        )
    }

    # 4. Members of the period, by child, sector of their cell, rated or not, reason not to be rated.
    rated_member = MemberRating.objects.filter(member=OuterRef("pk"), **period).exclude(level="")
    member_rows = (
        members_of_period(Member.objects.in_subtree(org.path), key)
        .annotate(
            node=_bucket(children, "current_org__path"),
            has_rating=Exists(rated_member),
            reason=exclusion_expr(key, regime),
        )
        .values("node", "current_org__sector", "has_rating", "reason")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for member_row in member_rows:
        for blocks in (rows[member_row["node"]], sector_blocks(member_row["current_org__sector"] or Sector.OTHER)):
            block = blocks[MEMBERS]
            block["total"] += member_row["n"]
            if not member_row["has_rating"]:
                reason = member_row["reason"] or NotRatedReason.NOT_YET.value
                block["not_rated"][reason] += member_row["n"]

    # 5. Member ratings by the cell they were rated in.
    member_rating_rows = (
        MemberRating.objects.filter(org__path__startswith=org.path, **period)
        .exclude(level="")
        .annotate(node=_bucket(children, "org__path"))
        .values("node", "org__sector", "level")
        .annotate(n=Count("pk"), exemplary=Count("pk", filter=Q(exemplary=True)))
        .order_by()
    )
    for mrating_row in member_rating_rows:
        for blocks in (rows[mrating_row["node"]], sector_blocks(mrating_row["org__sector"])):
            add_level(blocks[MEMBERS], mrating_row["level"], mrating_row["n"], (mrating_row["node"], MEMBERS))
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

    return {
        "code": org.code,
        "name": org.name,
        "kind": org.kind,
        "pk": org.pk,
        "period": {"year": key.year, "quarter": key.quarter, "label": key.label()},
        "regime": _regime_dict(regime),
        "rounding": ROUNDING,
        "own_level": own_self.level if own_self else "",
        **total,
        "quota": report_quota,
        "children": child_rows,
        "sectors": sector_rows,
        "years": years_comparison(org, quarter=key.quarter),
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


def years_comparison(org: Org, *, quarter: int = YEAR) -> list[dict[str, Any]]:
    """The organisation's rated figures for every year that has ratings (of the same quarter; 0 = the
    yearly ratings), oldest first: two grouped queries (member ratings; grassroots organisation ratings)."""
    members = (
        MemberRating.objects.filter(org__path__startswith=org.path, quarter=quarter)
        .exclude(level="")
        .values("year", "level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    orgs = (
        OrgRating.objects.filter(org__path__startswith=org.path, org__kind__in=GRASSROOTS_KINDS, quarter=quarter)
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
    orgs = Org.objects.filter(path__startswith=org.path, kind__in=BLOCK_KINDS[block])
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


__all__ = ["ValidationError", "level_label", "orgs_behind", "percent", "ratings_report", "years_comparison"]
