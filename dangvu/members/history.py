"""The membership history: which cell each member was in, with which status, from when to when.

`Membership` rows are derived from the live events with `lifecycle.derive_timeline` (the same replay
that gives today's status): one row per stretch of constant (cell, status, probationary) while the
member is in a cell of ours. The services call `sync_memberships` after every change of a member's
events; bulk writers (the demo loader, the member import) call `rebuild_memberships`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db import transaction

from dangvu.members.lifecycle import ON_ROLL, EventFact, Moment, Status, derive_timeline
from dangvu.members.models import Member, MemberEvent, Membership

Stretch = tuple[int, str, bool, date, date | None]
# Statuses in which a member is in a cell of this deployment (stored as memberships).
IN_CELL = frozenset({*ON_ROLL, Status.HOSTED})
BATCH = 2000


def stints_of(moments: list[Moment]) -> list[Stretch]:
    """(org_id, status, is_probationary, valid_from, valid_to) for each stretch in a cell; pure."""
    rows: list[Stretch] = []
    for index, moment in enumerate(moments):
        until = moments[index + 1].on if index + 1 < len(moments) else None
        if moment.status not in IN_CELL or moment.org_id is None:
            continue
        key = (moment.org_id, moment.status, moment.is_probationary)
        if rows and rows[-1][:3] == key and rows[-1][4] == moment.on:
            rows[-1] = (*key, rows[-1][3], until)
        else:
            rows.append((*key, moment.on, until))
    return rows


def _rows_for(member_id: int, facts: Iterable[EventFact]) -> list[Membership]:
    return [
        Membership(
            member_id=member_id,
            org_id=org_id,
            status=status,
            is_probationary=probationary,
            valid_from=start,
            valid_to=end,
        )
        for org_id, status, probationary, start, end in stints_of(derive_timeline(facts))
    ]


def _facts(events: Iterable[MemberEvent]) -> list[EventFact]:
    return [EventFact(e.kind, e.on, e.org_id, e.ceremony_on, seq=e.pk) for e in events]


def sync_memberships(member: Member, events: Iterable[MemberEvent] | None = None) -> None:
    """Rewrite one member's memberships from their live events (two or three queries)."""
    live = list(events) if events is not None else list(member.events.live())
    Membership.objects.filter(member=member).delete()
    Membership.objects.bulk_create(_rows_for(member.pk, _facts(e for e in live if e.deleted_at is None)))


@transaction.atomic
def rebuild_memberships(member_ids: Iterable[int] | None = None) -> int:
    """Rewrite the memberships of the given members (all when None) from their events; returns the
    number of rows written. Streams the events in member order, a batch at a time."""
    events = MemberEvent.objects.live().order_by("member_id", "on", "pk")
    stale = Membership.objects.all()
    if member_ids is not None:
        ids = list(member_ids)
        events, stale = events.filter(member_id__in=ids), stale.filter(member_id__in=ids)
    stale.delete()
    by_member: dict[int, list[EventFact]] = defaultdict(list)
    written = 0
    pending: list[Membership] = []
    for member_id, kind, on, org_id, ceremony_on, pk in events.values_list(
        "member_id", "kind", "on", "org_id", "ceremony_on", "pk"
    ).iterator(chunk_size=BATCH):
        by_member[member_id].append(EventFact(kind, on, org_id, ceremony_on, seq=pk))
    for member_id, facts in by_member.items():
        pending.extend(_rows_for(member_id, facts))
        if len(pending) >= BATCH:
            Membership.objects.bulk_create(pending)
            written += len(pending)
            pending = []
    Membership.objects.bulk_create(pending)
    return written + len(pending)
