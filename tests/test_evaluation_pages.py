"""The evaluation pages: periods (open, publish), the member grid of a cell, the organisation grid of
a committee, and the rating history on a member's record. "Today" is 10/01/2026, so the year 2025
(judged under QĐ 366) can be rated."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangvu.evaluations.models import MemberRating, OrgRating, Period, PeriodStatus
from dangvu.evaluations.periods import PeriodKey
from dangvu.evaluations.services import RowInput, period_close, period_open, ratings_save
from dangvu.members.lifecycle import EventKind
from dangvu.members.services import event_add
from tests.factories import World, make_member

pytestmark = pytest.mark.usefixtures("frozen")

KEY = PeriodKey(2025)
ART11 = "QĐ 366-QĐ/TW, Điều 11"
# Session, user, the user's scope, the cell (with its parent), the members with their exclusion reason,
# their ratings, the covering periods, the rule settings, the cell's own "nổi trội", the members whose
# commitment of the year failed (plans), the members' self-assessments (handbook): whatever the number
# of members.
GRID_QUERIES = 11
# Session, user, scope, the committee, its children, their ratings, three aggregates of what lies
# below them (member levels, disciplined members, grandchildren's levels), periods, settings, "nổi trội".
ORG_GRID_QUERIES = 12


@pytest.fixture
def frozen(world: World):
    """Today is 10/01/2026 once the world is built (it holds a member admitted in 2026)."""
    with time_machine.travel(date(2026, 1, 10), tick=False):
        yield


def member_grid(world: World, key: PeriodKey = KEY) -> str:
    return reverse("evaluations:member_grid", args=[key.year, key.quarter, world.office_cell.pk])


def org_grid(org, key: PeriodKey = KEY) -> str:
    return reverse("evaluations:org_grid", args=[key.year, key.quarter, org.pk])


def row_data(member, *, score="", level="", proposed="", exemplary=False, justification="", **conditions) -> dict:
    """The POST fields of one member row, with QĐ 366's requirements ticked unless told otherwise."""
    prefix = f"r{member.pk}-"
    ticked = {"all_tasks_on_time": True, "exceeded_30pct": True, "shortcomings_fixed": True, "late_within_20pct": True}
    ticked.update(conditions)
    data = {
        prefix + "score": score,
        prefix + "level": level,
        prefix + "proposed_level": proposed,
        prefix + "justification": justification,
    }
    data.update({f"{prefix}c_{code}": "on" for code, on in ticked.items() if on})
    if exemplary:
        data[prefix + "exemplary"] = "on"
    return data


def grid_post(*rows: dict, **extra: str) -> dict:
    data: dict = {}
    for row in rows:
        data.update(row)
    data.update(extra)
    return data


def open_2025(world: World, org=None) -> Period:
    return period_open(actor=world.commune_staff, org=org or world.office_cell, year=2025)


# Who sees what ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("sysadmin", 200),
        ("province_staff", 200),
        ("commune_staff", 200),
        ("secretary", 200),
        ("viewer", 200),
        ("member", 404),
        ("outsider", 200),
    ],
)
def test_the_periods_page_answers_every_persona(client_for, persona: str, status: int) -> None:
    assert client_for(persona).get(reverse("evaluations:periods")).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("sysadmin", 200),
        ("province_staff", 200),
        ("commune_staff", 200),
        ("secretary", 200),
        ("viewer", 403),
        ("member", 404),
        ("outsider", 404),
    ],
)
def test_the_member_grid_of_the_office_cell(world: World, client_for, persona: str, status: int) -> None:
    open_2025(world)
    assert client_for(persona).get(member_grid(world)).status_code == status


def test_a_secretary_cannot_open_the_grid_of_a_sibling_cell(world: World, client_for) -> None:
    url = reverse("evaluations:member_grid", args=[2025, 0, world.economy_cell.pk])
    assert client_for("secretary").get(url).status_code == 404


def test_a_committee_has_no_member_grid_and_a_cell_no_org_grid(world: World, client_for) -> None:
    client = client_for("commune_staff")
    assert client.get(reverse("evaluations:member_grid", args=[2025, 0, world.agency.pk])).status_code == 404
    assert client.get(org_grid(world.office_cell)).status_code == 404


