"""Browser, on a phone-sized screen: the secretary opens the cell's fee book from the menu, follows a
member, records a cash payment and sees it in the member's history; the member then sees their own fees
on their record page."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from dangvu.fees.services import profile_set
from tests.browser_support import BROWSER, log_in, shot
from tests.factories import World

pytestmark = BROWSER
PHONE = {"width": 375, "height": 740}


@pytest.mark.django_db(transaction=True)
def test_the_secretary_records_a_payment_on_a_phone(page, live_server, live_world: World) -> None:
    today = timezone.localdate()
    first = date(today.year, 1, 1)
    profile_set(actor=None, member=live_world.an, valid_from=first, category="salary", base=8_540_000)
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "secretary")
    page.goto(f"{live_server.url}/dang-phi/chi-bo/{live_world.office_cell.pk}/")
    page.get_by_role("heading", name="Sổ thu, nộp đảng phí").wait_for()
    page.get_by_role("link", name="Nguyễn Văn An").click()
    page.get_by_role("heading", name="Ghi đảng phí đã nộp").wait_for()
    month = f"{today:%m/%Y}"
    page.locator("#id_month").fill(month)
    page.locator("#id_amount").fill("85.400")
    page.locator("#id_paid_on").fill(f"{today:%d/%m/%Y}")
    page.get_by_role("button", name="Ghi khoản nộp").click()
    page.get_by_text(f"Đã ghi đảng phí tháng {month}: 85.400 đ.").wait_for()
    row = page.locator("section.fee-history tr.fee-paid").first
    assert month in row.inner_text() and "85.400" in row.inner_text()
    shot(page, "fees-secretary-phone")


@pytest.mark.django_db(transaction=True)
def test_the_member_sees_their_fees_on_a_phone(page, live_server, live_world: World) -> None:
    today = timezone.localdate()
    profile_set(actor=None, member=live_world.an, valid_from=date(today.year, 1, 1), category="student")
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "member")
    page.goto(f"{live_server.url}/dang-vien/{live_world.an.pk}/")
    page.get_by_role("heading", name="Đảng phí").wait_for()
    assert "5.000" in page.locator("section.fee-history").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    shot(page, "fees-member-phone")
