"""Set-level queries of the awards: who satisfies a rule in an organisation's subtree, what was proposed
and granted. Each function states its result's shape and its number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q

from dangvu.awards.models import SUBJECT_ORG_KINDS, AwardDecision, AwardProposal, AwardRule
from dangvu.awards.streaks import YearLevel, equivalence_from_settings, streak, years_text
from dangvu.evaluations.models import MemberRating, OrgRating
from dangvu.evaluations.periods import YEAR
from dangvu.members.lifecycle import ON_ROLL
from dangvu.orgs.models import Org

# The links offered per rule: final years among the last complete years.
READY_YEARS = 5


def equivalence() -> dict[str, str]:
    return equivalence_from_settings(getattr(settings, "AWARD_LEVEL_EQUIVALENCE", None))


@dataclass
class Candidate:
    """One subject that satisfies the rule: `kind` "member" or "org", its id, name, the cell or the
    organisation above it, the qualifying years, and the proposal already made (if any)."""

    kind: str
    pk: int
    name: str
    code: str
    parent: str
    years: tuple[int, ...]
    proposal: AwardProposal | None = None

    @property
    def years_text(self) -> str:
        return years_text(self.years)


@dataclass
class Eligibility:
    rule: AwardRule
    org: Org
    final_year: int
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def proposed(self) -> int:
        return sum(1 for c in self.candidates if c.proposal is not None)


def _rows(rule: AwardRule, org: Org, final_year: int) -> Iterable[Mapping[str, Any]]:
    first = final_year - rule.years + 1
    if rule.is_member_rule:
        return (
            MemberRating.objects.filter(
                quarter=YEAR,
                year__range=(first, final_year),
                member__current_org__path__in_subtree=org.path,
                member__status__in=ON_ROLL,
            )
            .exclude(level="")
            .values(
                "year",
                "level",
                "exemplary",
                subject=F("member_id"),
                name=F("member__full_name"),
                code=F("member__card_number"),
                parent=F("member__current_org__name"),
                sort=F("member__name_sort_key"),
            )
            .order_by()
        )
    return (
        OrgRating.objects.filter(
            quarter=YEAR,
            year__range=(first, final_year),
            org__path__in_subtree=org.path,
            org__kind__in=SUBJECT_ORG_KINDS[rule.subject_kind],
            org__dissolved_on__isnull=True,
        )
        .exclude(level="")
        .values(
            "year",
            "level",
            "exemplary",
            subject=F("org_id"),
            name=F("org__name"),
            code=F("org__code"),
            parent=F("org__parent__name"),
            sort=F("org__path"),
        )
        .order_by()
    )


def eligible(rule: AwardRule, org: Org, final_year: int) -> Eligibility:
    """The subjects under `org` (the node included) that satisfy `rule` for the years ending at
    `final_year`, sorted by name (members, Vietnamese collation) or tree order (organisations), each
    with its qualifying years and its proposal for this rule and year. Two queries: the ratings of the
    window, then the proposals of the subjects found."""
    by_subject: dict[int, dict[int, YearLevel]] = defaultdict(dict)
    info: dict[int, Mapping[str, Any]] = {}
    for row in _rows(rule, org, final_year):
        by_subject[row["subject"]][row["year"]] = YearLevel(row["level"], row["exemplary"])
        info[row["subject"]] = row
    mapping = equivalence()
    kind = "member" if rule.is_member_rule else "org"
    candidates = []
    for pk, levels in by_subject.items():
        ok, years = streak(levels, rule, final_year, mapping)
        if ok:
            row = info[pk]
            candidates.append(Candidate(kind, pk, row["name"], row["code"] or "", row["parent"] or "", years))
    candidates.sort(key=lambda c: (bytes(info[c.pk]["sort"] or b"") if kind == "member" else info[c.pk]["sort"], c.pk))
    if candidates:
        subject_field = "member_id" if kind == "member" else "org_id"
        proposals = AwardProposal.objects.filter(
            rule=rule, final_year=final_year, **{f"{subject_field}__in": [c.pk for c in candidates]}
        ).select_related("decision")
        by_pk = {getattr(p, subject_field): p for p in proposals}
        for candidate in candidates:
            candidate.proposal = by_pk.get(candidate.pk)
    return Eligibility(rule, org, final_year, candidates)


def in_subtree(org: Org) -> Q:
    """Proposals whose subject lies under `org` (a member by their current cell)."""
    return Q(member__current_org__path__in_subtree=org.path) | Q(org__path__in_subtree=org.path)


@dataclass(frozen=True)
class GrantedCount:
    rule: AwardRule
    count: int

    @property
    def sentence(self) -> str:
        """ "tặng Bằng khen 87 đảng viên hoàn thành xuất sắc nhiệm vụ 5 năm liên tục"."""
        return f"tặng {self.rule.get_award_display()} {self.count} {self.rule.subject_noun()} {self.rule.achievement()}"


def granted_counts(org: Org, final_year: int) -> list[GrantedCount]:
    """Per rule, the subjects under `org` granted an award for the years ending at `final_year`
    (proposals carried by a decision). Two queries: the counts, then their rules."""
    counts = dict(
        AwardProposal.objects.filter(in_subtree(org), final_year=final_year, decision__isnull=False)
        .values_list("rule")
        .annotate(n=Count("pk"))
        .order_by()
    )
    if not counts:
        return []
    rules = AwardRule.objects.filter(pk__in=counts)
    return [GrantedCount(rule, counts[rule.pk]) for rule in rules]


def pending_proposals(rule: AwardRule, org: Org, final_year: int) -> list[AwardProposal]:
    """Proposals of this rule and year under `org` that no decision carries yet; one query."""
    return list(
        AwardProposal.objects.filter(in_subtree(org), rule=rule, final_year=final_year, decision__isnull=True)
        .select_related("member", "member__current_org", "org", "org__parent")
        .order_by("pk")
    )


def decisions_for(org: Org, final_year: int) -> list[AwardDecision]:
    """Decisions that carry at least one proposal under `org` for the years ending at `final_year`."""
    return list(
        AwardDecision.objects.filter(
            pk__in=AwardProposal.objects.filter(in_subtree(org), final_year=final_year).values("decision")
        ).annotate(n=Count("proposals"))
    )


def subject_awards(*, member_id: int | None = None, org_id: int | None = None) -> list[AwardProposal]:
    """A member's or an organisation's proposals with their rules and decisions; one query."""
    filters = {"member_id": member_id} if member_id is not None else {"org_id": org_id}
    return list(
        AwardProposal.objects.filter(**filters).select_related("rule", "decision").order_by("-final_year", "pk")
    )


def decision_rows(decision: AwardDecision) -> list[AwardProposal]:
    """The proposals a decision grants, with their subjects and rules; one query."""
    return list(
        decision.proposals.select_related("rule", "member", "member__current_org", "org", "org__parent").order_by(
            "rule_id", "member__name_sort_key", "org__path", "pk"
        )
    )
