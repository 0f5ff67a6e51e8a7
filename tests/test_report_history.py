"""Reports of a past period on the tree and memberships of that period; the current period on today's
tree; continuity of a merged organisation ("as is" or "comparable" over the years)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from dangvu.evaluations.models import MemberRating, OrgRating
from dangvu.evaluations.periods import PeriodKey
from dangvu.members.lifecycle import EventKind
from dangvu.members.models import Member
from dangvu.members.services import event_add
from dangvu.orgs.history import predecessors
from dangvu.orgs.kinds import OrgKind
from dangvu.orgs.models import Org
from dangvu.orgs.services import org_create, org_dissolve, org_move
from dangvu.reports.report import AS_IS, COMPARABLE, history_changed, ratings_report, years_comparison
from dangvu.tallies.build import rebuild
from tests.factories import World, make_member, make_org
from tests.test_rating_report import QUERIES

pytestmark = pytest.mark.django_db

Y2025 = PeriodKey(2025)
MOVE_DAY = date(2026, 3, 2)  # after the period, before "today" of the test run


def rate_member(member: Member, cell: Org, level: str, year: int = 2025) -> None:
    MemberRating.objects.create(member=member, org=cell, year=year, quarter=0, regime="QD366", level=level)


def rate_org(org: Org, level: str, year: int = 2025) -> None:
    OrgRating.objects.create(org=org, year=year, quarter=0, regime="QD366", level=level)


@pytest.fixture
def rated(world: World) -> World:
    hung = make_member(world.village_cell, "Mai Văn Hùng")
    make_member(world.village_cell, "Lý Văn Khoa")  # not rated
    rate_member(world.an, world.office_cell, "HTXSNV")
    rate_member(world.binh, world.office_cell, "HTTNV")
    rate_member(world.dung, world.economy_cell, "HTTNV")
    rate_member(hung, world.village_cell, "HTNV")
    rate_member(world.giang, world.other_cell, "HTTNV")
    rate_org(world.agency, "HTXSNV")
    rate_org(world.village_cell, "HTTNV")
    rate_org(world.other_cell, "HTNV")
    rate_member(world.an, world.office_cell, "HTTNV", year=2024)
    rate_org(world.village_cell, "HTXSNV", year=2024)
    return world


def _same(report: dict[str, Any]) -> dict[str, Any]:
    """The figures, without the keys saying how they were computed."""
    return {k: v for k, v in report.items() if k not in {"as_of"}}


def test_a_past_report_after_moves_equals_the_report_before_them(rated: World) -> None:
    w = rated
    before = {org.code: ratings_report(org, Y2025) for org in (w.province, w.commune, w.other_commune, w.agency)}
    assert all(r["as_of"] is None for r in before.values())  # nothing changed yet: today's fast path
    # In 2026: the village cell moves to X02, An moves to X02's cell, the office cell is renamed.
    org_move(actor=None, org=w.village_cell, new_parent=w.other_commune, effective_on=MOVE_DAY)
    event_add(actor=None, member=w.an, values={"kind": EventKind.TRANSFER_OUT, "on": MOVE_DAY, "org": w.other_cell})
    for org in (w.province, w.commune, w.other_commune, w.agency):
        org.refresh_from_db()
        after = ratings_report(org, Y2025)
        assert after["as_of"] == "2025-12-31", org
        assert _same(after) == _same(before[org.code]), org
    # Today's tree differs: the commune's report of the current period no longer holds the village cell.
    now = ratings_report(w.commune, PeriodKey(timezone.localdate().year))
    assert now["as_of"] is None
    assert [c["code"] for c in now["children"]] == ["X01-01"]


def test_the_moves_change_what_the_fast_path_would_have_counted(rated: World) -> None:
    """The check that the history path is needed: today's tree gives other figures for 2025."""
    w = rated
    org_move(actor=None, org=w.village_cell, new_parent=w.other_commune, effective_on=MOVE_DAY)
    assert history_changed(w.commune, Y2025.end) and history_changed(w.other_commune, Y2025.end)
    assert not history_changed(w.commune, date(2026, 12, 31))  # not past: never
    report = ratings_report(w.commune, Y2025)
    assert [c["code"] for c in report["children"]] == ["X01-01", "X01-02"]
    assert report["members"]["total"] == 6  # An, Bình, Châu, Dũng, Hùng, Khoa (Đức: admitted 2026)


def test_a_member_move_alone_switches_to_the_history(rated: World) -> None:
    w = rated
    assert not history_changed(w.agency, Y2025.end)
    event_add(actor=None, member=w.binh, values={"kind": EventKind.TRANSFER_OUT, "on": MOVE_DAY, "org": w.other_cell})
    assert history_changed(w.agency, Y2025.end) and history_changed(w.other_commune, Y2025.end)
    assert not history_changed(w.village_cell, Y2025.end)
    assert ratings_report(w.agency, Y2025)["members"]["total"] == 4  # An, Bình, Châu, Dũng on 31/12/2025


