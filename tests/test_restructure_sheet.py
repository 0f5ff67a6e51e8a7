"""The bulk merger plan (old code → new code) and the restructuring pages: permissions, forms, apply, undo."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dangvu.audit.models import AuditRecord
from dangvu.members.lifecycle import EventKind
from dangvu.members.models import Member
from dangvu.orgs.kinds import OrgKind, Sector
from dangvu.orgs.models import Org
from dangvu.restructure.models import Decision, DecisionStatus, OperationKind
from dangvu.restructure.services import decision_apply, decision_create, decision_preview, operations_replace
from dangvu.restructure.sheet import read_sheet, sheet_template
from tests.factories import World

pytestmark = pytest.mark.django_db
HEADER = ["Mã cũ", "Mã mới", "Tên mới", "Loại tổ chức mới", "Loại hình", "Mã cấp trên mới", "Ghi chú"]


def xlsx(rows: list[list[Any]], *, title: bool = True) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    if title:
        sheet.append(["TỈNH ỦY MẪU"])
        sheet.append(["BẢNG KÊ SẮP XẾP TỔ CHỨC ĐẢNG"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write(tmp_path: Path, content: bytes, name: str = "bang-ke.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def decision_for(world: World) -> Decision:
    return decision_create(
        actor=world.province_staff,
        committee=world.province,
        number="20-QĐ/TU",
        signed_on=date(2026, 6, 25),
        issued_by="Ban Thường vụ Tỉnh ủy",
        effective_on=date(2026, 7, 1),
    )


MERGER = [
    # The two communes become one new commune under the province; their organisations go with them.
    ["X01", "X10", "Đảng bộ xã Hòa Bình", "Đảng bộ cấp trên cơ sở", "Xã, phường, đặc khu", "T01", ""],
    ["X02", "X10", "", "", "", "", ""],
    # Two cells merge into the first one, which is renamed.
    ["X01-01-02", "X01-01-01", "Chi bộ Văn phòng - Kinh tế", "", "", "", ""],
]


def test_a_merger_sheet_becomes_operations_and_applies(world: World, tmp_path: Path) -> None:
    plan = read_sheet(write(tmp_path, xlsx(MERGER)), orgs=Org.objects.editable_by(world.province_staff))
    assert plan.problems == [] and plan.rows == 3
    assert plan.operations == [
        (
            OperationKind.MERGE,
            {
                "sources": ["X01", "X02"],
                "new": {
                    "code": "X10",
                    "name": "Đảng bộ xã Hòa Bình",
                    "kind": OrgKind.UPPER,
                    "sector": Sector.COMMUNE,
                    "parent": "T01",
                },
            },
            "4, 5",
        ),
        (OperationKind.MERGE, {"sources": ["X01-01-02"], "target": "X01-01-01"}, "6"),
        (OperationKind.RENAME, {"org": "X01-01-01", "name": "Chi bộ Văn phòng - Kinh tế"}, "6"),
    ]
    decision = decision_for(world)
    operations_replace(actor=world.province_staff, decision=decision, operations=plan.operations)
    preview = decision_apply(decision=decision, actor=world.province_staff)
    assert preview.ok, preview.errors
    new = Org.objects.get(code="X10")
    assert set(Org.objects.filter(parent=new, dissolved_on=None).values_list("code", flat=True)) == {
        "X01-01",
        "X01-02",
        "X02-01",
    }
    world.dung.refresh_from_db()
    assert world.dung.current_org is not None and world.dung.current_org.name == "Chi bộ Văn phòng - Kinh tế"


def test_a_sheet_with_one_bad_row_imports_nothing_and_names_the_row(world: World, tmp_path: Path) -> None:
    rows = [
        *MERGER,
        ["X99", "X10", "", "", "", "", ""],  # row 7: unknown code
        ["X01-02", "X11", "Chi bộ thôn Mới", "Chi bộ loại lạ", "", "X10", ""],  # row 8: bad kind
        ["X02", "X12", "", "", "", "", ""],  # row 9: X02 twice
    ]
    decision = decision_for(world)
    plan = read_sheet(write(tmp_path, xlsx(rows)), orgs=Org.objects.editable_by(world.province_staff))
    assert plan.operations == []
    found = {(p.row, p.column, p.message.split(";")[0]) for p in plan.problems}
    assert (7, "Mã cũ", "Không có tổ chức mã “X99” trong phạm vi của bạn.") in found
    assert (8, "Loại tổ chức mới", "Loại tổ chức “Chi bộ loại lạ” không hợp lệ") in found
    assert (9, "Mã cũ", "Mã cũ “X02” đã có ở dòng 5.") in found
    assert not decision.operations.exists()


def test_a_commune_staff_cannot_name_organisations_outside_its_scope(world: World, tmp_path: Path) -> None:
    plan = read_sheet(write(tmp_path, xlsx(MERGER[:2])), orgs=Org.objects.editable_by(world.commune_staff))
    assert [(p.row, p.column) for p in plan.problems] == [(5, "Mã cũ")]


def test_a_new_organisation_needs_its_name_kind_and_parent(world: World, tmp_path: Path) -> None:
    plan = read_sheet(
        write(tmp_path, xlsx([["X01-02", "X01-09", "", "", "", "", ""]], title=False)),
        orgs=Org.objects.all(),
    )
    assert [(p.row, p.column, p.message) for p in plan.problems] == [
        (2, "Tên mới", "Thiếu tên mới."),
        (2, "Loại tổ chức mới", "Thiếu loại tổ chức mới."),
        (2, "Mã cấp trên mới", "Thiếu mã cấp trên mới."),
    ]


def test_new_organisations_under_new_ones_are_created_parents_first(world: World, tmp_path: Path) -> None:
    rows = [
        ["X01-01-01", "X10-01", "Chi bộ Khối cơ quan", "Chi bộ cơ sở", "", "X10", ""],
        ["X01", "X10", "Đảng bộ xã Hòa Bình", "upper", "commune", "T01", ""],
    ]
    plan = read_sheet(write(tmp_path, xlsx(rows)), orgs=Org.objects.all())
    assert plan.problems == []
    assert [p["new"]["code"] for _, p, _ in plan.operations] == ["X10", "X10-01"]


def test_operations_refused_by_the_preview_name_their_rows(world: World, tmp_path: Path) -> None:
    rows = [["X01-01", "X01-02", "", "", "", "", ""]]  # a committee merged into a grassroots cell
    plan = read_sheet(write(tmp_path, xlsx(rows)), orgs=Org.objects.all())
    decision = decision_for(world)
    operations_replace(actor=world.province_staff, decision=decision, operations=plan.operations)
    preview = decision_preview(decision=decision, actor=world.province_staff)
    assert not preview.ok and preview.operations[0].source_rows == "4"


def test_the_template_reads_back_as_a_plan(world: World, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(io.BytesIO(sheet_template()))
    assert book.sheetnames == ["Bảng kê sắp xếp", "Danh mục", "Hướng dẫn"]
    assert [c.value for c in book["Bảng kê sắp xếp"][1]] == HEADER
    plan = read_sheet(write(tmp_path, sheet_template()), orgs=Org.objects.all())
    assert plan.problems == [] and plan.operations[0][1]["new"]["code"] == "X10"


def test_a_csv_sheet_is_read_too(world: World, tmp_path: Path) -> None:
    text = ",".join(HEADER) + "\r\nX01-01-02,X01-01-01,,,,,\r\n"
    plan = read_sheet(write(tmp_path, text.encode("utf-8-sig"), "plan.csv"), orgs=Org.objects.all())
    assert plan.operations == [(OperationKind.MERGE, {"sources": ["X01-01-02"], "target": "X01-01-01"}, "2")]


# --- pages ---------------------------------------------------------------------------------------------------


def test_who_may_see_and_act_on_the_pages(world: World, client_for: Any) -> None:
    decision = decision_for(world)
    assert client_for("province_staff").get("/sap-xep/").status_code == 200
    assert client_for("viewer").get("/sap-xep/").status_code == 200
    assert client_for("member").get("/sap-xep/").status_code == 404  # the member role: handbook only
    assert client_for("outsider").get(f"/sap-xep/{decision.pk}/").status_code == 404
    assert client_for("commune_staff").get(f"/sap-xep/{decision.pk}/").status_code == 404  # province's decision
    assert client_for("viewer").get("/sap-xep/them/").status_code == 403
    assert client_for("secretary").post(f"/sap-xep/{decision.pk}/ap-dung/").status_code in (403, 404)
    assert client_for("province_staff").get("/sap-xep/mau.xlsx").status_code == 200


def test_a_committee_drafts_previews_applies_and_undoes_a_decision(world: World, client_for: Any) -> None:
    client = client_for("commune_staff")
    response = client.post(
        "/sap-xep/them/",
        {
            "number": "7-QĐ/ĐU",
            "signed_on": "20/06/2026",
            "issued_by": "Ban Thường vụ Đảng ủy xã",
            "effective_on": "01/07/2026",
            "committee": "X01",
        },
    )
    decision = Decision.objects.get(number="7-QĐ/ĐU")
    assert response.status_code == 302 and decision.committee_id == world.commune.pk
    response = client.post(f"/sap-xep/{decision.pk}/thao-tac/merge/", {"sources": "X01-01-02", "target": "x01-01-01"})
    assert response.status_code == 302
    page = client.get(f"/sap-xep/{decision.pk}/").content.decode()
    assert "Chuyển 1 đảng viên từ “Chi bộ Kinh tế” sang “Chi bộ Văn phòng”." in page
    assert "Áp dụng quyết định" in page
    client.post(f"/sap-xep/{decision.pk}/ap-dung/")
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.APPLIED
    world.dung.refresh_from_db()
    assert world.dung.current_org_id == world.office_cell.pk
    assert "Hoàn tác toàn bộ quyết định" in client.get(f"/sap-xep/{decision.pk}/").content.decode()
    client.post(f"/sap-xep/{decision.pk}/hoan-tac/")
    decision.refresh_from_db()
    world.dung.refresh_from_db()
    assert decision.status == DecisionStatus.UNDONE and world.dung.current_org_id == world.economy_cell.pk


def test_the_merge_form_keeps_what_was_typed_and_says_what_is_missing(world: World, client_for: Any) -> None:
    decision = decision_for(world)
    response = client_for("province_staff").post(
        f"/sap-xep/{decision.pk}/thao-tac/merge/", {"sources": "X01-01-02", "new_code": "X01-01-09"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "X01-01-09" in page
    assert "Tổ chức mới cần mã, tên, loại và mã cấp trên." in page


def test_the_split_form_lists_the_members_and_sends_them(world: World, client_for: Any) -> None:
    decision = decision_for(world)
    client = client_for("province_staff")
    page = client.get(f"/sap-xep/{decision.pk}/thao-tac/split/?source=X01-01-01").content.decode()
    assert "Nguyễn Văn An" in page and "Lê Minh Châu" in page
    response = client.post(
        f"/sap-xep/{decision.pk}/thao-tac/split/",
        {"source": "X01-01-01", "p1_target": "X01-01-02", f"m_{world.an.pk}": "1", f"m_{world.binh.pk}": "1"},
    )
    assert response.status_code == 302
    op = decision.operations.get()
    assert op.params["parts"][0]["members"] == sorted([world.an.pk, world.binh.pk])
    client.post(f"/sap-xep/{decision.pk}/ap-dung/")
    assert Member.objects.filter(current_org=world.economy_cell).count() == 3
    event = Member.objects.get(pk=world.an.pk).events.get(kind=EventKind.TRANSFER_OUT)
    assert event.decision_no == "20-QĐ/TU"


def test_uploading_a_sheet_with_a_bad_row_shows_row_column_reason_and_keeps_nothing(
    world: World, client_for: Any
) -> None:
    decision = decision_for(world)
    audit_rows = AuditRecord.objects.count()
    upload = SimpleUploadedFile("bang-ke.xlsx", xlsx([*MERGER, ["X99", "X10", "", "", "", "", ""]]))
    response = client_for("province_staff").post(f"/sap-xep/{decision.pk}/bang-ke/", {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200 and "Không nhận bảng kê: 1 lỗi" in page
    assert "<td>7</td><td>Mã cũ</td><td>Không có tổ chức mã “X99” trong phạm vi của bạn.</td>" in page
    assert not decision.operations.exists() and AuditRecord.objects.count() == audit_rows
    upload = SimpleUploadedFile("bang-ke.xlsx", xlsx(MERGER))
    response = client_for("province_staff").post(f"/sap-xep/{decision.pk}/bang-ke/", {"file": upload})
    assert response.status_code == 302 and decision.operations.count() == 3


# --- the command -------------------------------------------------------------------------------------------


def run(*args: str) -> str:
    from django.core.management import call_command

    out = io.StringIO()
    call_command("restructure", *args, stdout=out)
    return out.getvalue()


SHEET_ARGS = (
    "--number",
    "21-QĐ/TU",
    "--signed-on",
    "25/06/2026",
    "--issued-by",
    "Ban Thường vụ Tỉnh ủy",
    "--effective-on",
    "01/07/2026",
    "--committee",
    "T01",
)


def test_the_command_dry_runs_applies_and_undoes_a_sheet(world: World, tmp_path: Path) -> None:
    path = str(write(tmp_path, xlsx(MERGER)))
    output = run("sheet", path, *SHEET_ARGS, "--user", "province_staff", "--dry-run")
    assert "Chạy thử: không ghi gì." in output and "1 đảng viên được chuyển sinh hoạt." in output
    assert not Decision.objects.exists() and not Org.objects.filter(code="X10").exists()
    output = run("sheet", path, *SHEET_ARGS, "--user", "province_staff")
    decision = Decision.objects.get()
    assert f"Đã áp dụng quyết định 21-QĐ/TU (mã {decision.pk})." in output
    assert Org.objects.filter(code="X10", dissolved_on=None).exists()
    assert "21-QĐ/TU" in run("list")
    assert "Đã hoàn tác" in run("undo", str(decision.pk), "--user", "province_staff")
    assert not Org.objects.filter(code="X10").exists()


def test_the_command_names_the_bad_row_and_writes_nothing(world: World, tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    path = str(write(tmp_path, xlsx([*MERGER, ["X99", "X10", "", "", "", "", ""]])))
    out = io.StringIO()
    from django.core.management import call_command

    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("restructure", "sheet", path, *SHEET_ARGS, stdout=out)
    assert "Lỗi: dòng 7, cột “Mã cũ”: Không có tổ chức mã “X99” trong phạm vi của bạn." in out.getvalue()
    assert not Decision.objects.exists()


def test_the_list_page_costs_the_same_queries_for_one_decision_or_many(world: World, client_for: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("province_staff")
    decision_for(world)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/sap-xep/").status_code == 200
    for _ in range(5):
        decision_for(world)
    with CaptureQueriesContext(connection) as six:
        page = client.get("/sap-xep/").content.decode()
    assert len(six) == len(one) and page.count("20-QĐ/TU") == 6
