"""Browser: the secretary opens "Việc cần làm" from the menu, sees the temporary transfer ending in the
cell and follows the link to the member's record (with its Party-age section)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from dangvu.members.lifecycle import EventKind
from dangvu.members.services import event_add
from tests.browser_support import BROWSER, log_in, shot
from tests.factories import World

pytestmark = BROWSER


@pytest.mark.django_db(transaction=True)
def test_the_secretary_follows_a_work_list_item_to_the_record(page, live_server, live_world: World) -> None:
    today = timezone.localdate()
    event_add(
        actor=None,
        member=live_world.binh,
        values={
            "kind": EventKind.TEMP_OUT,
            "on": today - timedelta(days=90),
            "external_org": "Trường Chính trị",
            "expected_end": today + timedelta(days=5),
        },
    )
    log_in(page, live_server, "secretary")
    page.get_by_role("link", name="Việc cần làm").click()
    page.get_by_role("heading", name="Việc cần làm").wait_for()
    row = page.locator("tr.item-temporary")
    assert row.count() == 1 and "Trần Thị Bình" in row.inner_text()
    assert "Hoàng Đức" not in page.content()  # another cell
    shot(page, "worklist-secretary")
    row.get_by_role("link", name="Trần Thị Bình").click()
    page.get_by_role("heading", name="Tuổi đảng và Huy hiệu Đảng").wait_for()
    assert f"/dang-vien/{live_world.binh.pk}/" in page.url
    assert date(2010, 3, 1).strftime("%d/%m/%Y") in page.content()
    shot(page, "worklist-member-party-age")
