"""The rating report: figures of a small rated tree checked against hand-computed numbers, the published
paragraph, the pages (permissions, links to the lists behind the figures, query counts).

The rated tree (year 2025; the shared world plus five members):

    T01 province
    ├── X01 commune (own rating HTTNV)
    │   ├── X01-01 grassroots committee, state agency        HTXSNV
    │   │   ├── X01-01-01 office cell, state agency         HTTNV   An HTXSNV tiêu biểu, Bình HTTNV, Châu HTTNV,
    │   │   │                                                         Em (admitted 09/2025: new, not rated)
    │   │   └── X01-01-02 economy cell, state agency        —       Dũng HTXSNV, Phúc (exempt 2024, not rated),
    │   │                                                             Long HTNV (rated here, since moved to X02-01)
    │   └── X01-02 grassroots cell, commune                  HTTNV   Hùng HTTNV, Khoa (not yet rated),
    │                                                                 Đức (admitted 2026: not of the period)
    └── X02 commune
        └── X02-01 grassroots cell, commune                  HTTNV   Giang HTNV, Long (current cell)
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from dangvu.evaluations.models import MemberRating, OrgRating
from dangvu.evaluations.periods import PeriodKey
from dangvu.members.models import Member
from dangvu.members.services import event_add
from dangvu.orgs.models import Org
from dangvu.reports.paragraph import rating_paragraph
from dangvu.reports.report import percent, ratings_report
from dangvu.tallies.build import sync
from tests.factories import World, make_member

Y2025 = PeriodKey(2025)
QUERIES = 13  # the probe of the history, the regime settings, the kept counts (sync, period, node,
# children, the children's roll-ups, own counts, own roll-up by sector), the own ratings, the years
# (periods, nodes, roll-ups); below the roll-up depth the subtree's nodes and own counts instead (one less)
# and the years from the subtree's own counts (one more)


def rate_member(member: Member, cell: Org, level: str, *, year: int = 2025, exemplary: bool = False) -> None:
    MemberRating.objects.create(
        member=member, org=cell, year=year, quarter=0, regime="QD366", level=level, exemplary=exemplary
    )


def rate_org(org: Org, level: str, *, year: int = 2025) -> None:
    OrgRating.objects.create(org=org, year=year, quarter=0, regime="QD366", level=level)


@pytest.fixture
def rated(world: World) -> dict[str, Member]:
    em = make_member(
        world.office_cell, "Đỗ Thị Em", admitted_on=date(2025, 9, 1), ceremony_on=date(2025, 9, 10), official_on=None
    )
    phuc = make_member(world.economy_cell, "Bùi Văn Phúc")
    event_add(actor=None, member=phuc, values={"kind": "exempted", "on": date(2024, 5, 1)})
    hung = make_member(world.village_cell, "Mai Văn Hùng")
    khoa = make_member(world.village_cell, "Lý Văn Khoa")
    long = make_member(world.other_cell, "Tạ Văn Long")
    rate_member(world.an, world.office_cell, "HTXSNV", exemplary=True)
    rate_member(world.binh, world.office_cell, "HTTNV")
    rate_member(world.chau, world.office_cell, "HTTNV")
    rate_member(world.dung, world.economy_cell, "HTXSNV")
    rate_member(long, world.economy_cell, "HTNV")
    rate_member(hung, world.village_cell, "HTTNV")
    rate_member(world.giang, world.other_cell, "HTNV")
    rate_org(world.agency, "HTXSNV")
    rate_org(world.village_cell, "HTTNV")
    rate_org(world.office_cell, "HTTNV")
    rate_org(world.other_cell, "HTTNV")
    rate_org(world.commune, "HTTNV")
    # An earlier year, for the comparison.
    rate_member(world.an, world.office_cell, "HTTNV", year=2024)
    rate_member(world.binh, world.office_cell, "HTTNV", year=2024)
    rate_org(world.agency, "HTTNV", year=2024)
    return {"em": em, "phuc": phuc, "hung": hung, "khoa": khoa, "long": long}


def levels(xs: int, good: int, ok: int, failed: int) -> dict[str, int]:
    return {"HTXSNV": xs, "HTTNV": good, "HTNV": ok, "KHTNV": failed}


def shares(xs: float, good: float, ok: float, failed: float) -> dict[str, float]:
    return {"HTXSNV": xs, "HTTNV": good, "HTNV": ok, "KHTNV": failed}


def not_rated(exempt: int = 0, suspended: int = 0, new: int = 0, not_yet: int = 0) -> dict[str, int]:
    return {"exempt": exempt, "suspended": suspended, "new": new, "not_yet": not_yet}


# The figures ---------------------------------------------------------------------------------------------


def test_percentages_are_of_the_rated_one_decimal_half_up() -> None:
    assert percent(1, 8) == 12.5
    assert percent(1, 3) == 33.3
    assert percent(2, 3) == 66.7
    assert percent(57, 400) == 14.3  # 14,25 → 14,3 (half up, not half even)
    assert percent(3, 0) == 0.0


def test_the_province_figures_match_the_hand_count(world: World, rated: dict[str, Member]) -> None:
    report = ratings_report(world.province, Y2025)
    assert report["code"] == "T01"
    assert report["period"] == {"year": 2025, "quarter": 0, "label": "Năm 2025"}
    assert report["regime"]["code"] == "QD366"
    assert report["grassroots_orgs"] == {
        "total": 3,
        "rated": 3,
        "levels": levels(1, 2, 0, 0),
        "percent": shares(33.3, 66.7, 0.0, 0.0),
        "exemplary": 0,
        "not_rated": {"not_yet": 0},
        "by_kind": {"grassroots_cell": 2, "grassroots_committee": 1},
    }
    assert report["attached_cells"] == {
        "total": 2,
        "rated": 1,
        "levels": levels(0, 1, 0, 0),
        "percent": shares(0.0, 100.0, 0.0, 0.0),
        "exemplary": 0,
        "not_rated": {"not_yet": 1},
    }
    # 10 members of 2025 (Đức came in 2026); 7 rated: 28,6 + 42,9 + 28,6 = 100,1 — rounding shown as is.
    assert report["members"] == {
        "total": 10,
        "rated": 7,
        "levels": levels(2, 3, 2, 0),
        "percent": shares(28.6, 42.9, 28.6, 0.0),
        "exemplary": 1,
        "not_rated": not_rated(exempt=1, new=1, not_yet=1),
    }


def test_each_direct_child_is_counted_where_its_members_were_rated(world: World, rated: dict[str, Member]) -> None:
    children = ratings_report(world.province, Y2025)["children"]
    assert [(c["code"], c["own_level"]) for c in children] == [("X01", "HTTNV"), ("X02", "")]
    x01, x02 = children
    assert (x01["grassroots_orgs"]["total"], x01["grassroots_orgs"]["rated"]) == (2, 2)
    assert x01["grassroots_orgs"]["levels"] == levels(1, 1, 0, 0)
    assert x01["attached_cells"]["not_rated"] == {"not_yet": 1}
    # Long was rated in X01's economy cell: counted rated in X01, on the roll of X02.
    assert x01["members"]["total"] == 8
    assert x01["members"]["rated"] == 6
    assert x01["members"]["levels"] == levels(2, 3, 1, 0)
    assert x01["members"]["percent"] == shares(33.3, 50.0, 16.7, 0.0)
    assert x01["members"]["not_rated"] == not_rated(exempt=1, new=1, not_yet=1)
    assert x02["members"]["total"] == 2
    assert x02["members"]["rated"] == 1
    assert x02["members"]["levels"] == levels(0, 0, 1, 0)
    assert x02["members"]["not_rated"] == not_rated()
    assert x02["grassroots_orgs"]["levels"] == levels(0, 1, 0, 0)
    assert x02["attached_cells"]["total"] == 0


def test_the_breakdown_by_sector(world: World, rated: dict[str, Member]) -> None:
    sectors = {s["code"]: s for s in ratings_report(world.province, Y2025)["sectors"]}
    assert list(sectors) == ["commune", "state_agency"]
    agency, commune = sectors["state_agency"], sectors["commune"]
    assert (agency["grassroots_orgs"]["total"], agency["grassroots_orgs"]["levels"]["HTXSNV"]) == (1, 1)
    assert (agency["attached_cells"]["total"], agency["attached_cells"]["rated"]) == (2, 1)
    assert (agency["members"]["total"], agency["members"]["rated"]) == (6, 5)
    assert agency["members"]["levels"] == levels(2, 2, 1, 0)
    assert (commune["grassroots_orgs"]["total"], commune["grassroots_orgs"]["levels"]["HTTNV"]) == (2, 2)
    assert (commune["members"]["total"], commune["members"]["rated"]) == (4, 2)
    assert commune["members"]["not_rated"] == not_rated(not_yet=1)


def test_the_quota_is_stated_and_a_breach_is_a_warning(world: World, rated: dict[str, Member]) -> None:
    report = ratings_report(world.province, Y2025)
    members = report["quota"]["members"]
    assert (members["top"], members["base"], members["share"], members["limit"]) == (2, 3, 66.7, 20.0)
    assert members["exceeded"] is True
    assert members["text"] == "2 / 3 = 66,7%, giới hạn 20%"
    assert report["quota"]["orgs"]["text"] == "1 / 3 = 33,3%, giới hạn 20%"
    x02 = report["children"][1]
    assert x02["quota"]["members"]["text"] == "0 / 0 = 0,0%, giới hạn 20%"
    assert x02["quota"]["members"]["exceeded"] is False
    assert [(w["code"], w["org"]) for w in report["warnings"]] == [
        ("quota_members", "T01"),
        ("quota_orgs", "T01"),
        ("quota_members", "X01"),
        ("quota_orgs", "X01"),
    ]
    assert report["warnings"][0]["message"] == (
        "Đảng bộ tỉnh Mẫu: tỷ lệ đảng viên hoàn thành xuất sắc nhiệm vụ vượt mức quy định "
        "(2 / 3 = 66,7%, giới hạn 20%)."
    )


def test_more_rated_than_members_is_a_warning_not_a_correction(world: World, rated: dict[str, Member]) -> None:
    rate_member(world.duc, world.economy_cell, "HTTNV")  # Đức was not yet a member in 2025
    report = ratings_report(world.economy_cell, Y2025)
    assert (report["members"]["total"], report["members"]["rated"]) == (2, 3)
    assert report["members"]["levels"] == levels(1, 1, 1, 0)
    assert report["warnings"][0] == {
        "code": "rated_above_total",
        "org": "X01-01-02",
        "message": "Chi bộ Kinh tế: 3 đảng viên được xếp loại, nhiều hơn tổng số 2 đảng viên của kỳ.",
    }


def test_an_unknown_level_code_is_counted_and_flagged(world: World, rated: dict[str, Member]) -> None:
    rate_member(rated["khoa"], world.village_cell, "TSVM")
    report = ratings_report(world.village_cell, Y2025)
    assert report["members"]["levels"] == {**levels(0, 1, 0, 0), "TSVM": 1}
    assert report["members"]["percent"]["TSVM"] == 50.0
    assert report["warnings"][-1]["code"] == "unknown_level"


def test_the_comparison_across_years(world: World, rated: dict[str, Member]) -> None:
    years = ratings_report(world.commune, Y2025)["years"]
    assert [y["year"] for y in years] == [2024, 2025]
    assert years[0]["members"]["rated"] == 2
    assert years[0]["members"]["levels"]["HTTNV"] == 2
    assert years[0]["members"]["percent"]["HTTNV"] == 100.0
    assert years[0]["grassroots_orgs"]["levels"]["HTTNV"] == 1
    assert years[1]["members"]["rated"] == 6
    assert years[1]["members"]["levels"] == levels(2, 3, 1, 0)
    assert years[1]["grassroots_orgs"]["levels"] == levels(1, 1, 0, 0)


def test_the_report_takes_the_same_number_of_queries_for_one_or_many_children(
    world: World, rated: dict[str, Member], django_assert_num_queries: Any
) -> None:
    # The queue of changes is applied first (`tallies.build.sync`, its own cost); then reading the kept
    # counts takes a fixed number of queries (roll-ups of the children, or below the roll-up depth the
    # subtree's nodes and their own counts).
    sync()
    with django_assert_num_queries(QUERIES):
        ratings_report(world.province, Y2025)
    with django_assert_num_queries(QUERIES):
        ratings_report(world.office_cell, Y2025)
    from tests.factories import make_org

    for n in range(5):
        cell = make_org(f"X01-01-1{n}", f"Chi bộ số {n}", "cell", world.agency, "state_agency")
        for m in range(3):
            rate_member(make_member(cell, f"Đảng viên {n} {m}"), cell, "HTTNV")
    sync()
    with django_assert_num_queries(QUERIES - 1):  # at the roll-up depth: the report below it, the years above
        report = ratings_report(world.agency, Y2025)
    assert len(report["children"]) == 7
    assert report["members"]["rated"] == 5 + 15
    # Counted from the raw rows (the tree of the period's end), the same figures.
    raw = ratings_report(world.agency, Y2025, on_tree="as_of")
    assert {k: v for k, v in report.items() if k != "as_of"} == {k: v for k, v in raw.items() if k != "as_of"}


# The paragraph -------------------------------------------------------------------------------------------


def test_the_province_paragraph(world: World, rated: dict[str, Member]) -> None:
    assert rating_paragraph(ratings_report(world.province, Y2025)) == (
        "Đảng bộ tỉnh Mẫu có 3 tổ chức cơ sở đảng (gồm 1 đảng bộ cơ sở, 2 chi bộ cơ sở), 2 chi bộ trực thuộc "
        "đảng bộ cơ sở, với 10 đảng viên. "
        "Năm 2025, có 3/3 tổ chức cơ sở đảng được đánh giá, xếp loại, trong đó có 1 tổ chức cơ sở đảng hoàn "
        "thành xuất sắc nhiệm vụ (chiếm 33,3%); 2 tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ (chiếm 66,7%); "
        "không có tổ chức cơ sở đảng nào hoàn thành nhiệm vụ; không có tổ chức cơ sở đảng nào không hoàn thành "
        "nhiệm vụ. "
        "Có 1/2 chi bộ trực thuộc được đánh giá, xếp loại, trong đó không có chi bộ trực thuộc nào hoàn thành "
        "xuất sắc nhiệm vụ; có 1 chi bộ trực thuộc hoàn thành tốt nhiệm vụ (chiếm 100,0%); không có chi bộ "
        "trực thuộc nào hoàn thành nhiệm vụ; không có chi bộ trực thuộc nào không hoàn thành nhiệm vụ. "
        "Toàn Đảng bộ có 7 đảng viên được đánh giá chất lượng (trên tổng số 10 đảng viên), trong đó có 2 đảng "
        "viên hoàn thành xuất sắc nhiệm vụ (chiếm 28,6%; trong đó 1 tiêu biểu); 3 đảng viên hoàn thành tốt "
        "nhiệm vụ (chiếm 42,9%); 2 đảng viên hoàn thành nhiệm vụ (chiếm 28,6%); không có đảng viên nào không "
        "hoàn thành nhiệm vụ. "
        "Không đánh giá, xếp loại 2 đảng viên (1 miễn công tác và sinh hoạt đảng, 1 mới kết nạp chưa đủ 6 "
        "tháng). Còn 1 đảng viên chưa được đánh giá. "
        "Tỷ lệ tính trên số được đánh giá, xếp loại."
    )


def test_a_cell_paragraph_speaks_of_its_members_only(world: World, rated: dict[str, Member]) -> None:
    assert rating_paragraph(ratings_report(world.village_cell, Y2025)) == (
        "Năm 2025, toàn Chi bộ có 1 đảng viên được đánh giá chất lượng (trên tổng số 2 đảng viên), trong đó "
        "không có đảng viên nào hoàn thành xuất sắc nhiệm vụ; có 1 đảng viên hoàn thành tốt nhiệm vụ (chiếm "
        "100,0%); không có đảng viên nào hoàn thành nhiệm vụ; không có đảng viên nào không hoàn thành nhiệm vụ. "
        "Còn 1 đảng viên chưa được đánh giá. Tỷ lệ tính trên số được đánh giá, xếp loại."
    )


def _report_shaped(**overrides: Any) -> dict[str, Any]:
    """A report dict as `ratings_report` builds it, for regimes and periods the database may not hold."""

    def block(levels: dict[str, int], total: int, **extra: Any) -> dict[str, Any]:
        rated = sum(levels.values())
        return {
            "total": total,
            "rated": rated,
            "levels": levels,
            "percent": {c: percent(n, rated) for c, n in levels.items()},
            "exemplary": 0,
            "not_rated": {"not_yet": total - rated},
            **extra,
        }

    report = {
        "code": "H01",
        "name": "Đảng bộ huyện Lạc Dương",
        "kind": "upper",
        "period": {"year": 2015, "quarter": 0, "label": "Năm 2015"},
        "regime": {
            "code": "HD27",
            "name": "HD 27-HD/BTCTW",
            "org_levels": [
                {"code": "TSVM", "label": "Trong sạch, vững mạnh"},
                {"code": "HTTNV", "label": "Hoàn thành tốt nhiệm vụ"},
                {"code": "HTNV", "label": "Hoàn thành nhiệm vụ"},
                {"code": "YK", "label": "Yếu kém"},
            ],
            "member_levels": [
                {"code": "HTXSNV", "label": "Đủ tư cách, hoàn thành xuất sắc nhiệm vụ"},
                {"code": "HTTNV", "label": "Đủ tư cách, hoàn thành tốt nhiệm vụ"},
                {"code": "HTNV", "label": "Đủ tư cách, hoàn thành nhiệm vụ"},
                {"code": "VPTC", "label": "Vi phạm tư cách hoặc không hoàn thành nhiệm vụ"},
            ],
        },
        "grassroots_orgs": block(
            {"TSVM": 9, "HTTNV": 43, "HTNV": 11, "YK": 0},
            63,
            by_kind={"grassroots_committee": 21, "grassroots_cell": 45},
        ),
        "attached_cells": block({"TSVM": 0, "HTTNV": 0, "HTNV": 0, "YK": 0}, 0),
        "members": block({"HTXSNV": 524, "HTTNV": 3576, "HTNV": 240, "VPTC": 5}, 4872),
    }
    report.update(overrides)
    return report


def test_a_pre_2018_paragraph_uses_the_regime_wording_and_keeps_figures_that_do_not_add_up() -> None:
    # The published example of DOMAIN.md: 45 + 21 ≠ 63, and the members not rated are "not yet".
    assert rating_paragraph(_report_shaped()) == (
        "Đảng bộ huyện Lạc Dương có 63 tổ chức cơ sở đảng (gồm 21 đảng bộ cơ sở, 45 chi bộ cơ sở), 0 chi bộ "
        "trực thuộc đảng bộ cơ sở, với 4.872 đảng viên. "
        "Năm 2015, có 63/63 tổ chức cơ sở đảng được đánh giá, xếp loại, trong đó có 9 tổ chức cơ sở đảng trong "
        "sạch, vững mạnh (chiếm 14,3%); 43 tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ (chiếm 68,3%); 11 tổ chức "
        "cơ sở đảng hoàn thành nhiệm vụ (chiếm 17,5%); không có tổ chức cơ sở đảng nào yếu kém. "
        "Toàn Đảng bộ có 4.345 đảng viên được đánh giá chất lượng (trên tổng số 4.872 đảng viên), trong đó có "
        "524 đảng viên đủ tư cách, hoàn thành xuất sắc nhiệm vụ (chiếm 12,1%); 3.576 đảng viên đủ tư cách, hoàn "
        "thành tốt nhiệm vụ (chiếm 82,3%); 240 đảng viên đủ tư cách, hoàn thành nhiệm vụ (chiếm 5,5%); 5 đảng "
        "viên vi phạm tư cách hoặc không hoàn thành nhiệm vụ (chiếm 0,1%). "
        "Còn 527 đảng viên chưa được đánh giá. Tỷ lệ tính trên số được đánh giá, xếp loại."
    )


def test_a_quarter_paragraph_names_the_quarter() -> None:
    text = rating_paragraph(_report_shaped(period={"year": 2026, "quarter": 1, "label": "Quý 1/2026"}))
    assert "Quý I năm 2026, có 63/63 tổ chức cơ sở đảng" in text


# The pages -----------------------------------------------------------------------------------------------

REPORT_URL = "/bao-cao/xep-loai/"


def members_listed(client: Client, href: str) -> list[str]:
    response = client.get(href)
    assert response.status_code == 200
    return sorted(m.full_name for m in response.context["page"].object_list)


def test_the_report_page_shows_the_blocks_charts_and_paragraph(
    client_for, world: World, rated: dict[str, Member]
) -> None:
    response = client_for("province_staff").get(REPORT_URL, {"nam": 2025})
    assert response.status_code == 200
    assert response.context["org"] == world.province
    html = response.content.decode()
    assert "Tổ chức cơ sở đảng" in html and "Chi bộ trực thuộc đảng bộ cơ sở" in html
    assert html.count('<svg class="chart bar"') == 3
    assert html.count('<svg class="chart donut"') == 1
    assert "<title id=" in html and 'role="img"' in html
    assert '<textarea id="paragraph" readonly' in html
    assert rating_paragraph(response.context["report"]) in html
    assert "2 / 3 = 66,7%, giới hạn 20%" in html
    assert "Tỷ lệ (%) tính trên số được đánh giá" in html


def test_the_report_defaults_to_the_scope_and_last_year(client_for, world: World, rated: dict[str, Member]) -> None:
    client = client_for("commune_staff")
    with time_machine.travel(date(2026, 3, 1)):
        response = client.get(REPORT_URL)
    assert response.context["org"] == world.commune
    assert response.context["key"] == PeriodKey(2025)


def test_out_of_scope_is_404_and_the_member_role_is_refused(client_for, world: World, rated: dict[str, Member]) -> None:
    assert client_for("outsider").get(REPORT_URL, {"org": world.commune.pk}).status_code == 404
    assert client_for("commune_staff").get(REPORT_URL, {"org": world.province.pk}).status_code == 404
    assert client_for("member").get(REPORT_URL).status_code == 404
    assert client_for("member").get("/bao-cao/xep-loai/to-chuc/").status_code == 404
    assert client_for("viewer").get(REPORT_URL, {"org": world.agency.pk, "nam": 2025}).status_code == 200
    assert client_for("sysadmin").get(REPORT_URL, {"nam": 2025}).context["org"] == world.province


def test_a_quarter_under_a_yearly_regime_is_explained_not_an_error(client_for, world: World) -> None:
    response = client_for("province_staff").get(REPORT_URL, {"nam": 2020, "quy": 2})
    assert response.status_code == 200
    assert "không đánh giá, xếp loại theo quý" in response.context["error"]
    with pytest.raises(ValidationError):
        ratings_report(world.province, PeriodKey(2007))


def test_member_figures_link_to_exactly_those_members(client_for, world: World, rated: dict[str, Member]) -> None:
    client = client_for("province_staff")
    blocks = client.get(REPORT_URL, {"nam": 2025}).context["blocks"]
    members = blocks[2]
    x01 = members.children[0]
    assert x01.label == world.commune.name
    excellent, good, ok, _ = x01.levels
    assert excellent.value == 2
    assert members_listed(client, excellent.href) == ["Nguyễn Văn An", "Phạm Văn Dũng"]
    assert good.value == 3
    assert members_listed(client, good.href) == ["Lê Minh Châu", "Mai Văn Hùng", "Trần Thị Bình"]
    assert members_listed(client, ok.href) == ["Tạ Văn Long"]  # rated in X01, now in X02
    assert x01.rated.value == 6 and len(members_listed(client, x01.rated.href)) == 6
    assert x01.total.value == 8 and len(members_listed(client, x01.total.href)) == 8
    exempt, suspended, new, not_yet = x01.not_rated
    assert members_listed(client, exempt.href) == ["Bùi Văn Phúc"]
    assert members_listed(client, suspended.href) == []
    assert members_listed(client, new.href) == ["Đỗ Thị Em"]
    assert members_listed(client, not_yet.href) == ["Lý Văn Khoa"]
    assert members_listed(client, x01.exemplary.href) == ["Nguyễn Văn An"]
    total = members.total
    assert total.total.value == 10 and len(members_listed(client, total.total.href)) == 10
    commune_sector = next(row for row in members.sectors if row.label == "Xã, phường, đặc khu")
    assert members_listed(client, commune_sector.rated.href) == ["Mai Văn Hùng", "Võ Thị Giang"]
    assert members_listed(client, commune_sector.total.href) == [
        "Lý Văn Khoa",
        "Mai Văn Hùng",
        "Tạ Văn Long",
        "Võ Thị Giang",
    ]


def test_organisation_figures_link_to_the_organisation_list(client_for, world: World, rated: dict[str, Member]) -> None:
    client = client_for("province_staff")
    grassroots, cells, _ = client.get(REPORT_URL, {"nam": 2025}).context["blocks"]

    def listed(href: str) -> list[str]:
        response = client.get(href)
        assert response.status_code == 200
        return [o.code for o in response.context["page"].object_list]

    assert listed(grassroots.total.total.href) == ["X01-01", "X01-02", "X02-01"]
    assert listed(grassroots.total.levels[0].href) == ["X01-01"]
    assert listed(grassroots.children[0].levels[1].href) == ["X01-02"]
    assert listed(cells.total.not_rated[0].href) == ["X01-01-02"]
    assert listed(cells.total.rated.href) == ["X01-01-01"]
    out = client_for("outsider").get(cells.total.rated.href)
    assert out.status_code == 404


def test_the_member_list_shows_the_rating_filters(client_for, world: World, rated: dict[str, Member]) -> None:
    response = client_for("commune_staff").get(
        "/dang-vien/", {"org": world.commune.pk, "nam": 2025, "quy": 0, "xep_loai": "HTXSNV", "status": "all"}
    )
    html = response.content.decode()
    assert 'name="xep_loai"' in html and '<option value="HTXSNV" selected>' in html
    assert "tính tại chi bộ nơi được đánh giá" in html
    assert response.context["total"] == 2


def test_the_report_page_takes_a_fixed_number_of_queries(
    client_for, world: World, rated: dict[str, Member], django_assert_num_queries: Any
) -> None:
    client = client_for("province_staff")
    client.get(REPORT_URL, {"nam": 2025})
    # session, user (with scope), breadcrumbs, the rating targets (plans), the cache's generation and the
    # regime settings (`views._report_blocks`), the report's QUERIES (the settings read once)
    with django_assert_num_queries(QUERIES + 5):
        client.get(REPORT_URL, {"nam": 2025})
    # kept in the cache now: the same page without the report's queries
    with django_assert_num_queries(6):
        client.get(REPORT_URL, {"nam": 2025})
    from tests.factories import make_org

    for n in range(4):
        make_org(f"X0{n + 3}", f"Đảng bộ xã Số {n}", "upper", world.province)
    sync()
    with django_assert_num_queries(QUERIES + 5):
        client.get(REPORT_URL, {"nam": 2025})
