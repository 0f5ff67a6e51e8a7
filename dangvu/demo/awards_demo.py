"""The awards of the demo province: subjects eligible for the five-year awards, a few proposals and one
decision. Called by `demo_load` after the ratings, in its transaction.

The rating history (2018 on) draws each year's HTXSNV afresh, so five in a row hardly happens. In the
demo commune a few members and organisations rated HTTNV or better every year of a window are decided
HTXSNV those years, with a justification and the findings the rules give (`_raise`) — one member per
grassroots organisation, so its quota moves by one at most — the organisations with the "tiêu biểu"
mark. Then, for the window 2018–2022: the members of the demo commune eligible for the Bằng khen are
proposed and granted by one decision of the province committee; its organisations eligible for the
Cờ thi đua are proposed and left pending. Deterministic: no randomness, subjects taken in tree and name order.

The awards tables are emptied first: `demo_reset` deletes members and organisations with raw SQL, and
the foreign keys (deferred until commit) must find no proposal left over from a previous run.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from dangvu.awards.models import AwardDecision, AwardKind, AwardProposal, AwardRule, SubjectKind
from dangvu.awards.queries import eligible
from dangvu.evaluations.models import MemberRating, OrgRating
from dangvu.evaluations.periods import YEAR
from dangvu.evaluations.regimes import regime_by_code
from dangvu.evaluations.regimes.base import HTTNV, HTXSNV, Subject
from dangvu.evaluations.services import RowInput, evaluate, rule_overrides, subordinates_of
from dangvu.members.lifecycle import ON_ROLL
from dangvu.orgs.kinds import GRASSROOTS_KINDS, OrgKind
from dangvu.orgs.models import Org

WINDOW = (2018, 2022)
# Organisations of the demo commune given the "tiêu biểu" mark over a whole window, per kind group.
EXEMPLARY_ORGS = 3
ELIGIBLE_MEMBERS = 6
JUSTIFICATION = "Thành tích nổi bật được cấp ủy ghi nhận (dữ liệu mẫu)"
DECISION_NUMBER = "1250"
DECISION_BODY = "Ban Thường vụ Tỉnh ủy"
DECISION_DAY = date(2023, 2, 3)


@dataclass(frozen=True)
class AwardsDemoSummary:
    eligible_members: int = 0
    eligible_orgs: int = 0
    proposals: int = 0
    granted: int = 0


def _raise(ratings: Any, subject: Subject) -> None:
    """Decide HTXSNV (organisations: "tiêu biểu" too) with a justification, and store what the rules
    say about it, exactly as the grid would (`services.evaluate`): a level above the allowed one shows
    as a warning with its reason. Only HTTNV rows are raised, so the counts the rules read one level up
    (HTNV or better, HTTNV or better) do not change."""
    overrides: dict[str, dict[str, Any]] = {}
    for rating in ratings.select_related("org"):
        regime = regime_by_code(rating.regime)
        if regime.code not in overrides:
            overrides[regime.code] = rule_overrides(regime)
        exemplary = subject == "org" or rating.exemplary
        justification = rating.justification if rating.level == HTXSNV else JUSTIFICATION
        below = subordinates_of(rating.org, rating.key) if subject == "org" else None
        row = RowInput(0, rating.score, rating.conditions, "", HTXSNV, exemplary, justification)
        result = evaluate(regime, subject, row, overrides[regime.code], below)
        rating.level, rating.exemplary, rating.justification = HTXSNV, exemplary, justification
        rating.allowed_level, rating.findings = result.allowed_level, result.findings
        rating.save(update_fields=["level", "exemplary", "justification", "allowed_level", "findings"])


def _group_of(path: str, grassroots: set[int]) -> int:
    """The grassroots organisation a path lies in (the quota's peer group)."""
    return next((int(part) for part in path.strip("/").split("/") if int(part) in grassroots), 0)


def _lift_members(commune: Org, years: range, target: int) -> None:
    """Make up to `target` members of the commune HTXSNV every year of `years`: only members rated
    every year, HTTNV or better, whose rules allowed HTXSNV every year (so the stored findings stay
    true), one per grassroots organisation (its quota of HTXSNV moves by one at most)."""
    grassroots = set(
        Org.objects.filter(path__in_subtree=commune.path, kind__in=GRASSROOTS_KINDS).values_list("pk", flat=True)
    )
    rows = MemberRating.objects.filter(
        quarter=YEAR, year__in=years, member__current_org__path__in_subtree=commune.path, member__status__in=ON_ROLL
    ).values_list("pk", "member_id", "year", "level", "allowed_level", "org__path")
    by_member: dict[int, dict[int, tuple[int, str, str, int]]] = defaultdict(dict)
    for pk, member_id, year, level, allowed, path in rows:
        group = _group_of(path, grassroots)
        by_member[member_id][year] = (pk, level, allowed, group)
    lifted: list[int] = []
    used: set[int] = set()  # one member per grassroots organisation: its quota moves by one at most
    chosen = 0
    for member_id in sorted(by_member):
        entries = by_member[member_id]
        if set(entries) != set(years) or any(level not in (HTXSNV, HTTNV) for _, level, _, _ in entries.values()):
            continue
        group = next(iter(entries.values()))[3]
        if group in used:
            continue
        used.add(group)
        for pk, level, _, _ in entries.values():
            if level != HTXSNV:
                lifted.append(pk)
        chosen += 1
        if chosen >= target:
            break
    _raise(MemberRating.objects.filter(pk__in=lifted), "member")


def _lift_orgs(commune: Org, kinds: frozenset[str], years: range) -> None:
    """The first organisations (tree order) of `kinds` in the commune rated every year of `years`,
    HTTNV or better, with HTXSNV allowed by the rules every year: HTXSNV "tiêu biểu" those years."""
    rows = OrgRating.objects.filter(
        quarter=YEAR, year__in=years, org__path__in_subtree=commune.path, org__kind__in=kinds
    ).values_list("org_id", "org__path", "year", "level")
    by_org: dict[int, set[int]] = defaultdict(set)
    spoiled: set[int] = set()
    paths: dict[int, str] = {}
    for org_id, path, year, level in rows:
        by_org[org_id].add(year)
        paths[org_id] = path
        if level not in (HTXSNV, HTTNV):
            spoiled.add(org_id)
    chosen = sorted(
        (pk for pk, got in by_org.items() if got == set(years) and pk not in spoiled),
        key=lambda pk: [int(part) for part in paths[pk].strip("/").split("/")],  # tree order, whatever the ids' digits
    )
    _raise(OrgRating.objects.filter(org_id__in=chosen[:EXEMPLARY_ORGS], quarter=YEAR, year__in=years), "org")


def awards_demo(*, province: Org, commune: Org, today: date) -> AwardsDemoSummary:
    AwardProposal.objects.all().delete()
    AwardDecision.objects.all().delete()
    last_complete = today.year - 1
    if last_complete < WINDOW[1]:
        return AwardsDemoSummary()
    _lift_members(commune, range(WINDOW[0], WINDOW[1] + 1), ELIGIBLE_MEMBERS)
    for first, last in (WINDOW, (last_complete - 4, last_complete)):
        _lift_orgs(commune, frozenset(GRASSROOTS_KINDS), range(first, last + 1))
        _lift_orgs(commune, frozenset({OrgKind.CELL}), range(first, last + 1))

    merit = AwardRule.objects.filter(subject_kind=SubjectKind.MEMBER, years=5, award=AwardKind.MERIT).first()
    banner = AwardRule.objects.filter(subject_kind=SubjectKind.GRASSROOTS, years=5, award=AwardKind.BANNER).first()
    if merit is None or banner is None:  # the seeded rules were removed by the deployment
        return AwardsDemoSummary()
    members = eligible(merit, commune, WINDOW[1]).candidates
    orgs = eligible(banner, commune, WINDOW[1]).candidates
    decision = AwardDecision.objects.create(
        number=DECISION_NUMBER, signed_on=DECISION_DAY, body=DECISION_BODY, org=province
    )
    proposals = [
        AwardProposal(rule=merit, member_id=c.pk, final_year=WINDOW[1], years=list(c.years), decision=decision)
        for c in members
    ] + [AwardProposal(rule=banner, org_id=c.pk, final_year=WINDOW[1], years=list(c.years)) for c in orgs]
    AwardProposal.objects.bulk_create(proposals)
    return AwardsDemoSummary(
        eligible_members=len(members), eligible_orgs=len(orgs), proposals=len(proposals), granted=len(members)
    )
