"""The import pipeline on messy files the tests build themselves: each file gives the right rows or
the right message, a rejected import leaves the database exactly as it was, a re-import changes
nothing, and scope is enforced row by row."""

from __future__ import annotations

import csv
import hashlib
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from dangvu.audit.models import AuditRecord
from dangvu.evaluations.models import MemberRating, OrgRating
from dangvu.exchange.kinds import KINDS
from dangvu.exchange.pipeline import Report, run_import
from dangvu.lib.legacy_vn import unicode_to_tcvn3, unicode_to_vni
from dangvu.members.models import Member, MemberEvent
from dangvu.orgs.models import Org
from tests.factories import World

MEMBER_HEADERS = [
    "Số thẻ đảng viên",
    "Họ tên",
    "Giới tính",
    "Ngày sinh",
    "Số CCCD",
    "Quê quán",
    "Mã chi bộ",
    "Ngày vào Đảng",
    "Ngày lễ kết nạp",
    "Ngày chính thức",
]


def write_xlsx(path: Path, rows: list[list[Any]], *, title: bool = True, text_cols: tuple[int, ...] = ()) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append(["ĐẢNG BỘ XÃ AN PHÚ"])
        sheet.append(["DANH SÁCH ĐẢNG VIÊN NĂM 2026"])
        sheet.append([])
    for row in rows:
        sheet.append(row)
    for col in text_cols:
        for cells in sheet.iter_rows(min_col=col, max_col=col):
            cells[0].number_format = "@"
    book.save(path)
    return path


def write_csv(path: Path, rows: list[list[Any]], encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        csv.writer(handle).writerows(rows)
    return path


def db_state() -> tuple[Any, ...]:
    """Counts and a checksum of every row of the tables an import may write."""
    digest = hashlib.sha256()
    counts = []
    for model in (Org, Member, MemberEvent, MemberRating, OrgRating, AuditRecord):
        rows = list(model.objects.order_by("pk").values_list())
        counts.append(len(rows))
        digest.update(repr(rows).encode())
    return (*counts, digest.hexdigest())


def problems(report: Report) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message) for p in report.problems if p.level == "error"]


def new_member_row(card: Any = "0200001", cccd: Any = "001090000001", name: str = "Lê Văn Mới") -> list[Any]:
    return [card, name, "Nam", "01/02/1990", cccd, "Xã An Phú", "X01-01-01", "01/03/2015", "20/03/2015", "20/03/2016"]


pytestmark = pytest.mark.django_db


# --- the messy member file ------------------------------------------------------------------------------------


def messy_members(tmp_path: Path) -> Path:
    rows: list[list[Any]] = [
        MEMBER_HEADERS,
        # dates as dd/mm/yyyy text, leading-zero card number kept as text
        new_member_row("0200001", "001090000001", "Lê Văn Mới"),
        # dates as datetime cells, name typed in TCVN3
        [
            "0200002",
            unicode_to_tcvn3("Trần Thị Hoà Bình"),
            "Nữ",
            datetime(1991, 4, 5),
            "001191000002",
            unicode_to_vni("Xã Đông Hòa"),
            "X01-01-02",
            datetime(2016, 5, 6),
            datetime(2016, 5, 20),
            datetime(2017, 5, 20),
        ],
        # dates as Excel serial numbers
        ["0200003", "Phạm Thu Hà", "Nữ", 33604, "001192000003", "", "X01-02", 42430, 42450, 42815],
        # the same row again
        new_member_row("0200001", "001090000001", "Lê Văn Mới"),
    ]
    return write_xlsx(tmp_path / "dang-vien.xlsx", rows, text_cols=(1, 5))


