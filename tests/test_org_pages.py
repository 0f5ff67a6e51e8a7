"""The organisation pages: tree, children fragment, node page, and the create/edit/move/dissolve forms.

Personas and the fixed tree are described in tests/factories.py.
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from dangvu.members.lifecycle import EventKind, Status
from dangvu.members.services import event_add
from dangvu.orgs import queries
from dangvu.orgs.kinds import OrgKind, Sector
from dangvu.orgs.models import Org
from dangvu.orgs.services import org_dissolve
from tests.factories import World, make_member, make_org

ALL_PERSONAS = ["sysadmin", "province_staff", "commune_staff", "secretary", "viewer", "member", "outsider"]


def html(response) -> str:
    return response.content.decode()


def url(name: str, org: Org) -> str:
    return reverse(f"orgs:{name}", args=[org.pk])


# --- Permissions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("sysadmin", 200),
        ("province_staff", 200),
        ("commune_staff", 200),
        ("secretary", 200),
        ("viewer", 200),
        ("outsider", 200),
        ("member", 404),  # the member role reaches its handbook and own record only
    ],
)
def test_the_tree_opens_for_every_reading_role_and_is_refused_to_the_member_role(
    client_for, persona: str, status: int
) -> None:
    assert client_for(persona).get(reverse("orgs:tree")).status_code == status


@pytest.mark.parametrize(
    "name", ["tree", "detail", "children", "create", "edit", "move", "dissolve"], ids=lambda name: name
)
def test_an_anonymous_visitor_is_sent_to_the_login_page(world: World, name: str) -> None:
    target = reverse("orgs:tree") if name == "tree" else url(name, world.commune)
    response = Client().get(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# Who may read the commune X01 (its page and its children fragment).
COMMUNE_READERS = {
    "sysadmin": 200,
    "province_staff": 200,
    "commune_staff": 200,
    "viewer": 200,
    "secretary": 404,  # the secretary's scope is a cell below it
    "outsider": 404,  # staff of the sibling ward
    "member": 404,  # the member role reaches its handbook and own record only
}


@pytest.mark.parametrize("page", ["detail", "children"])
@pytest.mark.parametrize(("persona", "status"), COMMUNE_READERS.items())
def test_reading_a_commune_node_follows_the_scope(
    world: World, client_for, page: str, persona: str, status: int
) -> None:
    assert client_for(persona).get(url(page, world.commune)).status_code == status


def test_commune_staff_cannot_open_a_node_of_the_sibling_commune(world: World, client_for) -> None:
    client = client_for("commune_staff")
    assert client.get(url("detail", world.other_cell)).status_code == 404
    assert client.get(url("children", world.other_commune)).status_code == 404
    assert client.get(url("edit", world.other_cell)).status_code == 404


def test_a_secretary_reads_their_own_cell_but_not_its_parent(world: World, client_for) -> None:
    client = client_for("secretary")
    assert client.get(url("detail", world.office_cell)).status_code == 200
    assert client.get(url("detail", world.agency)).status_code == 404


def test_an_unknown_node_is_a_404(client_for) -> None:
    assert client_for("sysadmin").get(reverse("orgs:detail", args=[999999])).status_code == 404


# Who may open the forms on the grassroots committee X01-01.
AGENCY_EDITORS = {
    "sysadmin": 200,
    "province_staff": 200,
    "commune_staff": 200,
    "viewer": 403,  # in scope, but reads only
    "secretary": 404,  # out of scope
    "outsider": 404,
    "member": 404,  # the member role reaches its handbook and own record only
}


@pytest.mark.parametrize("page", ["create", "edit", "move", "dissolve"])
@pytest.mark.parametrize(("persona", "status"), AGENCY_EDITORS.items())
def test_the_change_forms_open_only_for_editors_in_scope(
    world: World, client_for, page: str, persona: str, status: int
) -> None:
    assert client_for(persona).get(url(page, world.agency)).status_code == status


@pytest.mark.parametrize("page", ["create", "edit", "move", "dissolve"])
def test_a_secretary_may_not_change_their_own_cell(world: World, client_for, page: str) -> None:
    assert client_for("secretary").get(url(page, world.office_cell)).status_code == 403


@pytest.mark.parametrize("page", ["edit", "dissolve"])
def test_a_viewer_posting_a_change_gets_a_403_and_nothing_changes(world: World, client_for, page: str) -> None:
    response = client_for("viewer").post(
        url(page, world.agency),
        {"code": "X01-01", "name": "Tên mới", "kind": OrgKind.GRASSROOTS_COMMITTEE, "sector": Sector.STATE_AGENCY},
    )
    assert response.status_code == 403
    world.agency.refresh_from_db()
    assert world.agency.name == "Đảng bộ Cơ quan xã An Phú" and world.agency.dissolved_on is None


# --- The tree --------------------------------------------------------------------------------------


def test_commune_staff_see_their_commune_with_its_children_and_counts(world: World, client_for) -> None:
    page = html(client_for("commune_staff").get(reverse("orgs:tree")))
    assert "Đảng bộ xã An Phú" in page
    assert "Đảng bộ Cơ quan xã An Phú" in page and "Chi bộ thôn Đông" in page
    assert "Đảng bộ phường Bình Minh" not in page
    # The root line counts its whole subtree; each child line its own.
    assert "1 đảng bộ cơ sở · 1 chi bộ cơ sở · 2 chi bộ trực thuộc · 5 đảng viên (1 dự bị, 4 chính thức)" in page
    assert "2 chi bộ trực thuộc · 4 đảng viên (0 dự bị, 4 chính thức)" in page
    assert "1 đảng viên (1 dự bị, 0 chính thức)" in page
    # Grandchildren are loaded on demand, through the toggle of their parent.
    assert "Chi bộ Văn phòng" not in page
    assert f'data-children-url="{url("children", world.agency)}"' in page
    assert 'aria-expanded="false"' in page


def test_the_admin_tree_starts_at_the_province(world: World, client_for) -> None:
    page = html(client_for("sysadmin").get(reverse("orgs:tree")))
    assert "Đảng bộ tỉnh Mẫu" in page
    assert "Đảng bộ xã An Phú" in page and "Đảng bộ phường Bình Minh" in page


def test_the_admin_tree_lists_several_roots_collapsed(world: World, client_for) -> None:
    make_org("T02", "Đảng bộ tỉnh Thứ Hai", OrgKind.PROVINCE, None, Sector.OTHER)
    page = html(client_for("sysadmin").get(reverse("orgs:tree")))
    assert "Đảng bộ tỉnh Mẫu" in page and "Đảng bộ tỉnh Thứ Hai" in page
    assert "Đảng bộ xã An Phú" not in page
    assert page.index("Đảng bộ tỉnh Mẫu") < page.index("Đảng bộ tỉnh Thứ Hai")


def test_the_children_fragment_is_only_the_list_of_children(world: World, client_for) -> None:
    page = html(client_for("commune_staff").get(url("children", world.agency))).strip()
    assert page.startswith('<ul class="tree">') and page.endswith("</ul>")
    assert "<html" not in page
    assert "Chi bộ Văn phòng" in page and "Chi bộ Kinh tế" in page
    assert "3 đảng viên (0 dự bị, 3 chính thức)" in page


def test_children_are_ordered_by_kind_then_by_vietnamese_name(world: World, client_for) -> None:
    make_org("X01-03", "Chi bộ Bắc Sơn", OrgKind.GRASSROOTS_CELL, world.commune)
    make_org("X01-04", "Chi bộ Ấp Mới", OrgKind.GRASSROOTS_CELL, world.commune)
    make_org("X01-05", "Chi bộ Đồng Xanh", OrgKind.GRASSROOTS_CELL, world.commune)
    page = html(client_for("commune_staff").get(url("children", world.commune)))
    names = ["Đảng bộ Cơ quan xã An Phú", "Chi bộ Ấp Mới", "Chi bộ Bắc Sơn", "Chi bộ Đồng Xanh", "Chi bộ thôn Đông"]
    positions = [page.index(name) for name in names]
    assert positions == sorted(positions)


def test_a_dissolved_node_is_hidden_unless_asked_for(world: World, client_for) -> None:
    closed = make_org("X01-01-09", "Chi bộ Đã Giải Thể", OrgKind.CELL, world.agency)
    org_dissolve(actor=None, org=closed, effective_on=date(2025, 6, 1))
    client = client_for("commune_staff")
    assert "Chi bộ Đã Giải Thể" not in html(client.get(url("children", world.agency)))
    shown = html(client.get(url("children", world.agency) + "?giai_the=1"))
    assert "Chi bộ Đã Giải Thể" in shown and "Đã giải thể 01/06/2025" in shown


def test_the_toggle_keeps_asking_for_dissolved_nodes_once_they_are_shown(world: World, client_for) -> None:
    page = html(client_for("commune_staff").get(reverse("orgs:tree") + "?giai_the=1"))
    assert f'data-children-url="{url("children", world.agency)}?giai_the=1"' in page


def test_a_node_with_very_many_children_shows_them_page_by_page(world: World, client_for) -> None:
    for i in range(queries.CHILDREN_PER_PAGE + 1):
        make_org(f"X01-01-{i + 100}", f"Chi bộ số {i + 100}", OrgKind.CELL, world.agency)
    client = client_for("commune_staff")
    total = queries.CHILDREN_PER_PAGE + 3
    fragment = html(client.get(url("children", world.agency)))
    assert f"Đang hiện 1–{queries.CHILDREN_PER_PAGE} trên {total} tổ chức trực thuộc." in fragment
    assert f"{url('detail', world.agency)}?trang=2#truc-thuoc" in fragment
    second = html(client.get(url("detail", world.agency) + "?trang=2"))
    assert f"Trang 2/2 · {queries.CHILDREN_PER_PAGE + 1}–{total} trên {total}" in second
    assert "← Trang trước" in second


# --- Search ----------------------------------------------------------------------------------------


def test_search_finds_by_an_accent_free_name_with_the_breadcrumb_path(world: World, client_for) -> None:
    page = html(client_for("commune_staff").get(reverse("orgs:tree"), {"q": "co quan an phu"}))
    assert "Đảng bộ Cơ quan xã An Phú" in page
    # The trail: the province is above the scope (plain text), the commune inside it (a link).
    assert "<span>Đảng bộ tỉnh Mẫu</span>" in page
    assert f'<a href="{url("detail", world.commune)}">Đảng bộ xã An Phú</a>' in page
    assert "Chi bộ thôn Đông" not in page


def test_search_finds_by_code_in_any_case(world: World, client_for) -> None:
    page = html(client_for("commune_staff").get(reverse("orgs:tree"), {"q": "x01-01-02"}))
    assert "Chi bộ Kinh tế" in page
    assert "Chi bộ Văn phòng" not in page


def test_search_stays_within_the_scope(world: World, client_for) -> None:
    page = html(client_for("outsider").get(reverse("orgs:tree"), {"q": "x01"}))
    assert "Không tìm thấy tổ chức nào khớp với “x01” trong phạm vi của bạn." in page
    assert "Đảng bộ xã An Phú" not in page


# --- The node page ---------------------------------------------------------------------------------


def test_breadcrumbs_link_only_the_ancestors_inside_the_scope(world: World, client_for) -> None:
    page = html(client_for("commune_staff").get(url("detail", world.office_cell)))
    assert '<span title="Ngoài phạm vi của bạn">Đảng bộ tỉnh Mẫu</span>' in page
    assert f'<a href="{url("detail", world.commune)}">Đảng bộ xã An Phú</a>' in page
    assert f'<a href="{url("detail", world.agency)}">Đảng bộ Cơ quan xã An Phú</a>' in page
    assert '<li aria-current="page">Chi bộ Văn phòng</li>' in page


def test_a_secretary_sees_the_ancestors_of_their_cell_as_plain_text(world: World, client_for) -> None:
    page = html(client_for("secretary").get(url("detail", world.office_cell)))
    assert f'href="{url("detail", world.agency)}"' not in page
    assert '<span title="Ngoài phạm vi của bạn">Đảng bộ Cơ quan xã An Phú</span>' in page


def test_the_node_page_counts_members_by_status_over_the_subtree(world: World, client_for) -> None:
    event_add(actor=None, member=world.binh, values={"kind": EventKind.EXEMPTED, "on": date(2025, 1, 10)})
    event_add(actor=None, member=world.chau, values={"kind": EventKind.TRANSFER_OUT, "on": date(2025, 2, 1)})
    counts = queries.subtree_counts(world.commune)
    assert counts.orgs == {OrgKind.GRASSROOTS_COMMITTEE: 1, OrgKind.GRASSROOTS_CELL: 1, OrgKind.CELL: 2}
    assert counts.members == {Status.ACTIVE: 3, Status.EXEMPT: 1, Status.TRANSFERRED_OUT: 1}
    assert (counts.on_roll, counts.probationary, counts.full, counts.former) == (4, 1, 3, 1)
    page = html(client_for("commune_staff").get(url("detail", world.commune)))
    assert '<th scope="row">Trong danh sách</th><td class="num">4</td>' in page
    assert '<th scope="row">Dự bị</th><td class="num">1</td>' in page
    assert '<th scope="row">Miễn sinh hoạt</th><td class="num">1</td>' in page
    assert "Đã ra khỏi danh sách: 1" in page
    assert '<th scope="row">Đã chuyển đi</th><td class="num">1</td>' in page


def test_the_node_page_lists_children_with_their_subtree_counts(world: World, client_for) -> None:
    page = html(client_for("commune_staff").get(url("detail", world.commune)))
    assert "Tổ chức trực thuộc trực tiếp (2)" in page
    assert f'<a href="{url("detail", world.agency)}">Đảng bộ Cơ quan xã An Phú</a>' in page
    nodes = queries.children_with_counts(world.commune).nodes
    assert [(n.org.code, n.counts.sub_orgs, n.counts.on_roll, n.counts.probationary) for n in nodes] == [
        ("X01-01", 2, 4, 0),
        ("X01-02", 0, 1, 1),
    ]


def test_children_counts_of_a_page_of_siblings_equal_each_childs_own_subtree_counts(world: World) -> None:
    # The children's counts come from one grouped query over the parent's subtree (the child read from
    # the path); the oracle is each child's own subtree counted alone. More siblings than FEW_NODES
    # take that path; a page of one takes the other.
    for i in range(3):
        commune = make_org(f"X0{i + 3}", f"Đảng bộ xã Số {i + 3}", OrgKind.UPPER, world.province)
        cell = make_org(f"X0{i + 3}-01", f"Chi bộ ấp {i}", OrgKind.GRASSROOTS_CELL, commune)
        for j in range(i + 1):
            make_member(cell, f"Trần Văn Ấp {i} {j}")
        make_member(make_org(f"X01-1{i}", f"Chi bộ ấp Mới {i}", OrgKind.GRASSROOTS_CELL, world.commune), f"Vũ Thị {i}")
    gone = make_org("X09", "Đảng bộ xã Cũ", OrgKind.UPPER, world.province)
    make_org("X09-01", "Chi bộ ấp Cũ", OrgKind.GRASSROOTS_CELL, gone)
    org_dissolve(actor=None, org=Org.objects.get(code="X09-01"), effective_on=date(2025, 9, 30))
    org_dissolve(actor=None, org=gone, effective_on=date(2025, 9, 30))

    checked = 0
    for parent, include_dissolved, per_page in itertools.product(
        (world.province, world.commune, world.agency), (False, True), (1, 10)
    ):
        first = queries.children_with_counts(parent, include_dissolved=include_dissolved, per_page=per_page)
        for number in range(1, first.pages + 1):
            page = queries.children_with_counts(
                parent, include_dissolved=include_dissolved, page=number, per_page=per_page
            )
            for node in page.nodes:
                alone = queries.subtree_counts(node.org)
                on_roll = {status: n for status, n in alone.members.items() if status in queries.ON_ROLL_ORDER}
                assert node.counts.orgs == alone.orgs
                assert node.counts.members == on_roll
                assert (node.counts.probationary, node.counts.full) == (alone.probationary, alone.full)
                below = Org.objects.subtree(node.org).exclude(pk=node.org.pk)
                assert node.has_children == (below.active() if not include_dissolved else below).exists()
                checked += 1
    assert checked > 10 and len(queries.children_with_counts(world.commune).nodes) > queries.FEW_NODES
    # The tree page's root line and children, from one roll-up, equal the separate counts.
    for root, include_dissolved in itertools.product((world.province, world.commune), (False, True)):
        line, page = queries.tree_with_counts(root, include_dissolved=include_dissolved)
        separate = queries.nodes_with_counts([root], include_dissolved=include_dissolved)[0]
        assert (line.counts, line.has_children) == (separate.counts, separate.has_children)
        assert page == queries.children_with_counts(root, include_dissolved=include_dissolved)
    codes = [n.org.code for n in queries.children_with_counts(world.province, include_dissolved=True).nodes]
    assert "X09" in codes and "X09" not in [n.org.code for n in queries.children_with_counts(world.province).nodes]


def test_the_node_page_links_the_member_list_and_for_admins_the_audit_trail(world: World, client_for) -> None:
    admin_page = html(client_for("sysadmin").get(url("detail", world.agency)))
    assert f'href="/dang-vien/?org={world.agency.pk}"' in admin_page
    assert f'href="/nhat-ky/?type=org&amp;id={world.agency.pk}"' in admin_page
    staff_page = html(client_for("commune_staff").get(url("detail", world.agency)))
    assert f'href="/dang-vien/?org={world.agency.pk}"' in staff_page
    assert "/nhat-ky/" not in staff_page


def test_a_viewer_sees_no_change_buttons(world: World, client_for) -> None:
    page = html(client_for("viewer").get(url("detail", world.agency)))
    assert url("edit", world.agency) not in page and url("dissolve", world.agency) not in page
    staff_page = html(client_for("commune_staff").get(url("detail", world.agency)))
    assert url("edit", world.agency) in staff_page and url("create", world.agency) in staff_page


def test_a_cell_page_offers_no_child_creation(world: World, client_for) -> None:
    page = html(client_for("commune_staff").get(url("detail", world.office_cell)))
    assert url("create", world.office_cell) not in page


# --- Create ----------------------------------------------------------------------------------------


def test_staff_create_a_cell_under_a_grassroots_committee(world: World, client_for) -> None:
    response = client_for("commune_staff").post(
        url("create", world.agency),
        {
            "code": "x01-01-03",
            "name": "Chi bộ  Y tế",
            "kind": OrgKind.CELL,
            "sector": Sector.PUBLIC_SERVICE,
            "founded_on": "15/03/2025",
            "reason": "QĐ 12-QĐ/ĐU",
        },
        follow=True,
    )
    created = Org.objects.get(code="X01-01-03")
    assert response.redirect_chain[-1][0] == url("detail", created)
    assert (created.name, created.parent, created.founded_on) == ("Chi bộ Y tế", world.agency, date(2025, 3, 15))
    assert "Đã thêm “Chi bộ Y tế” (mã X01-01-03)." in html(response)


def test_a_date_sent_by_a_date_picker_is_accepted_too(world: World, client_for) -> None:
    client_for("commune_staff").post(
        url("create", world.agency),
        {
            "code": "X01-01-04",
            "name": "Chi bộ Giáo dục",
            "kind": OrgKind.CELL,
            "sector": Sector.PUBLIC_SERVICE,
            "founded_on": "2025-03-15",
        },
    )
    assert Org.objects.get(code="X01-01-04").founded_on == date(2025, 3, 15)


def test_the_create_form_offers_only_the_kinds_the_parent_may_have(world: World, client_for) -> None:
    page = html(client_for("commune_staff").get(url("create", world.agency)))
    assert '<option value="sub_committee">Đảng bộ bộ phận</option>' in page
    assert '<option value="cell">Chi bộ trực thuộc</option>' in page
    assert 'value="grassroots_committee"' not in page and 'value="upper"' not in page


def test_creating_a_grassroots_org_under_a_cell_is_refused_with_the_reason(world: World, client_for) -> None:
    client = client_for("commune_staff")
    assert "Chi bộ cơ sở “Chi bộ thôn Đông” không có tổ chức trực thuộc." in html(
        client.get(url("create", world.village_cell))
    )
    response = client.post(
        url("create", world.village_cell),
        {"code": "X01-02-01", "name": "Đảng bộ Mới", "kind": OrgKind.GRASSROOTS_COMMITTEE, "sector": Sector.COMMUNE},
    )
    page = html(response)
    assert response.status_code == 200
    assert "Chi bộ cơ sở không có tổ chức trực thuộc, nên không thể đặt đảng bộ cơ sở dưới “Chi bộ thôn Đông”." in page
    assert 'value="Đảng bộ Mới"' in page and 'value="X01-02-01"' in page
    assert not Org.objects.filter(code="X01-02-01").exists()


def test_a_code_already_in_use_is_refused_beside_the_code(world: World, client_for) -> None:
    response = client_for("commune_staff").post(
        url("create", world.agency),
        {"code": "X01-01-01", "name": "Chi bộ Trùng Mã", "kind": OrgKind.CELL, "sector": Sector.STATE_AGENCY},
    )
    page = html(response)
    assert "Mã tổ chức “X01-01-01” đã được dùng cho “Chi bộ Văn phòng”." in page
    assert 'value="Chi bộ Trùng Mã"' in page


# --- Edit ------------------------------------------------------------------------------------------


def test_a_rename_keeps_the_old_name_in_the_history(world: World, client_for) -> None:
    client = client_for("commune_staff")
    response = client.post(
        url("edit", world.agency),
        {
            "code": "X01-01",
            "name": "Đảng bộ Khối cơ quan xã An Phú",
            "kind": OrgKind.GRASSROOTS_COMMITTEE,
            "sector": Sector.STATE_AGENCY,
            "founded_on": "01/01/2020",
            "effective_on": "01/07/2025",
            "reason": "NQ 05 về sắp xếp",
        },
        follow=True,
    )
    page = html(response)
    assert "Đã lưu thay đổi của “Đảng bộ Khối cơ quan xã An Phú”." in page
    assert "<td>01/01/2020</td>\n          <td>30/06/2025</td>\n          <td>Đảng bộ Cơ quan xã An Phú</td>" in page
    assert "<td>01/07/2025</td>\n          <td>nay</td>\n          <td>Đảng bộ Khối cơ quan xã An Phú</td>" in page
    assert "NQ 05 về sắp xếp" in page


def test_turning_a_committee_with_cells_into_a_cell_is_refused(world: World, client_for) -> None:
    response = client_for("commune_staff").post(
        url("edit", world.agency),
        {
            "code": "X01-01",
            "name": "Chi bộ Cơ quan",
            "kind": OrgKind.GRASSROOTS_CELL,
            "sector": Sector.STATE_AGENCY,
            "effective_on": "01/07/2025",
        },
    )
    page = html(response)
    assert "Chi bộ cơ sở không được có tổ chức trực thuộc; hãy chuyển hoặc giải thể chúng trước." in page
    assert 'value="Chi bộ Cơ quan"' in page and 'value="01/07/2025"' in page
    world.agency.refresh_from_db()
    assert world.agency.kind == OrgKind.GRASSROOTS_COMMITTEE


def test_an_impossible_date_is_refused_and_kept_as_typed(world: World, client_for) -> None:
    response = client_for("commune_staff").post(
        url("edit", world.agency),
        {
            "code": "X01-01",
            "name": "Đảng bộ Cơ quan xã An Phú",
            "kind": OrgKind.GRASSROOTS_COMMITTEE,
            "sector": Sector.STATE_AGENCY,
            "effective_on": "31/02/2025",
        },
    )
    page = html(response)
    assert "Ngày không hợp lệ; hãy nhập theo dạng ngày/tháng/năm, ví dụ 15/03/2025." in page
    assert 'value="31/02/2025"' in page


def test_a_date_in_the_future_is_refused_by_the_service(world: World, client_for) -> None:
    response = client_for("commune_staff").post(
        url("edit", world.agency),
        {
            "code": "X01-01",
            "name": "Tên Tương Lai",
            "kind": OrgKind.GRASSROOTS_COMMITTEE,
            "sector": Sector.STATE_AGENCY,
            "effective_on": "01/01/2999",
        },
    )
    assert "Ngày hiệu lực không được sau ngày hôm nay." in html(response)


# --- Move ------------------------------------------------------------------------------------------


def test_province_staff_move_a_grassroots_cell_to_the_other_ward(world: World, client_for) -> None:
    response = client_for("province_staff").post(
        url("move", world.village_cell),
        {"new_parent_code": " x02 ", "effective_on": "01/08/2025", "reason": "Điều chỉnh địa giới"},
        follow=True,
    )
    world.village_cell.refresh_from_db()
    assert world.village_cell.parent == world.other_commune
    assert world.village_cell.path.startswith(world.other_commune.path)
    assert "Đã chuyển “Chi bộ thôn Đông” về trực thuộc “Đảng bộ phường Bình Minh”." in html(response)


def test_moving_the_commune_under_its_own_cell_is_refused_as_a_cycle(world: World, client_for) -> None:
    response = client_for("province_staff").post(
        url("move", world.commune), {"new_parent_code": "X01-01-01", "effective_on": "01/08/2025"}
    )
    page = html(response)
    assert "Không thể chuyển “Đảng bộ xã An Phú” vào chính nó hoặc vào một tổ chức trực thuộc nó." in page
    assert 'value="X01-01-01"' in page
    world.commune.refresh_from_db()
    assert world.commune.parent == world.province


def test_moving_a_grassroots_org_under_a_cell_is_refused(world: World, client_for) -> None:
    response = client_for("commune_staff").post(
        url("move", world.agency), {"new_parent_code": "X01-02", "effective_on": "01/08/2025"}
    )
    page = html(response)
    assert "Chi bộ cơ sở không có tổ chức trực thuộc, nên không thể đặt đảng bộ cơ sở dưới “Chi bộ thôn Đông”." in page
    assert 'value="X01-02"' in page


def test_the_new_parent_must_be_visible_to_the_user(world: World, client_for) -> None:
    response = client_for("commune_staff").post(
        url("move", world.village_cell), {"new_parent_code": "X02", "effective_on": "01/08/2025"}
    )
    assert "Không tìm thấy tổ chức có mã “X02” trong phạm vi của bạn." in html(response)
    world.village_cell.refresh_from_db()
    assert world.village_cell.parent == world.commune


# --- Dissolve --------------------------------------------------------------------------------------


def test_staff_dissolve_an_empty_cell_which_stays_in_history(world: World, client_for) -> None:
    empty = make_org("X01-01-05", "Chi bộ Tạm", OrgKind.CELL, world.agency)
    client = client_for("commune_staff")
    response = client.post(
        url("dissolve", empty), {"effective_on": "30/09/2025", "reason": "Sáp nhập", "confirm": "on"}, follow=True
    )
    page = html(response)
    assert "Đã ghi nhận giải thể “Chi bộ Tạm” từ ngày 30/09/2025." in page
    assert "Đã giải thể 30/09/2025" in page
    assert "<td>01/01/2020</td>\n          <td>29/09/2025</td>\n          <td>Chi bộ Tạm</td>" in page
    assert "Chi bộ Tạm" not in html(client.get(url("children", world.agency)))


def test_dissolving_a_cell_that_still_has_members_is_refused(world: World, client_for) -> None:
    response = client_for("commune_staff").post(
        url("dissolve", world.office_cell), {"effective_on": "30/09/2025", "reason": "Thử", "confirm": "on"}
    )
    page = html(response)
    assert "Còn 3 đảng viên đang sinh hoạt tại “Chi bộ Văn phòng”; hãy chuyển sinh hoạt cho họ trước." in page
    assert 'value="Thử"' in page and 'value="30/09/2025"' in page
    world.office_cell.refresh_from_db()
    assert world.office_cell.dissolved_on is None


def test_dissolving_a_committee_with_live_cells_is_refused(world: World, client_for) -> None:
    response = client_for("commune_staff").post(
        url("dissolve", world.agency), {"effective_on": "30/09/2025", "confirm": "on"}
    )
    assert "Còn 2 tổ chức trực thuộc đang hoạt động; hãy chuyển hoặc giải thể chúng trước." in html(response)


def test_dissolving_needs_the_confirmation_box(world: World, client_for) -> None:
    empty = make_org("X01-01-05", "Chi bộ Tạm", OrgKind.CELL, world.agency)
    response = client_for("commune_staff").post(url("dissolve", empty), {"effective_on": "30/09/2025"})
    assert "Hãy đánh dấu ô xác nhận giải thể." in html(response)
    empty.refresh_from_db()
    assert empty.dissolved_on is None


def test_staff_cannot_dissolve_the_root_of_their_own_scope(world: World, client_for) -> None:
    response = client_for("outsider").post(
        url("dissolve", world.other_commune), {"effective_on": "30/09/2025", "confirm": "on"}
    )
    assert "Không thể giải thể tổ chức gốc trong phạm vi của bạn." in html(response)


def test_a_dissolved_node_can_no_longer_be_edited(world: World, client_for) -> None:
    empty = make_org("X01-01-05", "Chi bộ Tạm", OrgKind.CELL, world.agency)
    org_dissolve(actor=None, org=empty, effective_on=date(2025, 9, 30))
    response = client_for("commune_staff").get(url("edit", empty), follow=True)
    assert response.redirect_chain[-1][0] == url("detail", empty)
    assert "“Chi bộ Tạm” đã giải thể ngày 30/09/2025; không thể thay đổi nữa." in html(response)


# --- Query counts ----------------------------------------------------------------------------------

# session, user, the user's scope
AUTH_QUERIES = 3


def _grow(world: World) -> None:
    """More children and members, to show the query count does not depend on them."""
    for i in range(3):
        cell = make_org(f"X01-1{i}", f"Chi bộ ấp {i}", OrgKind.GRASSROOTS_CELL, world.commune)
        make_member(cell, f"Đỗ Văn Tư {i}")


def test_the_tree_page_takes_a_fixed_number_of_queries(world: World, client_for, django_assert_num_queries) -> None:
    client = client_for("commune_staff")
    # the children; the sub-organisations and the members of the root's subtree, grouped by child
    with django_assert_num_queries(AUTH_QUERIES + 3):
        assert client.get(reverse("orgs:tree")).status_code == 200
    _grow(world)
    with django_assert_num_queries(AUTH_QUERIES + 3):
        assert client.get(reverse("orgs:tree")).status_code == 200


def test_the_children_fragment_takes_a_fixed_number_of_queries(
    world: World, client_for, django_assert_num_queries
) -> None:
    client = client_for("commune_staff")
    _grow(world)
    # the node; its children; their sub-organisations and members (one roll-up of the node's subtree)
    with django_assert_num_queries(AUTH_QUERIES + 3):
        assert client.get(url("children", world.commune)).status_code == 200


def test_the_node_page_takes_a_fixed_number_of_queries(world: World, client_for, django_assert_num_queries) -> None:
    client = client_for("commune_staff")
    # the node; ancestors; subtree sub-organisations + members; children list + their sub-organisations
    # and members (one query); history; its awards
    with django_assert_num_queries(AUTH_QUERIES + 8):
        assert client.get(url("detail", world.commune)).status_code == 200
    _grow(world)
    with django_assert_num_queries(AUTH_QUERIES + 8):
        assert client.get(url("detail", world.commune)).status_code == 200


def test_search_takes_a_fixed_number_of_queries(world: World, client_for, django_assert_num_queries) -> None:
    client = client_for("commune_staff")
    # the matches; their ancestors
    with django_assert_num_queries(AUTH_QUERIES + 2):
        assert client.get(reverse("orgs:tree"), {"q": "chi bo"}).status_code == 200


def test_org_search_matches_the_start_of_words_not_any_fragment(world: World) -> None:
    found = set(Org.objects.search("an phu").values_list("code", flat=True))
    assert {"X01", "X01-01"} <= found
    assert "X02" not in found  # "phường" contains "phu", "Đảng" contains "an": not a match
    assert set(Org.objects.search("x01-01").values_list("code", flat=True)) == {"X01-01", "X01-01-01", "X01-01-02"}
