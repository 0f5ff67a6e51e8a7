"""In a real headless Chromium: a cell secretary opens the 2025 period, rates her cell on the grid
with the keyboard only (Tab, arrows, typing, Enter), sees the warning of a contradiction with its
article, writes a justification, and publishes. Screenshots in test-artifacts/.

"Today" is 10/01/2026: the live server runs in a thread of this process, so `time_machine` moves its
clock too. Sessions end with the browser, so the frozen clock gives no cookie already expired."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from dangvu.evaluations.models import MemberRating, Period, PeriodStatus
from tests.browser_support import BROWSER, log_in, shot
from tests.factories import World

pytestmark = BROWSER

TODAY = datetime(2026, 1, 10, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def frozen(live_world: World, settings) -> Iterator[None]:
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    with time_machine.travel(TODAY, tick=True):
        yield


def focused_label(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.getAttribute('aria-label') || ''")


def tab_to(page, label: str, limit: int = 25) -> None:
    """Press Tab until the element labelled `label` has the focus."""
    for _ in range(limit):
        if focused_label(page) == label:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached “{label}” (at “{focused_label(page)}”)")


def test_a_secretary_rates_her_cell_with_the_keyboard_and_publishes(page, live_server, frozen) -> None:
    from playwright.sync_api import expect

    log_in(page, live_server, "secretary")
    page.get_by_role("link", name="Đánh giá, xếp loại").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đánh giá, xếp loại chất lượng")
    # The form offers her cell and the year being finished.
    expect(page.get_by_label("Tổ chức")).to_have_value(str(live_world_cell_pk(page)))
    expect(page.get_by_label("Năm")).to_have_value("2025")
    shot(page, "10-danh-gia-mo-ky")
    page.get_by_role("button", name="Mở kỳ đánh giá").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Xếp loại đảng viên: Chi bộ Văn phòng — Năm 2025")
    expect(page.get_by_text("Đã mở kỳ đánh giá Năm 2025")).to_be_visible()
    quota = page.locator("#quota")
    expect(quota).to_contain_text("HTXSNV 0 / HTTNV 0 = 0,0%, giới hạn 20%")

    # Scores down the score column: type, ↓ to the next member, type…
    page.get_by_label("Nguyễn Văn An — Điểm").focus()
    page.keyboard.type("92")
    page.keyboard.press("ArrowDown")
    assert focused_label(page) == "Trần Thị Bình — Điểm"
    page.keyboard.type("75")
    page.keyboard.press("ArrowDown")
    assert focused_label(page) == "Lê Minh Châu — Điểm"
    page.keyboard.type("80")
    page.keyboard.press("ArrowUp")
    assert focused_label(page) == "Trần Thị Bình — Điểm"

    # Across Châu's row with Tab to the decided level; arrows choose it (— → HTXSNV → HTTNV).
    page.keyboard.press("ArrowDown")
    tab_to(page, "Lê Minh Châu — Mức quyết định")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    # Alt+↑ moves up the level column: Bình and An are rated excellent.
    page.keyboard.press("Alt+ArrowUp")
    assert focused_label(page) == "Trần Thị Bình — Mức quyết định"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Alt+ArrowUp")
    assert focused_label(page) == "Nguyễn Văn An — Mức quyết định"
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Lê Minh Châu — Mức quyết định")).to_have_value("HTTNV")
    expect(page.get_by_label("Trần Thị Bình — Mức quyết định")).to_have_value("HTXSNV")
    # The quota line follows the selects before anything is saved.
    expect(quota).to_contain_text("HTXSNV 2 / HTTNV 1 = 200,0%, giới hạn 20%")
    expect(quota.get_by_text("Vượt giới hạn")).to_be_visible()
    # An's "tiêu biểu" with Tab and Space, then Enter saves the whole grid.
    tab_to(page, "Nguyễn Văn An — Tiêu biểu")
    page.keyboard.press("Space")
    shot(page, "11-luoi-xep-loai-dang-nhap")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Đã lưu xếp loại: 3 dòng thay đổi.")).to_be_visible()
    warning = page.locator(".messages .msg-warning").first
    expect(warning).to_contain_text("Trần Thị Bình")
    expect(warning).to_contain_text("QĐ 366-QĐ/TW, Điều 11")
    binh_row = page.locator("tr", has=page.get_by_role("rowheader", name="Trần Thị Bình"))
    expect(binh_row.locator(".allowed-level.differs")).to_have_text("HTTNV")
    expect(binh_row.locator(".findings-list")).to_contain_text("cao hơn mức quy định cho phép")
    shot(page, "12-luoi-canh-bao")

    # A justification for the contradiction, typed and saved with Enter.
    page.get_by_label("Trần Thị Bình — Giải trình").focus()
    page.keyboard.type("Có sáng kiến được tỉnh công nhận")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Đã lưu xếp loại: 1 dòng thay đổi.")).to_be_visible()

    # Publish, with a confirmation page.
    page.get_by_role("link", name="Công bố kết quả Năm 2025").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Công bố kết quả Năm 2025")
    page.get_by_role("button", name="Xác nhận công bố").click()
    expect(page.get_by_text(re.compile("Đã công bố kết quả Năm 2025"))).to_be_visible()
    shot(page, "13-ky-da-cong-bo")

    page.get_by_role("link", name=re.compile("Xếp loại đảng viên — Chi bộ Văn phòng")).click()
    expect(page.get_by_text("Đã công bố", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Xếp loại lại")).to_be_visible()
    expect(page.get_by_label("Nguyễn Văn An — Điểm")).to_have_count(0)
    shot(page, "14-luoi-chi-doc")

    ratings = {r.member.full_name: r for r in MemberRating.objects.select_related("member")}
    assert {name: r.level for name, r in ratings.items()} == {
        "Nguyễn Văn An": "HTXSNV",
        "Trần Thị Bình": "HTXSNV",
        "Lê Minh Châu": "HTTNV",
    }
    assert ratings["Nguyễn Văn An"].exemplary
    assert ratings["Trần Thị Bình"].allowed_level == "HTTNV"
    assert ratings["Trần Thị Bình"].justification == "Có sáng kiến được tỉnh công nhận"
    assert Period.objects.get().status == PeriodStatus.CLOSED

    # The report of the published year draws its charts from these ratings.
    page.goto(f"{live_server.url}/bao-cao/xep-loai/?nam=2025&quy=0")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    charts = page.locator("svg.chart[role=img]")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 2
    expect(page.locator("textarea")).to_contain_text("2 đảng viên hoàn thành xuất sắc nhiệm vụ")
    shot(page, "16-bao-cao-bieu-do")


def live_world_cell_pk(page) -> int:
    from dangvu.orgs.models import Org

    return Org.objects.get(code="X01-01-01").pk


def test_the_grid_scrolls_inside_its_box_on_a_phone(browser, live_server, frozen) -> None:
    from dangvu.evaluations.services import period_open
    from dangvu.orgs.models import Org

    period_open(actor=None, org=Org.objects.get(code="X01-01-01"), year=2025)
    context = browser.new_context(locale="vi-VN", viewport={"width": 375, "height": 740}, is_mobile=True)
    phone = context.new_page()
    log_in(phone, live_server, "secretary")
    phone.goto(f"{live_server.url}/danh-gia/2025/0/chi-bo/{live_world_cell_pk(phone)}/")
    phone.get_by_label("Nguyễn Văn An — Điểm").wait_for()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1, f"the page scrolls sideways on a phone ({width}px wide)"
    inner = phone.evaluate("document.querySelector('.grid-scroll').scrollWidth")
    assert inner > 375  # the grid itself scrolls in its box
    shot(phone, "15-luoi-dien-thoai")
    context.close()
