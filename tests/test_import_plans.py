"""Importing what committees keep in Excel: the inspection and supervision plan, emulation registrations and
cell meetings with attendance. Same pipeline as the member import: a dry run writes nothing, one bad row and
nothing is written (the problem names the row, the column and the reason), a re-import changes nothing, rows
outside the user's scope are refused."""

from __future__ import annotations

import hashlib
import io
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from dangvu.audit.models import AuditRecord
from dangvu.exchange.models import ImportJob, JobStatus
from dangvu.exchange.pipeline import Report, run_import
from dangvu.meetings.models import Attendance, Meeting, Presence
from dangvu.meetings.queries import absentees, year_stats
from dangvu.members.models import Member
from dangvu.plans.models import Assessment, InspectionItem, InspectionPlan, Registration
from dangvu.plans.progress import inspection_progress
from tests.factories import World
from tests.test_import_pipeline import write_csv, write_xlsx


def state() -> tuple[Any, ...]:
    digest = hashlib.sha256()
    counts = []
    for model in (InspectionPlan, InspectionItem, Registration, Meeting, Attendance, AuditRecord):
        rows = list(model.objects.order_by("pk").values_list())
        counts.append(len(rows))
        digest.update(repr(rows).encode())
    return (*counts, digest.hexdigest())


def errors(report: Report) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message) for p in report.problems if p.level == "error"]


def counts(report: Report) -> tuple[int, int, int, int]:
    return report.new, report.changed, report.unchanged, report.rejected


# --- inspection and supervision plan -------------------------------------------------------------------------

INSPECTION_HEADERS = [
    "Năm",
    "Mã cấp ủy",
    "Mã tổ chức được kiểm tra",
    "Số thẻ đảng viên",
    "Số CCCD",
    "Nội dung",
    "Hình thức",
    "Chủ thể",
    "Quý",
    "Ngày thực hiện",
    "Kết luận",
    "Yêu cầu khắc phục",
    "Hạn khắc phục",
]


def inspection_rows(world: World, *, done: str = "") -> list[list[Any]]:
    return [
        INSPECTION_HEADERS,
        [
            2026,
            "X01",
            "X01-01",
            "",
            "",
            "Chấp hành Điều lệ Đảng",
            "Kiểm tra",
            "Ủy ban Kiểm tra",
            1,
            "10/03/2026",
            "Tốt",
        ],
        [2026, "X01", "X01-02", "", "", "Sinh hoạt chi bộ", "Giám sát", "Ban Thường vụ", 2, done, "", "Bổ sung sổ", ""],
        [2026, "X01", "", "10000001", "", "Tu dưỡng, rèn luyện", "Kiểm tra", "Ủy ban Kiểm tra", 2],
        [2026, "X01", "", "", world.dung.citizen_id, "Kê khai tài sản", "Kiểm tra", "Ủy ban Kiểm tra", 3],
    ]


def test_the_inspection_plan_imports_checks_then_writes_and_feeds_the_progress(world: World, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "ke-hoach.xlsx", inspection_rows(world), text_cols=(4, 5))
    before = state()
    dry = run_import(kind="inspections", path=path, user=world.commune_staff)
    assert errors(dry) == [] and counts(dry) == (4, 0, 0, 0)
    assert state() == before
    report = run_import(kind="inspections", path=path, user=world.commune_staff, commit=True)
    assert report.committed and counts(report) == (4, 0, 0, 0)
    plan = InspectionPlan.objects.get(org=world.commune, year=2026)
    items = {i.subject: i for i in plan.items.all()}
    assert items["Tu dưỡng, rèn luyện"].target_member == world.an
    assert items["Kê khai tài sản"].target_member == world.dung  # found by CCCD
    assert items["Chấp hành Điều lệ Đảng"].done_on == date(2026, 3, 10)
    assert AuditRecord.objects.filter(target_type="inspectionitem", note__contains="ke-hoach.xlsx").count() == 4
    # kiểm tra: 1/1 organisation done (Q1), 0/2 members; giám sát: 0/1 organisation.
    progress = {k["kind"]: k for k in inspection_progress(world.commune, 2026)}
    assert progress["inspection"]["sentence"] == (
        "kiểm tra được 1/1 tổ chức (đạt 100,0% kế hoạch năm), 0/2 đảng viên (0,0%)"
    )
    # The same file again changes nothing; with the supervision recorded as done, that row alone changes.
    assert counts(run_import(kind="inspections", path=path, user=world.commune_staff, commit=True)) == (0, 0, 4, 0)
    path2 = write_xlsx(tmp_path / "ke-hoach-2.xlsx", inspection_rows(world, done="02/05/2026"), text_cols=(4, 5))
    again = run_import(kind="inspections", path=path2, user=world.commune_staff, commit=True)
    assert counts(again) == (0, 1, 3, 0)
    assert InspectionItem.objects.get(subject="Sinh hoạt chi bộ").done_on == date(2026, 5, 2)
    assert {k["kind"]: k for k in inspection_progress(world.commune, 2026)}["supervision"]["quarters"][1][
        "done_orgs"
    ] == 1


