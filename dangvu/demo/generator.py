"""Loading the demo province into the database.

The plan (tree, members, timelines) is drawn from one `random.Random(seed)` as plain values, then
written with `bulk_create`: the record-at-a-time services with their audit rows would take minutes
for 15,000 members. The derived member fields are computed exactly as the services compute them,
by `lifecycle.derive_state` over the events, and the load itself is one audit row (`Action.LOAD`).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.utils import timezone

from dangvu.accounts.models import Role, User
from dangvu.audit.models import Action, AuditRecord
from dangvu.audit.services import audit_record
from dangvu.demo.awards_demo import awards_demo
from dangvu.demo.clusters_demo import clusters_demo
from dangvu.demo.fees import fees_demo
from dangvu.demo.handbook import handbook_demo
from dangvu.demo.lifecycle_demo import lifecycle_demo
from dangvu.demo.meetings_demo import meetings_demo
from dangvu.demo.people import MemberPlanner, PlannedMember
from dangvu.demo.plans_demo import plans_demo
from dangvu.demo.ratings import RatingSummary, write_ratings
from dangvu.demo.reform import write_tree_with_reform
from dangvu.demo.tree import PROVINCE_NAME, plan_tree
from dangvu.evaluations.models import MemberRating, OrgRating, Period
from dangvu.lib.collation import name_sort_key
from dangvu.lib.text import fold
from dangvu.members.checks import RecordFacts, check_record
from dangvu.members.history import rebuild_memberships
from dangvu.members.lifecycle import EventFact, derive_state
from dangvu.members.models import Member, MemberEvent, Membership
from dangvu.orgs.models import Org, OrgVersion
from dangvu.tallies.build import rebuild as rebuild_tallies
from dangvu.tallies.triggers import paused as tally_triggers_paused

DEFAULT_MEMBERS = 15_000
DEFAULT_SEED = 2026
DEMO_PASSWORD = "dangvu-demo"  # printed at the end of `dangvu demo`; a demo install only
DEMO_URL = "http://127.0.0.1:8000/"

ERR_PLAN = "Dữ liệu mẫu sinh ra không hợp lệ cho “{name}”: {errors}"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    scope: str  # name of the scope organisation
    full_name: str


@dataclass
class DemoSummary:
    orgs: int = 0
    cells: int = 0
    grassroots: int = 0
    members: int = 0
    events: int = 0
    seconds: float = 0.0
    rating_seconds: float = 0.0
    ratings: RatingSummary | None = None
    by_status: dict[str, int] = field(default_factory=dict)
    accounts: list[DemoAccount] = field(default_factory=list)


def demo_reset() -> None:
    """Empty the domain tables: evaluation periods and ratings, organisations, members, events, the audit
    trail, every account that is not a superuser, and all sessions. Superusers are kept, without scope or
    member link. (The rule settings of the evaluation are configuration and stay.)"""
    User.objects.update(scope=None, member=None)
    with connection.cursor() as cursor:
        for model in (MemberRating, OrgRating, Period, AuditRecord, Membership, MemberEvent, Member, OrgVersion, Org):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    User.objects.filter(is_superuser=False).delete()
    Session.objects.all().delete()


def _write_members(planned: list[PlannedMember], orgs: dict[int, Org], today: date) -> tuple[list[Member], int]:
    """Members with their derived fields from `derive_state`; then their events, in the same order, so
    the events' primary keys follow the `seq` used here."""
    members: list[Member] = []
    seq = 0
    for plan in planned:
        facts = []
        for event in plan.events:
            seq += 1
            org_id = orgs[event.org].pk if event.org is not None else None
            facts.append(EventFact(kind=event.kind, on=event.on, org_id=org_id, ceremony_on=event.ceremony_on, seq=seq))
        state = derive_state(facts)
        record = check_record(
            RecordFacts(
                birth_date=plan.birth_date,
                citizen_id=plan.citizen_id,
                phone=plan.phone,
                admitted_on=state.admitted_on,
                ceremony_on=state.ceremony_on,
                official_on=state.official_on,
            ),
            today=today,
        )
        if state.errors or record.errors:
            raise RuntimeError(ERR_PLAN.format(name=plan.full_name, errors=[*state.errors, *record.errors.values()]))
        members.append(
            Member(
                full_name=plan.full_name,
                name_search=fold(plan.full_name),
                name_sort_key=name_sort_key(plan.full_name),
                sex=plan.sex,
                birth_date=plan.birth_date,
                home_town=plan.home_town,
                ethnicity=plan.ethnicity,
                religion=plan.religion,
                citizen_id=plan.citizen_id,
                card_number=plan.card_number,
                education=plan.education,
                professional_level=plan.professional_level,
                political_theory=plan.political_theory,
                occupation=plan.occupation,
                position=plan.position,
                phone=plan.phone,
                address=plan.address,
                status=state.status,
                is_probationary=state.is_probationary,
                current_org_id=state.org_id,
                admitted_on=state.admitted_on,
                ceremony_on=state.ceremony_on,
                official_on=state.official_on,
                status_since=state.status_since,
            )
        )
    Member.objects.bulk_create(members, batch_size=1000)
    events = [
        MemberEvent(
            member=member,
            kind=event.kind,
            on=event.on,
            org=orgs[event.org] if event.org is not None else None,
            external_org=event.external_org,
            ceremony_on=event.ceremony_on,
            expected_end=event.expected_end,
            decision_no=event.decision_no,
            decided_by=event.decided_by,
            note=event.note,
        )
        for member, plan in zip(members, planned, strict=True)
        for event in plan.events
    ]
    MemberEvent.objects.bulk_create(events, batch_size=2000)
    return members, len(events)


