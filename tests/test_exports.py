"""Exports (`/xuat/…`): every list as .xlsx and .csv, by persona — scope, filters, masking of the
sensitive columns, the audit row of a personal-data export, the file's shape (frozen header, dates as
dates, IDs as text, BOM) and a query count that does not grow with the rows."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from dangvu.audit.models import Action, AuditRecord
from dangvu.evaluations.models import MemberRating, OrgRating, Period
from dangvu.exchange.exports import Column, Kind, Table, csv_lines, write_xlsx
from tests.factories import World, make_member

FORMATS = ("xlsx", "csv")


def content(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def rows_of(response: Any, fmt: str) -> list[list[Any]]:
    """The exported table, header first: cell values for xlsx, decoded strings for csv."""
    data = content(response)
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(data))
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM"
    return [row for row in csv.reader(io.StringIO(data.decode("utf-8-sig")))]


def column(rows: list[list[Any]], header: str) -> list[Any]:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


# Members ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_commune_staff_exports_only_the_members_of_their_commune(world: World, client_for, fmt: str) -> None:
    response = client_for("commune_staff").get(f"/xuat/dang-vien.{fmt}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="dang-vien-')
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    names = column(rows_of(response, fmt), "Họ và tên")
    assert "Võ Thị Giang" not in names  # the sibling commune's member
    assert sorted(names) == sorted(["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Văn Dũng", "Hoàng Đức"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_member_export_honours_the_filters_of_the_list(world: World, client_for, fmt: str) -> None:
    response = client_for("commune_staff").get(f"/xuat/dang-vien.{fmt}", {"sex": "female", "page": "3"})
    assert column(rows_of(response, fmt), "Họ và tên") == ["Trần Thị Bình"]
    response = client_for("commune_staff").get(f"/xuat/dang-vien.{fmt}", {"org": world.economy_cell.pk})
    assert column(rows_of(response, fmt), "Họ và tên") == ["Phạm Văn Dũng"]


def test_an_organisation_out_of_scope_is_not_found(world: World, client_for) -> None:
    response = client_for("outsider").get("/xuat/dang-vien.xlsx", {"org": world.commune.pk})
    assert response.status_code == 404
    assert not AuditRecord.objects.filter(action=Action.EXPORT).exists()


def test_the_member_role_may_not_export_the_list(world: World, client_for) -> None:
    assert client_for("member").get("/xuat/dang-vien.csv").status_code == 404


def test_an_unknown_format_is_not_found(world: World, client_for) -> None:
    assert client_for("commune_staff").get("/xuat/dang-vien.pdf").status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_viewer_export_has_no_sensitive_columns(world: World, client_for, fmt: str) -> None:
    rows = rows_of(client_for("viewer").get(f"/xuat/dang-vien.{fmt}"), fmt)
    for header in ("Số CCCD", "Dân tộc", "Tôn giáo", "Điện thoại", "Nơi ở hiện nay"):
        assert header not in rows[0]
    flat = " ".join(str(value) for row in rows for value in row)
    assert world.an.citizen_id and world.an.citizen_id not in flat
    assert "0912345678" not in flat and "Thôn Đông" not in flat
    record = AuditRecord.objects.get(action=Action.EXPORT)
    assert record.changes["Gồm thông tin nhạy cảm"] is False


@pytest.mark.parametrize("fmt", FORMATS)
def test_staff_export_carries_the_sensitive_columns_and_an_audit_row(world: World, client_for, fmt: str) -> None:
    response = client_for("commune_staff").get(f"/xuat/dang-vien.{fmt}", {"status": "all", "q": ""})
    rows = rows_of(response, fmt)
    assert "Số CCCD" in rows[0] and "Dân tộc" in rows[0] and "Điện thoại" in rows[0]
    assert world.an.citizen_id in column(rows, "Số CCCD")
    assert "Tày" in column(rows, "Dân tộc")
    record = AuditRecord.objects.get(action=Action.EXPORT)
    assert record.actor == world.commune_staff
    assert record.target_type == "member"
    assert record.changes == {
        "Danh sách": "Đảng viên",
        "Định dạng": fmt,
        "Bộ lọc": {"status": "all"},
        "Số dòng": 5,
        "Gồm thông tin nhạy cảm": True,
    }
    assert "5 dòng" in record.note


def test_the_xlsx_has_a_frozen_header_dates_as_dates_and_card_numbers_as_text(world: World, client_for) -> None:
    make_member(world.office_cell, "Đặng Thị Yến", card_number="00012345", birth_date=date(1990, 2, 3))
    response = client_for("commune_staff").get("/xuat/dang-vien.xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(content(response)))
    sheet = book.worksheets[0]
    assert sheet.title == "Đảng viên"
    assert sheet.freeze_panes == "A2"
    headers = [cell.value for cell in sheet[1]]
    assert headers[:4] == ["Số thẻ đảng viên", "Họ và tên", "Giới tính", "Ngày sinh"]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.column_dimensions["B"].width >= 20
    row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == "Đặng Thị Yến")
    card, birth = row[0], row[headers.index("Ngày sinh")]
    assert card.value == "00012345" and card.data_type == "s" and card.number_format == "@"
    assert isinstance(birth.value, datetime) and birth.value.date() == date(1990, 2, 3)
    assert birth.number_format == "dd/mm/yyyy"
    cccd = row[headers.index("Số CCCD")]
    assert cccd.data_type == "s" and cccd.value.startswith("00")


def test_the_csv_is_utf8_with_a_bom_dd_mm_yyyy_dates_and_crlf_lines(world: World, client_for) -> None:
    response = client_for("commune_staff").get("/xuat/dang-vien.csv", {"q": "Bình"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    data = content(response)
    assert data.startswith("\ufeffSố thẻ đảng viên,Họ và tên,".encode())
    assert b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert column(rows, "Họ và tên") == ["Trần Thị Bình"]
    assert column(rows, "Ngày sinh") == ["17/05/1980"]
    assert column(rows, "Ngày vào Đảng") == ["01/03/2010"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_query_count_does_not_grow_with_the_rows(world: World, client_for, fmt: str) -> None:
    client = client_for("commune_staff")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/xuat/dang-vien.{fmt}")
            content(response)
        return len(captured)

    before = queries()
    for index in range(12):
        make_member(world.economy_cell if index % 2 else world.village_cell, f"Người Thứ {index}")
    assert queries() == before


# The other lists ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_children_of_an_org_export_with_their_counts(world: World, client_for, fmt: str) -> None:
    response = client_for("viewer").get(f"/xuat/to-chuc/{world.commune.pk}/truc-thuoc.{fmt}")
    assert response.status_code == 200
    assert 'filename="to-chuc-truc-thuoc-X01-' in response["Content-Disposition"]
    rows = rows_of(response, fmt)
    assert column(rows, "Mã tổ chức") == ["X01-01", "X01-02"]
    members = column(rows, "Đảng viên")
    assert [int(n) for n in members] == [4, 1]
    if fmt == "xlsx":
        assert members == [4, 1]  # numbers as numbers
        assert isinstance(column(rows, "Ngày thành lập")[0], datetime)
    assert not AuditRecord.objects.filter(action=Action.EXPORT).exists()  # no personal data


def test_the_children_of_a_sibling_commune_are_not_found(world: World, client_for) -> None:
    assert client_for("outsider").get(f"/xuat/to-chuc/{world.commune.pk}/truc-thuoc.xlsx").status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_audit_trail_exports_for_the_admin_with_its_own_audit_row(world: World, client_for, fmt: str) -> None:
    response = client_for("sysadmin").get(f"/xuat/nhat-ky.{fmt}", {"type": "member"})
    rows = rows_of(response, fmt)
    assert rows[0][:4] == ["Thời điểm", "Người thực hiện", "Địa chỉ IP", "Hành động"]
    created = AuditRecord.objects.filter(target_type="member", action=Action.CREATE).count()
    assert len(rows) - 1 == created == 6
    assert "Tạo mới" in column(rows, "Hành động")
    record = AuditRecord.objects.get(action=Action.EXPORT)
    assert record.target_type == "audit" and record.changes["Số dòng"] == 6
    assert record.changes["Bộ lọc"] == {"type": "member"}


def test_the_audit_csv_does_not_contain_its_own_export_row(world: World, client_for) -> None:
    before = AuditRecord.objects.count()
    rows = rows_of(client_for("sysadmin").get("/xuat/nhat-ky.csv"), "csv")
    assert len(rows) - 1 == before
    assert AuditRecord.objects.get(action=Action.EXPORT).changes["Số dòng"] == before


def test_only_the_audit_readers_export_the_audit_trail(world: World, client_for) -> None:
    assert client_for("province_staff").get("/xuat/nhat-ky.xlsx").status_code == 403


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_periods_export_lists_those_of_the_scope(world: World, client_for, fmt: str) -> None:
    Period.objects.create(org=world.commune, year=2025, regime="QD366")
    Period.objects.create(org=world.other_commune, year=2025, regime="QD366")
    rows = rows_of(client_for("commune_staff").get(f"/xuat/ky-danh-gia.{fmt}"), fmt)
    assert column(rows, "Mã tổ chức") == ["X01"]
    assert column(rows, "Kỳ") == ["Năm 2025"]


def rate(world: World) -> None:
    MemberRating.objects.create(member=world.an, org=world.office_cell, year=2025, regime="QD366", level="HTXSNV")
    MemberRating.objects.create(member=world.binh, org=world.office_cell, year=2025, regime="QD366", level="HTTNV")
    OrgRating.objects.create(org=world.agency, year=2025, regime="QD366", level="HTTNV")


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_rating_report_exports_one_row_per_org_with_numbers(world: World, client_for, fmt: str) -> None:
    rate(world)
    response = client_for("commune_staff").get(f"/xuat/bao-cao/xep-loai.{fmt}", {"org": world.commune.pk, "nam": 2025})
    assert response.status_code == 200
    assert 'filename="bao-cao-xep-loai-X01-2025-' in response["Content-Disposition"]
    rows = rows_of(response, fmt)
    assert column(rows, "Mã tổ chức")[:3] == ["X01", "X01-01", "X01-02"]
    rated = column(rows, "Đảng viên: được xếp loại")
    share = column(rows, "Đảng viên: Hoàn thành xuất sắc nhiệm vụ (%)")
    if fmt == "xlsx":
        assert rated[:2] == [2, 2] and share[0] == 50.0
    else:
        assert rated[:2] == ["2", "2"] and share[0] == "50.0"


def test_the_rating_report_of_a_sibling_commune_is_not_found(world: World, client_for) -> None:
    response = client_for("outsider").get("/xuat/bao-cao/xep-loai.csv", {"org": world.commune.pk, "nam": 2025})
    assert response.status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_organisations_behind_a_figure_export(world: World, client_for, fmt: str) -> None:
    rate(world)
    query = {"org": world.commune.pk, "nam": 2025, "loai": "grassroots", "xep_loai": "da"}
    rows = rows_of(client_for("viewer").get(f"/xuat/bao-cao/xep-loai/to-chuc.{fmt}", query), fmt)
    assert column(rows, "Mã tổ chức") == ["X01-01"]
    assert column(rows, "Xếp loại năm 2025") == ["Hoàn thành tốt nhiệm vụ"]


def test_every_list_page_links_its_exports_with_its_query_string(world: World, client_for) -> None:
    client = client_for("commune_staff")
    page = client.get("/dang-vien/", {"sex": "female", "page": "1"}).content.decode()
    assert 'href="/xuat/dang-vien.xlsx?sex=female"' in page and "Tải CSV" in page
    page = client.get(f"/to-chuc/{world.commune.pk}/").content.decode()
    assert f'href="/xuat/to-chuc/{world.commune.pk}/truc-thuoc.xlsx"' in page
    rate(world)
    page = client.get("/bao-cao/xep-loai/", {"org": world.commune.pk, "nam": 2025}).content.decode()
    assert f"/xuat/bao-cao/xep-loai.xlsx?org={world.commune.pk}&amp;nam=2025&amp;quy=0" in page
    assert "/bao-cao/xep-loai/word/" in page


# The writer ---------------------------------------------------------------------------------------------


def test_a_text_that_looks_like_a_formula_stays_text() -> None:
    table = Table("x", "X", [Column("Ghi chú", lambda row: row), Column("Số", lambda row: 1, Kind.INT)], ["=1+1", "@A"])
    out = io.BytesIO()
    write_xlsx(table, out)
    sheet = load_workbook(out).worksheets[0]
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"
    table = Table("x", "X", [Column("Ghi chú", lambda row: row)], ["=1+1", "@A", "+84 912"])
    lines = b"".join(csv_lines(table)).decode("utf-8-sig").splitlines()
    assert lines == ["Ghi chú", "'=1+1", "'@A", "+84 912"]


def test_anonymous_users_are_sent_to_the_login_page(world: World) -> None:
    assert Client().get("/xuat/dang-vien.xlsx").status_code == 302
