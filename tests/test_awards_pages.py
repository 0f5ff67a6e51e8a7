"""The awards pages: who sees and does what, the eligibility list and its one-click links, proposal →
decision, the member's and organisation's pages, the Excel list and the Word annex. "Today" is
10/01/2026, so the last complete year is 2025 and 2018–2022 is one of the ready-made windows."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from dangvu.accounts.models import User
from dangvu.audit.models import AuditRecord
from dangvu.awards.annex import annex_context
from dangvu.awards.models import AwardDecision, AwardKind, AwardProposal, AwardRule, SubjectKind
from dangvu.awards.queries import eligible, granted_counts
from dangvu.evaluations.models import MemberRating, OrgRating
from tests.factories import World, make_member

pytestmark = pytest.mark.usefixtures("frozen")

# Session, user, scope, the organisation asked for, the active rules, the rule asked for, the granted
# counts, the ratings of the window, the proposals of the candidates, the pending proposals, the
# decisions: whatever the number of members.
ELIGIBILITY_QUERIES = 11


@pytest.fixture
def frozen(world: World):
    with time_machine.travel(date(2026, 1, 10), tick=False):
        yield


def rate_member(member, years, level="HTXSNV", exemplary=False) -> None:
    for year in years:
        MemberRating.objects.create(
            member=member,
            org=member.current_org,
            year=year,
            quarter=0,
            regime="QD124",
            level=level,
            exemplary=exemplary,
        )


def rate_org(org, years, level="HTXSNV", exemplary=True) -> None:
    for year in years:
        OrgRating.objects.create(org=org, year=year, quarter=0, regime="QD124", level=level, exemplary=exemplary)


@pytest.fixture
def rated(world: World) -> World:
    """An and Giang (another commune): HTXSNV 2018–2022; Bình: HTTNV in 2020; Châu: from 2019 only.
    Chi bộ thôn Đông (chi bộ cơ sở) and Chi bộ Văn phòng (attached): HTXSNV tiêu biểu 2018–2022."""
    rate_member(world.an, range(2018, 2023))
    rate_member(world.giang, range(2018, 2023))
    rate_member(world.binh, [2018, 2019, 2021, 2022])
    rate_member(world.binh, [2020], level="HTTNV")
    rate_member(world.chau, range(2019, 2023))
    rate_org(world.village_cell, range(2018, 2023))
    rate_org(world.office_cell, range(2018, 2023))
    rate_org(world.economy_cell, range(2018, 2023), exemplary=False)
    return world


def member_merit() -> AwardRule:
    return AwardRule.objects.get(subject_kind=SubjectKind.MEMBER, years=5, award=AwardKind.MERIT)


def banner() -> AwardRule:
    return AwardRule.objects.get(subject_kind=SubjectKind.GRASSROOTS, years=5, award=AwardKind.BANNER)


def list_url(rule: AwardRule, org, year: int = 2022) -> str:
    return f"{reverse('awards:index')}?rule={rule.pk}&org={org.pk}&nam={year}"


def html(response) -> str:
    return response.content.decode()


# Who sees what -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("sysadmin", 200),
        ("province_staff", 200),
        ("commune_staff", 200),
        ("secretary", 200),
        ("viewer", 200),
        ("member", 404),  # the member role reaches its handbook and own record only
        ("outsider", 200),
    ],
)
def test_the_awards_page_is_for_the_tree_readers(client_for, persona: str, status: int) -> None:
    assert client_for(persona).get(reverse("awards:index")).status_code == status


def test_an_organisation_outside_the_scope_is_a_404(rated: World, client_for) -> None:
    response = client_for("outsider").get(list_url(member_merit(), rated.commune))
    assert response.status_code == 404
    assert client_for("outsider").get(list_url(member_merit(), rated.other_commune)).status_code == 200


def test_the_secretary_and_viewer_may_read_but_not_propose(rated: World, client_for) -> None:
    rule = member_merit()
    data = {"rule": rule.pk, "org": rated.office_cell.pk, "nam": 2022, "subject": [rated.an.pk]}
    for persona in ("secretary", "viewer"):
        client = client_for(persona)
        assert client.get(list_url(rule, rated.office_cell)).status_code == 200
        assert client.post(reverse("awards:propose"), data).status_code == 403
    assert client_for("member").post(reverse("awards:propose"), data).status_code == 404
    assert not AwardProposal.objects.exists()


def test_the_outsider_cannot_propose_into_another_commune(rated: World, client_for) -> None:
    data = {"rule": member_merit().pk, "org": rated.commune.pk, "nam": 2022, "subject": [rated.an.pk]}
    assert client_for("outsider").post(reverse("awards:propose"), data).status_code == 404
    assert not AwardProposal.objects.exists()


# The eligibility list ----------------------------------------------------------------------------------


def test_five_years_of_htxsnv_is_one_click_from_the_awards_page(rated: World, client_for) -> None:
    client = client_for("commune_staff")
    page = html(client.get(reverse("awards:index")))
    link = list_url(member_merit(), rated.commune).replace("&", "&amp;")
    assert f'href="{link}"' in page
    assert ">2018–2022<" in page
    response = client.get(list_url(member_merit(), rated.commune))
    text = html(response)
    assert "Hoàn thành xuất sắc nhiệm vụ 5 năm liên tục (2018–2022)" in text
    assert "Nguyễn Văn An" in text
    assert "Trần Thị Bình" not in text  # HTTNV in 2020
    assert "Lê Minh Châu" not in text  # not rated in 2018
    assert "Võ Thị Giang" not in text  # another commune


def test_eligibility_lists_subjects_with_their_years(rated: World) -> None:
    result = eligible(member_merit(), rated.province, 2022)
    assert [(c.name, c.years_text) for c in result.candidates] == [
        ("Nguyễn Văn An", "2018–2022"),
        ("Võ Thị Giang", "2018–2022"),
    ]
    assert [c.name for c in eligible(member_merit(), rated.province, 2021).candidates] == []
    orgs = eligible(banner(), rated.commune, 2022)
    assert [(c.name, c.parent) for c in orgs.candidates] == [("Chi bộ thôn Đông", "Đảng bộ xã An Phú")]
    cells = AwardRule.objects.get(subject_kind=SubjectKind.CELL, years=5, award=AwardKind.MERIT)
    assert [c.name for c in eligible(cells, rated.commune, 2022).candidates] == ["Chi bộ Văn phòng"]


def test_the_eligibility_page_takes_a_fixed_number_of_queries(
    rated: World, client_for, django_assert_num_queries
) -> None:
    client = client_for("commune_staff")
    url = list_url(member_merit(), rated.commune)
    with django_assert_num_queries(ELIGIBILITY_QUERIES):
        assert client.get(url).status_code == 200
    for i in range(5):
        member = make_member(rated.economy_cell, f"Đỗ Văn Tư {i}")
        rate_member(member, range(2018, 2023))
    with django_assert_num_queries(ELIGIBILITY_QUERIES):
        response = client.get(url)
    assert html(response).count(">Đỗ Văn Tư") == 5


def test_the_list_downloads_as_xlsx(rated: World, client_for) -> None:
    from openpyxl import load_workbook

    rule = member_merit()
    response = client_for("commune_staff").get(
        f"{reverse('awards:export')}?rule={rule.pk}&org={rated.commune.pk}&nam=2022"
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert rows[0][:5] == ["STT", "Họ và tên", "Số thẻ đảng viên", "Chi bộ", "Các năm đạt"]
    assert rows[1][:5] == [1, "Nguyễn Văn An", "10000001", "Chi bộ Văn phòng", "2018–2022"]
    assert len(rows) == 2
    outsider = client_for("outsider").get(f"{reverse('awards:export')}?rule={rule.pk}&org={rated.commune.pk}&nam=2022")
    assert outsider.status_code == 404


# Proposal → decision ----------------------------------------------------------------------------------


def propose_and_decide(world: World, client) -> AwardDecision:
    rule = member_merit()
    response = client.post(
        reverse("awards:propose"), {"rule": rule.pk, "org": world.commune.pk, "nam": 2022, "subject": [world.an.pk]}
    )
    assert response.status_code == 302
    proposal = AwardProposal.objects.get()
    assert proposal.years == [2018, 2019, 2020, 2021, 2022]
    response = client.post(
        reverse("awards:decide"),
        {
            "rule": rule.pk,
            "org": world.commune.pk,
            "nam": 2022,
            "proposal": [proposal.pk],
            "number": "125",
            "signed_on": "2023-02-03",
            "body": "Ban Thường vụ Tỉnh ủy",
        },
    )
    decision = AwardDecision.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("awards:decision", args=[decision.pk])
    return decision


def test_a_proposal_becomes_a_decision_and_is_audited(rated: World, client_for) -> None:
    client = client_for("commune_staff")
    decision = propose_and_decide(rated, client)
    assert decision.proposals.get().member == rated.an
    assert AuditRecord.objects.filter(target_type="awardproposal").count() == 1
    assert AuditRecord.objects.filter(target_type="awarddecision", target_id=decision.pk).exists()
    page = html(client.get(list_url(member_merit(), rated.commune)))
    assert "Quyết định số 125 ngày 03/02/2023" in page
    counts = granted_counts(rated.commune, 2022)
    assert [c.sentence for c in counts] == ["tặng Bằng khen 1 đảng viên hoàn thành xuất sắc nhiệm vụ 5 năm liên tục"]
    assert "tặng Bằng khen 1 đảng viên hoàn thành xuất sắc nhiệm vụ 5 năm liên tục" in page
    assert granted_counts(rated.other_commune, 2022) == []


def test_a_subject_not_eligible_cannot_be_proposed(rated: World, client_for) -> None:
    data = {"rule": member_merit().pk, "org": rated.commune.pk, "nam": 2022, "subject": [rated.binh.pk]}
    response = client_for("commune_staff").post(reverse("awards:propose"), data, follow=True)
    assert "không đủ điều kiện" in html(response)
    assert not AwardProposal.objects.exists()


def test_the_member_and_organisation_pages_show_the_award(rated: World, client_for) -> None:
    client = client_for("commune_staff")
    propose_and_decide(rated, client)
    page = html(client.get(reverse("members:detail", args=[rated.an.pk])))
    assert "Khen thưởng" in page and "Quyết định số 125 ngày 03/02/2023" in page
    rule = banner()
    client.post(
        reverse("awards:propose"),
        {"rule": rule.pk, "org": rated.commune.pk, "nam": 2022, "subject": [rated.village_cell.pk]},
    )
    page = html(client.get(reverse("orgs:detail", args=[rated.village_cell.pk])))
    assert "Cờ thi đua" in page and "chờ quyết định" in page


def test_a_decision_outside_the_scope_is_a_404(rated: World, client_for) -> None:
    decision = propose_and_decide(rated, client_for("commune_staff"))
    for name in ("awards:decision", "awards:annex"):
        assert client_for("outsider").get(reverse(name, args=[decision.pk])).status_code == 404
        assert client_for("viewer").get(reverse(name, args=[decision.pk])).status_code == 200


def test_the_decision_annex_opens_with_python_docx(rated: World, client_for) -> None:
    from docx import Document

    decision = propose_and_decide(rated, client_for("commune_staff"))
    context = annex_context(decision)
    assert context["header"]["issuer"] == "ĐẢNG ỦY XÃ AN PHÚ"
    assert context["header"]["above"] == "ĐẢNG BỘ TỈNH MẪU"
    assert context["attached"] == "(Kèm theo Quyết định số 125 ngày 03/02/2023 của Ban Thường vụ Tỉnh ủy)"
    assert context["groups"][0]["rows"] == [
        {
            "index": "1",
            "name": "Nguyễn Văn An",
            "above": "Chi bộ Văn phòng",
            "achievement": "hoàn thành xuất sắc nhiệm vụ 5 năm liên tục (2018–2022)",
        }
    ]
    response = client_for("commune_staff").get(reverse("awards:annex", args=[decision.pk]))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    header = [p.text for cell in document.tables[0].rows[0].cells for p in cell.paragraphs]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in header and "ĐẢNG ỦY XÃ AN PHÚ" in header
    assert "DANH SÁCH" in texts
    assert "(Kèm theo Quyết định số 125 ngày 03/02/2023 của Ban Thường vụ Tỉnh ủy)" in texts
    table = document.tables[1]
    assert [c.text for c in table.rows[0].cells] == ["STT", "Họ và tên", "Chi bộ", "Thành tích"]
    assert table.rows[1].cells[1].text == "Nguyễn Văn An"


# Rules as data -----------------------------------------------------------------------------------------


def test_only_the_admin_adds_and_disables_rules_through_the_pages(rated: World, client_for) -> None:
    data = {
        "subject_kind": "grassroots",
        "level": "HTXSNV",
        "exemplary_required": "on",
        "years": 3,
        "award": "bang_khen",
        "body": "Ban Thường vụ Tỉnh ủy",
        "source": "Quy định của Tỉnh ủy",
    }
    assert client_for("province_staff").post(reverse("awards:rule_create"), data).status_code == 403
    assert client_for("sysadmin").post(reverse("awards:rule_create"), data).status_code == 302
    rule = AwardRule.objects.get(years=3)
    page = html(client_for("commune_staff").get(reverse("awards:index")))
    assert "tiêu biểu 3 năm liên tục" in page
    assert client_for("sysadmin").post(reverse("awards:rule_toggle", args=[rule.pk])).status_code == 302
    rule.refresh_from_db()
    assert not rule.active
    assert "tiêu biểu 3 năm liên tục" not in html(client_for("commune_staff").get(reverse("awards:index")))
    assert client_for("viewer").get(reverse("awards:rules")).status_code == 200


# The demo ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_has_eligible_subjects_proposals_and_a_decision() -> None:
    from io import StringIO

    from django.core.management import call_command

    for _ in range(2):  # a second run replaces the awards as it replaces the members
        call_command("demo", members=400, seed=2026, today=date(2026, 11, 23), stdout=StringIO())
    decision = AwardDecision.objects.get()
    granted = list(decision.proposals.all())
    assert granted and all(p.rule == member_merit() and p.years == [2018, 2019, 2020, 2021, 2022] for p in granted)
    pending = AwardProposal.objects.filter(decision__isnull=True)
    assert pending.exists() and all(p.rule == banner() for p in pending)
    commune = User.objects.get(username="xa").scope
    assert commune is not None
    assert len(eligible(member_merit(), commune, 2022).candidates) == len(granted)
    assert eligible(banner(), commune, 2025).candidates
    assert not AuditRecord.objects.exclude(target_type="demo").exists()