def _write_accounts(
    *, province: Org, commune: Org, cell: Org, secretary: Member | None, member: Member | None
) -> list[DemoAccount]:
    password = make_password(DEMO_PASSWORD)
    specs: list[tuple[str, str, Org, str, Member | None]] = [
        ("admin", Role.ADMIN, province, "Quản trị hệ thống", None),
        ("tinh", Role.STAFF, province, "Cán bộ Ban Tổ chức Tỉnh ủy", None),
        ("xa", Role.STAFF, commune, f"Cán bộ Tổ chức {commune.name.removeprefix('Đảng bộ ')}", None),
        ("bithu", Role.SECRETARY, cell, secretary.full_name if secretary else "Bí thư chi bộ", None),
        ("xem", Role.VIEWER, commune, "Người xem", None),
        ("dangvien", Role.MEMBER, cell, member.full_name if member else "Đảng viên", member),
    ]
    User.objects.bulk_create(
        [
            User(username=username, password=password, role=role, scope=scope, first_name=name, member=linked)
            for username, role, scope, name, linked in specs
        ]
    )
    return [DemoAccount(username, role, scope.name, name) for username, role, scope, name, _ in specs]


def demo_load(
    *, members: int = DEFAULT_MEMBERS, seed: int = DEFAULT_SEED, today: date | None = None, ratings: bool = True
) -> DemoSummary:
    """Replace the domain data with the demo province and, unless `ratings` is false, its rating history
    (`ratings.write_ratings`). Same seed and day, same data."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    rng = random.Random(seed)
    plans, communes = plan_tree(rng)
    commune_index = communes[0][1]
    cell_plan = next(p for p in plans if p.parent == commune_index and p.is_cell and p.place)
    local_units = [f"{s.unit.capitalize()} {s.name}" for s, _ in communes]
    planner = MemberPlanner(rng, plans, today, local_units)
    planned = planner.plan(members, pinned_cell=cell_plan.index)
    in_cell = [i for i, m in enumerate(planned) if m.cell == cell_plan.index]

    # The report's kept counts are rebuilt at the end: no queue of every row written meanwhile.
    with transaction.atomic(), tally_triggers_paused():
        demo_reset()
        orgs = write_tree_with_reform(plans)  # the 2025 changes made by restructuring decisions
        rows, event_count = _write_members(planned, orgs, today)
        accounts = _write_accounts(
            province=orgs[0],
            commune=orgs[commune_index],
            cell=orgs[cell_plan.index],
            secretary=rows[in_cell[0]] if in_cell else None,
            member=rows[in_cell[1]] if len(in_cell) > 1 else None,
        )
        summary = DemoSummary(
            orgs=len(plans),
            cells=sum(1 for p in plans if p.is_cell and p.dissolved_on is None),
            grassroots=sum(1 for p in plans if p.dissolved_on is None and p.kind.startswith("grassroots")),
            members=len(rows),
            events=event_count,
            accounts=accounts,
        )
        for row in rows:
            summary.by_status[row.status] = summary.by_status.get(row.status, 0) + 1
        if ratings:
            rating_started = time.perf_counter()
            summary.ratings = write_ratings(
                plans=plans,
                planned=planned,
                orgs=orgs,
                members=rows,
                province=orgs[0],
                pinned_cell=cell_plan.index,
                seed=seed,
                today=today,
            )
            summary.rating_seconds = time.perf_counter() - rating_started
        rebuild_memberships()  # the bulk-written events bypass the services' membership sync
        lifecycle_demo(rows=rows, focus=orgs[cell_plan.index], today=today)
        awards_demo(province=orgs[0], commune=orgs[commune_index], today=today)
        plans_demo(province=orgs[0], commune=orgs[commune_index], today=today)
        meetings_demo(commune=orgs[commune_index], today=today)
        handbook_demo(
            cell=orgs[cell_plan.index],
            commune=orgs[commune_index],
            member=rows[in_cell[1]] if len(in_cell) > 1 else None,
            today=today,
        )
        clusters_demo(province=orgs[0], today=today)
        fees_demo(scope=orgs[commune_index], focus=orgs[cell_plan.index], today=today)
        rebuild_tallies()  # the report's kept counts, from scratch
        audit_record(
            actor=None,
            action=Action.LOAD,
            target_type="demo",
            note=f"Dữ liệu mẫu tỉnh {PROVINCE_NAME}: {summary.members} đảng viên, {summary.orgs} tổ chức (seed {seed})",
            changes={
                "seed": seed,
                "members": summary.members,
                "orgs": summary.orgs,
                "events": event_count,
                "member_ratings": summary.ratings.member_ratings if summary.ratings else 0,
                "org_ratings": summary.ratings.org_ratings if summary.ratings else 0,
            },
        )
    summary.seconds = time.perf_counter() - started
    return summary
