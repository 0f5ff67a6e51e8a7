"""`dangvu synth` at a small scale: the tree's shape and paths, every member's cached state equal to
`derive_state` of their events, the same rows for the same seed, and the naive-SQL baseline of the
benchmarks counting exactly what `ratings_report` counts."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from dangvu.evaluations.models import MemberRating, OrgRating, Period
from dangvu.evaluations.periods import PeriodKey
from dangvu.evaluations.queries import exclusion_expr, members_of_period
from dangvu.evaluations.regimes import regime_for
from dangvu.lib.collation import name_sort_key
from dangvu.lib.text import fold
from dangvu.members.checks import RecordFacts, check_record
from dangvu.members.history import rebuild_memberships
from dangvu.members.lifecycle import EventFact, derive_state
from dangvu.members.models import Member, MemberEvent, Membership
from dangvu.orgs.kinds import CELL_KINDS, GRASSROOTS_KINDS, OrgKind, shape_error
from dangvu.orgs.models import Org, OrgVersion
from dangvu.reports.report import ratings_report
from dangvu.synth.baseline import naive_rating_counts, report_rating_counts
from dangvu.synth.load import DEFAULT_TODAY, synth_load
from dangvu.synth.shape import FULL_MEMBERS, FULL_SHAPE, shape_for

pytestmark = pytest.mark.django_db

MEMBERS = 3_000


def _wipe() -> None:
    with connection.cursor() as cursor:
        for model in (MemberRating, OrgRating, Period, Membership, MemberEvent, Member, OrgVersion, Org):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def _dump() -> dict[str, list[tuple[object, ...]]]:
    def rows(model: Any, *fields: str) -> list[tuple[object, ...]]:
        return [
            tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
            for row in model.objects.order_by("pk").values_list("pk", *fields)
        ]

    return {
        "orgs": rows(Org, "code", "name", "name_search", "kind", "sector", "parent_id", "path", "depth", "founded_on"),
        "members": rows(
            Member,
            *("full_name", "name_search", "name_sort_key", "sex", "birth_date", "ethnicity", "religion", "citizen_id"),
            *("card_number", "home_town", "address", "phone", "status", "current_org_id", "admitted_on", "official_on"),
        ),
        "events": rows(MemberEvent, "member_id", "kind", "on", "org_id", "ceremony_on", "external_org"),
        "ratings": rows(MemberRating, "member_id", "org_id", "year", "level", "exemplary"),
        "memberships": rows(Membership, "member_id", "org_id", "status", "is_probationary", "valid_from", "valid_to"),
        "org_ratings": rows(OrgRating, "org_id", "year", "level", "outstanding"),
    }


def test_shape_scales_the_national_counts_proportionally() -> None:
    full = shape_for(FULL_MEMBERS)
    assert (full.provinces, full.communes, full.grassroots, full.cells) == tuple(FULL_SHAPE.values())
    tenth = shape_for(FULL_MEMBERS // 10)
    assert (tenth.provinces, tenth.communes, tenth.grassroots, tenth.cells) == (3, 330, 5_500, 27_000)
    tiny = shape_for(10)
    assert (tiny.provinces, tiny.communes, tiny.grassroots, tiny.cells) == (1, 1, 1, 1)
    assert shape_for(56_000, provinces=2).provinces == 2


def test_synth_tree_members_events_and_ratings_are_consistent() -> None:
    summary = synth_load(members=MEMBERS)
    shape = summary.shape
    # Counts in the requested proportions (3,000 / 5.6 million of the national shape).
    assert (shape.provinces, shape.communes, shape.grassroots, shape.cells) == (1, 2, 29, 145)
    kinds = Counter(Org.objects.values_list("kind", flat=True))
    assert kinds[OrgKind.NATIONAL] == 1
    assert kinds[OrgKind.PROVINCE] == shape.provinces
    assert kinds[OrgKind.UPPER] == shape.communes
    assert sum(kinds[k] for k in GRASSROOTS_KINDS) == shape.grassroots
    assert sum(kinds[k] for k in CELL_KINDS) == shape.cells
    assert Member.objects.count() == MEMBERS
    assert summary.rows["member"] == MEMBERS

    # Materialised paths, depths and the allowed shape of the tree; one current version per org.
    orgs = {o.pk: o for o in Org.objects.all()}
    for org in orgs.values():
        parent = orgs.get(org.parent_id) if org.parent_id else None
        assert org.path == f"{parent.path if parent else '/'}{org.pk}/"
        assert org.depth == (parent.depth + 1 if parent else 0)
        assert shape_error(org.kind, parent.kind if parent else None) is None
        assert org.name_search == fold(org.name)
    assert OrgVersion.objects.filter(valid_to__isnull=True).count() == len(orgs)
    assert {d for o in orgs.values() for d in [o.depth]} >= {0, 1, 2, 3, 4}

    # Every member's cached state is derive_state of their events; names folded and keyed as the services do.
    events: dict[int, list[EventFact]] = defaultdict(list)
    for e in MemberEvent.objects.order_by("pk"):
        events[e.member_id].append(EventFact(e.kind, e.on, e.org_id, e.ceremony_on, seq=e.pk))
    today = DEFAULT_TODAY
    statuses: Counter[str] = Counter()
    for member in Member.objects.all():
        state = derive_state(events[member.pk])
        assert not state.errors
        assert (member.status, member.is_probationary, member.current_org_id) == (
            state.status,
            state.is_probationary,
            state.org_id,
        )
        assert (member.admitted_on, member.ceremony_on, member.official_on, member.status_since) == (
            state.admitted_on,
            state.ceremony_on,
            state.official_on,
            state.status_since,
        )
        assert member.current_org_id is not None
        assert orgs[member.current_org_id].kind in set(CELL_KINDS)
        assert member.name_search == fold(member.full_name)
        assert bytes(member.name_sort_key) == name_sort_key(member.full_name)
        facts = RecordFacts(
            birth_date=member.birth_date,
            citizen_id=member.citizen_id or "",
            phone=member.phone,
            admitted_on=member.admitted_on,
            ceremony_on=member.ceremony_on,
            official_on=member.official_on,
        )
        assert check_record(facts, today=today).errors == {}
        statuses[member.status] += 1
    assert statuses["active"] > MEMBERS * 0.85
    assert {"transferred_out", "away", "deceased"} <= set(statuses)

    # A member is rated in a year exactly when the report counts them and has no reason to skip them
    # (but for the few left "not yet rated"), in their current cell.
    for year in (2023, 2024, 2025):
        key = PeriodKey(year)
        regime = regime_for(key.end)
        eligible = set(
            members_of_period(Member.objects.all(), key)
            .alias(reason=exclusion_expr(key, regime))
            .filter(reason="")
            .values_list("pk", flat=True)
        )
        rated = MemberRating.objects.filter(year=year, quarter=0)
        assert set(rated.values_list("member_id", flat=True)) <= eligible
        assert rated.count() > len(eligible) * 0.98
        assert not rated.exclude(regime=regime.code).exists()
    for rating in MemberRating.objects.select_related("member")[:500]:
        assert rating.org_id == rating.member.current_org_id

    # The membership history is what `members.history` rebuilds from the events.
    def stretches() -> list[tuple[object, ...]]:
        fields = ("member_id", "org_id", "status", "is_probationary", "valid_from", "valid_to")
        return sorted(Membership.objects.values_list(*fields), key=repr)

    written = stretches()
    assert len(written) >= MEMBERS
    rebuild_memberships()
    assert stretches() == written


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    synth_load(members=800, seed=7)
    first = _dump()
    _wipe()
    synth_load(members=800, seed=7)
    assert _dump() == first
    _wipe()
    synth_load(members=800, seed=8)
    other = _dump()
    assert other["members"] != first["members"]
    assert len(other["members"]) == len(first["members"]) == 800


def _indexes() -> dict[str, set[str]]:
    models = (Org, OrgVersion, Member, MemberEvent, Membership, MemberRating, OrgRating, Period)
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        return {table: set(connection.introspection.get_constraints(cursor, table)) for table in tables}


def test_bulk_load_rebuilds_every_index_and_constraint_and_writes_the_same_rows() -> None:
    before = _indexes()
    assert any(len(names) > 3 for names in before.values())
    synth_load(members=400, seed=3, bulk=True)
    assert _indexes() == before
    bulk = _dump()
    _wipe()
    synth_load(members=400, seed=3, bulk=False)
    assert _dump() == bulk


def test_naive_baseline_counts_what_the_report_counts() -> None:
    synth_load(members=2_000)
    root = Org.objects.get(parent__isnull=True)
    province = Org.objects.get(kind=OrgKind.PROVINCE)
    commune = Org.objects.filter(kind=OrgKind.UPPER).order_by("code").first()
    grassroots = Org.objects.filter(kind=OrgKind.GRASSROOTS_COMMITTEE).order_by("code").first()
    assert commune is not None and grassroots is not None
    for org in (root, province, commune, grassroots):
        for year in (2023, 2025):
            report = ratings_report(org, PeriodKey(year))
            naive = naive_rating_counts(org, year)
            assert naive == report_rating_counts(report)
            assert sum(naive["members"].values()) == report["members"]["rated"] > 0
    assert sum(naive_rating_counts(root, 2025)["members"].values()) == MemberRating.objects.filter(year=2025).count()


def test_command_writes_and_refuses_a_database_with_data() -> None:
    out = StringIO()
    call_command("synth", members=300, stdout=out)
    assert "member: 300" in out.getvalue()
    with pytest.raises(CommandError, match="cơ sở dữ liệu trống"):
        call_command("synth", members=300, stdout=StringIO())
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("synth", members=300, today="30/06/2026", stdout=StringIO())
    assert date.fromisoformat("2026-06-30") == DEFAULT_TODAY