def test_one_bad_inspection_row_imports_nothing_and_names_row_column_and_reason(world: World, tmp_path: Path) -> None:
    rows = inspection_rows(world)
    rows[2][2] = "X02-01"  # the other commune's cell: not under Đảng bộ xã An Phú
    rows[3][8] = 5  # no fifth quarter
    path = write_csv(tmp_path / "ke-hoach.csv", rows)
    before = state()
    report = run_import(kind="inspections", path=path, user=world.commune_staff, commit=True)
    assert not report.committed and state() == before
    assert errors(report) == [
        (3, "Mã tổ chức được kiểm tra", "“X02-01” không thuộc Đảng bộ xã An Phú."),
        (4, "Quý", "Quý phải từ 1 đến 4."),
    ]
    assert counts(report) == (2, 0, 0, 2)


def test_inspection_rows_outside_the_scope_are_refused_and_a_secretary_may_not_import_the_plan(
    world: World, tmp_path: Path
) -> None:
    rows: list[list[Any]] = [INSPECTION_HEADERS, [2026, "X02", "X02-01", "", "", "Điều lệ", "Kiểm tra", "UBKT", 1]]
    rows.append([2026, "X01", "", "10000006", "", "Điều lệ", "Kiểm tra", "UBKT", 1])
    path = write_csv(tmp_path / "ngoai.csv", rows)
    report = run_import(kind="inspections", path=path, user=world.commune_staff, commit=True)
    assert errors(report) == [
        (2, "Mã cấp ủy", "Tổ chức “X02” nằm ngoài phạm vi của bạn; không được thêm hay sửa."),
        (3, "Số thẻ đảng viên", "Không có đảng viên có số thẻ 10000006 trong phạm vi của bạn."),
    ]
    refused = run_import(kind="inspections", path=path, user=world.secretary, commit=True)
    assert refused.file_error == "Vai trò của bạn không được nhập loại dữ liệu này."
    assert not InspectionItem.objects.exists()


# --- registrations -------------------------------------------------------------------------------------------

REGISTRATION_HEADERS = [
    "Năm",
    "Loại đăng ký",
    "Mã tổ chức",
    "Số thẻ đảng viên",
    "Nội dung đăng ký",
    "Ngày đăng ký",
    "Kết quả",
    "Cấp công nhận",
    "Có sản phẩm cụ thể",
]


