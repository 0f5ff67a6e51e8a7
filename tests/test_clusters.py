"""Emulation clusters (cụm thi đua) and their quarterly briefings (giao ban)."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangvu.clusters.models import Briefing, Cluster, ClusterYear
from dangvu.clusters.queries import NO_INSPECTION_PLAN, briefing_context, cluster_figures, quarter_bounds
from dangvu.clusters.services import cluster_set_members
from dangvu.clusters.word import render_docx, word_context
from dangvu.members.lifecycle import EventKind
from dangvu.members.models import MemberEvent
from dangvu.orgs.kinds import OrgKind
from tests.factories import World, make_member


@pytest.fixture
def cluster(world: World) -> Cluster:
    cluster = Cluster.objects.create(name="Cụm thi đua số 1", owner=world.commune)
    # A cluster groups grassroots organisations from anywhere in the tree, including another commune.
    cluster_set_members(
        cluster=cluster,
        orgs=[world.agency, world.village_cell, world.other_cell],
        year=2026,
        leader=world.agency,
        deputy=world.village_cell,
    )
    return cluster


def test_quarter_bounds_are_the_first_and_last_day() -> None:
    assert quarter_bounds(2026, 1) == (date(2026, 1, 1), date(2026, 3, 31))
    assert quarter_bounds(2026, 4) == (date(2026, 10, 1), date(2026, 12, 31))


def test_the_cluster_figures_are_computed_from_its_organisations(world: World, cluster: Cluster) -> None:
    with CaptureQueriesContext(connection) as queries:
        figures = cluster_figures(cluster, 2026)
    assert len(queries) == 4
    assert dict(figures["by_kind"]) == {"Đảng bộ cơ sở": 1, "Chi bộ cơ sở": 2}
    assert figures["cells"] == 2  # Văn phòng and Kinh tế under the agency
    assert figures["on_roll"] == 6  # an, bình, châu, dũng, đức, giang
    assert figures["probationary"] == 1  # đức
    assert figures["leader"] == world.agency and figures["deputy"] == world.village_cell
    assert figures["staff"] is None


def test_memberships_have_years(world: World, cluster: Cluster) -> None:
    cluster_set_members(cluster=cluster, orgs=[world.agency], year=2027)
    assert list(cluster.member_orgs(2026)) == [world.agency, world.village_cell, world.other_cell]
    assert list(cluster.member_orgs(2027)) == [world.agency]
    assert list(cluster.member_orgs(2025)) == []


def test_the_briefing_counts_admissions_and_confirmations_dated_in_the_quarter(world: World, cluster: Cluster) -> None:
    # Đức was admitted on 2 March 2026 (the world). The quarter's first and last day count; the days
    # around them do not.
    make_member(world.economy_cell, "Ngày đầu quý", admitted_on=date(2026, 1, 1), ceremony_on=None, official_on=None)
    make_member(world.economy_cell, "Ngày cuối quý", admitted_on=date(2026, 3, 31), ceremony_on=None, official_on=None)
    make_member(world.economy_cell, "Quý trước", admitted_on=date(2025, 12, 31), ceremony_on=None, official_on=None)
    make_member(world.village_cell, "Quý sau", admitted_on=date(2026, 4, 1), ceremony_on=None, official_on=None)
    make_member(
        world.office_cell, "Chính thức", admitted_on=date(2025, 1, 1), ceremony_on=None, official_on=date(2026, 1, 1)
    )
    make_member(
        world.office_cell,
        "Chính thức sau",
        admitted_on=date(2025, 4, 1),
        ceremony_on=None,
        official_on=date(2026, 4, 1),
    )
    make_member(world.other_cell, "Cụm khác xã", admitted_on=date(2026, 2, 1), ceremony_on=None, official_on=None)
    assert MemberEvent.objects.filter(kind=EventKind.CONFIRMED, on=date(2026, 1, 1)).count() == 1

    b = briefing_context(cluster, 2026, 1)
    rows = {row["org"]: row for row in b["rows"]}
    assert b["admitted"] == 4  # first day, last day, Đức, and the other commune's cell (a member of the cluster)
    assert rows[world.agency.name]["admitted"] == 2
    assert rows[world.village_cell.name]["admitted"] == 1
    assert b["confirmed"] == 1
    assert rows[world.agency.name]["confirmed"] == 1
    assert b["inspections"]["note"] == NO_INSPECTION_PLAN.format(year=2026)
    q2 = briefing_context(cluster, 2026, 2)
    assert (q2["admitted"], q2["confirmed"]) == (1, 1)


def test_the_briefing_carries_the_committees_text(cluster: Cluster) -> None:
    Briefing.objects.create(cluster=cluster, year=2026, quarter=3, summary="Tốt.", notable_events="Một\n\nHai\n")
    b = briefing_context(cluster, 2026, 3)
    assert b["summary"] == "Tốt." and b["notable_events"] == ["Một", "Hai"]


def test_the_word_file_opens_and_has_the_hd36_header(cluster: Cluster) -> None:
    from docx import Document

    context = word_context(cluster, 2026, 1, today=date(2026, 4, 5))
    document = Document(io.BytesIO(render_docx(context)))
    header = "\n".join(cell.text for cell in document.tables[0].rows[0].cells)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in header
    assert "ĐẢNG ỦY XÃ AN PHÚ" in header
    assert "ngày 05 tháng 4 năm 2026" in header
    text = "\n".join(p.text for p in document.paragraphs)
    assert "BÁO CÁO" in text and "Giao ban Cụm thi đua số 1 quý 1 năm 2026" in text
    assert NO_INSPECTION_PLAN.format(year=2026) in text


def test_the_command_prints_the_briefing_as_json(cluster: Cluster, tmp_path) -> None:
    out = io.StringIO()
    call_command("clusters", "briefing", cluster=cluster.pk, year=2026, quarter=1, format="json", stdout=out)
    assert json.loads(out.getvalue())["admitted"] == 1
    target = tmp_path / "b.docx"
    call_command("clusters", "briefing", cluster=cluster.pk, year=2026, quarter=1, format="docx", output=str(target))
    assert target.read_bytes()[:2] == b"PK"


def test_readers_see_the_cluster_and_outsiders_get_404(client_for, cluster: Cluster) -> None:
    detail = reverse("clusters:detail", args=[cluster.pk])
    assert client_for("viewer").get(detail).status_code == 200
    assert client_for("outsider").get(detail).status_code == 404
    briefing = reverse("clusters:briefing", args=[cluster.pk, 2026, 1])
    assert client_for("outsider").get(briefing).status_code == 404
    response = client_for("commune_staff").get(briefing)
    assert response.status_code == 200 and "Kết nạp đảng viên trong quý" in response.content.decode()
    docx = client_for("viewer").get(reverse("clusters:briefing_docx", args=[cluster.pk, 2026, 1]))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"


def test_a_viewer_may_not_edit(client_for, cluster: Cluster) -> None:
    viewer = client_for("viewer")
    assert viewer.get(reverse("clusters:edit", args=[cluster.pk])).status_code == 403
    assert viewer.get(reverse("clusters:create")).status_code == 403
    save = reverse("clusters:briefing_save", args=[cluster.pk, 2026, 1])
    assert viewer.post(save, {"summary": "x"}).status_code == 403
    assert client_for("outsider").post(save, {"summary": "x"}).status_code == 404


def test_staff_in_scope_create_a_cluster_and_save_a_briefing(client_for, world: World) -> None:
    staff = client_for("commune_staff")
    response = staff.post(
        reverse("clusters:create"),
        {
            "name": "Cụm số 2",
            "owner": world.commune.pk,
            "orgs": [world.agency.pk, world.village_cell.pk],
            "year": 2026,
            "leader": world.agency.pk,
            "deputy": world.village_cell.pk,
        },
    )
    assert response.status_code == 302
    cluster = Cluster.objects.get(name="Cụm số 2")
    assert ClusterYear.objects.get(cluster=cluster, year=2026).leader == world.agency
    save = reverse("clusters:briefing_save", args=[cluster.pk, 2026, 3])
    assert (
        staff.post(save, {"summary": "Hoàn thành.", "notable_events": "Hội nghị", "directions": ""}).status_code == 302
    )
    assert Briefing.objects.get(cluster=cluster, year=2026, quarter=3).summary == "Hoàn thành."
    assert world.agency.kind == OrgKind.GRASSROOTS_COMMITTEE


def _plan_items(org, items: list[tuple[int, date | None, bool]], year: int = 2026) -> None:
    from dangvu.plans.models import InspectionItem, InspectionKind, InspectionPlan

    plan, _ = InspectionPlan.objects.get_or_create(org=org, year=year, defaults={"title": "Kế hoạch"})
    for quarter, done, on_member in items:
        member = org.members.first() if on_member else None
        InspectionItem.objects.create(
            plan=plan,
            target_org=None if on_member else org,
            target_member=member,
            subject="Chấp hành Điều lệ",
            kind=InspectionKind.INSPECTION,
            by_whom="Ủy ban Kiểm tra",
            quarter=quarter,
            done_on=done,
        )


def test_the_briefing_adds_up_the_inspection_plans_of_the_cluster_organisations(world: World, cluster: Cluster) -> None:
    from dangvu.clusters.queries import inspection_lines
    from dangvu.plans.models import InspectionItem, InspectionPlan

    # Đảng bộ Cơ quan: 3 organisations planned (Q1, Q2, Q3), 2 done (one in Q1, one in Q2).
    _plan_items(world.agency, [(1, date(2026, 2, 10), False), (2, date(2026, 5, 4), False), (3, None, False)])
    # Chi bộ thôn Đông: 1 organisation planned in Q2, done in Q2; a plan of 2025 does not count.
    _plan_items(world.village_cell, [(2, date(2026, 6, 30), False)])
    _plan_items(world.village_cell, [(2, date(2025, 6, 1), False)], year=2025)
    # A committee outside the cluster (the commune) does not count either.
    _plan_items(world.commune, [(2, date(2026, 5, 1), False)])
    # A member inspected by the agency: planned Q2, done on 1 July (Q3: not in the quarter nor in Q2's year to date).
    plan = InspectionPlan.objects.get(org=world.agency, year=2026)
    InspectionItem.objects.create(
        plan=plan,
        target_member=world.an,
        subject="Tu dưỡng",
        kind="inspection",
        by_whom="Chi ủy",
        quarter=2,
        done_on=date(2026, 7, 1),
    )
    q2 = briefing_context(cluster, 2026, 2)["inspections"]
    assert q2["available"] is True
    [k] = q2["kinds"]
    # Quarter 2: 2 organisations planned (agency 1, village 1), 2 done; 1 member planned, 0 done in Q2.
    assert (k["quarter_planned_orgs"], k["quarter_done_orgs"]) == (2, 2)
    assert (k["quarter_planned_members"], k["quarter_done_members"]) == (1, 0)
    # Year to date at the end of Q2: 3 of the year's 4 organisations (75,0%), 0 of 1 member.
    assert (k["ytd_orgs"], k["planned_orgs"], k["ytd_orgs_share"]) == (3, 4, 75.0)
    assert k["sentence"] == "kiểm tra được 3/4 tổ chức (đạt 75,0% kế hoạch năm), 0/1 đảng viên (0,0%)"
    assert [r["code"] for r in q2["rows"]] == ["X01-01", "X01-02"]
    assert q2["rows"][0]["kinds"][0]["sentence"] == (
        "kiểm tra được 2/3 tổ chức (đạt 66,7% kế hoạch năm), 0/1 đảng viên (0,0%)"
    )
    assert inspection_lines(q2) == [
        "Kiểm tra: trong quý kiểm tra được 2/2 tổ chức, 0/1 đảng viên theo kế hoạch quý; lũy kế từ đầu năm "
        "kiểm tra được 3/4 tổ chức (đạt 75,0% kế hoạch năm), 0/1 đảng viên (0,0%)."
    ]
    q3 = briefing_context(cluster, 2026, 3)["inspections"]["kinds"][0]
    assert (q3["quarter_done_members"], q3["ytd_members"], q3["ytd_members_share"]) == (1, 1, 100.0)
    # The same figures in the JSON, the text, the page and the Word file.
    out = io.StringIO()
    call_command("clusters", "briefing", cluster=cluster.pk, year=2026, quarter=2, format="json", stdout=out)
    assert json.loads(out.getvalue())["inspections"]["kinds"][0]["ytd_orgs"] == 3
    out = io.StringIO()
    call_command("clusters", "briefing", cluster=cluster.pk, year=2026, quarter=2, format="text", stdout=out)
    assert "lũy kế từ đầu năm kiểm tra được 3/4 tổ chức" in out.getvalue()
    from docx import Document

    text = "\n".join(
        p.text
        for p in Document(io.BytesIO(render_docx(word_context(cluster, 2026, 2, today=date(2026, 7, 2))))).paragraphs
    )
    assert "kiểm tra được 3/4 tổ chức (đạt 75,0% kế hoạch năm)" in text


def test_the_briefing_page_shows_the_inspections_against_plan(client_for, world: World, cluster: Cluster) -> None:
    _plan_items(world.agency, [(1, date(2026, 2, 10), False), (1, None, False)])
    page = client_for("viewer").get(reverse("clusters:briefing", args=[cluster.pk, 2026, 1])).content.decode()
    assert "1/2 (50,0%)" in page
    assert "Đảng bộ Cơ quan xã An Phú: kiểm tra được 1/2 tổ chức" in page
    empty = client_for("viewer").get(reverse("clusters:briefing", args=[cluster.pk, 2025, 1])).content.decode()
    assert NO_INSPECTION_PLAN.format(year=2025) in empty


def test_the_command_writes_the_briefing_per_organisation_as_csv_and_xlsx(
    world: World, cluster: Cluster, tmp_path
) -> None:
    import csv

    import openpyxl

    _plan_items(world.agency, [(1, date(2026, 2, 10), False), (1, None, False)])
    out = io.StringIO()
    call_command("clusters", "briefing", cluster=cluster.pk, year=2026, quarter=1, format="csv", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0][:3] == ["Tổ chức cơ sở đảng", "Kết nạp trong quý", "Công nhận chính thức trong quý"]
    agency = next(r for r in rows if r[0] == world.agency.name)
    village = next(r for r in rows if r[0] == world.village_cell.name)
    assert agency[3] == "kiểm tra được 1/2 tổ chức (đạt 50,0% kế hoạch năm), 0/0 đảng viên (—)"
    assert village[1:] == ["1", "0", "", ""]  # Đức admitted on 2 March; no plan
    target = tmp_path / "b.xlsx"
    call_command("clusters", "briefing", cluster=cluster.pk, year=2026, quarter=1, format="xlsx", output=str(target))
    sheet = openpyxl.load_workbook(target).active
    assert sheet.title == "Giao ban quý 1 năm 2026" and sheet.max_row == 4


def test_the_briefing_costs_the_same_queries_whatever_the_number_of_organisations(
    world: World, cluster: Cluster
) -> None:
    _plan_items(world.agency, [(1, date(2026, 2, 10), False)])
    with CaptureQueriesContext(connection) as three:
        briefing_context(cluster, 2026, 1)
    cluster_set_members(
        cluster=cluster,
        orgs=[world.agency, world.village_cell, world.other_cell, world.economy_cell, world.office_cell],
        year=2026,
    )
    _plan_items(world.village_cell, [(1, None, False)])
    with CaptureQueriesContext(connection) as five:
        b = briefing_context(cluster, 2026, 1)
    assert len(five) == len(three) and b["figures"]["orgs"] == 5
    assert b["inspections"]["kinds"][0]["planned_orgs"] == 2
