"""In a real headless Chromium: the commune's staff opens "Sắp xếp tổ chức", drafts a decision, adds a merger of
two cells with the form, reads the preview, applies it and undoes it. Screenshots in test-artifacts/."""

from __future__ import annotations

import pytest

from dangvu.members.models import Member
from tests.browser_support import BROWSER, log_in, shot
from tests.factories import World

pytestmark = BROWSER


@pytest.mark.django_db(transaction=True)
def test_staff_merges_two_cells_and_undoes_it(live_world: World, live_server, page) -> None:
    world = live_world
    log_in(page, live_server, "commune_staff")
    page.get_by_role("link", name="Sắp xếp tổ chức").click()
    page.wait_for_url("**/sap-xep/")
    page.get_by_role("link", name="Tạo quyết định").click()
    page.get_by_label("Số quyết định").fill("9-QĐ/ĐU")
    page.get_by_label("Ngày quyết định").fill("20/06/2026")
    page.get_by_label("Cơ quan ban hành").fill("Ban Thường vụ Đảng ủy xã An Phú")
    page.get_by_label("Ngày hiệu lực").fill("01/07/2026")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_role("link", name="Hợp nhất, sáp nhập").click()
    page.get_by_label("Mã các tổ chức được hợp nhất").fill("X01-01-02")
    page.get_by_label("Mã tổ chức nhận (đã có)").fill("X01-01-01")
    page.get_by_role("button", name="Thêm thao tác").click()
    preview = page.locator("#preview-h").locator("..")
    assert "Chuyển 1 đảng viên từ “Chi bộ Kinh tế” sang “Chi bộ Văn phòng”." in preview.inner_text()
    shot(page, "restructure-preview")
    page.get_by_role("button", name="Áp dụng quyết định").click()
    assert "Đã áp dụng 1 thao tác; 1 đảng viên được chuyển." in page.locator("main").inner_text()
    assert Member.objects.get(pk=world.dung.pk).current_org_id == world.office_cell.pk
    page.get_by_role("button", name="Hoàn tác toàn bộ quyết định").click()
    assert "Đã hoàn tác toàn bộ quyết định." in page.locator("main").inner_text()
    assert Member.objects.get(pk=world.dung.pk).current_org_id == world.economy_cell.pk
    shot(page, "restructure-undone")