def test_a_messy_member_file_gives_the_right_rows(world: World, tmp_path: Path) -> None:
    path = messy_members(tmp_path)
    report = run_import(kind="members", path=path, user=world.commune_staff)
    assert problems(report) == []
    assert (report.new, report.changed, report.unchanged, report.rejected) == (3, 0, 1, 0)
    warnings = [p for p in report.problems if p.level == "warning"]
    assert any("trùng hoàn toàn với dòng 5" in p.message and p.row == 8 for p in warnings)
    assert any(p.row == 6 and p.column == "Họ và tên" and "TCVN3" in p.message for p in warnings)
    assert any(p.row == 6 and p.column == "Quê quán" and "VNI" in p.message for p in warnings)

    report = run_import(kind="members", path=path, user=world.commune_staff, commit=True)
    assert report.committed and report.new == 3
    binh = Member.objects.get(card_number="0200002")
    assert binh.full_name == "Trần Thị Hoà Bình" and binh.home_town == "Xã Đông Hòa"
    assert binh.birth_date == date(1991, 4, 5) and binh.current_org == world.economy_cell
    ha = Member.objects.get(card_number="0200003")
    assert ha.birth_date == date(1992, 1, 1) and ha.admitted_on == date(2016, 3, 1) and not ha.is_probationary
    assert Member.objects.get(card_number="0200001").citizen_id == "001090000001"
    audit = AuditRecord.objects.filter(target_type="member", target_id=binh.pk).get()
    assert audit.actor == world.commune_staff and audit.note.startswith("Nhập từ tệp dang-vien.xlsx")


def test_importing_the_same_file_twice_changes_nothing_the_second_time(world: World, tmp_path: Path) -> None:
    path = messy_members(tmp_path)
    assert run_import(kind="members", path=path, user=world.commune_staff, commit=True).committed
    before = db_state()
    report = run_import(kind="members", path=path, user=world.commune_staff, commit=True)
    assert (report.new, report.changed, report.unchanged, report.rejected) == (0, 0, 4, 0)
    assert db_state() == before


def test_a_changed_record_is_updated_and_audited(world: World, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "sua.csv",
        [MEMBER_HEADERS, ["10000002", "Trần Thị Bình", "Nữ", "17/05/1980", "", "Xã Tân Lập", "", "", "", ""]],
    )
    report = run_import(kind="members", path=path, user=world.secretary, commit=True)
    assert report.committed and report.changed == 1, report.problems
    world.binh.refresh_from_db()
    assert world.binh.home_town == "Xã Tân Lập" and world.binh.ethnicity == "Tày"  # empty cells erase nothing
    audit = AuditRecord.objects.filter(target_type="member", target_id=world.binh.pk, action="update").get()
    assert audit.changes == {"home_town": ["Xã An Phú", "Xã Tân Lập"]}


def test_a_cccd_turned_into_a_number_is_refused_and_nothing_is_written(world: World, tmp_path: Path) -> None:
    rows = [
        MEMBER_HEADERS,
        new_member_row("0200001", "001090000001"),
        new_member_row("0200009", "1.23457E+11", "Hồ Văn Số"),
    ]
    path = write_csv(tmp_path / "cccd.csv", rows)
    before = db_state()
    report = run_import(kind="members", path=path, user=world.commune_staff, commit=True)
    assert not report.committed and report.rejected == 1 and report.new == 1
    [(row, column, message)] = problems(report)
    assert (row, column) == (3, "Số CCCD") and "1.23457E+11" in message
    assert db_state() == before


def test_an_excel_number_cell_for_the_cccd_is_refused(world: World, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "so.xlsx", [MEMBER_HEADERS, new_member_row("0200001", 1.23456789012e11)])
    report = run_import(kind="members", path=path, user=world.commune_staff)
    assert [(r, c) for r, c, _ in problems(report)] == [(5, "Số CCCD")]


