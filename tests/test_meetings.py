"""Cell meetings: figures from their inputs (meetings per month, attendance rate, missed months), the
striking-off warning (Điều lệ, QĐ 294: "bỏ sinh hoạt đảng … ba tháng trong năm"), who may record, the
CLI. "Today" is 15/11/2026, so January–October are over."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from dangvu.lifecycle.worklist import ItemKind, worklist
from dangvu.meetings.models import Attendance, Meeting, MeetingKind, Presence
from dangvu.meetings.queries import absentees, year_stats
from dangvu.meetings.rules import rate_text
from dangvu.meetings.services import meeting_record
from dangvu.members.models import Member
from tests.factories import World

TODAY = date(2026, 11, 15)
P, E, A = Presence.PRESENT, Presence.EXCUSED, Presence.ABSENT


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def meet(cell, day: date, presences: dict, kind: str = MeetingKind.REGULAR) -> Meeting:
    return meeting_record(
        actor=None, cell=cell, presences={m.pk: v for m, v in presences.items()}, held_on=day, kind=kind
    )


def test_the_rate_has_one_decimal_and_a_comma() -> None:
    assert rate_text(7, 8) == "87,5%"
    assert rate_text(0, 0) == "—"


def test_figures_come_from_the_meetings_and_attendance(world: World, django_assert_num_queries) -> None:
    for month in range(1, 11):
        if month in (3, 7):
            continue  # the office cell missed March and July
        meet(world.office_cell, date(2026, month, 5), {world.an: P, world.binh: P, world.chau: P})
    meet(world.office_cell, date(2026, 7, 20), {world.an: P, world.binh: A, world.chau: E}, MeetingKind.THEMATIC)
    meet(world.economy_cell, date(2026, 1, 9), {world.dung: P})
    with django_assert_num_queries(3):
        stats = year_stats(world.agency, 2026, TODAY)
    office, economy = stats.cells
    assert office.cell == world.office_cell
    assert office.regular == 8 and office.thematic == 1 and office.held == 9
    assert office.months[0] == 1 and office.months[2] == 0
    assert office.missed == (3, 7)
    assert (office.present, office.excused, office.absent) == (25, 1, 1)
    assert office.rate == "92,6%"
    assert economy.missed == (2, 3, 4, 5, 6, 7, 8, 9, 10)
    assert economy.rate == "100,0%"
    assert stats.rate == "92,9%"
    assert [c.cell for c in stats.missing_cells] == [world.office_cell, world.economy_cell]


def test_a_rate_of_eighty_seven_and_a_half(world: World) -> None:
    extra = [Member.objects.get(pk=m.pk) for m in (world.an, world.binh, world.chau)]
    meet(world.office_cell, date(2026, 1, 5), {extra[0]: P, extra[1]: P, extra[2]: P})
    meet(world.office_cell, date(2026, 2, 5), {extra[0]: P, extra[1]: P, extra[2]: P})
    meet(world.office_cell, date(2026, 3, 5), {extra[0]: P, extra[1]: A})
    assert year_stats(world.office_cell, 2026, TODAY).cells[0].rate == "87,5%"


def test_two_months_absent_is_no_warning_three_is(world: World) -> None:
    cell = world.office_cell
    meet(cell, date(2026, 1, 5), {world.an: A, world.binh: E})
    meet(cell, date(2026, 2, 5), {world.an: A, world.binh: E})
    meet(cell, date(2026, 2, 25), {world.an: A, world.binh: E}, MeetingKind.THEMATIC)  # same month again
    members = Member.objects.filter(current_org=cell)
    assert absentees(members, 2026) == []
    meet(cell, date(2026, 3, 5), {world.an: A, world.binh: E})
    meet(cell, date(2026, 4, 5), {world.binh: E})
    rows = absentees(members, 2026)
    assert [(r.member, r.months) for r in rows] == [(world.an, (1, 2, 3))]  # excused absences never count
    assert absentees(members, 2025) == []


def test_the_warning_is_on_the_work_list_and_the_cell_page(world: World, client_for) -> None:
    for month in (1, 2, 3):
        meet(world.office_cell, date(2026, month, 5), {world.chau: A})
    items = [i for i in worklist(world.commune_staff, TODAY) if i.kind == ItemKind.ABSENT_3_MONTHS]
    assert [i.subject for i in items] == ["Lê Minh Châu"]
    assert not [i for i in worklist(world.outsider, TODAY) if i.kind == ItemKind.ABSENT_3_MONTHS]
    page = client_for("secretary").get(reverse("meetings:cell", args=[world.office_cell.pk])).content.decode()
    assert "Lê Minh Châu" in page and "ba tháng trong năm" in page


def test_the_secretary_records_a_meeting_of_their_cell(world: World, client_for) -> None:
    client = client_for("secretary")
    url = reverse("meetings:create", args=[world.office_cell.pk])
    form = client.get(url).content.decode()
    assert "Nguyễn Văn An" in form and "Phạm Văn Dũng" not in form
    data = {
        "held_on": "2026-11-05",
        "kind": "regular",
        "theme": "Học tập Nghị quyết",
        "upper_cadre": "",
        "resolutions": "",
        f"p-{world.an.pk}": "present",
        f"p-{world.binh.pk}": "absent",
        f"p-{world.chau.pk}": "excused",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    meeting = Meeting.objects.get(cell=world.office_cell)
    assert dict(Attendance.objects.filter(meeting=meeting).values_list("member_id", "presence")) == {
        world.an.pk: P,
        world.binh.pk: A,
        world.chau.pk: E,
    }
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200


def test_who_may_see_and_record(world: World, client_for) -> None:
    own = reverse("meetings:create", args=[world.office_cell.pk])
    other = reverse("meetings:create", args=[world.economy_cell.pk])
    assert client_for("secretary").get(other).status_code == 404
    assert client_for("viewer").get(own).status_code == 403
    assert client_for("viewer").get(reverse("meetings:cell", args=[world.office_cell.pk])).status_code == 200
    assert client_for("outsider").get(own).status_code == 404
    assert client_for("outsider").get(reverse("meetings:cell", args=[world.office_cell.pk])).status_code == 404
    assert client_for("commune_staff").get(own).status_code == 200
    assert client_for("member").get(reverse("meetings:index")).status_code == 404
    index = client_for("commune_staff").get(reverse("meetings:index"), {"nam": 2026})
    assert index.status_code == 200 and "Chi bộ Văn phòng" in index.content.decode()


def test_the_stats_command(world: World) -> None:
    meet(world.office_cell, date(2026, 1, 5), {world.an: P, world.binh: A})
    out = StringIO()
    call_command("meetings", "stats", "--org", "X01", "--year", "2026", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    office = next(row for row in data["cells"] if row["code"] == "X01-01-01")
    assert office["held"] == 1 and office["rate"] == "50,0%" and office["missed_months"] == list(range(2, 11))
    text = StringIO()
    call_command("meetings", "stats", "--org", "X01", "--year", "2026", "--format", "text", stdout=text)
    assert "Chi bộ Văn phòng" in text.getvalue()


def test_the_demo_writes_a_year_of_meetings_with_its_warnings(world: World) -> None:
    from dangvu.demo.meetings_demo import meetings_demo
    from dangvu.meetings.queries import recognised

    assert meetings_demo(commune=world.commune, today=TODAY) == 3 * 10 - 3
    stats = year_stats(world.commune, 2026, TODAY)
    assert {c.cell.code: c.missed for c in stats.missing_cells} == {"X01-01-01": (4,), "X01-01-02": (6, 8)}
    rows = absentees(Member.objects.all(), 2026)
    assert [(r.member, r.months) for r in rows] == [(world.chau, (1, 2, 3))]
    assert len(list(recognised(world.commune))) == 1
    meetings_demo(commune=world.commune, today=TODAY)  # runs again from scratch
    assert Meeting.objects.count() == 27


def test_the_api_gives_the_figures_in_scope_only(world: World, client_for) -> None:
    meet(world.office_cell, date(2026, 1, 5), {world.an: P, world.binh: A})
    response = client_for("commune_staff").get("/api/v1/meetings/stats", {"org": "X01", "year": 2026})
    assert response.status_code == 200
    office = next(row for row in response.json()["cells"] if row["code"] == "X01-01-01")
    assert office["rate"] == "50,0%" and office["missed_months"] == list(range(2, 11))
    assert client_for("outsider").get("/api/v1/meetings/stats", {"org": "X01", "year": 2026}).status_code == 404
    assert client_for("commune_staff").get("/api/v1/model-cells", {"org": "X01"}).json() == []


def test_the_figures_page_runs_a_fixed_number_of_queries_and_exports(world: World, client_for) -> None:
    client = client_for("commune_staff")
    url = reverse("meetings:index")
    meet(world.office_cell, date(2026, 1, 5), {world.an: P})
    client.get(url, {"nam": 2026})
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(url, {"nam": 2026})
    for month in range(2, 8):
        meet(world.economy_cell, date(2026, month, 5), {world.dung: A})
        meet(world.village_cell, date(2026, month, 6), {world.duc: P})
    with CaptureQueriesContext(connection) as after:
        assert client.get(url, {"nam": 2026}).status_code == 200
    assert len(after) == len(before)
    response = client.get(reverse("meetings:export"), {"nam": 2026, "format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Chi bộ Văn phòng" in text and "Tháng thiếu" in text
    xlsx = client.get(reverse("meetings:export"), {"nam": 2026})
    assert xlsx.status_code == 200 and xlsx["Content-Disposition"].endswith('.xlsx"')
    assert client.get(reverse("meetings:export"), {"format": "pdf"}).status_code == 404


def test_the_stats_command_writes_csv_and_xlsx(world: World, tmp_path) -> None:
    from openpyxl import load_workbook

    meet(world.office_cell, date(2026, 1, 5), {world.an: P, world.binh: A})
    out = StringIO()
    call_command("meetings", "stats", "--org", "X01-01", "--year", "2026", "--format", "csv", stdout=out)
    lines = out.getvalue().lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Mã,Chi bộ,T1") and len(lines) == 3
    target = tmp_path / "sh.xlsx"
    call_command(
        "meetings",
        "stats",
        "--org",
        "X01-01",
        "--year",
        "2026",
        "--format",
        "xlsx",
        "--output",
        str(target),
        stdout=StringIO(),
    )
    sheet = load_workbook(target).active
    assert sheet is not None and sheet.cell(2, 2).value == "Chi bộ Văn phòng" and sheet.cell(2, 3).value == 1
