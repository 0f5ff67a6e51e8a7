"""End-to-end tests in a real headless Chromium (Debian's package, driven by Playwright).

They log in, browse the tree, search a member without accents and open the record, on the live
server, and save screenshots in test-artifacts/.
"""

from __future__ import annotations

import re

from tests.browser_support import BROWSER, log_in, shot

pytestmark = BROWSER


def test_a_commune_staff_logs_in_browses_the_tree_and_finds_a_member_without_accents(page, live_server, live_world):
    from playwright.sync_api import expect

    log_in(page, live_server, "commune_staff")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đảng bộ xã An Phú")
    shot(page, "01-cay-to-chuc")

    # Expand the grassroots committee: its cells load under it.
    agency = page.locator("li", has=page.get_by_role("link", name=re.compile("Đảng bộ Cơ quan xã An Phú"))).first
    agency.get_by_role("button").first.click()
    expect(page.get_by_role("link", name=re.compile("Chi bộ Văn phòng"))).to_be_visible()
    expect(page.get_by_text("Đảng bộ phường Bình Minh")).to_have_count(0)
    shot(page, "02-cay-mo-rong")

    page.get_by_role("link", name="Đảng viên", exact=True).click()
    page.get_by_role("searchbox").fill("nguyen van an")
    page.get_by_role("searchbox").press("Enter")
    expect(page.get_by_role("link", name="Nguyễn Văn An")).to_be_visible()
    expect(page.get_by_role("link", name="Võ Thị Giang")).to_have_count(0)
    shot(page, "03-tim-dang-vien")

    page.get_by_role("link", name="Nguyễn Văn An").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nguyễn Văn An")
    expect(page.get_by_text("Kết nạp").first).to_be_visible()
    # The CCCD is masked until revealed.
    expect(page.locator("body")).not_to_contain_text("001280000001")
    shot(page, "04-ho-so-dang-vien")


def test_a_wrong_password_shows_a_vietnamese_error_and_keeps_the_username(page, live_server, live_world):
    from playwright.sync_api import expect

    log_in(page, live_server, "commune_staff", "sai-mat-khau")
    expect(page.get_by_role("alert")).to_contain_text("không đúng")
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("commune_staff")
    shot(page, "05-dang-nhap-sai")


def test_the_tree_is_usable_on_a_phone_screen(browser, live_server, live_world):
    from playwright.sync_api import expect

    context = browser.new_context(locale="vi-VN", viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    log_in(page, live_server, "secretary")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chi bộ Văn phòng")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1, f"the page scrolls sideways on a phone ({width}px wide)"
    shot(page, "06-dien-thoai")
    context.close()