def test_an_unknown_cell_code_and_a_conflicting_duplicate_are_errors(world: World, tmp_path: Path) -> None:
    unknown = new_member_row("0200001", "001090000001")
    unknown[6] = "KHONG-CO"
    conflict = new_member_row("0200002", "001090000002")
    other = new_member_row("0200002", "001090000002", "Tên Khác")
    path = write_csv(tmp_path / "loi.csv", [MEMBER_HEADERS, unknown, conflict, other])
    before = db_state()
    report = run_import(kind="members", path=path, user=world.commune_staff, commit=True)
    found = problems(report)
    assert (2, "Mã chi bộ", "Không có tổ chức mã “KHONG-CO” trong hệ thống.") in found
    assert any(r == 4 and "Trùng khóa với dòng 3" in m for r, _, m in found)
    assert db_state() == before


def test_record_rules_are_the_services_rules(world: World, tmp_path: Path) -> None:
    too_young = new_member_row("0200001", "001090000001")
    too_young[3] = "01/02/2010"
    path = write_csv(tmp_path / "tuoi.csv", [MEMBER_HEADERS, too_young])
    report = run_import(kind="members", path=path, user=world.commune_staff)
    [(row, column, message)] = problems(report)
    assert (row, column) == (2, "Ngày vào Đảng") and "kiểm tra lại ngày sinh" in message


def test_a_row_outside_the_scope_is_an_error_never_applied(world: World, tmp_path: Path) -> None:
    outside = new_member_row("0200001", "001090000001")
    outside[6] = "X02-01"
    giang = ["10000006", "Võ Thị Giang", "Nữ", "17/05/1980", "", "Đổi quê", "", "", "", ""]
    path = write_csv(tmp_path / "pham-vi.csv", [MEMBER_HEADERS, outside, giang])
    before = db_state()
    report = run_import(kind="members", path=path, user=world.commune_staff, commit=True)
    assert report.rejected == 2 and not report.committed
    assert [(r, c) for r, c, _ in problems(report)] == [(2, "Mã chi bộ"), (3, "Số thẻ đảng viên")]
    assert db_state() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rong.xlsx", None, "Tệp rỗng"),
        ("anh.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "không phải bảng tính"),
        ("cut.xlsx", "truncated", "bị hỏng"),
        ("khong-tieu-de.csv", b"a,b,c\n1,2,3\n", "Không tìm thấy dòng tiêu đề"),
    ],
)
def test_whole_file_problems_have_a_message_and_write_nothing(
    world: World, tmp_path: Path, name: str, content: Any, message: str
) -> None:
    path = tmp_path / name
    if content is None:
        path.write_bytes(b"")
    elif content == "truncated":
        full = messy_members(tmp_path)
        path.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    else:
        path.write_bytes(content)
    before = db_state()
    report = run_import(kind="members", path=path, user=world.commune_staff, commit=True)
    assert message in report.file_error and not report.committed
    assert db_state() == before


def test_a_member_file_without_card_or_cccd_columns_is_refused(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "thieu.csv", [["Họ và tên", "Giới tính", "Ngày sinh"], ["A", "Nam", "01/01/1980"]])
    report = run_import(kind="members", path=path, user=world.commune_staff)
    assert "Số thẻ đảng viên" in report.file_error


def test_a_zip_that_is_not_a_workbook_is_the_wrong_type(world: World, tmp_path: Path) -> None:
    path = tmp_path / "tai-lieu.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert "không phải bảng tính" in run_import(kind="members", path=path, user=world.commune_staff).file_error


# --- organisations --------------------------------------------------------------------------------------------

ORG_HEADERS = ["Mã tổ chức", "Tên tổ chức", "Loại tổ chức", "Loại hình", "Mã tổ chức cấp trên"]


