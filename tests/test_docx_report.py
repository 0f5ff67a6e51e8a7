"""The Word report (HD 36-HD/VPTW): the context dict thoroughly, the .docx once with python-docx, once
converted to PDF by LibreOffice, the web download (permissions) and the command line.

Ratings of 2025 on the shared world: the commune X01 (own rating HTTNV) has the grassroots committee
X01-01 (HTXSNV) with its office cell (HTTNV: An HTXSNV tiêu biểu, Bình HTTNV, Châu HTTNV) and economy
cell (Dũng HTTNV), and the grassroots cell X01-02 (HTTNV; Đức admitted 2026, not of the period).
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from dangvu.evaluations.models import MemberRating, OrgRating
from dangvu.evaluations.periods import PeriodKey
from dangvu.members.models import Member
from dangvu.orgs.models import Org
from dangvu.reports.docx_report import date_line, default_place, render_docx, report_context
from dangvu.reports.paragraph import rating_paragraph
from dangvu.reports.report import ratings_report
from tests.factories import World

Y2025 = PeriodKey(2025)
TODAY = date(2026, 11, 23)
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
URL = "/bao-cao/xep-loai/word/"


def rate_member(member: Member, cell: Org, level: str, exemplary: bool = False) -> None:
    MemberRating.objects.create(
        member=member, org=cell, year=2025, quarter=0, regime="QD366", level=level, exemplary=exemplary
    )


def rate_org(org: Org, level: str) -> None:
    OrgRating.objects.create(org=org, year=2025, quarter=0, regime="QD366", level=level)


@pytest.fixture
def rated(world: World) -> World:
    rate_member(world.an, world.office_cell, "HTXSNV", exemplary=True)
    rate_member(world.binh, world.office_cell, "HTTNV")
    rate_member(world.chau, world.office_cell, "HTTNV")
    rate_member(world.dung, world.economy_cell, "HTTNV")
    rate_org(world.agency, "HTXSNV")
    rate_org(world.office_cell, "HTTNV")
    rate_org(world.village_cell, "HTTNV")
    rate_org(world.commune, "HTTNV")
    return world


@pytest.fixture
def context(rated: World) -> dict:
    return report_context(rated.commune, Y2025, number="12", place="Lâm Viên", today=TODAY)


# The context --------------------------------------------------------------------------------------------


def test_the_header_names_the_committee_above_the_issuer_the_number_and_the_party(context: dict) -> None:
    header = context["header"]
    assert header["above"] == "ĐẢNG BỘ TỈNH MẪU"
    assert header["issuer"] == "ĐẢNG ỦY XÃ AN PHÚ"
    assert header["star"] == "*"
    assert header["number"] == "Số 12-BC/ĐU"
    assert header["party"] == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert header["date_line"] == "Lâm Viên, ngày 23 tháng 11 năm 2026"


def test_the_title_and_the_excerpt_name_the_year(context: dict) -> None:
    assert context["title"] == "BÁO CÁO"
    assert context["subtitle"] == (
        "Kết quả kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên năm 2025"
    )


def test_the_page_is_a4_with_the_margins_and_font_of_hd36(context: dict) -> None:
    page = context["page"]
    assert page["size_mm"] == (210, 297)
    assert 20 <= page["margins_mm"]["top"] <= 25 and 20 <= page["margins_mm"]["bottom"] <= 25
    assert 30 <= page["margins_mm"]["left"] <= 35 and 15 <= page["margins_mm"]["right"] <= 20
    assert page["font"] == "Times New Roman" and 13 <= page["body_pt"] <= 14


def test_the_date_line_pads_days_below_ten_and_the_first_two_months() -> None:
    assert date_line("An Phú", date(2026, 2, 5)) == "An Phú, ngày 05 tháng 02 năm 2026"
    assert date_line("An Phú", date(2026, 3, 5)) == "An Phú, ngày 05 tháng 3 năm 2026"
    assert date_line("", date(2026, 12, 31)) == "……………, ngày 31 tháng 12 năm 2026"


def test_without_a_number_or_place_the_number_is_left_blank_and_the_place_read_from_the_names(rated: World) -> None:
    context = report_context(rated.office_cell, Y2025, today=TODAY)
    assert context["header"]["number"].startswith("Số ") and context["header"]["number"].endswith("-BC/CB")
    assert context["header"]["number"].removeprefix("Số ").removesuffix("-BC/CB").strip() == ""
    assert default_place(rated.office_cell) == "An Phú"  # from "Đảng bộ Cơ quan xã An Phú" above it
    assert context["header"]["date_line"] == "An Phú, ngày 23 tháng 11 năm 2026"
    assert context["header"]["issuer"] == "CHI BỘ VĂN PHÒNG"
    assert context["signature"] == {"on_behalf": "T/M CHI BỘ", "title": "BÍ THƯ", "name": ""}


def test_the_narrative_is_the_published_paragraph(rated: World, context: dict) -> None:
    assert context["paragraph"] == rating_paragraph(ratings_report(rated.commune, Y2025))


def test_the_level_tables_carry_the_numbers_of_ratings_report(rated: World, context: dict) -> None:
    report = ratings_report(rated.commune, Y2025)
    org_rows = {row["label"]: row for row in context["org_table"]["rows"]}
    assert [lv["code"] for lv in context["org_table"]["levels"]] == ["HTXSNV", "HTTNV", "HTNV", "KHTNV"]
    for label, name in (
        ("Tổ chức cơ sở đảng", "grassroots_orgs"),
        ("Chi bộ trực thuộc đảng bộ cơ sở", "attached_cells"),
    ):
        row = org_rows[label]
        assert row["total"] == report[name]["total"]
        assert row["rated"] == report[name]["rated"]
        assert [c["count"] for c in row["cells"]] == list(report[name]["levels"].values())
        assert [c["percent"] for c in row["cells"]] == list(report[name]["percent"].values())
    members = context["member_table"]["rows"][0]
    assert (members["total"], members["rated"]) == (report["members"]["total"], report["members"]["rated"])
    assert [c["count"] for c in members["cells"]] == [1, 3, 0, 0]
    assert [c["percent_text"] for c in members["cells"]] == ["25,0%", "75,0%", "0,0%", "0,0%"]
    # Hand count: 2 grassroots orgs (X01-01, X01-02), both rated: 1 HTXSNV, 1 HTTNV.
    assert org_rows["Tổ chức cơ sở đảng"]["total"] == 2
    assert [c["count"] for c in org_rows["Tổ chức cơ sở đảng"]["cells"]] == [1, 1, 0, 0]


def test_the_children_table_has_one_row_per_child_with_its_own_level(rated: World, context: dict) -> None:
    report = ratings_report(rated.commune, Y2025)
    rows = context["children_table"]["rows"]
    assert [row["code"] for row in rows] == [child["code"] for child in report["children"]]
    by_code = {row["code"]: row for row in rows}
    assert by_code["X01-01"]["own_level"] == "Hoàn thành xuất sắc nhiệm vụ"
    assert by_code["X01-01"]["rated"] == 4
    assert [c["count"] for c in by_code["X01-01"]["cells"]] == [1, 3, 0, 0]
    assert by_code["X01-02"]["total"] == report["children"][1]["members"]["total"]


def test_quota_warnings_recipients_and_signature(rated: World, context: dict) -> None:
    assert any("hoàn thành xuất sắc nhiệm vụ" in line for line in context["quota"])
    warnings = ratings_report(rated.commune, Y2025)["warnings"]
    # The commune's own quota warnings are the quota lines already; the children's stay as warnings.
    assert context["warnings"] == [
        w["message"] for w in warnings if not (w["code"].startswith("quota_") and w["org"] == "X01")
    ]
    assert any("Đảng bộ Cơ quan xã An Phú" in line for line in context["warnings"])
    assert context["recipients"][0] == "- Ban Thường vụ Đảng ủy tỉnh Mẫu,"
    assert context["recipients"][-1] == "- Lưu Văn phòng Đảng ủy xã An Phú."
    assert context["signature"] == {"on_behalf": "T/M BAN THƯỜNG VỤ", "title": "BÍ THƯ", "name": ""}


# The file -----------------------------------------------------------------------------------------------


def test_the_docx_is_a4_in_times_new_roman_with_the_header_strings(context: dict) -> None:
    from docx import Document

    document = Document(BytesIO(render_docx(context)))
    section = document.sections[0]
    sizes = [section.page_width, section.page_height, section.top_margin, section.bottom_margin]
    sizes += [section.left_margin, section.right_margin]
    assert [round(size.mm) if size is not None else None for size in sizes] == [210, 297, 20, 20, 30, 15]
    assert document.styles["Normal"].font.name == "Times New Roman"
    header = document.tables[0]
    left, right = (cell.text for cell in header.rows[0].cells)
    assert "ĐẢNG BỘ TỈNH MẪU" in left and "ĐẢNG ỦY XÃ AN PHÚ" in left and "Số 12-BC/ĐU" in left
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in right and "Lâm Viên, ngày 23 tháng 11 năm 2026" in right
    party_run = next(
        r for p in header.rows[0].cells[1].paragraphs for r in p.runs if r.text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    )
    assert party_run.bold and party_run.underline
    texts = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in texts
    assert context["paragraph"] in texts
    body = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "Nơi nhận:" in body and "T/M BAN THƯỜNG VỤ" in body


def _pdf_text(pdf: Path) -> str:
    if shutil.which("pdftotext"):
        return subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True
        ).stdout
    return pdf.read_bytes().decode("latin-1")  # pragma: no cover - only the uncompressed ASCII parts


def test_libreoffice_converts_it_to_a_pdf_with_the_title_and_the_org_name(context: dict, tmp_path: Path) -> None:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice không có trên máy (scripts/test.sh cài gói libreoffice-writer-nogui)")
    source = tmp_path / "bao-cao.docx"
    source.write_bytes(render_docx(context))
    subprocess.run(
        [
            office,
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "bao-cao.pdf"
    assert pdf.exists()
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / "bao-cao-xep-loai.pdf")
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf), str(ARTIFACTS / "bao-cao-xep-loai")], check=False)
    text = " ".join(_pdf_text(pdf).split())
    assert "BÁO CÁO" in text
    assert "Kết quả kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên năm 2025" in text
    assert "ĐẢNG ỦY XÃ AN PHÚ" in text
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text


# The download and the command line ----------------------------------------------------------------------


def test_staff_download_the_word_report_of_their_commune(rated: World, client_for) -> None:
    response = client_for("commune_staff").get(URL, {"org": rated.commune.pk, "nam": 2025, "so": "7"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-xep-loai-X01-2025.docx"'
    with zipfile.ZipFile(BytesIO(response.content)) as archive:
        xml = archive.read("word/document.xml").decode()
    assert "Số 7-BC/ĐU" in xml


def test_the_word_report_of_a_sibling_commune_is_not_found(rated: World, client_for) -> None:
    response = client_for("outsider").get(URL, {"org": rated.commune.pk, "nam": 2025})
    assert response.status_code == 404


def test_the_member_role_may_not_download_the_word_report(rated: World, client_for) -> None:
    response = client_for("member").get(URL, {"org": rated.commune.pk, "nam": 2025})
    assert response.status_code == 404  # the member role reaches its handbook and own record only


def test_anonymous_users_are_sent_to_the_login_page(rated: World) -> None:
    response = Client().get(URL, {"org": rated.commune.pk, "nam": 2025})
    assert response.status_code == 302


def test_the_command_line_writes_the_docx(rated: World, tmp_path: Path) -> None:
    out = tmp_path / "bc.docx"
    call_command(
        "report",
        "ratings",
        "--org",
        "X01",
        "--year",
        "2025",
        "--format",
        "docx",
        "--number",
        "3",
        "--place",
        "An Phú",
        "--output",
        str(out),
    )
    from docx import Document

    document = Document(str(out))
    assert "Số 3-BC/ĐU" in document.tables[0].rows[0].cells[0].text