def test_registrations_import_and_the_year_end_assessment_updates_them(world: World, tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        REGISTRATION_HEADERS,
        [2025, "Cam kết tu dưỡng, rèn luyện", "", "10000001", "Học tập và làm theo", "15/01/2025"],
        [2025, "Cam kết tu dưỡng, rèn luyện", "", "10000002", "Giữ gìn đạo đức", "15/01/2025"],
        [2025, "Mô hình mới, cách làm sáng tạo", "X01-02", "", "Dân vận khéo", "20/01/2025"],
        [2025, "Đăng ký danh hiệu thi đua", "X01-01", "", "Hoàn thành xuất sắc nhiệm vụ", "20/01/2025"],
    ]
    path = write_xlsx(tmp_path / "dang-ky.xlsx", rows, text_cols=(4,))
    report = run_import(kind="registrations", path=path, user=world.commune_staff, commit=True)
    assert report.committed and counts(report) == (4, 0, 0, 0)
    assert Registration.objects.get(member=world.an).text == "Học tập và làm theo"
    # At the year's end the same rows come back with the assessment: two change, two stay.
    rows[1] += ["Hoàn thành"]
    rows[3] += ["Hoàn thành", "Cấp huyện/xã", "Có"]
    path = write_xlsx(tmp_path / "danh-gia.xlsx", rows, text_cols=(4,))
    report = run_import(kind="registrations", path=path, user=world.commune_staff, commit=True)
    assert counts(report) == (0, 2, 2, 0)
    initiative = Registration.objects.get(org=world.village_cell)
    assert (initiative.assessment, initiative.level, initiative.has_product) == (Assessment.DONE, "upper", True)
    assert AuditRecord.objects.filter(target_type="registration", action="update").count() == 2


def test_a_bad_registration_row_imports_nothing(world: World, tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        REGISTRATION_HEADERS,
        [2026, "Cam kết tu dưỡng, rèn luyện", "", "10000001", "Học tập", "15/01/2026"],
        [2026, "Cam kết tu dưỡng, rèn luyện", "", "10000001", "Rèn luyện", "15/01/2026", "", "Cấp tỉnh"],
        [2026, "Cam kết tu dưỡng, rèn luyện", "X01-02", "10000002", "Hai đối tượng", "15/01/2026"],
        [2026, "Cam kết tu dưỡng, rèn luyện", "", "10000006", "Ngoài phạm vi", "15/01/2026"],
    ]
    path = write_csv(tmp_path / "dang-ky.csv", rows)
    report = run_import(kind="registrations", path=path, user=world.commune_staff, commit=True)
    assert not report.committed and not Registration.objects.exists()
    assert errors(report) == [
        (3, "Cấp công nhận", "Cấp công nhận, sản phẩm cụ thể chỉ ghi với mô hình mới, cách làm sáng tạo."),
        (4, "Mã tổ chức", "Ghi một trong hai: mã tổ chức, hoặc số thẻ đảng viên / số CCCD (không ghi cả hai)."),
        (5, "Số thẻ đảng viên", "Không có đảng viên có số thẻ 10000006 trong phạm vi của bạn."),
    ]


def test_a_secretary_imports_the_registrations_of_the_own_cell_only(world: World, tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        REGISTRATION_HEADERS,
        [2026, "Cam kết tu dưỡng, rèn luyện", "", "10000001", "Học tập", "15/01/2026"],
        [2026, "Cam kết tu dưỡng, rèn luyện", "", "10000004", "Dũng, chi bộ Kinh tế", "15/01/2026"],
    ]
    report = run_import(
        kind="registrations", path=write_csv(tmp_path / "r.csv", rows), user=world.secretary, commit=True
    )
    assert errors(report) == [(3, "Số thẻ đảng viên", "Không có đảng viên có số thẻ 10000004 trong phạm vi của bạn.")]
    assert not Registration.objects.exists()


# --- cell meetings -------------------------------------------------------------------------------------------

MEETING_HEADERS = ["Mã chi bộ", "Ngày sinh hoạt", "Loại buổi sinh hoạt", "Chủ đề", "Số thẻ đảng viên", "Điểm danh"]


def meeting_rows(months: range, *, absent: str = "Vắng không lý do") -> list[list[Any]]:
    rows: list[list[Any]] = [MEETING_HEADERS]
    for month in months:
        day = f"05/{month:02d}/2026"
        rows.append(["X01-01-01", day, "Thường kỳ", f"Nghị quyết tháng {month}", "10000001"])
        rows.append(["X01-01-01", day, "", "", "10000002", "Vắng có lý do"])
        rows.append(["X01-01-01", day, "", "", "10000003", absent])
    return rows


