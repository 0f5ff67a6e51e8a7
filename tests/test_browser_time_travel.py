"""Browser: commune staff choose a past day on their commune's page with the date picker and see the tree
of that day, labelled and without editing buttons; "Về dữ liệu hiện tại" brings today back."""

from __future__ import annotations

from datetime import date

import pytest

from dangvu.orgs.services import org_move
from tests.browser_support import BROWSER, log_in, shot
from tests.factories import World

pytestmark = BROWSER


@pytest.mark.django_db(transaction=True)
def test_staff_look_at_their_commune_before_a_cell_moved_out(page, live_server, live_world: World) -> None:
    org_move(
        actor=None, org=live_world.village_cell, new_parent=live_world.other_commune, effective_on=date(2025, 7, 1)
    )
    log_in(page, live_server, "commune_staff")
    page.goto(f"{live_server.url}/to-chuc/{live_world.commune.pk}/")
    page.get_by_role("heading", name="Đảng bộ xã An Phú").wait_for()
    assert "Chi bộ thôn Đông" not in page.locator("#truc-thuoc").locator("..").inner_text()
    page.get_by_label("Xem dữ liệu tại ngày").fill("2025-06-30")
    page.get_by_role("button", name="Xem", exact=True).click()
    page.get_by_text("Dữ liệu tại ngày 30/06/2025").wait_for()
    assert "ngay=2025-06-30" in page.url
    assert "Chi bộ thôn Đông" in page.content()
    assert page.get_by_role("link", name="Sửa thông tin").count() == 0
    shot(page, "time-travel-commune")
    page.get_by_role("link", name="Về dữ liệu hiện tại").click()
    page.get_by_role("link", name="Sửa thông tin").wait_for()