def test_the_current_period_report_keeps_todays_query_count(rated: World, django_assert_num_queries: Any) -> None:
    key = PeriodKey(timezone.localdate().year)
    # The current year is kept (`dangvu tallies rebuild` keeps it): the same fixed number of queries as for
    # any kept period (tests/test_rating_report.py), the history probe included.
    rebuild()
    with django_assert_num_queries(QUERIES):
        report = ratings_report(rated.province, key)
    assert report["as_of"] is None
    with django_assert_num_queries(QUERIES):
        ratings_report(rated.commune, key)
    org_move(actor=None, org=rated.village_cell, new_parent=rated.other_commune, effective_on=MOVE_DAY)
    assert ratings_report(rated.commune, key)["as_of"] is None  # the current period: today's tree


def test_the_report_page_of_a_past_period_says_it(rated: World, client_for) -> None:
    org_move(actor=None, org=rated.village_cell, new_parent=rated.other_commune, effective_on=MOVE_DAY)
    page = client_for("commune_staff").get(reverse("reports:ratings"), {"org": rated.commune.pk, "nam": 2025})
    text = page.content.decode()
    assert "Dữ liệu tại ngày 31/12/2025" in text and "Chi bộ thôn Đông" in text
    page = client_for("commune_staff").get(reverse("reports:ratings"), {"org": rated.commune.pk, "nam": 2024})
    assert "Dữ liệu tại ngày 31/12/2024" in page.content.decode()


# Continuity -----------------------------------------------------------------------------------------------


@pytest.fixture
def merged(rated: World) -> dict[str, Org]:
    """X01 and X02 merge into a new commune X09 on MOVE_DAY: X01's grassroots organisations are re-parented,
    X02's only cell is dissolved after its members moved into a new cell of X09; X01 and X02 are dissolved."""
    w = rated
    new = org_create(
        actor=None,
        code="X09",
        name="Đảng bộ xã An Bình",
        kind=OrgKind.UPPER,
        sector=w.commune.sector,
        parent=w.province,
        founded_on=MOVE_DAY,
        effective_on=MOVE_DAY,
    )
    new_cell = make_org("X09-01", "Chi bộ khu phố Bình An", OrgKind.GRASSROOTS_CELL, new, since=MOVE_DAY)
    for child in (w.agency, w.village_cell):
        org_move(actor=None, org=child, new_parent=new, effective_on=MOVE_DAY)
    for member in Member.objects.filter(current_org=w.other_cell):
        event_add(actor=None, member=member, values={"kind": EventKind.TRANSFER_OUT, "on": MOVE_DAY, "org": new_cell})
    org_dissolve(actor=None, org=w.other_cell, effective_on=MOVE_DAY)
    for old in (w.commune, w.other_commune):
        org_dissolve(actor=None, org=old, effective_on=MOVE_DAY)
    return {"new": new, "new_cell": new_cell}


def test_the_predecessors_of_a_merged_commune_are_read_from_history(rated: World, merged: dict[str, Org]) -> None:
    found = predecessors(merged["new"])
    assert {(p.org_id, p.on) for p in found} == {(rated.commune.pk, MOVE_DAY), (rated.other_commune.pk, MOVE_DAY)}
    assert predecessors(rated.province) == []  # nothing of the province moved in from outside


def test_as_is_and_comparable_years(rated: World, merged: dict[str, Org]) -> None:
    new = merged["new"]
    assert years_comparison(new, basis=AS_IS) == []  # it did not exist before 2026
    years = {y["year"]: y for y in years_comparison(new, basis=COMPARABLE)}
    # 2025: X01 (An, Bình, Dũng, Hùng; agency and village cell) + X02 (Giang; its cell).
    assert years[2025]["members"]["rated"] == 5
    assert years[2025]["members"]["levels"]["HTXSNV"] == 1
    assert years[2025]["grassroots_orgs"]["rated"] == 3
    assert years[2024]["members"]["rated"] == 1 and years[2024]["grassroots_orgs"]["levels"]["HTXSNV"] == 1
    # The province's own comparison does not change with the merge (everything stayed inside it).
    province = {y["year"]: y["members"]["rated"] for y in years_comparison(rated.province)}
    assert province == {2024: 1, 2025: 5}


def test_the_report_page_offers_the_choice(rated: World, merged: dict[str, Org], client_for) -> None:
    client = client_for("province_staff")
    url = reverse("reports:ratings")
    page = client.get(url, {"org": merged["new"].pk, "nam": 2026}).content.decode()
    assert "Chưa có kết quả xếp loại của các năm." in page and "So sánh được" in page
    page = client.get(url, {"org": merged["new"].pk, "nam": 2026, "so_sanh": COMPARABLE}).content.decode()
    assert "Gộp số liệu của các tổ chức tiền thân" in page
    assert "Đảng bộ xã An Phú" in page and "Đảng bộ phường Bình Minh" in page