def test_meetings_with_attendance_import_and_feed_the_figures_and_the_striking_off_warning(
    world: World, tmp_path: Path
) -> None:
    rows = meeting_rows(range(1, 4))
    rows.append(["X01-01-01", "20/03/2026", "Chuyên đề", "Học tập chuyên đề", "", ""])
    path = write_xlsx(tmp_path / "sinh-hoat.xlsx", rows, text_cols=(5,))
    before = state()
    assert counts(run_import(kind="meetings", path=path, user=world.secretary)) == (10, 0, 0, 0)
    assert state() == before
    report = run_import(kind="meetings", path=path, user=world.secretary, commit=True, chunk_rows=4)
    assert report.committed and errors(report) == []
    assert Meeting.objects.count() == 4 and Attendance.objects.count() == 9
    assert Meeting.objects.get(held_on=date(2026, 2, 5)).theme == "Nghị quyết tháng 2"
    stats = year_stats(world.office_cell, 2026, date(2026, 4, 15))
    [cell] = stats.cells
    assert (cell.regular, cell.thematic, cell.present, cell.excused, cell.absent) == (3, 1, 3, 3, 3)
    assert cell.rate == "33,3%"
    # Châu was absent without reason in three different months: the ground for striking off.
    flagged = absentees(Member.objects.filter(current_org=world.office_cell), 2026)
    assert [(a.member, a.months) for a in flagged] == [(world.chau, (1, 2, 3))]
    assert AuditRecord.objects.filter(target_type="meeting", action="create").count() == 4
    # Again: nothing changes; with Châu present in March, that row alone changes.
    assert counts(run_import(kind="meetings", path=path, user=world.secretary, commit=True)) == (0, 0, 10, 0)
    rows[9][5] = "Có mặt"
    path = write_xlsx(tmp_path / "sua.xlsx", rows, text_cols=(5,))
    assert counts(run_import(kind="meetings", path=path, user=world.secretary, commit=True)) == (0, 1, 9, 0)
    assert Attendance.objects.get(member=world.chau, meeting__held_on=date(2026, 3, 5)).presence == Presence.PRESENT


def test_a_bad_meeting_row_imports_nothing_and_names_row_column_and_reason(world: World, tmp_path: Path) -> None:
    rows = meeting_rows(range(1, 2))
    rows[2][3] = "Chủ đề khác"  # the same meeting, another theme than row 2
    rows.append(["X01-01-01", "05/01/2026", "", "", "10000004", "Có mặt"])  # Dũng sits in Chi bộ Kinh tế
    rows.append(["X01-01", "05/01/2026", "", "", "", ""])  # a grassroots committee is not a cell
    rows.append(["X01-01-01", "05/01/2099", "", "", "", ""])
    path = write_csv(tmp_path / "sinh-hoat.csv", rows)
    before = state()
    report = run_import(kind="meetings", path=path, user=world.commune_staff, commit=True)
    assert not report.committed and state() == before
    assert errors(report) == [
        (3, "Chủ đề", "Chủ đề khác với dòng 2 của cùng buổi sinh hoạt; mỗi buổi chỉ ghi một nội dung."),
        (
            5,
            "Số thẻ đảng viên",
            "Đảng viên số thẻ 10000004 không sinh hoạt ở chi bộ “Chi bộ Văn phòng” vào ngày đó (chỉ điểm danh đảng "
            "viên của chi bộ).",
        ),
        (6, "Mã chi bộ", "“X01-01” không phải là chi bộ."),
        (7, "Ngày sinh hoạt", "Ngày 05/01/2099 ở tương lai."),
    ]


def test_meetings_of_a_cell_outside_the_scope_are_refused(world: World, tmp_path: Path) -> None:
    rows = [MEETING_HEADERS, ["X01-01-02", "05/01/2026", "", "", "10000004", "Có mặt"]]
    report = run_import(kind="meetings", path=write_csv(tmp_path / "m.csv", rows), user=world.secretary, commit=True)
    assert errors(report)[0][:2] == (2, "Mã chi bộ") and not Meeting.objects.exists()
    assert errors(report)[0][2] == "Tổ chức “X01-01-02” nằm ngoài phạm vi của bạn; không được thêm hay sửa."


