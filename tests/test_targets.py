"""Targets (chỉ tiêu): the status rule for min / max / band, each kind computed from live data, the page and
its scope."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dangvu.evaluations.models import OrgRating
from dangvu.evaluations.periods import YEAR
from dangvu.plans.models import InspectionItem, InspectionKind, InspectionPlan, Registration, Target, TargetKind
from dangvu.plans.progress import SELF, elapsed_share, target_progress
from dangvu.plans.status import Comparator, Goal, Status, target_status
from tests.factories import World, make_member

D = Decimal
AT_LEAST_90 = Goal(Comparator.MIN, D(90))
AT_MOST_20 = Goal(Comparator.MAX, None, D(20))
BAND_15_20 = Goal(Comparator.BAND, D(15), D(20))


@pytest.mark.parametrize(
    ("actual", "goal", "elapsed", "expected"),
    [
        (92, AT_LEAST_90, 0.5, Status.MET),
        (50, AT_LEAST_90, 0.5, Status.ON_TRACK),  # 50 ≥ 90 × 0,5 = 45
        (40, AT_LEAST_90, 0.5, Status.AT_RISK),
        (89.9, AT_LEAST_90, 1.0, Status.MISSED),
        (90, AT_LEAST_90, 1.0, Status.MET),
        (None, AT_LEAST_90, 0.1, Status.AT_RISK),
        (18, AT_MOST_20, 0.5, Status.ON_TRACK),
        (21, AT_MOST_20, 0.5, Status.AT_RISK),
        (20, AT_MOST_20, 1.0, Status.MET),
        (21, AT_MOST_20, 1.0, Status.MISSED),
        (17, BAND_15_20, 1.0, Status.MET),
        (14.9, BAND_15_20, 1.0, Status.MISSED),
        (20.1, BAND_15_20, 1.0, Status.MISSED),
        (17, BAND_15_20, 0.5, Status.ON_TRACK),
        (10, BAND_15_20, 0.5, Status.ON_TRACK),  # 10 ≥ 15 × 0,5
        (5, BAND_15_20, 0.5, Status.AT_RISK),
        (25, BAND_15_20, 0.5, Status.AT_RISK),
    ],
)
def test_the_status_follows_the_documented_rule(actual, goal, elapsed, expected) -> None:
    assert target_status(actual, goal, elapsed) == expected


def test_goals_read_as_published() -> None:
    assert AT_LEAST_90.text() == "≥ 90%"
    assert BAND_15_20.text() == "15–20%"
    assert Goal(Comparator.BAND, D(12000), D(13000)).text(" đảng viên") == "12.000–13.000 đảng viên"
    assert Goal(Comparator.MIN, D("3.5")).text() == "≥ 3,5%"


def test_elapsed_share_of_a_year_and_a_term() -> None:
    assert elapsed_share(2026, 2026, date(2027, 1, 1)) == 1.0
    assert elapsed_share(2026, 2026, date(2025, 12, 31)) == 0.0
    assert elapsed_share(2026, 2026, date(2026, 7, 2)) == pytest.approx(0.5, abs=0.01)
    assert elapsed_share(2025, 2030, date(2025, 12, 31)) == pytest.approx(1 / 6, abs=0.01)


def _target(world: World, kind: str, comparator: str = Comparator.MIN, **values: object) -> Target:
    return Target.objects.create(
        org=world.commune, year_from=2026, year_to=2026, kind=kind, comparator=comparator, **values
    )


def test_grassroots_orgs_good_share_with_its_excellent_band(world: World) -> None:
    OrgRating.objects.create(org=world.agency, year=2026, quarter=YEAR, level="HTXSNV")
    OrgRating.objects.create(org=world.village_cell, year=2026, quarter=YEAR, level="HTNV")
    target = _target(world, TargetKind.ORGS_GOOD, low=D(90), excellent_low=D(15), excellent_high=D(20))
    rows = target_progress(target, date(2027, 1, 15))["rows"]
    own = rows[0]
    assert (own["numerator"], own["denominator"], own["actual_text"]) == (1, 2, "50,0%")
    assert own["status"] == Status.MISSED
    assert own["excellent_text"] == "50,0%" and own["excellent_status"] == Status.MISSED
    agency = next(r for r in rows if r["pk"] == world.agency.pk)
    assert agency["actual_text"] == "100,0%" and agency["status"] == Status.MET


def test_admissions_as_a_share_and_as_a_count(world: World) -> None:
    # Đức was admitted on 2 March 2026; the commune has 5 members on the roll.
    share = _target(world, TargetKind.ADMITTED_SHARE, low=D(3))
    own = target_progress(share, date(2026, 6, 1))["rows"][0]
    assert (own["numerator"], own["denominator"], own["actual_text"]) == (1, 5, "20,0%")
    assert own["status"] == Status.MET
    count = _target(world, TargetKind.ADMITTED_COUNT, Comparator.BAND, low=D(2), high=D(3))
    progress = target_progress(count, date(2027, 1, 2))
    assert progress["rows"][0]["actual_text"] == "1" and progress["status"] == Status.MISSED
    village = next(r for r in progress["rows"] if r["pk"] == world.village_cell.pk)
    assert village["numerator"] == 1 and village["status"] is None  # a count is the committee's own


def test_registrations_and_inspections_feed_their_targets(world: World) -> None:
    Registration.objects.create(
        year=2026, kind="initiative", org=world.agency, text="Mô hình dân vận khéo", registered_on=date(2026, 1, 10)
    )
    Registration.objects.create(
        year=2026, kind="commitment", member=world.an, text="Cam kết", registered_on=date(2026, 1, 10)
    )
    orgs = target_progress(_target(world, TargetKind.ORGS_REGISTERED, low=D(50)), date(2026, 3, 1))
    assert orgs["rows"][0]["actual_text"] == "50,0%" and orgs["status"] == Status.MET
    members = target_progress(_target(world, TargetKind.MEMBERS_REGISTERED, low=D(100)), date(2027, 3, 1))
    assert members["rows"][0]["actual_text"] == "20,0%" and members["status"] == Status.MISSED
    plan = InspectionPlan.objects.create(org=world.commune, year=2026, title="Kế hoạch kiểm tra 2026")
    for done in (date(2026, 2, 1), None, None, None):
        InspectionItem.objects.create(
            plan=plan,
            target_org=world.agency,
            subject="Thu nộp đảng phí",
            kind=InspectionKind.INSPECTION,
            by_whom="UBKT",
            quarter=1,
            done_on=done,
        )
    insp = target_progress(_target(world, TargetKind.INSPECTIONS, low=D(100)), date(2026, 6, 1))
    assert insp["rows"][0]["actual_text"] == "25,0%" and insp["status"] == Status.AT_RISK
    assert SELF == 0


def test_the_targets_page_shows_progress_and_hides_other_communes(world: World, client_for) -> None:
    make_member(world.village_cell, "Ngô Văn Mới", admitted_on=date(2026, 5, 1), ceremony_on=None, official_on=None)
    _target(world, TargetKind.ADMITTED_SHARE, low=D(3))
    response = client_for("commune_staff").get(f"/ke-hoach/?org={world.commune.pk}&nam=2026")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Kết nạp đảng viên mới" in body and "≥ 3%" in body and "plan-bar" in body
    assert client_for("outsider").get(f"/ke-hoach/?org={world.commune.pk}&nam=2026").status_code == 404
    assert client_for("member").get("/ke-hoach/").status_code == 404


def test_the_rating_report_shows_the_targets_beside_the_actuals(world: World, client_for) -> None:
    OrgRating.objects.create(org=world.agency, year=2025, quarter=YEAR, level="HTTNV")
    OrgRating.objects.create(org=world.village_cell, year=2025, quarter=YEAR, level="HTXSNV")
    Target.objects.create(
        org=world.commune,
        year_from=2025,
        year_to=2025,
        kind=TargetKind.ORGS_GOOD,
        low=D(90),
        excellent_low=D(15),
        excellent_high=D(20),
    )
    body = client_for("commune_staff").get(f"/bao-cao/xep-loai/?org={world.commune.pk}&nam=2025").content.decode()
    assert "So với chỉ tiêu" in body
    assert "chỉ tiêu ≥ 90%, trong đó 15–20% HTXSNV — thực hiện 100,0% (2/2), HTXSNV 50,0%" in body
    assert "status-met" in body


def test_staff_sets_a_target_and_a_band_needs_both_bounds(world: World, client_for) -> None:
    client = client_for("commune_staff")
    url = f"/ke-hoach/chi-tieu/them/?org={world.commune.pk}&nam=2026"
    data = {"year_from": 2026, "year_to": 2026, "kind": TargetKind.ADMITTED_COUNT, "comparator": "band", "low": 12000}
    response = client.post(url, data)
    assert response.status_code == 200 and "cả mức dưới và mức trên" in response.content.decode()
    response = client.post(url, {**data, "high": 13000})
    assert response.status_code == 302
    target = Target.objects.get(org=world.commune)
    assert target.goal_text == "12.000–13.000 đảng viên"
    assert client_for("secretary").get(url).status_code == 403
    assert client_for("outsider").get(url).status_code == 404


def test_the_targets_page_costs_the_same_queries_whatever_the_number_of_children(
    world: World, client_for, django_assert_num_queries
) -> None:
    from tests.factories import make_org

    _target(world, TargetKind.ADMITTED_SHARE, low=D(3))
    _target(world, TargetKind.MEMBERS_REGISTERED, low=D(90))
    client = client_for("commune_staff")
    url = f"/ke-hoach/?org={world.commune.pk}&nam=2026"
    client.get(url)
    # session, user, scope, the organisation, the targets, the registrations count; per target its children
    # and its aggregates
    with django_assert_num_queries(11):
        client.get(url)
    for n in range(3):
        make_org(f"X01-0{n + 3}", f"Chi bộ Số {n}", "grassroots_cell", world.commune)
    with django_assert_num_queries(11):
        client.get(url)


def test_the_rating_report_is_computed_once_for_all_rating_targets_of_the_page(
    world: World, client_for, django_assert_num_queries
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("commune_staff")
    url = f"/ke-hoach/?org={world.commune.pk}&nam=2026"
    _target(world, TargetKind.ORGS_GOOD, low=D(90), excellent_low=D(15), excellent_high=D(20))
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    _target(world, TargetKind.MEMBERS_GOOD, low=D(90))
    # The second rating target of the same committee and year adds its children query only: the rating report
    # (its ~9 queries) is shared.
    with django_assert_num_queries(len(one.captured_queries) + 1):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["progress"]) == 2
