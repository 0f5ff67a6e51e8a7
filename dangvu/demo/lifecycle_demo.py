"""Demo data of the work list, Party age and badges, written into the demo province after its members
and ratings: probationers due this month and overdue, ceremonies pending, temporary transfers ending soon,
members reaching 30/40/50 years at the next award date, a few badges already given.

Only existing members are changed (their events are edited and the derived fields re-synced), members of
the demo secretary's cell first, so the counts and the rating history of the demo stay as they are. The
choices depend only on the data and `today`: same seed and day, same data. No audit rows.
"""

from __future__ import annotations

from datetime import date, timedelta

from dangvu.accounts.models import User
from dangvu.lib.dates import add_months
from dangvu.lifecycle.badges import MILESTONES, next_award_date, previous_award_date
from dangvu.lifecycle.models import BadgeAward, BadgeProposal, ExpulsionCleared, IllnessMark
from dangvu.lifecycle.party_age import AgeEvent, party_age
from dangvu.members.lifecycle import EventKind, Status
from dangvu.members.models import Member, MemberEvent
from dangvu.members.services import member_sync
from dangvu.orgs.kinds import OrgKind
from dangvu.orgs.models import Org

OLD_ENOUGH = date(2016, 1, 1)  # admitted before every rated period: moving the date changes no rating


def _ordered(members: list[Member], focus: Org) -> list[Member]:
    """The focus cell first, then the rest of its commune (the demo's "xa" scope), then the others."""
    commune = Org.objects.filter(pk__in=focus.ancestor_ids(), kind=OrgKind.UPPER).first()
    near = set(Org.objects.subtree(commune).values_list("pk", flat=True)) if commune else {focus.pk}
    return sorted(members, key=lambda m: (m.current_org_id != focus.pk, m.current_org_id not in near, m.pk))


def _events(member: Member) -> list[MemberEvent]:
    return list(MemberEvent.objects.live().filter(member=member).order_by("on", "pk"))


def lifecycle_demo(*, rows: list[Member], focus: Org, today: date) -> None:
    for model in (BadgeAward, BadgeProposal, IllnessMark, ExpulsionCleared):
        model.objects.all().delete()  # demo_reset empties the members these rows point to
    with_account = set(User.objects.filter(member__isnull=False).values_list("member_id", flat=True))
    members = [m for m in rows if m.status == Status.ACTIVE and m.pk not in with_account]
    probationers = _ordered([m for m in members if m.is_probationary], focus)
    officials = _ordered([m for m in members if not m.is_probationary and m.admitted_on], focus)
    # Confirmation due this month (3) and overdue (2): recent official members whose confirmation is not
    # recorded yet (the confirmation event is taken out; the admission date, hence the ratings, stay).
    plans = [add_months(today, -12) + timedelta(days=d) for d in (-5, 3, 10)]
    plans += [add_months(today, -14), add_months(today, -15)]
    used: set[int] = set()
    for ceremony in plans:
        for member in officials:
            if member.pk in used or not (ceremony - timedelta(days=400) <= member.admitted_on < ceremony):  # type: ignore[operator]
                continue
            events = _events(member)
            if [e.kind for e in events] != [EventKind.ADMITTED, EventKind.CONFIRMED]:
                continue
            used.add(member.pk)
            events[0].ceremony_on = ceremony
            events[0].save(update_fields=["ceremony_on"])
            events[1].delete()
            member_sync(member)
            break
    # Ceremonies not held yet (2): the latest admitted probationers.
    for member in sorted(probationers, key=lambda m: (m.admitted_on or today, m.pk), reverse=True)[:2]:
        admission = next(e for e in _events(member) if e.kind in {EventKind.ADMITTED, EventKind.READMITTED})
        admission.ceremony_on = None
        admission.save(update_fields=["ceremony_on"])
        member_sync(member)

    officials = [m for m in officials if m.pk not in used]
    plain = [m for m in officials if m.admitted_on and m.admitted_on < OLD_ENOUGH and len(_events(m)) == 2]
    # Temporary transfers ending soon (3).
    for number, member in enumerate(plain[:3]):
        MemberEvent.objects.create(
            member=member,
            kind=EventKind.TEMP_OUT,
            on=add_months(today, -5),
            external_org="Đảng ủy Trường Chính trị tỉnh (học tập)",
            expected_end=today + timedelta(days=7 + 7 * number),
            note="Dữ liệu mẫu: sinh hoạt tạm thời",
        )
        member_sync(member)
    # Members reaching 30, 40 and 50 years at the next award date (two of each).
    award = next_award_date(today)
    since = previous_award_date(award)
    reach = since + (award - since) / 2
    for number, member in enumerate(plain[3:9]):
        years = (30, 40, 50)[number % 3]
        admitted = add_months(reach, -12 * years) + timedelta(days=number)
        if member.birth_date > add_months(admitted, -12 * 18):
            continue
        admission, confirmation = _events(member)
        admission.on, admission.ceremony_on = admitted, admitted + timedelta(days=20)
        confirmation.on = add_months(admitted + timedelta(days=20), 12)
        admission.save(update_fields=["on", "ceremony_on"])
        confirmation.save(update_fields=["on"])
        member_sync(member)
    # Badges already given to long-standing members (a few).
    given = 0
    for member in plain[9:]:
        age = party_age([AgeEvent(e.kind, e.on, e.org_id) for e in _events(member)], today=today, holidays=frozenset())
        if age is None or not age.official:
            continue
        reached = [y for y in MILESTONES if age.reached_on(y) <= today - timedelta(days=120)]
        if not reached:
            continue
        milestone = reached[-1]
        on = next_award_date(age.reached_on(milestone))
        BadgeAward.objects.create(
            member=member,
            milestone=milestone,
            award_date=on,
            decision_no=f"{100 + given}-QĐ/TU",
            decision_on=on - timedelta(days=10),
            decided_by="Ban Thường vụ Tỉnh ủy",
        )
        given += 1
        if given == 5:
            break