def test_organisations_are_created_under_parents_of_the_file_and_moved(world: World, tmp_path: Path) -> None:
    rows = [
        ORG_HEADERS,
        ["X01-03", "Đảng bộ Trường học", "Đảng bộ cơ sở", "Đơn vị sự nghiệp", "X01"],
        ["X01-03-01", "Chi bộ Trường Tiểu học", "Chi bộ trực thuộc", "Đơn vị sự nghiệp", "X01-03"],
        ["X01-02", "Chi bộ thôn Đông A", "Chi bộ cơ sở", "", "X01"],
    ]
    path = write_xlsx(tmp_path / "to-chuc.xlsx", rows)
    report = run_import(kind="orgs", path=path, user=world.commune_staff)
    assert problems(report) == [] and (report.new, report.changed) == (2, 1)
    report = run_import(kind="orgs", path=path, user=world.commune_staff, commit=True)
    assert report.committed
    school = Org.objects.get(code="X01-03-01")
    assert school.parent is not None and school.parent.code == "X01-03" and school.path.startswith(world.commune.path)
    assert Org.objects.get(code="X01-02").name == "Chi bộ thôn Đông A"
    created = AuditRecord.objects.get(target_type="org", target_id=school.pk, action="create")
    assert created.note == "Nhập từ tệp to-chuc.xlsx (job #—)" and created.actor == world.commune_staff
    assert run_import(kind="orgs", path=path, user=world.commune_staff, commit=True).unchanged == 3


def test_organisation_shape_unknown_parent_and_scope_errors(world: World, tmp_path: Path) -> None:
    rows = [
        ORG_HEADERS,
        ["X01-09", "Chi bộ lạc chỗ", "Chi bộ trực thuộc", "", "X01"],  # a cell directly under a commune
        ["X01-10", "Chi bộ mồ côi", "Chi bộ cơ sở", "", "KHONG-CO"],
        ["X02-05", "Chi bộ phường bên", "Chi bộ cơ sở", "", "X02"],  # outside the commune staff's scope
        ["X01-11", "Chi bộ lạ", "Loại gì đó", "", "X01"],
    ]
    path = write_csv(tmp_path / "to-chuc-loi.csv", rows)
    before = db_state()
    report = run_import(kind="orgs", path=path, user=world.commune_staff, commit=True)
    found = {(r, c) for r, c, _ in problems(report)}
    assert found == {
        (2, "Mã tổ chức cấp trên"),
        (3, "Mã tổ chức cấp trên"),
        (4, "Mã tổ chức cấp trên"),
        (5, "Loại tổ chức"),
    }
    assert db_state() == before


# --- events -----------------------------------------------------------------------------------------------------

EVENT_HEADERS = ["Số thẻ đảng viên", "Số CCCD", "Sự kiện", "Ngày", "Mã chi bộ", "Số quyết định"]


def test_events_move_members_and_reimport_is_unchanged(world: World, tmp_path: Path) -> None:
    rows = [
        EVENT_HEADERS,
        ["10000002", "", "Chuyển sinh hoạt chính thức đi", "01/06/2024", "X01-01-02", "12-QĐ/ĐU"],
        ["10000003", "", "temp_out", "01/07/2024", "", ""],
        ["10000001", "", "Từ trần", "01/01/2025", "", ""],
        ["10000001", "", "Miễn công tác và sinh hoạt đảng", "01/02/2025", "", ""],  # after death: impossible
    ]
    path = write_csv(tmp_path / "su-kien.csv", rows)
    before = db_state()
    report = run_import(kind="events", path=path, user=world.commune_staff, commit=True)
    assert [(r, c) for r, c, _ in problems(report)] == [(5, "Sự kiện")]
    assert db_state() == before
    path = write_csv(tmp_path / "su-kien.csv", rows[:4])
    report = run_import(kind="events", path=path, user=world.commune_staff, commit=True)
    assert report.committed and report.new == 3, report.problems
    world.binh.refresh_from_db()
    world.an.refresh_from_db()
    assert world.binh.current_org == world.economy_cell and world.an.status == "deceased"
    again = run_import(kind="events", path=path, user=world.commune_staff, commit=True)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 3)


def test_an_event_of_a_member_outside_the_scope_is_refused(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "e.csv", [EVENT_HEADERS, ["10000006", "", "Từ trần", "01/01/2025", "", ""]])
    report = run_import(kind="events", path=path, user=world.commune_staff)
    assert [(r, c) for r, c, _ in problems(report)] == [(2, "Số thẻ đảng viên")]