def test_a_quarter_out_of_range_is_not_found(world: World, client_for) -> None:
    url = reverse("evaluations:member_grid", args=[2025, 5, world.office_cell.pk])
    assert client_for("secretary").get(url).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("sysadmin", 200),
        ("province_staff", 200),
        ("commune_staff", 200),
        ("secretary", 404),
        ("viewer", 403),
        ("member", 404),
        ("outsider", 404),
    ],
)
def test_the_org_grid_of_the_commune(world: World, client_for, persona: str, status: int) -> None:
    open_2025(world, world.commune)
    assert client_for(persona).get(org_grid(world.commune)).status_code == status


def test_commune_staff_cannot_rate_the_commune_itself_from_the_province_grid(world: World, client_for) -> None:
    # The province grid lists the communes; staff of a commune do not see the province at all.
    assert client_for("commune_staff").get(org_grid(world.province)).status_code == 404


# Periods -----------------------------------------------------------------------------------------------


def test_a_secretary_opens_the_year_for_her_cell_and_lands_on_its_grid(world: World, client_for) -> None:
    client = client_for("secretary")
    page = client.get(reverse("evaluations:periods"))
    assert "Mở kỳ đánh giá" in page.content.decode()
    response = client.post(
        reverse("evaluations:period_open"), {"org": world.office_cell.pk, "year": "2025", "quarter": "0"}
    )
    assert response.status_code == 302
    assert response["Location"] == member_grid(world)
    period = Period.objects.get()
    assert (period.org, period.year, period.quarter, period.status) == (world.office_cell, 2025, 0, "open")
    assert "Đã mở kỳ đánh giá Năm 2025" in client.get(response["Location"]).content.decode()


def test_a_secretary_cannot_open_a_period_for_the_commune(world: World, client_for) -> None:
    response = client_for("secretary").post(
        reverse("evaluations:period_open"), {"org": world.commune.pk, "year": "2025", "quarter": "0"}
    )
    assert response.status_code == 200
    assert not Period.objects.exists()
    assert "Hãy chọn một tổ chức trong phạm vi của bạn." in response.content.decode()


def test_a_viewer_sees_the_periods_but_no_opening_form(world: World, client_for) -> None:
    open_2025(world, world.commune)
    text = client_for("viewer").get(reverse("evaluations:periods")).content.decode()
    assert "Đảng bộ xã An Phú" in text
    assert "Mở kỳ đánh giá" not in text
    response = client_for("viewer").post(
        reverse("evaluations:period_open"), {"org": world.commune.pk, "year": "2026", "quarter": "1"}
    )
    assert response.status_code == 403
    assert Period.objects.count() == 1


def test_a_quarter_of_2026_can_be_opened_under_qd366(world: World, client_for) -> None:
    response = client_for("commune_staff").post(
        reverse("evaluations:period_open"), {"org": world.commune.pk, "year": "2026", "quarter": "1"}
    )
    assert response.status_code == 302
    assert Period.objects.filter(year=2026, quarter=1).exists()


def test_a_quarter_before_qd366_is_refused_with_the_service_message(world: World, client_for) -> None:
    """Q2/2025 ends on 30/6/2025, under QĐ 124, which has no quarterly rating."""
    response = client_for("commune_staff").post(
        reverse("evaluations:period_open"), {"org": world.commune.pk, "year": "2025", "quarter": "2"}
    )
    assert response.status_code == 200
    assert not Period.objects.exists()
    assert "không có kỳ đánh giá theo quý." in response.content.decode()


def test_q3_2025_ends_under_qd366_and_can_be_opened(world: World, client_for) -> None:
    response = client_for("commune_staff").post(
        reverse("evaluations:period_open"), {"org": world.commune.pk, "year": "2025", "quarter": "3"}
    )
    assert response.status_code == 302
    assert Period.objects.get().regime == "QD366"


def test_a_period_in_the_future_is_refused(world: World, client_for) -> None:
    response = client_for("commune_staff").post(
        reverse("evaluations:period_open"), {"org": world.commune.pk, "year": "2027", "quarter": "0"}
    )
    assert "Năm 2027 chưa kết thúc kỳ nào" in response.content.decode()
    assert not Period.objects.exists()


def test_a_period_opened_twice_is_refused(world: World, client_for) -> None:
    open_2025(world, world.commune)
    response = client_for("commune_staff").post(
        reverse("evaluations:period_open"), {"org": world.commune.pk, "year": "2025", "quarter": "0"}
    )
    assert "đã được mở" in response.content.decode()


