"""`dangvu demo` at a small size: the tree's shape, members derived from their events, accounts, the rating
history (periods, member and organisation ratings as the rules say), determinism."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from dangvu.accounts.models import Role, User
from dangvu.audit.models import Action, AuditRecord
from dangvu.demo.generator import DEMO_PASSWORD, DEMO_URL
from dangvu.demo.ratings import RATINGS_FROM
from dangvu.evaluations.models import MemberRating, OrgRating, Period, PeriodStatus
from dangvu.evaluations.periods import YEAR, PeriodKey
from dangvu.evaluations.queries import exclusion_expr, members_of_period
from dangvu.evaluations.regimes import regime_by_code, regime_for
from dangvu.evaluations.regimes.base import HTNV, HTTNV, HTXSNV, KHTNV, quota_check
from dangvu.evaluations.services import RowInput, evaluate, rule_overrides, subordinates_of
from dangvu.lib.collation import name_sort_key
from dangvu.lib.text import fold
from dangvu.members.lifecycle import EventFact, derive_state
from dangvu.members.models import Member, MemberEvent
from dangvu.orgs.kinds import ALLOWED_CHILDREN, CELL_KINDS, GRASSROOTS_KINDS, ROOT_KINDS, OrgKind
from dangvu.orgs.models import Org, OrgVersion

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)  # the year-end rating of 2026 is in progress


def run_demo(members: int = 400, seed: int = 2026) -> str:
    out = StringIO()
    call_command("demo", members=members, seed=seed, today=TODAY, stdout=out)
    return out.getvalue()


def test_the_tree_obeys_the_allowed_shapes_now_and_in_its_history() -> None:
    run_demo()
    orgs = {org.pk: org for org in Org.objects.all()}
    for org in orgs.values():
        if org.parent_id is None:
            assert org.kind in ROOT_KINDS
            assert org.path == f"/{org.pk}/" and org.depth == 0
        else:
            parent = orgs[org.parent_id]
            assert org.kind in ALLOWED_CHILDREN.get(parent.kind, frozenset()), (org, parent)
            assert org.path == f"{parent.path}{org.pk}/" and org.depth == parent.depth + 1
    for version in OrgVersion.objects.exclude(parent=None).select_related("parent"):
        assert version.parent is not None and version.kind in ALLOWED_CHILDREN[version.parent.kind], version
    open_versions = Counter(OrgVersion.objects.filter(valid_to=None).values_list("org_id", flat=True))
    for org in orgs.values():
        assert open_versions[org.pk] == (0 if org.dissolved_on else 1), org
    live = [org for org in orgs.values() if org.dissolved_on is None]
    kinds = Counter(org.kind for org in live)
    assert kinds[OrgKind.PROVINCE] == 1 and kinds[OrgKind.UPPER] == 12
    assert kinds[OrgKind.GRASSROOTS_CELL] + kinds[OrgKind.GRASSROOTS_COMMITTEE] >= 140
    assert kinds[OrgKind.SUB_COMMITTEE] > 0
    assert sum(1 for org in orgs.values() if org.dissolved_on) >= 5  # dissolved nodes stay, with history
    assert OrgVersion.objects.exclude(name__in=[org.name for org in orgs.values()]).exists()  # renamed ones


def test_every_members_derived_fields_are_derive_state_of_their_events() -> None:
    run_demo()
    events: dict[int, list[EventFact]] = {}
    for e in MemberEvent.objects.order_by("pk"):
        fact = EventFact(kind=e.kind, on=e.on, org_id=e.org_id, ceremony_on=e.ceremony_on, seq=e.pk)
        events.setdefault(e.member_id, []).append(fact)
    members = list(Member.objects.select_related("current_org"))
    assert len(members) == 400
    for member in members:
        state = derive_state(events[member.pk])
        assert not state.errors, member
        assert (
            member.status,
            member.is_probationary,
            member.current_org_id,
            member.admitted_on,
            member.ceremony_on,
            member.official_on,
            member.status_since,
        ) == (
            state.status,
            state.is_probationary,
            state.org_id,
            state.admitted_on,
            state.ceremony_on,
            state.official_on,
            state.status_since,
        ), member
        assert member.current_org is not None and member.current_org.kind in CELL_KINDS
        assert member.name_search == fold(member.full_name)
        assert bytes(member.name_sort_key) == name_sort_key(member.full_name)


def test_citizen_ids_are_twelve_digits_and_unique_and_full_members_have_cards() -> None:
    run_demo()
    ids = list(Member.objects.values_list("citizen_id", flat=True))
    assert all(value and re.fullmatch(r"\d{12}", value) for value in ids)
    assert len(set(ids)) == len(ids)
    assert not Member.objects.filter(official_on__isnull=False, card_number__isnull=True).exists()
    sexes = Counter(Member.objects.values_list("sex", flat=True))
    assert 0.5 < sexes["male"] / 400 < 0.8


def test_there_is_one_account_per_role_each_with_a_scope_and_the_password_works() -> None:
    output = run_demo()
    users = {user.username: user for user in User.objects.select_related("scope", "member__current_org")}
    roles = {name: user.role for name, user in users.items()}
    assert roles == {
        "admin": Role.ADMIN,
        "tinh": Role.STAFF,
        "xa": Role.STAFF,
        "bithu": Role.SECRETARY,
        "xem": Role.VIEWER,
        "dangvien": Role.MEMBER,
    }
    assert all(user.scope is not None for user in users.values())
    province, commune, cell = users["tinh"].scope, users["xa"].scope, users["bithu"].scope
    assert province is not None and commune is not None and cell is not None
    assert province.kind == OrgKind.PROVINCE and commune.kind == OrgKind.UPPER and cell.kind in CELL_KINDS
    assert users["xem"].scope == commune and cell.is_descendant_of(commune)
    member = users["dangvien"].member
    assert member is not None and member.current_org == cell and member.status == "active"
    for user in users.values():
        assert Member.objects.visible_to(user).exists(), user
    assert Member.objects.visible_to(users["xa"]).count() < Member.objects.visible_to(users["tinh"]).count()
    assert DEMO_PASSWORD in output and DEMO_URL in output
    assert all(user.check_password(DEMO_PASSWORD) for user in users.values())
    # The load is one audit row, not one per record.
    assert list(AuditRecord.objects.values_list("action", flat=True)) == [Action.LOAD]


def test_running_it_twice_gives_the_same_data_and_keeps_superusers() -> None:
    def snapshot() -> tuple[set[Any], ...]:
        orgs = set(Org.objects.values_list("code", "name"))
        members = set(Member.objects.values_list("full_name", "birth_date", "citizen_id", "status"))
        member_rows = MemberRating.objects.values_list(
            "member__citizen_id", "org__code", "year", "quarter", "score", "conditions", "level", "allowed_level"
        )
        org_ratings = set(
            OrgRating.objects.values_list(
                "org__code", "year", "quarter", "score", "level", "allowed_level", "exemplary", "justification"
            )
        )
        member_ratings = {(*row[:5], json.dumps(row[5], sort_keys=True), *row[6:]) for row in member_rows}
        periods = set(Period.objects.values_list("org__code", "year", "quarter", "regime", "status"))
        return orgs, members, member_ratings, org_ratings, periods

    run_demo()
    first = snapshot()
    User.objects.create_superuser("root", password="x" * 12)
    run_demo()
    assert snapshot() == first
    assert User.objects.filter(username="root").exists()
    assert User.objects.count() == 7
    assert AuditRecord.objects.count() == 1
    assert first[2] and first[3]  # ratings are part of what repeats
    run_demo(seed=7)
    assert snapshot()[1] != first[1] and snapshot()[2] != first[2]


# The rating history -----------------------------------------------------------------------------------------

QUARTERS = [(2025, 3), (2025, 4), (2026, 1), (2026, 2), (2026, 3)]  # QĐ 366 from 30/8/2025, ended by TODAY
RANK = {HTXSNV: 1, HTTNV: 2, HTNV: 3, KHTNV: 4}


def test_ratings_cover_every_year_from_2018_and_the_quarters_of_qd366_with_published_periods() -> None:
    output = run_demo()
    assert "Xếp loại" in output
    expected = [(year, YEAR) for year in range(RATINGS_FROM, 2027)] + QUARTERS
    member_periods = set(MemberRating.objects.values_list("year", "quarter").distinct())
    org_periods = set(OrgRating.objects.values_list("year", "quarter").distinct())
    assert member_periods == org_periods == set(expected)
    for year, quarter in expected:
        code = regime_for(PeriodKey(year, quarter).end).code
        assert set(MemberRating.objects.filter(year=year, quarter=quarter).values_list("regime", flat=True)) == {code}
        assert set(OrgRating.objects.filter(year=year, quarter=quarter).values_list("regime", flat=True)) == {code}
    assert regime_for(PeriodKey(2025, 3).end).code == "QD366"
    province = Org.objects.get(kind=OrgKind.PROVINCE)
    periods = {(p.year, p.quarter): p for p in Period.objects.all()}
    assert set(periods) == set(expected)
    for key, period in periods.items():
        assert period.org == province and period.regime == regime_for(period.key.end).code
        if key == (2026, YEAR):
            assert period.status == PeriodStatus.OPEN and period.closed_at is None
        else:
            assert period.status == PeriodStatus.CLOSED and period.closed_at is not None
            assert period.closed_at.date() > period.key.end
    # Scores where the regime scores (QĐ 366), none where it goes by criteria.
    for regime_code, scored in ((code, regime_by_code(code).scored) for code in {p.regime for p in periods.values()}):
        rows = MemberRating.objects.filter(regime=regime_code)
        assert not rows.filter(score__isnull=scored).exists(), regime_code
        assert all(rows.values_list("conditions", flat=True)[:50]), regime_code
    # Organisations rated: every grassroots organisation, sub-committee and cell that existed then.
    for year in (2018, 2024, 2025):
        end = date(year, 12, 31)
        alive = Org.objects.filter(founded_on__lte=end).exclude(dissolved_on__lte=end)
        last_kind: dict[int, str] = {}
        for v in OrgVersion.objects.filter(org__in=alive, valid_from__lte=end).order_by("valid_from"):
            last_kind[v.org_id] = v.kind
        rateable = {org for org, kind in last_kind.items() if kind not in {OrgKind.UPPER, OrgKind.PROVINCE}}
        rated = set(OrgRating.objects.filter(year=year, quarter=YEAR).values_list("org_id", flat=True))
        assert rated == rateable, year


def _existed(org: Org, day: date) -> bool:
    return org.founded_on is not None and org.founded_on <= day and (org.dissolved_on is None or org.dissolved_on > day)


def test_who_is_rated_is_what_the_period_queries_say() -> None:
    run_demo()
    ratings: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for member_id, org_id, year, quarter in MemberRating.objects.values_list("member_id", "org_id", "year", "quarter"):
        ratings[(year, quarter)][member_id] = org_id
    open_cells = set(MemberRating.objects.filter(year=2026, quarter=YEAR).values_list("org_id", flat=True))
    orgs = {o.pk: o for o in Org.objects.all()}
    for (year, quarter), rated in ratings.items():
        key = PeriodKey(year, quarter)
        regime = regime_for(key.end)
        counted = members_of_period(Member.objects.all(), key).annotate(reason=exclusion_expr(key, regime))
        reasons = {pk: (cell, reason) for pk, cell, reason in counted.values_list("pk", "current_org_id", "reason")}
        assert not {pk for pk, (_, reason) in reasons.items() if reason} & set(rated), key  # excluded: never rated
        expected = {pk: cell for pk, (cell, reason) in reasons.items() if not reason and _existed(orgs[cell], key.end)}
        if key == PeriodKey(2026):
            expected = {pk: cell for pk, cell in expected.items() if cell in open_cells}
        assert rated == expected, key  # everyone to be rated, in the cell the queries count them in
    assert len(ratings[(2025, YEAR)]) > 300
    # Members of cells founded with the new communes (07/2025) are not rated before, in a cell that did not exist.
    new_cells = {pk for pk, o in orgs.items() if not _existed(o, date(2025, 6, 30)) and o.kind in CELL_KINDS}
    assert new_cells and not MemberRating.objects.filter(org__in=new_cells, year__lt=2025).exists()


def test_ratings_store_what_the_rules_say_and_the_warnings_are_there() -> None:
    run_demo()
    overrides = {
        code: rule_overrides(regime_by_code(code)) for code in set(Period.objects.values_list("regime", flat=True))
    }

    def check(subject: str, rating: MemberRating | OrgRating, below: Any) -> None:
        row = RowInput(
            0,
            rating.score,
            rating.conditions,
            rating.proposed_level,
            rating.level,
            rating.exemplary,
            rating.justification,
        )
        result = evaluate(regime_by_code(rating.regime), subject, row, overrides[rating.regime], below)  # type: ignore[arg-type]
        assert not result.errors
        assert (rating.allowed_level, rating.findings) == (result.allowed_level, result.findings), rating
        if rating.level and rating.allowed_level and RANK[rating.level] < RANK[rating.allowed_level]:
            assert rating.findings and rating.justification, rating  # a contradiction carries its reason

    members = list(MemberRating.objects.order_by("pk"))
    for member_rating in members[::13] + [r for r in members if r.justification or r.findings]:
        check("member", member_rating, None)
    orgs = list(OrgRating.objects.select_related("org").order_by("pk"))
    for org_rating in orgs[::11] + [r for r in orgs if r.justification or r.findings]:
        check("org", org_rating, subordinates_of(org_rating.org, org_rating.key))  # the app's own count, in SQL
    # Warnings to show: decisions above the allowed level, with a justification, for members and organisations.
    assert sum(1 for r in members if r.findings) >= 10
    assert sum(1 for r in orgs if r.findings) >= 10
    # Disciplined members are mostly failed where the regime makes discipline a trigger (QĐ 366).
    disciplined = [r for r in members if r.regime == "QD366" and r.conditions.get("disciplined")]
    assert disciplined and sum(r.level == KHTNV for r in disciplined) >= 0.6 * len(disciplined)
    # Quota: kept by almost every grassroots organisation, breached by a handful (the quota warnings).
    grassroots = {o.pk: o for o in Org.objects.filter(kind__in=GRASSROOTS_KINDS)}
    cells = {o.pk: o for o in Org.objects.all()}
    breaches = kept = 0
    for year, quarter in set(MemberRating.objects.values_list("year", "quarter").distinct()):
        regime = regime_for(PeriodKey(year, quarter).end)
        quota = regime.quota("member", overrides[regime.code])
        assert quota is not None
        counts: dict[int, Counter[str]] = defaultdict(Counter)
        for org_id, level in MemberRating.objects.filter(year=year, quarter=quarter).values_list("org_id", "level"):
            top = next(int(pk) for pk in cells[org_id].path.strip("/").split("/") if int(pk) in grassroots)
            counts[top][level] += 1
        for by_level in counts.values():
            exceeded = quota_check(quota, by_level)[4]
            breaches, kept = breaches + exceeded, kept + (not exceeded)
    assert 1 <= breaches <= 0.15 * (breaches + kept)


def test_distributions_are_realistic() -> None:
    # Big enough for the quota: with 400 members spread over 500 cells no group can have an excellent member.
    run_demo(members=4000)
    for model, bands in (
        (MemberRating, {HTXSNV: (0.10, 0.18), HTTNV: (0.68, 0.86), HTNV: (0.03, 0.12), KHTNV: (0.0, 0.03)}),
        (OrgRating, {HTXSNV: (0.05, 0.16), HTTNV: (0.68, 0.88), HTNV: (0.04, 0.15), KHTNV: (0.0, 0.03)}),
    ):
        for years in ((2018, 2019, 2020, 2021, 2022), (2023, 2024), (2025,)):
            counts = Counter(model.objects.filter(year__in=years, quarter=YEAR).values_list("level", flat=True))
            total = sum(counts.values())
            shares = {level: counts[level] / total for level in bands}
            for level, (low, high) in bands.items():
                assert low <= shares[level] <= high, (model.__name__, years, shares)
    stored = MemberRating.objects.filter(year=2025, quarter=YEAR).values_list("score", flat=True)
    scores = [float(s) for s in stored if s is not None]
    assert len(scores) == len(stored)
    assert 75 < sum(scores) / len(scores) < 90 and min(scores) >= 0 and max(scores) <= 100
    assert all(Decimal(str(s)) * 2 == int(Decimal(str(s)) * 2) for s in scores)  # half points


def test_the_open_year_is_half_rated_and_the_bithu_cell_waits() -> None:
    run_demo()
    bithu = User.objects.get(username="bithu").scope
    assert bithu is not None
    assert not MemberRating.objects.filter(org=bithu, year=2026, quarter=YEAR).exists()
    assert not OrgRating.objects.filter(org=bithu, year=2026, quarter=YEAR).exists()
    assert MemberRating.objects.filter(org=bithu, year=2025, quarter=YEAR).exists()
    assert MemberRating.objects.filter(org=bithu, year=2026, quarter=3).exists()
    live_cells = Org.objects.filter(kind__in=CELL_KINDS, dissolved_on=None, members__isnull=False).distinct().count()
    rated_cells = MemberRating.objects.filter(year=2026, quarter=YEAR).values("org").distinct().count()
    assert 0.3 < rated_cells / live_cells < 0.7
    key = PeriodKey(2026)
    to_rate = (
        members_of_period(Member.objects.all(), key)
        .annotate(reason=exclusion_expr(key, regime_for(key.end)))
        .filter(reason="")
        .count()
    )
    rated = MemberRating.objects.filter(year=2026, quarter=YEAR).count()
    assert 0.3 * to_rate < rated < 0.7 * to_rate  # the "not yet rated" count is real
    # Grassroots organisations and sub-committees wait for their cells in the open year.
    assert not OrgRating.objects.filter(year=2026, quarter=YEAR).exclude(org__kind__in=CELL_KINDS).exists()
    assert OrgRating.objects.filter(year=2026, quarter=YEAR).exists()


def test_the_demo_has_an_emulation_cluster_with_a_leader_and_the_last_quarters_briefing() -> None:
    from dangvu.clusters.models import Briefing, Cluster

    run_demo()
    cluster = Cluster.objects.get()
    orgs = [m.org for m in cluster.memberships.select_related("org")]
    assert len(orgs) >= 2 and all(o.kind in GRASSROOTS_KINDS and o.parent_id == cluster.owner_id for o in orgs)
    year_2026 = cluster.years.get(year=2026)
    assert year_2026.leader in orgs and year_2026.deputy in orgs and year_2026.leader != year_2026.deputy
    assert Briefing.objects.filter(cluster=cluster, year=2026, quarter=3).exists()
    from dangvu.clusters.queries import briefing_context

    inspections = briefing_context(cluster, 2026, 3)["inspections"]
    assert (
        inspections["available"] and 0 < inspections["kinds"][0]["ytd_orgs"] < inspections["kinds"][0]["planned_orgs"]
    )