def _years_by_hand(org: Org, roots: list[int]) -> dict[int, tuple[dict[str, int], dict[str, int]]]:
    """Year -> (member levels, grassroots levels) of the yearly ratings counted the slow, obvious way: the
    tree of each year's end."""
    from dangvu.orgs.history import subtree_of, tree_as_of
    from dangvu.orgs.kinds import GRASSROOTS_KINDS

    result: dict[int, tuple[dict[str, int], dict[str, int]]] = {}
    for year in sorted(set(MemberRating.objects.filter(quarter=0).values_list("year", flat=True))):
        tree = tree_as_of(PeriodKey(year).end)
        inside: dict[int, Any] = {}
        for root in roots:
            inside.update(subtree_of(tree, root))
        members: dict[str, int] = {}
        for r in MemberRating.objects.filter(year=year, quarter=0, org_id__in=list(inside)):
            members[r.level] = members.get(r.level, 0) + 1
        orgs: dict[str, int] = {}
        for org_rating in OrgRating.objects.filter(year=year, quarter=0, org_id__in=list(inside)):
            if inside[org_rating.org_id].kind in GRASSROOTS_KINDS:
                orgs[org_rating.level] = orgs.get(org_rating.level, 0) + 1
        if members or orgs:
            result[year] = (members, orgs)
    return result


def _years_of(entries: list[dict[str, Any]]) -> dict[int, tuple[dict[str, int], dict[str, int]]]:
    return {
        e["year"]: (
            {k: n for k, n in e["members"]["levels"].items() if n},
            {k: n for k, n in e["grassroots_orgs"]["levels"].items() if n},
        )
        for e in entries
    }


def test_the_corrected_years_equal_the_years_counted_by_hand(rated: World) -> None:
    w = rated
    # On 01/03/2025 the village cell moves from X01 to X02; on 01/06/2025 a cell of X02 rated in 2024 and 2025
    # is dissolved (its 2025 rating is not counted: it no longer existed at the year's end).
    late = make_org("X02-09", "Chi bộ tổ dân phố 9", OrgKind.GRASSROOTS_CELL, w.other_commune)
    rate_org(late, "HTTNV", year=2024)
    rate_org(late, "HTNV", year=2025)
    org_move(actor=None, org=w.village_cell, new_parent=w.other_commune, effective_on=date(2025, 3, 1))
    org_dissolve(actor=None, org=late, effective_on=date(2025, 6, 1))
    for org in (w.province, w.commune, w.other_commune, w.agency):
        org.refresh_from_db()
        assert _years_of(years_comparison(org, basis=AS_IS)) == _years_by_hand(org, [org.pk]), org.code
    by_hand = _years_by_hand(w.commune, [w.commune.pk])
    assert by_hand[2024][1] == {"HTXSNV": 1}  # the village cell, still in X01 at the end of 2024 …
    assert by_hand[2025][1] == {"HTXSNV": 1}  # … in X02 at the end of 2025: only the agency is left
    assert _years_by_hand(w.other_commune, [w.other_commune.pk])[2025][1] == {"HTTNV": 1, "HTNV": 1}


def test_the_comparable_years_equal_the_predecessors_counted_by_hand(rated: World, merged: dict[str, Org]) -> None:
    new = merged["new"]
    roots = [new.pk, rated.commune.pk, rated.other_commune.pk]
    assert _years_of(years_comparison(new, basis=COMPARABLE)) == _years_by_hand(new, roots)


def test_a_new_commune_of_the_demo_compares_with_its_two_predecessors() -> None:
    """The demo's 2025 reform (`demo/reform.py`): each new commune merges two old communes of a district."""
    from io import StringIO

    from django.core.management import call_command

    call_command("demo", members=400, seed=2026, today=date(2026, 11, 23), stdout=StringIO())
    reform = date(2025, 7, 1)
    for new in Org.objects.filter(founded_on=reform, kind=OrgKind.UPPER).order_by("code")[:3]:
        merged = [p for p in predecessors(new) if not p.moved_in and p.on == reform]
        assert len(merged) == 2, new
        assert all(Org.objects.get(pk=p.org_id).dissolved_on == reform for p in merged)
        roots = [new.pk, *(p.org_id for p in predecessors(new))]
        assert _years_of(years_comparison(new, basis=COMPARABLE)) == _years_by_hand(new, roots)
        assert min(e["year"] for e in years_comparison(new, basis=COMPARABLE)) < 2025
        assert all(e["year"] >= 2025 for e in years_comparison(new, basis=AS_IS))