# --- the page, the templates, the command --------------------------------------------------------------------


@pytest.fixture
def inline(settings: Any, tmp_path: Path) -> None:
    settings.EXCHANGE_RUN_INLINE = True
    settings.DATA_DIR = tmp_path


@pytest.mark.parametrize(
    ("persona", "kinds"),
    [
        ("commune_staff", {"inspections", "registrations", "meetings"}),
        ("secretary", {"registrations", "meetings"}),
    ],
)
def test_who_may_import_the_plans_kinds_and_their_templates(
    world: World, client_for: Any, persona: str, kinds: set[str]
) -> None:
    client = client_for(persona)
    for kind in ("inspections", "registrations", "meetings"):
        response = client.get(reverse("exchange:template", args=[kind]))
        assert response.status_code == (200 if kind in kinds else 404)
        if response.status_code == 200:
            book = openpyxl.load_workbook(io.BytesIO(response.content))
            assert "Hướng dẫn" in book.sheetnames and book["Dữ liệu"]["A1"].value


def test_the_import_page_takes_a_meetings_file(world: World, client_for: Any, inline: None) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    out = io.StringIO()
    import csv

    csv.writer(out).writerows(meeting_rows(range(1, 2)))
    upload = SimpleUploadedFile("sinh-hoat.csv", out.getvalue().encode("utf-8-sig"), content_type="text/csv")
    client = client_for("secretary")
    client.post(reverse("exchange:imports"), {"kind": "meetings", "file": upload})
    job = ImportJob.objects.get()
    assert job.status == JobStatus.DRY_RUN_DONE and job.new == 3
    client.post(reverse("exchange:job_commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.COMMITTED and Attendance.objects.count() == 3
    listed = client.get("/api/v1/imports", {"kind": "meetings"}).json()
    assert listed["count"] == 1 and listed["items"][0]["kind_label"] == "Sinh hoạt chi bộ, điểm danh"


def test_the_import_command_takes_the_plans_kinds(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ke-hoach.csv", inspection_rows(world))
    out = io.StringIO()
    call_command("import", str(path), kind="inspections", user="commune_staff", stdout=out)
    assert "thêm mới 4" in out.getvalue() and InspectionItem.objects.count() == 4


def test_a_member_who_moved_on_is_taken_for_the_meetings_held_while_in_the_cell(world: World, tmp_path: Path) -> None:
    from dangvu.members.lifecycle import EventKind
    from dangvu.members.services import event_add

    # Bình moves from Chi bộ Văn phòng to Chi bộ thôn Đông on 1 March 2026.
    event_add(
        actor=None,
        member=world.binh,
        values={"kind": EventKind.TRANSFER_OUT, "on": date(2026, 3, 1), "org": world.village_cell},
    )
    rows = [
        MEETING_HEADERS,
        ["X01-01-01", "05/02/2026", "", "", "10000002", "Có mặt"],  # still in Văn phòng
        ["X01-02", "05/04/2026", "", "", "10000002", "Có mặt"],  # now in thôn Đông
        ["X01-01-01", "05/04/2026", "", "", "10000002", "Có mặt"],  # no longer in Văn phòng
    ]
    report = run_import(kind="meetings", path=write_csv(tmp_path / "m.csv", rows), user=world.commune_staff)
    assert errors(report) == [
        (
            4,
            "Số thẻ đảng viên",
            "Đảng viên số thẻ 10000002 không sinh hoạt ở chi bộ “Chi bộ Văn phòng” vào ngày đó (chỉ điểm danh đảng "
            "viên của chi bộ).",
        )
    ]
    rows.pop()
    report = run_import(
        kind="meetings", path=write_csv(tmp_path / "m2.csv", rows), user=world.commune_staff, commit=True
    )
    assert report.committed and Attendance.objects.filter(member=world.binh).count() == 2
