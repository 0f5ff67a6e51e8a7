"""Database side of party age and badges: reading events into the pure rules, proposals and decisions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from dangvu.accounts.models import User
from dangvu.audit.models import Action
from dangvu.audit.services import audit_record
from dangvu.lifecycle.badges import BadgeDue, badge_due
from dangvu.lifecycle.calendar import holidays as load_holidays
from dangvu.lifecycle.models import BadgeAward, BadgeProposal, ExpulsionCleared, IllnessMark
from dangvu.lifecycle.party_age import AgeEvent, PartyAge, party_age
from dangvu.members.lifecycle import ON_ROLL
from dangvu.members.models import Member, MemberEvent, MemberQuerySet
from dangvu.orgs.models import Org

ERR_DUPLICATE_AWARD = "Đảng viên đã được tặng huy hiệu {milestone} năm tuổi đảng."
ERR_DECISION_REQUIRED = "Cần nhập số, ngày quyết định và cơ quan quyết định."


def age_events(member_ids: Iterable[int]) -> dict[int, list[AgeEvent]]:
    """Live events of the members as `AgeEvent`s (two queries)."""
    ids = list(member_ids)
    cleared = set(ExpulsionCleared.objects.filter(event__member_id__in=ids).values_list("event_id", flat=True))
    by_member: dict[int, list[AgeEvent]] = defaultdict(list)
    rows = MemberEvent.objects.live().filter(member_id__in=ids).values_list("pk", "member_id", "kind", "on", "org_id")
    for pk, member_id, kind, on, org_id in rows:
        by_member[member_id].append(AgeEvent(kind=kind, on=on, org_id=org_id, cleared=pk in cleared))
    return by_member


def member_party_age(member: Member, today: date, holidays: Collection[date] | None = None) -> PartyAge | None:
    events = age_events([member.pk]).get(member.pk, [])
    return party_age(events, today=today, holidays=load_holidays() if holidays is None else holidays)


@dataclass
class BadgeRow:
    member: Member
    age: PartyAge
    due: BadgeDue
    proposal: BadgeProposal | None
    award: BadgeAward | None


def badge_candidates(members: MemberQuerySet, award_date: date, today: date) -> list[BadgeRow]:
    """Members on the roll who reach a milestone by `award_date` (or, marked seriously ill, up to 12/24
    months after it), without that badge: one row per member, by milestone then name."""
    roll = list(members.filter(status__in=ON_ROLL, official_on__isnull=False).select_related("current_org"))
    ids = [m.pk for m in roll]
    events = age_events(ids)
    holidays = load_holidays()
    awards: dict[int, dict[int, BadgeAward]] = defaultdict(dict)
    for award in BadgeAward.objects.filter(member_id__in=ids):
        awards[award.member_id][award.milestone] = award
    proposals: dict[tuple[int, int], BadgeProposal] = {
        (p.member_id, p.milestone): p for p in BadgeProposal.objects.filter(member_id__in=ids)
    }
    ill = set(IllnessMark.objects.filter(member_id__in=ids).values_list("member_id", flat=True))
    rows: list[BadgeRow] = []
    for member in roll:
        age = party_age(events.get(member.pk, []), today=today, holidays=holidays)
        given = {m for m, a in awards[member.pk].items() if a.award_date < award_date}
        due = badge_due(age, award_date, given=given, ill=member.pk in ill)
        if age is None or due is None:
            continue
        rows.append(
            BadgeRow(member, age, due, proposals.get((member.pk, due.milestone)), awards[member.pk].get(due.milestone))
        )
    rows.sort(key=lambda r: (r.due.milestone, r.member.name_sort_key, r.member.pk))
    return rows


def badge_propose(
    *, actor: User | None, member: Member, milestone: int, award_date: date, early: bool
) -> BadgeProposal:
    with transaction.atomic():
        proposal, created = BadgeProposal.objects.update_or_create(
            member=member,
            milestone=milestone,
            defaults={"award_date": award_date, "early": early, "proposed_by": actor},
        )
        audit_record(
            actor=actor,
            action=Action.CREATE if created else Action.UPDATE,
            target=member,
            note=f"Đề nghị tặng huy hiệu {milestone} năm tuổi đảng, đợt {award_date:%d/%m/%Y}",
            changes={"milestone": milestone, "award_date": award_date.isoformat(), "early": early},
        )
    return proposal


def badge_record(
    *,
    actor: User | None,
    member: Member,
    milestone: int,
    award_date: date,
    decision_no: str,
    decision_on: date,
    decided_by: str,
) -> BadgeAward:
    if not decision_no.strip() or not decided_by.strip():
        raise ValueError(ERR_DECISION_REQUIRED)
    if BadgeAward.objects.filter(member=member, milestone=milestone).exists():
        raise ValueError(ERR_DUPLICATE_AWARD.format(milestone=milestone))
    with transaction.atomic():
        award = BadgeAward.objects.create(
            member=member,
            milestone=milestone,
            award_date=award_date,
            decision_no=decision_no.strip(),
            decision_on=decision_on,
            decided_by=decided_by.strip(),
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action=Action.CREATE,
            target=member,
            note=f"Tặng huy hiệu {milestone} năm tuổi đảng, QĐ {award.decision_no} ngày {decision_on:%d/%m/%Y}",
            changes={"milestone": milestone, "decision_no": award.decision_no, "decided_by": award.decided_by},
        )
    return award


def illness_mark(*, actor: User | None, member: Member, ill: bool) -> None:
    with transaction.atomic():
        if ill:
            IllnessMark.objects.get_or_create(member=member, defaults={"marked_by": actor})
        else:
            IllnessMark.objects.filter(member=member).delete()
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            target=member,
            note="Đánh dấu ốm nặng (đề nghị huy hiệu sớm)" if ill else "Bỏ đánh dấu ốm nặng",
        )


def expulsion_clear(*, actor: User | None, event: MemberEvent, cleared_on: date, decision_no: str = "") -> None:
    with transaction.atomic():
        ExpulsionCleared.objects.update_or_create(
            event=event, defaults={"cleared_on": cleared_on, "decision_no": decision_no}
        )
        audit_record(actor=actor, action=Action.UPDATE, target=event.member, note="Hủy quyết định khai trừ (minh oan)")


def org_members(org: Org) -> MemberQuerySet:
    return Member.objects.in_subtree(org.path)
