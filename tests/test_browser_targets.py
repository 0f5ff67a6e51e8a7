"""In a real headless Chromium: the commune's staff opens the menu entry "Chỉ tiêu, kiểm tra", reads the
admission target with its progress bar and status, follows a child organisation, then the inspection
progress. Screenshots in test-artifacts/."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dangvu.plans.models import InspectionItem, InspectionKind, InspectionPlan, Target, TargetKind
from dangvu.plans.status import Comparator
from tests.browser_support import BROWSER, log_in, shot
from tests.factories import World

pytestmark = BROWSER


@pytest.mark.django_db(transaction=True)
def test_staff_walks_the_targets_page(live_world: World, live_server, page) -> None:
    world = live_world
    year = date.today().year
    Target.objects.create(
        org=world.commune,
        year_from=year,
        year_to=year,
        kind=TargetKind.ADMITTED_COUNT,
        comparator=Comparator.BAND,
        low=Decimal(1),
        high=Decimal(3),
    )
    plan = InspectionPlan.objects.create(org=world.commune, year=year, title="Kế hoạch kiểm tra")
    InspectionItem.objects.create(
        plan=plan,
        target_org=world.agency,
        subject="Đảng phí",
        kind=InspectionKind.INSPECTION,
        by_whom="UBKT",
        quarter=1,
        done_on=date(year, 1, 2),
    )
    log_in(page, live_server, "commune_staff")
    page.get_by_role("link", name="Chỉ tiêu, kiểm tra").click()
    page.wait_for_url("**/ke-hoach/**")
    heading = page.get_by_role("heading", level=2).first
    assert "Kết nạp đảng viên mới (số lượng): 1–3 đảng viên" in heading.inner_text()
    assert page.locator(".plan-bar").count() >= 2
    shot(page, "targets")
    page.get_by_role("link", name="Chi bộ thôn Đông").first.click()
    page.wait_for_url(f"**org={world.village_cell.pk}**")
    assert "Chi bộ thôn Đông" in page.get_by_role("heading", level=1).inner_text()
    page.goto(f"{live_server.url}/ke-hoach/kiem-tra/?org={world.commune.pk}&nam={year}")
    assert "Kiểm tra được 1/1 tổ chức (đạt 100,0% kế hoạch năm)" in page.locator(".published").inner_text()
    shot(page, "inspections")