# --- ratings ----------------------------------------------------------------------------------------------------

RATING_HEADERS = ["Năm", "Quý", "Mã tổ chức", "Số thẻ đảng viên", "Xếp loại", "Điểm", "Tiêu biểu"]


def test_ratings_under_several_regimes_by_name_and_code(world: World, tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        RATING_HEADERS,
        [2012, "", "X01-01", "", "Trong sạch, vững mạnh", "", "Có"],  # HD 20, organisation, by name
        [2012, "", "", "10000001", "Đủ tư cách, hoàn thành tốt nhiệm vụ", "", ""],  # HD 20, member
        [2020, "", "", "10000002", "HTXSNV", "", ""],  # QĐ 132 by code
        [2024, "", "X01-02", "", "hoàn thành tốt nhiệm vụ", "", ""],  # QĐ 124, lower case
        [2025, 4, "", "10000003", "Hoàn thành tốt nhiệm vụ", 80, ""],  # QĐ 366 quarter, scored
    ]
    path = write_xlsx(tmp_path / "xep-loai.xlsx", rows)
    report = run_import(kind="ratings", path=path, user=world.province_staff, commit=True)
    assert report.committed and report.new == 5, report.problems
    assert OrgRating.objects.get(org=world.agency, year=2012).level == "TSVM"
    assert OrgRating.objects.get(org=world.agency, year=2012).exemplary
    assert MemberRating.objects.get(member=world.an, year=2012).regime == "HD20"
    assert MemberRating.objects.get(member=world.binh, year=2020).level == "HTXSNV"
    rated = MemberRating.objects.get(member=world.chau, year=2025, quarter=4)
    assert rated.score == 80 and rated.level == "HTTNV" and rated.org == world.office_cell
    again = run_import(kind="ratings", path=path, user=world.province_staff, commit=True)
    assert again.unchanged == 5 and again.new == again.changed == 0


def test_rating_errors_name_the_levels_of_the_regime(world: World, tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        RATING_HEADERS,
        [2020, "", "X01-01", "", "Trong sạch, vững mạnh", "", ""],  # TSVM no longer exists in 2020
        [2020, 2, "", "10000001", "HTTNV", "", ""],  # no quarters before QĐ 366
        [2025, 4, "", "10000001", "HTTNV", 120, ""],  # score out of range
        [2024, "", "", "99999999", "HTTNV", "", ""],
    ]
    path = write_csv(tmp_path / "xl.csv", rows)
    before = db_state()
    report = run_import(kind="ratings", path=path, user=world.province_staff, commit=True)
    found = problems(report)
    assert [(r, c) for r, c, _ in found] == [(2, "Xếp loại"), (3, "Quý"), (4, "Điểm"), (5, "Số thẻ đảng viên")]
    assert "Hoàn thành tốt nhiệm vụ (HTTNV)" in found[0][2]
    assert db_state() == before


def test_a_secretary_cannot_rate_their_own_cell(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "xl.csv", [RATING_HEADERS, [2024, "", "X01-01-01", "", "HTTNV", "", ""]])
    report = run_import(kind="ratings", path=path, user=world.secretary)
    assert [(r, c) for r, c, _ in problems(report)] == [(2, "Mã tổ chức")]


def test_every_kind_has_its_canonical_headers() -> None:
    assert [c.header for c in KINDS["orgs"].columns] == ORG_HEADERS
    member_headers = [c.header for c in KINDS["members"].columns]
    assert member_headers[:11] == [
        "Số thẻ đảng viên",
        "Họ và tên",
        "Giới tính",
        "Ngày sinh",
        "Số CCCD",
        "Dân tộc",
        "Tôn giáo",
        "Quê quán",
        "Mã chi bộ",
        "Ngày vào Đảng",
        "Ngày lễ kết nạp",
    ]
    assert "Họ tên" in KINDS["members"].columns[1].aliases
    assert [c.header for c in KINDS["ratings"].columns] == RATING_HEADERS
