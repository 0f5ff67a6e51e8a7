"""Time travel on the pages: the tree and node pages as of a past day (read-only, labelled, scoped as
today's pages are), and a member's organisations over time."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangvu.accounts.models import Role
from dangvu.members.lifecycle import EventKind
from dangvu.members.services import event_add
from dangvu.orgs.kinds import OrgKind
from dangvu.orgs.services import org_move, org_update
from tests.factories import World, make_org, make_user

pytestmark = pytest.mark.django_db

MOVE_DAY = date(2025, 7, 1)
BEFORE = "2025-06-30"
ON_DAY = "2025-07-01"


def _node(pk: int, day: str = "") -> str:
    return reverse("orgs:detail", args=[pk]) + (f"?ngay={day}" if day else "")


@pytest.fixture
def moved(world: World) -> World:
    """On 01/07/2025 An moves from the office cell to the village cell, and the village cell moves from X01
    to X02 and is renamed "Chi bộ khu phố 2"."""
    event_add(
        actor=None, member=world.an, values={"kind": EventKind.TRANSFER_OUT, "on": MOVE_DAY, "org": world.village_cell}
    )
    org_move(actor=None, org=world.village_cell, new_parent=world.other_commune, effective_on=MOVE_DAY)
    org_update(
        actor=None,
        org=world.village_cell,
        code="X02-02",
        name="Chi bộ khu phố 2",
        kind=OrgKind.GRASSROOTS_CELL,
        sector=world.village_cell.sector,
        effective_on=MOVE_DAY,
    )
    return world


def test_the_commune_page_the_day_before_and_the_day_of_the_move(moved: World, client_for) -> None:
    client = client_for("province_staff")
    before = client.get(_node(moved.commune.pk, BEFORE)).content.decode()
    assert "Dữ liệu tại ngày 30/06/2025" in before
    assert "Chi bộ thôn Đông" in before and "Sửa thông tin" not in before and "Giải thể" not in before
    on_day = client.get(_node(moved.commune.pk, ON_DAY)).content.decode()
    assert "Dữ liệu tại ngày 01/07/2025" in on_day
    assert "Chi bộ thôn Đông" not in on_day and "Chi bộ khu phố 2" not in on_day
    other = client.get(_node(moved.other_commune.pk, ON_DAY)).content.decode()
    assert "Chi bộ khu phố 2" in other


def test_a_cells_members_as_they_were(moved: World, client_for) -> None:
    client = client_for("province_staff")
    office_before = client.get(_node(moved.office_cell.pk, BEFORE)).content.decode()
    assert "Nguyễn Văn An" in office_before and "Trần Thị Bình" in office_before
    office_after = client.get(_node(moved.office_cell.pk, ON_DAY)).content.decode()
    assert "Nguyễn Văn An" not in office_after and "Trần Thị Bình" in office_after
    village_after = client.get(_node(moved.village_cell.pk, ON_DAY)).content.decode()
    assert "Nguyễn Văn An" in village_after
    assert "Đảng viên trong danh sách tại ngày 01/07/2025 (1)" in village_after


def test_counts_as_they_were(moved: World, client_for) -> None:
    client = client_for("province_staff")
    page = client.get(_node(moved.commune.pk, BEFORE)).content.decode()
    # X01 on 30/06/2025: An, Bình, Châu (office), Dũng (economy); Đức was admitted in 2026.
    assert '<td class="num" data-testid="on-roll">4</td>' in page
    page = client.get(_node(moved.commune.pk, ON_DAY)).content.decode()
    assert '<td class="num" data-testid="on-roll">3</td>' in page  # An moved to the village cell, now in X02


def test_scope_follows_the_tree_of_that_day(moved: World, client_for) -> None:
    commune, outsider = client_for("commune_staff"), client_for("outsider")
    assert commune.get(_node(moved.village_cell.pk, BEFORE)).status_code == 200
    assert commune.get(_node(moved.village_cell.pk, ON_DAY)).status_code == 404
    assert outsider.get(_node(moved.village_cell.pk, BEFORE)).status_code == 404
    assert outsider.get(_node(moved.village_cell.pk, ON_DAY)).status_code == 200
    assert outsider.get(_node(moved.commune.pk, BEFORE)).status_code == 404
    assert client_for("secretary").get(_node(moved.commune.pk, BEFORE)).status_code == 404


def test_the_tree_page_shows_the_scope_of_that_day(moved: World, client_for) -> None:
    page = client_for("commune_staff").get(reverse("orgs:tree") + f"?ngay={BEFORE}").content.decode()
    assert "Dữ liệu tại ngày 30/06/2025" in page and "Chi bộ thôn Đông" in page
    page = client_for("sysadmin").get(reverse("orgs:tree") + "?ngay=30/06/2025").content.decode()
    assert "Đảng bộ tỉnh Mẫu" in page and "Đảng bộ xã An Phú" in page


def test_a_scope_that_did_not_exist_yet(world: World, client) -> None:
    new = make_org("X03", "Đảng bộ xã Mới", OrgKind.UPPER, world.province, since=MOVE_DAY)
    user = make_user("new_staff", Role.STAFF, new)
    client.force_login(user)
    page = client.get(reverse("orgs:tree") + f"?ngay={BEFORE}").content.decode()
    assert "chưa thành lập hoặc đã giải thể" in page
    assert client.get(_node(new.pk, BEFORE)).status_code == 404
    assert client.get(_node(new.pk, ON_DAY)).status_code == 200


def test_bad_and_future_days_say_so_and_show_today(world: World, client_for) -> None:
    client = client_for("province_staff")
    page = client.get(_node(world.commune.pk, "31/02/2025")).content.decode()
    assert "Ngày “31/02/2025” không hợp lệ" in page and "Sửa thông tin" in page
    page = client.get(_node(world.commune.pk, "2099-01-01")).content.decode()
    assert "Không xem được dữ liệu của ngày sau hôm nay" in page and "Sửa thông tin" in page


def test_the_member_role_has_no_tree_in_the_past_either(world: World, client_for) -> None:
    assert client_for("member").get(_node(world.office_cell.pk, BEFORE)).status_code == 404  # handbook only


def test_the_member_page_lists_the_organisations_over_time(moved: World, client_for) -> None:
    page = client_for("province_staff").get(reverse("members:detail", args=[moved.an.pk])).content.decode()
    section = page[page.index("Các tổ chức đảng đã sinh hoạt") :]
    assert section.index("Chi bộ Văn phòng") < section.index("Chi bộ khu phố 2")
    assert "30/06/2025" in section and "01/07/2025" in section
    page = client_for("commune_staff").get(reverse("members:detail", args=[moved.an.pk]))
    assert page.status_code == 404  # An's cell is now in X02: out of the commune's scope today


def test_the_member_page_links_only_the_organisations_in_the_users_scope(moved: World, client_for) -> None:
    # The outsider's scope is X02, where An's cell is now; the office cell An left is in X01.
    page = client_for("outsider").get(reverse("members:detail", args=[moved.an.pk])).content.decode()
    section = page[page.index("Các tổ chức đảng đã sinh hoạt") :]
    assert f'href="{reverse("orgs:detail", args=[moved.village_cell.pk])}"' in page
    assert f'href="{reverse("orgs:detail", args=[moved.office_cell.pk])}"' not in page
    assert "Chi bộ Văn phòng" in section and "Chi bộ khu phố 2" in section
    province_page = client_for("province_staff").get(reverse("members:detail", args=[moved.an.pk])).content.decode()
    assert f'href="{reverse("orgs:detail", args=[moved.office_cell.pk])}"' in province_page


def test_the_as_of_page_takes_a_fixed_number_of_queries(moved: World, client_for, django_assert_num_queries) -> None:
    client = client_for("province_staff")
    url = _node(moved.province.pk, BEFORE)
    client.get(url)
    # session, user, the versions of the day, the members of the subtree, today's name, the scope (page header)
    with django_assert_num_queries(6):
        client.get(url)
    for n in range(4):
        make_org(f"X0{n + 3}", f"Đảng bộ xã Số {n}", OrgKind.UPPER, moved.province, since=date(2025, 1, 1))
    with django_assert_num_queries(6):
        assert "Đảng bộ xã Số 3" in client.get(url).content.decode()
    # A cell's page adds its members and which of them the user may open today.
    with django_assert_num_queries(8):
        client.get(_node(moved.office_cell.pk, BEFORE))
