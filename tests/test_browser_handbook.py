"""Browser, on a phone-sized screen (360×740): the member logs in, lands on the handbook, fills the
self-assessment, saves a draft and submits it, then opens the cell page; nothing is wider than the
screen. Screenshots in test-artifacts/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from dangvu.evaluations.models import Period
from dangvu.handbook.models import AssessmentStatus, Notice, SelfAssessment
from dangvu.meetings.models import Meeting
from tests.browser_support import BROWSER, log_in, shot
from tests.factories import World

pytestmark = BROWSER

PHONE = {"width": 360, "height": 740}


def no_sideways_scroll(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


@pytest.mark.django_db(transaction=True)
def test_a_member_fills_the_self_assessment_on_a_phone(browser, live_server, live_world: World) -> None:
    today = timezone.localdate()
    Period.objects.create(org=live_world.agency, year=2025, quarter=0, regime="QD366")
    Meeting.objects.create(
        cell=live_world.office_cell, held_on=today + timedelta(days=12), theme="Học tập Nghị quyết Đại hội XIV"
    )
    Notice.objects.create(
        org=live_world.commune, title="Lịch kiểm điểm cuối năm", body="Trước ngày 15/12.", published_on=today
    )
    context = browser.new_context(locale="vi-VN", viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, live_server, "member")
        page.get_by_role("heading", name="Chào đồng chí Nguyễn Văn An").wait_for()
        assert no_sideways_scroll(page)
        shot(page, "handbook-phone-home")
        page.get_by_role("link", name="Làm bản tự đánh giá Năm 2025").click()
        page.get_by_role("heading", name="Mẫu 2B").wait_for()
        page.get_by_label("Nhóm tiêu chí chung (tối đa 30 điểm)").fill("27,5")
        page.get_by_label("Kết quả thực hiện chức trách, nhiệm vụ được giao (tối đa 70 điểm)").fill("60")
        page.get_by_label("Kết quả thực hiện nhiệm vụ được giao trong kỳ").fill("Hoàn thành 12/12 nhiệm vụ.")
        page.get_by_role("button", name="Lưu nháp").click()
        page.get_by_text("Đã lưu nháp bản tự đánh giá Năm 2025.").wait_for()
        assert SelfAssessment.objects.get().status == AssessmentStatus.DRAFT
        page.get_by_label("Ưu điểm").fill("Gương mẫu.")
        page.get_by_label("Hạn chế, khuyết điểm và nguyên nhân; hướng khắc phục").fill("Không")
        page.get_by_label("Tự xếp loại").select_option("HTTNV")
        assert no_sideways_scroll(page)
        shot(page, "handbook-phone-self-assessment")
        page.get_by_role("button", name="Nộp cho chi bộ").click()
        page.get_by_text("Đã nộp bản tự đánh giá Năm 2025.").wait_for()
        assessment = SelfAssessment.objects.get()
        assert assessment.status == AssessmentStatus.SUBMITTED and str(assessment.score) == "87.50"
        assert page.get_by_role("button", name="Lưu nháp").count() == 0  # read-only now
        page.get_by_role("link", name="Chi bộ của tôi").click()
        page.get_by_text("Học tập Nghị quyết Đại hội XIV").wait_for()
        assert page.get_by_text("Lịch kiểm điểm cuối năm").count() == 1
        assert no_sideways_scroll(page)
        shot(page, "handbook-phone-cell")
    finally:
        context.close()
