"""The import page in a real headless Chromium: a commune officer uploads a member file that names one
member twice (its card number in one row, its CCCD alone in another) and reads, on the job's page, which
row, which column and why; nothing is written and there is no button to commit it."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from tests.browser_support import BROWSER, log_in, shot
from tests.factories import World
from tests.test_import_chunk_pipeline import member_row
from tests.test_import_pipeline import MEMBER_HEADERS

pytestmark = BROWSER


def test_a_member_named_twice_in_a_file_is_shown_with_its_row_and_column(
    page: Any, live_server: Any, live_world: World, settings: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    settings.EXCHANGE_RUN_INLINE = True  # the dry run runs in the upload's request
    settings.DATA_DIR = tmp_path
    binh = live_world.binh
    assert binh.citizen_id
    path = tmp_path / "dang-vien.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows(
            [
                MEMBER_HEADERS,
                member_row(binh, card="10000002", cccd="", home_town="Xã Tân Lập"),
                member_row(binh, card="", cccd=binh.citizen_id, home_town="Xã Mới"),
            ]
        )

    log_in(page, live_server, "commune_staff")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đảng bộ xã An Phú")
    page.goto(f"{live_server.url}/nhap-xuat/")
    page.get_by_label("Loại dữ liệu").select_option(label="Đảng viên")
    page.get_by_label("Tệp (.xlsx, .xls, .csv)").set_input_files(str(path))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()

    expect(page.get_by_text("Tệp có lỗi nên chưa ghi dòng nào.")).to_be_visible()
    error = page.locator("table.problems tbody tr").first
    expect(error.locator("td").nth(0)).to_have_text("3")
    expect(error.locator("td").nth(1)).to_have_text("Số CCCD")
    expect(error.locator("td").nth(2)).to_have_text(
        "Đảng viên này đã được ghi ở dòng 2 (nhận ra qua số thẻ đảng viên hoặc số CCCD); mỗi đảng viên chỉ được"
        " ghi một dòng."
    )
    expect(page.get_by_role("button", name="Ghi vào cơ sở dữ liệu")).to_have_count(0)  # nothing to commit
    shot(page, "import-dang-vien-ghi-hai-lan")
    binh.refresh_from_db()
    assert binh.home_town == "Xã An Phú"