def test_the_periods_page_lists_periods_above_and_below_the_scope(world: World, client_for) -> None:
    open_2025(world, world.commune)
    period_open(actor=None, org=world.other_cell, year=2025)
    period_open(actor=None, org=world.economy_cell, year=2025)
    secretary = client_for("secretary").get(reverse("evaluations:periods")).content.decode()
    assert "Đảng bộ xã An Phú" in secretary  # above her cell: it covers it
    assert "Chi bộ Kinh tế" not in secretary  # a sibling cell
    assert reverse("evaluations:member_grid", args=[2025, 0, world.office_cell.pk]) in secretary
    staff = client_for("commune_staff").get(reverse("evaluations:periods")).content.decode()
    assert "Chi bộ Kinh tế" in staff  # below the commune
    assert "Chi bộ khu phố 1" not in staff  # another commune
    assert org_grid(world.commune) in staff


def test_publishing_asks_for_confirmation_then_closes_the_period(world: World, client_for) -> None:
    period = open_2025(world)
    client = client_for("secretary")
    url = reverse("evaluations:period_publish", args=[period.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Xác nhận công bố" in confirm.content.decode()
    period.refresh_from_db()
    assert period.status == PeriodStatus.OPEN
    assert client.post(url).status_code == 302
    period.refresh_from_db()
    assert period.status == PeriodStatus.CLOSED and period.closed_by == world.secretary


def test_a_secretary_may_not_publish_the_communes_period(world: World, client_for) -> None:
    period = open_2025(world, world.commune)
    url = reverse("evaluations:period_publish", args=[period.pk])
    assert client_for("secretary").post(url).status_code == 403
    assert client_for("outsider").post(url).status_code == 404
    assert client_for("viewer").post(url).status_code == 403
    period.refresh_from_db()
    assert period.is_open


# The member grid ---------------------------------------------------------------------------------------


def test_the_grid_shows_a_row_per_member_with_labelled_inputs_and_default_conditions(world: World, client_for) -> None:
    open_2025(world)
    page = client_for("secretary").get(member_grid(world))
    text = page.content.decode()
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu"):
        assert f'aria-label="{name} — Điểm"' in text
        assert f'aria-label="{name} — Mức quyết định"' in text
    # Requirements start ticked, triggers unticked.
    assert f'name="r{world.an.pk}-c_all_tasks_on_time" title="100% nhiệm vụ' in text
    form = page.context["grid"].rows[0].form
    assert form["c_all_tasks_on_time"].value() is True
    assert form["c_disciplined"].value() is False
    # Column headers carry the article.
    assert f'<abbr title="{ART11}">' in text
    assert "HTXSNV 0 / HTTNV 0 = 0,0%, giới hạn 20%" in text


def test_saving_the_grid_stores_every_row_and_shows_the_findings_with_their_article(world: World, client_for) -> None:
    open_2025(world)
    client = client_for("secretary")
    data = grid_post(
        row_data(world.an, score="92", level="HTXSNV", proposed="HTXSNV"),
        row_data(world.binh, score="75,5", level="HTXSNV"),  # 75.5 points: the rules allow HTTNV
        row_data(world.chau, score="80", level="HTTNV"),
    )
    response = client.post(member_grid(world), data, follow=True)
    text = response.content.decode()
    assert "Đã lưu xếp loại: 3 dòng thay đổi." in text
    assert ART11 in text
    assert "Trần Thị Bình: Xếp “Hoàn thành xuất sắc nhiệm vụ” cao hơn mức quy định cho phép" in text
    ratings = {r.member_id: r for r in MemberRating.objects.all()}
    assert ratings[world.binh.pk].score == Decimal("75.5")
    assert (ratings[world.binh.pk].level, ratings[world.binh.pk].allowed_level) == ("HTXSNV", "HTTNV")
    assert ratings[world.an.pk].findings == []
    assert ratings[world.an.pk].proposed_level == "HTXSNV"
    assert ratings[world.an.pk].org == world.office_cell
    # The row now offers a justification box, and the allowed level is shown beside the typed one.
    assert f'name="r{world.binh.pk}-justification"' in text
    assert f'name="r{world.an.pk}-justification"' not in text
    assert 'class="allowed-level differs"' in text
    assert "HTXSNV 2 / HTTNV 1 = 200,0%, giới hạn 20%" in text


def test_a_ticked_trigger_makes_the_rules_allow_the_lowest_level(world: World, client_for) -> None:
    open_2025(world)
    client_for("secretary").post(
        member_grid(world), grid_post(row_data(world.an, score="95", level="HTTNV", disciplined=True))
    )
    rating = MemberRating.objects.get(member=world.an)
    assert rating.allowed_level == "KHTNV"
    assert rating.conditions["disciplined"] is True
    assert rating.findings[0]["article"] == ART11


def test_an_unticked_requirement_lowers_the_allowed_level(world: World, client_for) -> None:
    open_2025(world)
    client_for("secretary").post(
        member_grid(world), grid_post(row_data(world.an, score="95", level="HTXSNV", exceeded_30pct=False))
    )
    rating = MemberRating.objects.get(member=world.an)
    assert rating.conditions["exceeded_30pct"] is False
    assert rating.allowed_level == "HTTNV"


def test_a_justification_is_kept(world: World, client_for) -> None:
    open_2025(world)
    client = client_for("secretary")
    client.post(member_grid(world), grid_post(row_data(world.binh, score="75", level="HTXSNV")))
    client.post(
        member_grid(world),
        grid_post(row_data(world.binh, score="75", level="HTXSNV", justification="Có thành tích đột xuất")),
    )
    assert MemberRating.objects.get(member=world.binh).justification == "Có thành tích đột xuất"


def test_untouched_rows_are_not_stored_as_empty_ratings(world: World, client_for) -> None:
    open_2025(world)
    client_for("secretary").post(
        member_grid(world), grid_post(row_data(world.an, score="80", level="HTTNV"), row_data(world.binh))
    )
    assert list(MemberRating.objects.values_list("member_id", flat=True)) == [world.an.pk]


def test_a_score_that_is_not_a_number_keeps_every_typed_value_and_writes_nothing(world: World, client_for) -> None:
    open_2025(world)
    data = grid_post(
        row_data(world.an, score="9o", level="HTXSNV", justification="ghi chú"),
        row_data(world.binh, score="75", level="HTTNV", exceeded_30pct=False),
    )
    response = client_for("secretary").post(member_grid(world), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Điểm phải là một số" in text
    assert f'name="r{world.an.pk}-score" value="9o"' in text
    assert f'name="r{world.binh.pk}-score" value="75"' in text
    binh = response.context["grid"].rows[1].form
    assert binh["level"].value() == "HTTNV" and binh["c_exceeded_30pct"].value() is False
    assert not MemberRating.objects.exists()


def test_a_score_out_of_range_is_refused_by_the_service_and_nothing_is_written(world: World, client_for) -> None:
    open_2025(world)
    data = grid_post(row_data(world.an, score="80", level="HTTNV"), row_data(world.binh, score="150", level="HTTNV"))
    response = client_for("secretary").post(member_grid(world), data)
    text = response.content.decode()
    assert "Điểm phải từ 0 đến 100." in text
    assert "chưa lưu dòng nào" in text
    assert f'name="r{world.binh.pk}-score" value="150"' in text
    assert 'aria-invalid="true"' in text
    assert not MemberRating.objects.exists()


def test_a_level_the_regime_does_not_have_is_refused(world: World, client_for) -> None:
    open_2025(world)
    response = client_for("secretary").post(member_grid(world), grid_post(row_data(world.an, score="80", level="TSVM")))
    assert response.status_code == 200
    assert not MemberRating.objects.exists()


def test_without_an_open_period_the_grid_offers_to_open_one(world: World, client_for) -> None:
    text = client_for("secretary").get(member_grid(world)).content.decode()
    assert "Chưa mở kỳ đánh giá Năm 2025" in text
    assert "Mở kỳ đánh giá Năm 2025 cho “Chi bộ Văn phòng”" in text
    assert 'name="r' not in text  # no inputs


def test_members_not_to_be_rated_are_listed_with_their_reason(world: World, client_for) -> None:
    exempt = make_member(world.office_cell, "Đỗ Văn Em", admitted_on=date(2000, 1, 1))
    event_add(actor=None, member=exempt, values={"kind": EventKind.EXEMPTED, "on": date(2025, 6, 1)})
    make_member(
        world.office_cell,
        "Mai Thị Hoa",
        admitted_on=date(2025, 9, 1),
        ceremony_on=date(2025, 9, 15),
        official_on=None,
    )
    open_2025(world)
    response = client_for("secretary").get(member_grid(world))
    grid = response.context["grid"]
    assert [row.name for row in grid.rows] == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu"]
    text = response.content.decode()
    assert 'Đỗ Văn Em — <span class="reason">Miễn công tác và sinh hoạt đảng</span>' in text
    assert 'Mai Thị Hoa — <span class="reason">Mới kết nạp chưa đủ 6 tháng</span>' in text
    assert "chưa xếp loại: <strong>3</strong>" in text


def test_the_not_yet_rated_count_goes_down_as_rows_are_rated(world: World, client_for) -> None:
    open_2025(world)
    client = client_for("secretary")
    client.post(member_grid(world), grid_post(row_data(world.an, score="80", level="HTTNV")))
    text = client.get(member_grid(world)).content.decode()
    assert "đã xếp loại: <strong>1</strong>" in text
    assert "chưa xếp loại: <strong>2</strong>" in text


def test_the_grid_costs_the_same_queries_whatever_the_number_of_members(world: World, client_for) -> None:
    open_2025(world)
    client = client_for("secretary")
    client.post(
        member_grid(world),
        grid_post(row_data(world.an, score="92", level="HTXSNV"), row_data(world.binh, score="80", level="HTTNV")),
    )
    client.get(member_grid(world))  # warm the session and the caches

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(member_grid(world)).status_code == 200
        return len(queries)

    before = count()
    for i in range(6):
        make_member(world.office_cell, f"Đảng Viên Thêm {i}")
    ratings_save(
        actor=None,
        subject="member",
        container=world.office_cell,
        key=KEY,
        rows=[RowInput(m.pk, score=Decimal(85), level="HTTNV") for m in world.office_cell.members.all()],
    )
    assert count() == before == GRID_QUERIES


# A published period ------------------------------------------------------------------------------------


def _rated_and_published(world: World, client) -> Period:
    period = open_2025(world)
    client.post(member_grid(world), grid_post(row_data(world.an, score="80", level="HTTNV")))
    period_close(actor=world.commune_staff, period=period)
    return period


def test_a_published_grid_is_read_only_with_a_rerate_mode(world: World, client_for) -> None:
    client = client_for("secretary")
    _rated_and_published(world, client)
    text = client.get(member_grid(world)).content.decode()
    assert "Đã công bố" in text
    assert 'name="r' not in text
    assert "Xếp loại lại" in text
    assert "HTTNV" in text
    # A POST outside the re-rating mode changes nothing.
    client.post(member_grid(world), grid_post(row_data(world.an, score="60", level="HTNV")))
    assert MemberRating.objects.get().level == "HTTNV"


def test_rerating_a_published_period_needs_reason_and_decision(world: World, client_for) -> None:
    client = client_for("secretary")
    _rated_and_published(world, client)
    url = member_grid(world) + "?xep-loai-lai=1"
    page = client.get(url).content.decode()
    assert 'name="rerate_reason"' in page and 'name="rerate_decision"' in page
    response = client.post(url, grid_post(row_data(world.an, score="60", level="HTNV")))
    assert response.status_code == 200
    assert "muốn xếp loại lại phải ghi lý do và số quyết định" in response.content.decode()
    assert MemberRating.objects.get().level == "HTTNV"
    response = client.post(
        url,
        grid_post(
            row_data(world.an, score="60", level="HTNV"),
            rerate_reason="Phát hiện sai sót khi tổng hợp",
            rerate_decision="05-QĐ/ĐU",
        ),
        follow=True,
    )
    assert "Đã lưu xếp loại: 1 dòng thay đổi." in response.content.decode()
    rating = MemberRating.objects.get()
    assert (rating.level, rating.rerated, rating.rerate_decision) == ("HTNV", True, "05-QĐ/ĐU")


# The organisation grid ---------------------------------------------------------------------------------


def org_row(org, *, score="", level="", outstanding=False, **conditions) -> dict:
    prefix = f"r{org.pk}-"
    ticked = {"all_tasks_on_time": True, "exceeded_30pct": True, "shortcomings_fixed": True, "late_within_20pct": True}
    ticked.update(conditions)
    data = {
        prefix + "score": score,
        prefix + "level": level,
        prefix + "proposed_level": "",
        prefix + "justification": "",
    }
    data.update({f"{prefix}c_{code}": "on" for code, on in ticked.items() if on})
    if outstanding:
        data[prefix + "outstanding"] = "on"
    return data


def test_the_org_grid_lists_the_children_with_figures_from_their_members(world: World, client_for) -> None:
    open_2025(world, world.commune)
    ratings_save(
        actor=None,
        subject="member",
        container=world.office_cell,
        key=KEY,
        rows=[
            RowInput(world.an.pk, score=Decimal(92), level="HTXSNV"),
            RowInput(world.binh.pk, score=Decimal(80), level="HTTNV"),
            RowInput(world.chau.pk, score=Decimal(60), level="HTNV", conditions={"disciplined": True}),
        ],
    )
    response = client_for("commune_staff").get(org_grid(world.commune))
    grid = response.context["grid"]
    assert [row.name for row in grid.rows] == ["Đảng bộ Cơ quan xã An Phú", "Chi bộ thôn Đông"]
    agency = grid.rows[0]
    assert agency.subordinates.members_by_level == {"HTXSNV": 1, "HTTNV": 1, "HTNV": 1}
    assert agency.subordinates.disciplined_members == 1
    assert [(c.condition.code, c.value) for c in agency.computed] == [("no_disciplined_below", False)]
    text = response.content.decode()
    assert "3 ĐV đã xếp loại; ≥ HTXSNV: 33,3%; ≥ HTTNV: 66,7%; ≥ HTNV: 100,0%" in text
    assert "ĐV bị kỷ luật: 1" in text
    # The agency's row links to its own grid of cells; the village cell's to its members.
    assert org_grid(world.agency) in text
    assert reverse("evaluations:member_grid", args=[2025, 0, world.village_cell.pk]) in text


def test_the_org_grid_figures_match_the_service_for_every_child(world: World, client_for) -> None:
    from dangvu.evaluations.grids import subordinates_by_child
    from dangvu.evaluations.services import subordinates_of

    open_2025(world, world.commune)
    ratings_save(
        actor=None,
        subject="member",
        container=world.office_cell,
        key=KEY,
        rows=[RowInput(world.an.pk, score=Decimal(92), level="HTXSNV", conditions={"disciplined": True})],
    )
    ratings_save(
        actor=None,
        subject="org",
        container=world.agency,
        key=KEY,
        rows=[RowInput(world.office_cell.pk, score=Decimal(80), level="HTTNV")],
    )
    children = list(world.commune.children.all())
    at_once = subordinates_by_child(children, KEY)
    for child in children:
        assert at_once[child.pk] == subordinates_of(child, KEY)


def test_rating_the_organisations_stores_outstanding_and_flags_a_disciplined_member(world: World, client_for) -> None:
    open_2025(world, world.commune)
    ratings_save(
        actor=None,
        subject="member",
        container=world.office_cell,
        key=KEY,
        rows=[RowInput(world.an.pk, score=Decimal(60), level="HTNV", conditions={"disciplined": True})],
    )
    client = client_for("commune_staff")
    response = client.post(
        org_grid(world.commune),
        grid_post(
            org_row(world.agency, score="95", level="HTXSNV", outstanding=True),
            org_row(world.village_cell, score="80", level="HTTNV"),
        ),
        follow=True,
    )
    text = response.content.decode()
    assert "Đã lưu xếp loại: 2 dòng thay đổi." in text
    agency = OrgRating.objects.get(org=world.agency)
    assert agency.outstanding and agency.level == "HTXSNV" and agency.allowed_level == "HTTNV"
    assert agency.findings[0]["code"] == "no_disciplined_below"
    assert "Đảng bộ Cơ quan xã An Phú: Xếp" in text
    assert "HTXSNV 1 / HTTNV 1 = 100,0%, giới hạn 20%" in text


def test_the_quota_of_an_outstanding_unit_allows_25_percent(world: World, client_for) -> None:
    open_2025(world, world.commune)
    ratings_save(
        actor=None,
        subject="org",
        container=world.agency,
        key=KEY,
        rows=[RowInput(world.office_cell.pk, score=Decimal(95), level="HTXSNV", outstanding=True)],
    )
    text = client_for("commune_staff").get(member_grid(world)).content.decode()
    assert "giới hạn 25%" in text


# The member's record -----------------------------------------------------------------------------------


def test_the_record_lists_the_members_ratings_with_rerating(world: World, client_for) -> None:
    client = client_for("secretary")
    _rated_and_published(world, client)
    ratings_save(
        actor=None,
        subject="member",
        container=world.office_cell,
        key=KEY,
        rows=[
            RowInput(
                world.an.pk,
                score=Decimal("92.5"),
                level="HTXSNV",
                exemplary=True,
                rerate_reason="Bổ sung thành tích",
                rerate_decision="07-QĐ/ĐU",
            )
        ],
    )
    for persona in ("member", "secretary", "viewer", "commune_staff"):
        text = client_for(persona).get(reverse("members:detail", args=[world.an.pk])).content.decode()
        assert "Kết quả xếp loại" in text
        assert "Năm 2025" in text
        assert "Hoàn thành xuất sắc nhiệm vụ" in text
        assert "92,5" in text
        assert "Tiêu biểu" in text
        assert "Bổ sung thành tích" in text and "07-QĐ/ĐU" in text


def test_a_record_without_ratings_says_so(world: World, client_for) -> None:
    text = client_for("secretary").get(reverse("members:detail", args=[world.binh.pk])).content.decode()
    assert "Chưa có kết quả xếp loại nào." in text


# Older regimes render from the same template ------------------------------------------------------------


def test_a_2019_grid_under_qd132_has_no_score_and_its_own_conditions(world: World, client_for) -> None:
    key = PeriodKey(2019)
    period_open(actor=None, org=world.commune, year=2019)
    client = client_for("secretary")
    page = client.get(member_grid(world, key))
    text = page.content.decode()
    assert "QĐ 132" in text
    assert "— Điểm" not in text
    assert f'name="r{world.an.pk}-c_task_criteria_excellent"' in text
    data = {
        f"r{world.an.pk}-level": "HTXSNV",
        f"r{world.an.pk}-c_other_criteria_good": "on",  # task criteria not all excellent
        f"r{world.an.pk}-proposed_level": "",
        f"r{world.an.pk}-justification": "",
    }
    response = client.post(member_grid(world, key), data, follow=True)
    assert "Đã lưu xếp loại: 1 dòng thay đổi." in response.content.decode()
    rating = MemberRating.objects.get()
    assert (rating.regime, rating.level, rating.score) == ("QD132", "HTXSNV", None)
    assert rating.findings  # HTXSNV without every task criterion excellent


def test_a_2012_grid_under_hd20_offers_its_member_levels(world: World, client_for) -> None:
    key = PeriodKey(2012)
    period_open(actor=None, org=world.commune, year=2012)
    text = client_for("secretary").get(member_grid(world, key)).content.decode()
    assert 'value="VPTC"' in text
    assert "— Điểm" not in text
    assert 'id="quota"' not in text  # HD 20 has no quota


def test_a_2021_org_grid_computes_the_share_of_good_members(world: World, client_for) -> None:
    key = PeriodKey(2021)
    period_open(actor=None, org=world.commune, year=2021)
    ratings_save(
        actor=None,
        subject="member",
        container=world.office_cell,
        key=key,
        rows=[
            RowInput(world.an.pk, level="HTTNV"),
            RowInput(world.binh.pk, level="KHTNV"),
            RowInput(world.chau.pk, level="KHTNV"),
        ],
    )
    response = client_for("commune_staff").get(org_grid(world.commune, key))
    grid = response.context["grid"]
    assert [c.code for c in grid.computed_conditions] == ["subordinates_done_80pct_good"]
    agency, _village = grid.rows
    assert [c.value for c in agency.computed] == [False]  # 2 of 3 members KHTNV
    assert "3 ĐV đã xếp loại; ≥ HTXSNV: 0,0%; ≥ HTTNV: 33,3%; ≥ HTNV: 33,3%" in response.content.decode()
    assert not grid.has_outstanding  # QĐ 132 has no 25% exception
    assert "Đơn vị nổi trội" not in response.content.decode()


def test_the_org_grid_costs_the_same_queries_whatever_the_number_of_children(world: World, client_for) -> None:
    from tests.factories import make_org

    open_2025(world, world.commune)
    client = client_for("commune_staff")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(org_grid(world.commune)).status_code == 200
        return len(queries)

    client.get(org_grid(world.commune))
    before = count()
    for i in range(4):
        cell = make_org(f"X01-9{i}", f"Chi bộ thôn số {i}", "grassroots_cell", world.commune)
        make_member(cell, f"Đảng Viên Thôn {i}")
    assert count() == before == ORG_GRID_QUERIES
