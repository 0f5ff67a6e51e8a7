"""The member's handbook (sổ tay đảng viên): the member sees their own record only (404 elsewhere,
pages, lists, exports and the API); the self-assessment flow (draft, submit, read-only, send back,
resubmit, a secretary entering it on a member's behalf — audited and shown) and its place on the
rating grid; questions to the secretary and the committee's notices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from dangvu.accounts.models import Role
from dangvu.api.services import apitoken_create
from dangvu.audit.models import AuditRecord
from dangvu.evaluations.models import MemberRating, Period, PeriodStatus
from dangvu.handbook.models import AssessmentStatus, Notice, Question, SelfAssessment
from dangvu.handbook.services import notice_create
from tests.factories import World, make_user

Y2025 = (2025, 0)


def text(response) -> str:
    return response.content.decode()


def open_period(world: World, year: int = 2025, quarter: int = 0, regime: str = "QD366", org=None) -> Period:
    return Period.objects.create(org=org or world.agency, year=year, quarter=quarter, regime=regime)


def form_url(year: int = 2025, quarter: int = 0) -> str:
    return reverse("handbook:assessment", args=[year, quarter])


def behalf_url(member_pk: int, year: int = 2025, quarter: int = 0) -> str:
    return reverse("handbook:assessment_for", args=[year, quarter, member_pk])


COMPLETE = {
    "role_kind": "non_leader",
    "score_general": "27,5",
    "score_tasks": "60",
    "tasks": "Hoàn thành 12/12 nhiệm vụ được giao, 4 nhiệm vụ vượt mức.",
    "strengths": "Gương mẫu, đúng giờ.",
    "shortcomings": "Không",
    "cond_all_tasks_on_time": "on",
    "cond_late_within_20pct": "on",
    "proposed_level": "HTTNV",
}


# Landing and confinement -------------------------------------------------------------------------------


def test_the_member_lands_on_the_handbook_after_login(world: World, client_for) -> None:
    response = client_for("member").get("/")
    assert response.status_code == 302 and response["Location"] == reverse("handbook:home")
    page = text(client_for("member").get(reverse("handbook:home")))
    assert "Chào đồng chí Nguyễn Văn An" in page
    assert "Chi bộ Văn phòng" in page


def test_other_roles_land_where_they_did(world: World, client_for) -> None:
    assert client_for("secretary").get("/")["Location"] == reverse("orgs:tree")
    assert client_for("secretary").get(reverse("handbook:home"))["Location"] == reverse("handbook:manage")


MEMBER_404 = [
    "/to-chuc/",
    "/dang-vien/",
    "/xuat/dang-vien.csv",
    "/xuat/dang-vien.xlsx",
    "/xuat/ky-danh-gia.csv",
    "/xuat/bao-cao/xep-loai.xlsx",
    "/danh-gia/",
    "/bao-cao/xep-loai/",
    "/khen-thuong/",
    "/ke-hoach/",
    "/sinh-hoat/",
    "/cum-thi-dua/",
    "/nhap-xuat/",
    "/viec-can-lam/",
    "/huy-hieu/",
    "/nhat-ky/",
    "/so-tay/quan-ly/",
    "/so-tay/hop-thu/",
    "/so-tay/thong-bao/",
]


@pytest.mark.parametrize("url", MEMBER_404)
def test_every_list_and_export_is_not_found_for_a_member(world: World, client_for, url: str) -> None:
    assert client_for("member").get(url).status_code == 404


def test_every_other_record_is_not_found_for_a_member(world: World, client_for) -> None:
    client = client_for("member")
    open_period(world)
    for other in (world.binh, world.giang):
        assert client.get(reverse("members:detail", args=[other.pk])).status_code == 404
        assert client.get(reverse("members:edit", args=[other.pk])).status_code == 404
        assert client.get(behalf_url(other.pk)).status_code == 404
    assert client.get(reverse("orgs:detail", args=[world.office_cell.pk])).status_code == 404
    assert client.get(reverse("evaluations:member_grid", args=[2025, 0, world.office_cell.pk])).status_code == 404
    assert client.get(reverse("handbook:manage_cell", args=[world.office_cell.pk])).status_code == 404
    # their own record stays reachable; editing it is still a refusal (403), as before
    assert client.get(reverse("members:detail", args=[world.an.pk])).status_code == 200
    assert client.get(reverse("members:edit", args=[world.an.pk])).status_code == 403


def test_the_api_gives_a_member_their_own_record_only(world: World) -> None:
    _, token = apitoken_create(actor=None, user=world.member, name="điện thoại")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get(f"/api/v1/members/{world.an.pk}").status_code == 200
    for other in (world.binh, world.giang):
        assert client.get(f"/api/v1/members/{other.pk}").status_code == 404
        assert client.get(f"/api/v1/members/{other.pk}/ratings").status_code == 404
    listed = client.get("/api/v1/members").json()["items"]
    assert [m["id"] for m in listed] == [world.an.pk]
    assert client.get("/api/v1/orgs").json()["items"] == []
    assert client.get("/api/v1/orgs/X01").status_code == 404


def test_member_pages_are_not_found_for_other_roles(world: World, client_for) -> None:
    for name in ("handbook:record", "handbook:assessments", "handbook:cell", "handbook:questions"):
        assert client_for("secretary").get(reverse(name)).status_code == 404
    assert client_for("secretary").get(form_url()).status_code == 404


def test_a_member_account_without_a_record_sees_a_notice_not_someone_else(world: World) -> None:
    user = make_user("lonely", Role.MEMBER)
    client = Client()
    client.force_login(user)
    assert "chưa được gắn với hồ sơ" in text(client.get(reverse("handbook:home")))
    assert client.get(reverse("handbook:record")).status_code == 404


# My record ---------------------------------------------------------------------------------------------


def test_my_record_shows_my_fields_timeline_party_age_badges_and_ratings_by_year_and_quarter(
    world: World, client_for
) -> None:
    MemberRating.objects.create(
        member=world.an,
        org=world.office_cell,
        year=2025,
        quarter=0,
        regime="QD366",
        score=Decimal("86.5"),
        level="HTTNV",
    )
    MemberRating.objects.create(
        member=world.an,
        org=world.office_cell,
        year=2025,
        quarter=3,
        regime="QD366",
        score=Decimal("91"),
        level="HTXSNV",
    )
    MemberRating.objects.create(member=world.an, org=world.office_cell, year=2021, regime="QD132", level="HTTNV")
    MemberRating.objects.create(member=world.binh, org=world.office_cell, year=2025, regime="QD366", level="KHTNV")
    page = text(client_for("member").get(reverse("handbook:record")))
    assert world.an.citizen_id is not None
    assert "Nguyễn Văn An" in page and world.an.citizen_id in page and "0912345678" in page
    assert "Trần Thị Bình" not in page
    assert "Năm 2025" in page and "86,5 điểm" in page and "Hoàn thành tốt nhiệm vụ" in page
    assert "Quý 3/2025" in page and "91 điểm" in page and "Hoàn thành xuất sắc nhiệm vụ" in page
    assert "Năm 2021" in page
    assert "Không hoàn thành nhiệm vụ" not in page  # Bình's rating
    # admitted 01/03/2010 (decision), official, no gap: the 30-year badge is due on 01/03/2040
    assert "30 năm tuổi đảng, đủ ngày 01/03/2040" in page
    assert "01/03/2010" in page  # the admission event on the timeline
    assert "Khen thưởng" in page


# Self-assessment ---------------------------------------------------------------------------------------


def test_without_an_open_period_there_is_nothing_to_fill(world: World, client_for) -> None:
    client = client_for("member")
    assert "chưa có kỳ đánh giá nào đang mở" in text(client.get(reverse("handbook:assessments")))
    assert client.get(form_url()).status_code == 404


def test_the_qd366_year_form_is_mau_2b_with_30_and_70_points(world: World, client_for) -> None:
    open_period(world)
    page = text(client_for("member").get(form_url()))
    assert "Mẫu 2B" in page and "Phụ lục 4" in page
    assert "Nhóm tiêu chí chung (tối đa 30 điểm)" in page
    assert "(tối đa 70 điểm)" in page
    assert "Ít nhất 30% nhiệm vụ hoàn thành vượt mức yêu cầu" in page


def test_a_quarter_uses_mau_05_and_a_leader_mau_2a(world: World, client_for) -> None:
    open_period(world, 2025, 4)
    page = text(client_for("member").get(form_url(2025, 4)))
    assert "Mẫu 05" in page and "quý" in page
    open_period(world)
    client = client_for("member")
    client.post(form_url() + "luu/", {**COMPLETE, "role_kind": "leader"})
    page = text(client.get(form_url()))
    assert "Mẫu 2A" in page and "Phụ lục 3" in page


def test_an_older_regime_asks_its_own_conditions_without_points(world: World, client_for) -> None:
    open_period(world, 2021, 0, "QD132")
    page = text(client_for("member").get(form_url(2021, 0)))
    assert "score_general" not in page
    assert "QĐ 132" in page
    response = client_for("member").post(
        form_url(2021, 0) + "nop/",
        {
            "role_kind": "non_leader",
            "tasks": "Đủ",
            "strengths": "Tốt",
            "shortcomings": "Không",
            "proposed_level": "HTTNV",
        },
    )
    assert response.status_code == 302
    assessment = SelfAssessment.objects.get(member=world.an, year=2021)
    assert assessment.score is None and assessment.status == AssessmentStatus.SUBMITTED


def test_draft_then_submit_then_read_only(world: World, client_for) -> None:
    open_period(world)
    client = client_for("member")
    response = client.post(
        form_url() + "luu/", {"role_kind": "non_leader", "score_general": "25", "tasks": "Đang viết"}
    )
    assert response.status_code == 302
    draft = SelfAssessment.objects.get(member=world.an, year=2025, quarter=0)
    assert draft.status == AssessmentStatus.DRAFT and draft.score is None and draft.scores == {"general": "25"}
    # an incomplete form is not submitted; what was typed stays on the page
    response = client.post(
        form_url() + "nop/", {"role_kind": "non_leader", "score_general": "25", "tasks": "Đang viết"}
    )
    assert response.status_code == 400
    page = text(response)
    assert "Chấm điểm" in page and "Mục này không được để trống khi nộp." in page and "Đang viết" in page
    assert SelfAssessment.objects.get(pk=draft.pk).status == AssessmentStatus.DRAFT
    # a bad score is refused with its reason, nothing lost
    response = client.post(form_url() + "luu/", {**COMPLETE, "score_general": "31"})
    assert response.status_code == 400 and "phải là số từ 0 đến 30" in text(response)
    response = client.post(form_url() + "nop/", COMPLETE)
    assert response.status_code == 302
    submitted = SelfAssessment.objects.get(pk=draft.pk)
    assert submitted.status == AssessmentStatus.SUBMITTED
    assert submitted.score == Decimal("87.5")  # 27,5 + 60
    assert submitted.proposed_level == "HTTNV" and not submitted.on_behalf
    page = text(client.get(form_url()))
    assert "87,5" in page and "Đã nộp" in page and "Lưu nháp" not in page
    # read-only after submission: a post changes nothing
    response = client.post(form_url() + "luu/", {**COMPLETE, "score_tasks": "10"})
    assert response.status_code == 400 and "đã nộp" in text(response)
    assert SelfAssessment.objects.get(pk=draft.pk).score == Decimal("87.5")
    notes = list(AuditRecord.objects.filter(target_type="selfassessment").order_by("pk").values_list("note", flat=True))
    assert notes == [
        "Lưu nháp bản tự đánh giá Năm 2025 của Nguyễn Văn An",
        "Nộp bản tự đánh giá Năm 2025 của Nguyễn Văn An",
    ]


def test_a_level_above_what_the_score_allows_is_a_warning_not_a_refusal(world: World, client_for) -> None:
    open_period(world)
    client = client_for("member")
    assert client.post(form_url() + "nop/", {**COMPLETE, "proposed_level": "HTXSNV"}).status_code == 302
    page = text(client.get(form_url()))
    assert "cao hơn mức quy định cho phép" in page and "87.5 điểm, dưới 90" in page


def test_the_secretary_sees_it_on_the_grid_sends_it_back_and_the_member_resubmits(world: World, client_for) -> None:
    open_period(world)
    member = client_for("member")
    member.post(form_url() + "nop/", COMPLETE)
    secretary = client_for("secretary")
    grid = text(secretary.get(reverse("evaluations:member_grid", args=[2025, 0, world.office_cell.pk])))
    assert "Tự đánh giá:" in grid and "<strong>HTTNV</strong> · 87,5 điểm" in grid
    assessment = SelfAssessment.objects.get(member=world.an)
    # the comment is required
    secretary.post(reverse("handbook:assessment_return", args=[assessment.pk]), {"comment": ""})
    assert SelfAssessment.objects.get(pk=assessment.pk).status == AssessmentStatus.SUBMITTED
    response = secretary.post(
        reverse("handbook:assessment_return", args=[assessment.pk]),
        {"comment": "Ghi rõ số nhiệm vụ vượt mức."},
    )
    assert response.status_code == 302
    returned = SelfAssessment.objects.get(pk=assessment.pk)
    assert returned.status == AssessmentStatus.RETURNED and returned.returned_by == world.secretary
    page = text(member.get(form_url()))
    assert "Ghi rõ số nhiệm vụ vượt mức." in page and "Lưu nháp" in page
    assert member.post(form_url() + "nop/", {**COMPLETE, "tasks": "12 nhiệm vụ, 4 vượt mức"}).status_code == 302
    again = SelfAssessment.objects.get(pk=assessment.pk)
    assert again.status == AssessmentStatus.SUBMITTED and again.tasks == "12 nhiệm vụ, 4 vượt mức"
    assert AuditRecord.objects.filter(target_type="selfassessment", note__startswith="Trả lại").count() == 1


def test_a_sibling_cell_or_another_commune_cannot_send_it_back(world: World, client_for) -> None:
    open_period(world)
    client_for("member").post(form_url() + "nop/", COMPLETE)
    assessment = SelfAssessment.objects.get(member=world.an)
    url = reverse("handbook:assessment_return", args=[assessment.pk])
    assert client_for("outsider").post(url, {"comment": "x"}).status_code == 404
    sibling = make_user("sibling", Role.SECRETARY, world.economy_cell)
    client = Client()
    client.force_login(sibling)
    assert client.post(url, {"comment": "x"}).status_code == 404
    assert SelfAssessment.objects.get(pk=assessment.pk).status == AssessmentStatus.SUBMITTED


def test_a_secretary_enters_it_on_behalf_and_the_record_says_so(world: World, client_for) -> None:
    open_period(world)
    secretary = client_for("secretary")
    assert secretary.get(behalf_url(world.binh.pk)).status_code == 200
    response = secretary.post(behalf_url(world.binh.pk) + "nop/", COMPLETE)
    assert response.status_code == 302
    assessment = SelfAssessment.objects.get(member=world.binh)
    assert assessment.on_behalf and assessment.entered_by == world.secretary
    assert assessment.submitted_by == world.secretary
    audit = AuditRecord.objects.get(target_type="selfassessment")
    assert audit.actor == world.secretary and "nhập thay" in audit.note
    grid = text(secretary.get(reverse("evaluations:member_grid", args=[2025, 0, world.office_cell.pk])))
    assert "nhập thay" in grid
    binh_user = make_user("binh", Role.MEMBER, member=world.binh)
    client = Client()
    client.force_login(binh_user)
    assert "nhập thay đảng viên" in text(client.get(form_url()))


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("outsider", 404), ("commune_staff", 200)])
def test_who_may_enter_on_behalf(world: World, client_for, persona: str, status: int) -> None:
    open_period(world)
    assert client_for(persona).get(behalf_url(world.binh.pk)).status_code == status
    response = client_for(persona).post(behalf_url(world.binh.pk) + "luu/", COMPLETE)
    assert response.status_code == (302 if status == 200 else status)


def test_a_published_period_is_read_only(world: World, client_for) -> None:
    period = open_period(world)
    client = client_for("member")
    client.post(form_url() + "luu/", COMPLETE)
    period.status = PeriodStatus.CLOSED
    period.save()
    page = text(client.get(form_url()))
    assert "Lưu nháp" not in page and "87,5" in page
    response = client.post(form_url() + "luu/", {**COMPLETE, "score_tasks": "10"})
    assert response.status_code == 400 and "chưa mở hoặc đã công bố" in text(response)


def test_a_member_not_rated_in_the_period_is_told_why(world: World) -> None:
    Period.objects.create(org=world.village_cell, year=2025, quarter=0, regime="QD366")
    duc_user = make_user("duc", Role.MEMBER, member=world.duc)
    client = Client()
    client.force_login(duc_user)
    assert "Không thuộc diện đánh giá" in text(client.get(reverse("handbook:assessments")))
    response = client.post(form_url() + "nop/", COMPLETE)
    assert response.status_code == 400
    assert not SelfAssessment.objects.exists()


# Questions and notices ---------------------------------------------------------------------------------


def test_a_question_goes_to_the_cell_secretary_and_the_answer_comes_back(world: World, client_for) -> None:
    member = client_for("member")
    assert member.post(reverse("handbook:question_ask"), {"body": ""}).status_code == 400
    assert member.post(reverse("handbook:question_ask"), {"body": "Tháng này sinh hoạt ngày nào?"}).status_code == 302
    question = Question.objects.get()
    assert question.cell == world.office_cell
    inbox = text(client_for("secretary").get(reverse("handbook:inbox")))
    assert "Tháng này sinh hoạt ngày nào?" in inbox
    assert "Tháng này sinh hoạt" not in text(client_for("outsider").get(reverse("handbook:inbox")))
    assert (
        client_for("outsider").post(reverse("handbook:answer", args=[question.pk]), {"answer": "x"}).status_code == 404
    )
    assert client_for("viewer").post(reverse("handbook:answer", args=[question.pk]), {"answer": "x"}).status_code == 404
    client_for("secretary").post(reverse("handbook:answer", args=[question.pk]), {"answer": "Ngày 5, lúc 8 giờ."})
    page = text(member.get(reverse("handbook:questions")))
    assert "Ngày 5, lúc 8 giờ." in page and "Trả lời của đồng chí" in page
    assert AuditRecord.objects.filter(target_type="question").count() == 2


def test_notices_reach_the_cell_and_the_subtree_they_were_sent_to(world: World, client_for) -> None:
    notice_create(
        actor=world.commune_staff,
        org=world.commune,
        include_subtree=True,
        title="Lịch học nghị quyết",
        body="Ngày 10/12.",
        published_on=date(2026, 11, 20),
    )
    notice_create(
        actor=world.commune_staff,
        org=world.economy_cell,
        include_subtree=False,
        title="Riêng chi bộ Kinh tế",
        body="…",
        published_on=date(2026, 11, 20),
    )
    Notice.objects.create(
        org=world.other_commune, include_subtree=True, title="Phường khác", body="…", published_on=date(2026, 11, 1)
    )
    page = text(client_for("member").get(reverse("handbook:cell")))
    assert "Lịch học nghị quyết" in page
    assert "Riêng chi bộ Kinh tế" not in page and "Phường khác" not in page


def test_a_notice_is_posted_from_the_page_only_inside_the_scope(world: World, client_for) -> None:
    client = client_for("commune_staff")
    data = {"org_code": "X02", "include_subtree": "on", "title": "T", "body": "B", "published_on": "20/11/2026"}
    response = client.post(reverse("handbook:notice_create"), data)
    assert response.status_code == 400 and "trong phạm vi của bạn" in text(response)
    assert client.post(reverse("handbook:notice_create"), {**data, "org_code": "X01"}).status_code == 302
    assert Notice.objects.get().org == world.commune
    assert client_for("viewer").post(reverse("handbook:notice_create"), data).status_code == 403


def test_the_secretary_start_page_lists_what_waits(world: World, client_for) -> None:
    open_period(world)
    client_for("member").post(form_url() + "nop/", COMPLETE)
    client_for("member").post(reverse("handbook:question_ask"), {"body": "Xin tài liệu học tập"})
    page = text(client_for("secretary").get(reverse("handbook:manage")))
    assert "Chi bộ của tôi: Chi bộ Văn phòng" in page
    assert "Câu hỏi chờ trả lời: 1" in page and "Xin tài liệu học tập" in page
    assert behalf_url(world.an.pk) in page
    cell_page = text(client_for("secretary").get(reverse("handbook:manage_cell", args=[world.office_cell.pk])))
    assert "Tự đánh giá Năm 2025" in cell_page and "Đã nộp" in cell_page and "Nhập thay" in cell_page
    assert client_for("outsider").get(reverse("handbook:manage_cell", args=[world.office_cell.pk])).status_code == 404
    found = client_for("commune_staff").get(reverse("handbook:manage"), {"ma": "X01-01-01"})
    assert found["Location"] == reverse("handbook:manage_cell", args=[world.office_cell.pk])
    assert "X02-01" in text(client_for("commune_staff").get(reverse("handbook:manage"), {"ma": "X02-01"}))


def test_my_record_ends_with_my_fee_history(world: World, client_for) -> None:
    page = text(client_for("member").get(reverse("handbook:record")))
    assert 'id="h-fees"' in page
    client = client_for("member")
    assert client.get(reverse("fees:member", args=[world.an.pk])).status_code == 200
    assert client.get(reverse("fees:member", args=[world.binh.pk])).status_code == 404
    assert client.get(reverse("fees:cell", args=[world.office_cell.pk])).status_code == 404


def test_the_handbook_pages_cost_the_same_queries_whatever_the_number_of_rows(world: World, client_for) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangvu.meetings.models import Attendance, Meeting

    open_period(world)
    member = client_for("member")
    secretary = client_for("secretary")
    pages = [
        (member, reverse("handbook:home")),
        (member, reverse("handbook:record")),
        (member, reverse("handbook:cell")),
        (member, reverse("handbook:questions")),
        (secretary, reverse("handbook:inbox")),
        (secretary, reverse("handbook:manage_cell", args=[world.office_cell.pk])),
    ]

    def counts() -> list[int]:
        result = []
        for client, url in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    def add_rows(n: int) -> None:
        for i in range(n):
            meeting = Meeting.objects.create(cell=world.office_cell, held_on=date(2026, 1 + i % 12, 1 + i))
            Attendance.objects.create(meeting=meeting, member=world.an)
            Question.objects.create(member=world.an, cell=world.office_cell, body=f"Câu hỏi {i}")
            Notice.objects.create(org=world.commune, title=f"TB {i}", body="…", published_on=date(2026, 1, 1 + i))

    add_rows(1)
    counts()  # warm the session
    before = counts()
    add_rows(5)
    assert counts() == before
