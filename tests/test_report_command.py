"""`dangvu report ratings`: each format once (the figures themselves are tested in test_rating_report)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from dangvu.members.models import Member
from tests.factories import World
from tests.test_rating_report import rated  # noqa: F401  (the rated tree fixture)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("report", "ratings", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_json_is_the_report_dict(world: World, rated: dict[str, Member]) -> None:  # noqa: F811
    data = json.loads(run("--org", "X01", "--year", "2025", "--format", "json"))
    assert data["code"] == "X01"
    assert data["period"] == {"year": 2025, "quarter": 0, "label": "Năm 2025"}
    assert data["regime"]["code"] == "QD366"
    assert data["members"]["total"] == 8
    assert data["members"]["levels"] == {"HTXSNV": 2, "HTTNV": 3, "HTNV": 1, "KHTNV": 0}
    assert data["members"]["percent"]["HTXSNV"] == 33.3
    assert data["members"]["not_rated"] == {"exempt": 1, "suspended": 0, "new": 1, "not_yet": 1}
    assert [c["code"] for c in data["children"]] == ["X01-01", "X01-02"]
    assert {w["code"] for w in data["warnings"]} == {"quota_members", "quota_orgs"}


def test_csv_has_one_row_per_organisation(world: World, rated: dict[str, Member]) -> None:  # noqa: F811
    rows = list(csv.DictReader(io.StringIO(run("--org", "T01", "--year", "2025", "--format", "csv"))))
    assert [r["code"] for r in rows] == ["T01", "X01", "X02"]
    assert rows[0]["dang_vien_total"] == "10"
    assert rows[0]["dang_vien_HTXSNV"] == "2"
    assert rows[0]["dang_vien_HTXSNV_pct"] == "28.6"
    assert rows[1]["tccs_rated"] == "2"
    assert rows[2]["dang_vien_not_rated_not_yet"] == "0"
    assert rows[0]["chi_bo_tt_not_rated_not_yet"] == "1"


def test_xlsx_is_written_to_a_file(world: World, rated: dict[str, Member], tmp_path: Path) -> None:  # noqa: F811
    target = tmp_path / "xep-loai.xlsx"
    run("--org", "T01", "--year", "2025", "--format", "xlsx", "--output", str(target))
    book = load_workbook(target)
    assert book.sheetnames == ["Xếp loại", "Loại hình", "Qua các năm", "Cảnh báo", "Đoạn văn"]
    sheet = book["Xếp loại"]
    assert sheet["A1"].value == "Đảng bộ tỉnh Mẫu — Năm 2025 — QĐ 366-QĐ/TW và HD 43-HD/BTCTW"
    headers = [c.value for c in sheet[3]]
    assert headers[:4] == ["Mã", "Tên tổ chức", "Tổ chức cơ sở đảng: tổng số", "Tổ chức cơ sở đảng: được xếp loại"]
    column = headers.index("Đảng viên: Hoàn thành xuất sắc nhiệm vụ") + 1
    assert [sheet.cell(row=r, column=1).value for r in (4, 5, 6)] == ["T01", "X01", "X02"]
    assert [sheet.cell(row=r, column=column).value for r in (4, 5, 6)] == [2, 2, 0]
    assert sheet.cell(row=4, column=column + 1).value == 28.6
    assert book["Đoạn văn"]["A1"].value.startswith("Đảng bộ tỉnh Mẫu có 3 tổ chức cơ sở đảng")
    assert book["Cảnh báo"]["A2"].value == "quota_members"


def test_text_is_the_paragraph(world: World, rated: dict[str, Member]) -> None:  # noqa: F811
    text = run("--org", "X01-02", "--year", "2025", "--format", "text")
    assert text.startswith("Năm 2025, toàn Chi bộ có 1 đảng viên được đánh giá chất lượng")
    assert text.endswith("Tỷ lệ tính trên số được đánh giá, xếp loại.\n")


def test_csv_to_a_file_opens_in_excel(world: World, rated: dict[str, Member], tmp_path: Path) -> None:  # noqa: F811
    target = tmp_path / "xep-loai.csv"
    run("--org", "X01", "--year", "2025", "--format", "csv", "--output", str(target))
    assert target.read_bytes().startswith(b"\xef\xbb\xbfcode,name,")  # UTF-8 with BOM: Excel reads the accents


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--org", "KHONG-CO", "--year", "2025"), "Không có tổ chức đảng mã “KHONG-CO”."),
        (("--org", "T01", "--year", "2025", "--format", "xlsx"), "Định dạng xlsx cần --output"),
        (("--org", "T01", "--year", "2025", "--quarter", "7"), "Quý phải từ 1 đến 4"),
        (("--org", "T01", "--year", "2007"), "Không có quy định đánh giá"),
    ],
)
def test_errors_are_in_vietnamese(world: World, args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_an_unknown_code_exits_non_zero(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    from django.core.management import ManagementUtility

    utility = ManagementUtility(["dangvu", "report", "ratings", "--org", "KHONG-CO", "--year", "2025"])
    with pytest.raises(SystemExit) as exit_info:
        utility.execute()
    assert exit_info.value.code != 0
    assert "Không có tổ chức đảng mã “KHONG-CO”." in capsys.readouterr().err
