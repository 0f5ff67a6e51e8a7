"""The member pages: list and search, record with masking and reveal, forms, events, permissions.

Personas and tree: tests/factories.py. Every page is tried by every persona in and out of scope.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangvu.audit.models import Action, AuditRecord
from dangvu.members.checks import ERR_CCCD, ERR_OFFICIAL_BEFORE_ADMISSION
from dangvu.members.forms import ERR_CELL_OUT_OF_SCOPE, ERR_NO_CELL
from dangvu.members.lifecycle import EventKind, Status
from dangvu.members.models import Member, MemberEvent
from dangvu.members.queries import MemberSearch, member_search
from dangvu.members.services import ERR_EVENT_FUTURE, event_add
from tests.factories import World, make_member

pytestmark = pytest.mark.django_db

EVERYONE = ["sysadmin", "province_staff", "commune_staff", "secretary", "viewer", "member", "outsider"]
TODAY = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def text(response) -> str:
    return response.content.decode()


def names_in(response) -> list[str]:
    """Member names of the list table, in page order."""
    return re.findall(r'<td><a href="/dang-vien/\d+/">([^<]+)</a></td>', text(response))


def list_url(**params: str | int) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("members:list") + (f"?{query}" if query else "")


def member_post(world: World, **override: str) -> dict[str, str]:
    data = {
        "full_name": "Đặng Thị Hoa",
        "sex": "female",
        "birth_date": "14/02/1990",
        "home_town": "Xã An Phú",
        "ethnicity": "Kinh",
        "religion": "Không",
        "citizen_id": "001190009999",
        "card_number": "20000001",
        "education": "12/12",
        "professional_level": "dai_hoc",
        "political_theory": "trung_cap",
        "occupation": "Công chức",
        "position": "",
        "phone": "0987654321",
        "address": "Thôn Tây",
        "cell": str(world.office_cell.pk),
        "admitted_on": "03/02/2015",
        "ceremony_on": "20/02/2015",
        "official_on": "20/02/2016",
        "decision_no": "123-QĐ/ĐU",
    }
    data.update(override)
    return data


# List: who sees what -------------------------------------------------------------------------------

LIST_VISIBLE = {
    "sysadmin": {"Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Văn Dũng", "Hoàng Đức", "Võ Thị Giang"},
    "province_staff": {"Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Văn Dũng", "Hoàng Đức", "Võ Thị Giang"},
    "commune_staff": {"Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Văn Dũng", "Hoàng Đức"},
    "secretary": {"Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu"},
    "viewer": {"Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Văn Dũng", "Hoàng Đức"},
    "outsider": {"Võ Thị Giang"},
}


@pytest.mark.parametrize("persona", sorted(LIST_VISIBLE))
def test_the_list_shows_each_persona_the_members_of_their_scope_only(world: World, client_for, persona: str) -> None:
    response = client_for(persona).get(list_url())
    assert response.status_code == 200
    assert set(names_in(response)) == LIST_VISIBLE[persona]
    assert f"<strong>{len(LIST_VISIBLE[persona])}</strong> đảng viên" in text(response)


def test_the_member_role_gets_no_list(world: World, client_for) -> None:
    assert client_for("member").get(list_url()).status_code == 404  # the member role reaches its handbook only


def test_an_anonymous_visitor_is_sent_to_the_login_page(world: World) -> None:
    for url in [list_url(), reverse("members:detail", args=[world.an.pk]), reverse("members:create")]:
        response = Client().get(url)
        assert response.status_code == 302 and "/tai-khoan/" in response["Location"]


def test_the_list_is_in_vietnamese_name_order_given_name_first(world: World, client_for) -> None:
    make_member(world.office_cell, "Lê Thị Ánh", sex="female")
    make_member(world.office_cell, "Trần Văn An")
    make_member(world.office_cell, "Nguyễn Thị Bình", sex="female")
    names = names_in(client_for("commune_staff").get(list_url()))
    assert names == [
        "Nguyễn Văn An",
        "Trần Văn An",
        "Lê Thị Ánh",
        "Nguyễn Thị Bình",
        "Trần Thị Bình",
        "Lê Minh Châu",
        "Phạm Văn Dũng",
        "Hoàng Đức",
    ]


def test_an_accent_free_search_finds_the_accented_name(world: World, client_for) -> None:
    client = client_for("commune_staff")
    assert names_in(client.get(list_url(q="nguyen van an"))) == ["Nguyễn Văn An"]
    assert names_in(client.get(list_url(q="NGUYEN  An"))) == ["Nguyễn Văn An"]
    assert names_in(client.get(list_url(q="hoang duc"))) == ["Hoàng Đức"]
    assert names_in(client.get(list_url(q="Trần Bình"))) == ["Trần Thị Bình"]
    assert names_in(client.get(list_url(q="nguyen binh"))) == []


def test_a_search_never_reaches_outside_the_scope(world: World, client_for) -> None:
    assert names_in(client_for("commune_staff").get(list_url(q="giang"))) == []
    assert names_in(client_for("outsider").get(list_url(q="giang"))) == ["Võ Thị Giang"]


def test_a_number_finds_the_card_number_and_the_cccd_only_for_sensitive_readers(world: World, client_for) -> None:
    cccd = world.binh.citizen_id
    assert cccd
    assert names_in(client_for("viewer").get(list_url(q="10000002"))) == ["Trần Thị Bình"]
    assert names_in(client_for("secretary").get(list_url(q=cccd))) == ["Trần Thị Bình"]
    assert names_in(client_for("viewer").get(list_url(q=cccd))) == []


def test_the_org_filter_keeps_the_subtree_of_a_visible_org(world: World, client_for) -> None:
    client = client_for("commune_staff")
    assert set(names_in(client.get(list_url(org=world.economy_cell.pk)))) == {"Phạm Văn Dũng"}
    assert set(names_in(client.get(list_url(org=world.agency.pk)))) == {
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Minh Châu",
        "Phạm Văn Dũng",
    }


@pytest.mark.parametrize(("persona", "org"), [("commune_staff", "other_cell"), ("secretary", "economy_cell")])
def test_filtering_on_an_org_out_of_scope_is_a_404(world: World, client_for, persona: str, org: str) -> None:
    assert client_for(persona).get(list_url(org=getattr(world, org).pk)).status_code == 404


def test_the_status_filter_defaults_to_the_roll_and_offers_all_and_each_status(world: World, client_for) -> None:
    event_add(actor=None, member=world.chau, values={"kind": EventKind.DIED, "on": date(2026, 1, 5)})
    client = client_for("secretary")
    assert "Lê Minh Châu" not in names_in(client.get(list_url()))
    assert "Lê Minh Châu" in names_in(client.get(list_url(status="all")))
    assert names_in(client.get(list_url(status=Status.DECEASED))) == ["Lê Minh Châu"]
    assert "Từ trần" in text(client.get(list_url(status="all")))


def test_the_sex_and_membership_filters(world: World, client_for) -> None:
    client = client_for("sysadmin")
    assert set(names_in(client.get(list_url(sex="female")))) == {"Trần Thị Bình", "Võ Thị Giang"}
    assert names_in(client.get(list_url(membership="du-bi"))) == ["Hoàng Đức"]
    assert "Hoàng Đức" not in names_in(client.get(list_url(membership="chinh-thuc")))
    assert len(names_in(client.get(list_url(membership="chinh-thuc")))) == 5


@time_machine.travel(TODAY, tick=False)
def test_the_age_bands_are_counted_in_full_years_on_today(world: World, client_for) -> None:
    # On 23/11/2026: born 24/11/1996 is 29, 23/11/1996 is 30, 24/11/1965 is 60, 23/11/1965 is 61.
    people = {
        "Đỗ Văn Một": date(1996, 11, 24),
        "Đỗ Văn Hai": date(1996, 11, 23),
        "Đỗ Văn Ba": date(1965, 11, 24),
        "Đỗ Văn Bốn": date(1965, 11, 23),
    }
    for name, born in people.items():
        make_member(
            world.economy_cell, name, birth_date=born, admitted_on=date(2020, 1, 1), ceremony_on=None, official_on=None
        )
    client = client_for("commune_staff")

    def band(value: str) -> set[str]:
        return set(names_in(client.get(list_url(tuoi=value, q="do van"))))

    assert band("duoi-30") == {"Đỗ Văn Một"}
    assert band("30-45") == {"Đỗ Văn Hai"}
    assert band("46-60") == {"Đỗ Văn Ba"}
    assert band("tren-60") == {"Đỗ Văn Bốn"}
    assert "Hoàng Đức" in names_in(client.get(list_url(tuoi="duoi-30")))


def test_the_ethnicity_filter_is_offered_and_honoured_only_for_sensitive_readers(world: World, client_for) -> None:
    secretary = client_for("secretary").get(list_url(ethnicity="tày"))
    assert names_in(secretary) == ["Trần Thị Bình"]
    assert 'name="ethnicity"' in text(secretary)
    viewer = client_for("viewer").get(list_url(ethnicity="Tày"))
    assert len(names_in(viewer)) == 5
    assert 'name="ethnicity"' not in text(viewer)


def test_invalid_filter_values_are_ignored(world: World, client_for) -> None:
    response = client_for("commune_staff").get(list_url(status="nonsense", sex="x", tuoi="99", org="abc", page="-3"))
    assert response.status_code == 200
    assert len(names_in(response)) == 5


def test_the_list_shows_the_columns(world: World, client_for) -> None:
    page = text(client_for("secretary").get(list_url(q="nguyen van an")))
    for value in ["1980", "Nam", "Chi bộ Văn phòng", "Đang sinh hoạt · Chính thức", "01/03/2010", "20/03/2011"]:
        assert value in page


def test_the_list_is_paginated_by_fifty_in_the_database(world: World, client_for) -> None:
    for i in range(52):
        make_member(world.economy_cell, f"Ngô Văn Tư {i:02d}")
    client = client_for("commune_staff")
    first = client.get(list_url())
    assert len(names_in(first)) == 50
    assert "<strong>57</strong> đảng viên" in text(first)
    second = client.get(list_url(page=2))
    assert len(names_in(second)) == 7
    assert not set(names_in(first)) & set(names_in(second))
    assert "page=2" in text(first)


def test_the_list_page_takes_a_fixed_number_of_queries(world: World, client_for, django_assert_num_queries) -> None:
    client = client_for("commune_staff")
    # session, user, the user's scope, count, page
    with django_assert_num_queries(5):
        client.get(list_url())
    for i in range(20):
        make_member(world.economy_cell, f"Ngô Văn Năm {i:02d}")
    with django_assert_num_queries(5):
        assert len(names_in(client.get(list_url()))) == 25
    # the org filter loads that org once
    with django_assert_num_queries(6):
        client.get(list_url(org=world.agency.pk, q="nam"))


def test_member_search_is_usable_without_a_request(world: World) -> None:
    found = member_search(world.commune_staff, MemberSearch.parse({"q": "van", "status": "all"}))
    assert [m.full_name for m in found] == ["Nguyễn Văn An", "Phạm Văn Dũng"]


# Record: who sees it -------------------------------------------------------------------------------

DETAIL_CASES = [
    ("sysadmin", "giang", 200),
    ("province_staff", "giang", 200),
    ("commune_staff", "an", 200),
    ("commune_staff", "giang", 404),
    ("secretary", "an", 200),
    ("secretary", "dung", 404),
    ("viewer", "duc", 200),
    ("viewer", "giang", 404),
    ("member", "an", 200),
    ("member", "binh", 404),
    ("outsider", "giang", 200),
    ("outsider", "an", 404),
]


@pytest.mark.parametrize(("persona", "who", "status"), DETAIL_CASES)
def test_the_record_page_is_a_404_out_of_scope(world: World, client_for, persona: str, who: str, status: int) -> None:
    member: Member = getattr(world, who)
    response = client_for(persona).get(reverse("members:detail", args=[member.pk]))
    assert response.status_code == status
    if status == 200:
        assert member.full_name in text(response)


def test_a_missing_record_is_a_404(world: World, client_for) -> None:
    assert client_for("sysadmin").get(reverse("members:detail", args=[999999])).status_code == 404


def test_the_record_shows_the_fields_status_cell_dates_and_timeline(world: World, client_for) -> None:
    page = text(client_for("commune_staff").get(reverse("members:detail", args=[world.an.pk])))
    for value in [
        "Nguyễn Văn An",
        "Đang sinh hoạt · Chính thức",
        "Ngày sinh",
        "17/05/1980",
        "Quê quán",
        "Xã An Phú",
        "10000001",
        "Ngày lễ kết nạp",
        "20/03/2010",
        "Ngày chính thức",
        "20/03/2011",
        "Kết nạp",
        "Chuyển đảng chính thức",
    ]:
        assert value in page
    assert f'href="{reverse("orgs:detail", args=[world.office_cell.pk])}"' in page


def test_the_member_sees_their_cell_without_a_link_to_the_org_pages(world: World, client_for) -> None:
    page = text(client_for("member").get(reverse("members:detail", args=[world.an.pk])))
    assert "Chi bộ Văn phòng" in page
    assert reverse("orgs:detail", args=[world.office_cell.pk]) not in page


@pytest.mark.parametrize(("persona", "sees_edit"), [("secretary", True), ("commune_staff", True), ("viewer", False)])
def test_edit_links_are_shown_to_editors_only(world: World, client_for, persona: str, sees_edit: bool) -> None:
    page = text(client_for(persona).get(reverse("members:detail", args=[world.an.pk])))
    assert (reverse("members:edit", args=[world.an.pk]) in page) is sees_edit
    assert (reverse("members:event_add", args=[world.an.pk]) in page) is sees_edit
    event = world.an.events.first()
    assert event is not None
    assert (reverse("members:event_edit", args=[event.pk]) in page) is sees_edit


@pytest.mark.parametrize(
    ("persona", "sees_link"), [("sysadmin", True), ("province_staff", False), ("secretary", False)]
)
def test_only_the_admin_sees_the_link_to_the_records_audit_trail(
    world: World, client_for, persona: str, sees_link: bool
) -> None:
    client = client_for(persona)
    page = text(client.get(reverse("members:detail", args=[world.an.pk])))
    assert (f"/nhat-ky/?type=member&amp;id={world.an.pk}" in page) is sees_link


def test_doubtful_data_shows_a_warning_box_on_the_record(world: World, client_for) -> None:
    old = make_member(
        world.office_cell,
        "Bùi Văn Lão",
        birth_date=date(1950, 1, 1),
        admitted_on=date(2011, 6, 1),
        ceremony_on=date(2011, 6, 20),
        official_on=date(2012, 6, 20),
    )
    page = text(client_for("secretary").get(reverse("members:detail", args=[old.pk])))
    assert 'class="warnbox"' in page
    assert "trên 60 tuổi" in page


# Masking and reveal --------------------------------------------------------------------------------


def test_the_viewer_never_sees_a_full_cccd_or_the_other_sensitive_values(world: World, client_for) -> None:
    cccd = world.an.citizen_id
    assert cccd
    page = text(client_for("viewer").get(reverse("members:detail", args=[world.an.pk])))
    assert cccd not in page
    assert "•" * 9 + cccd[-3:] in page
    assert "0912345678" not in page
    assert "Thôn Đông, xã An Phú" not in page
    assert 'class="reveal' not in page


def test_the_viewer_may_not_reveal(world: World, client_for) -> None:
    response = client_for("viewer").post(reverse("members:reveal", args=[world.an.pk, "citizen_id"]))
    assert response.status_code == 403
    assert not AuditRecord.objects.filter(action=Action.REVEAL).exists()


def test_the_secretary_sees_the_cccd_only_after_a_logged_reveal(world: World, client_for) -> None:
    cccd = world.an.citizen_id
    assert cccd
    client = client_for("secretary")
    page = text(client.get(reverse("members:detail", args=[world.an.pk])))
    assert cccd not in page
    reveal = reverse("members:reveal", args=[world.an.pk, "citizen_id"])
    assert f'action="{reveal}"' in page
    response = client.post(reveal, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 200
    assert json.loads(response.content) == {"value": cccd}
    row = AuditRecord.objects.get(action=Action.REVEAL)
    assert row.actor == world.secretary
    assert (row.target_type, row.target_id) == ("member", world.an.pk)
    assert row.changes == {"field": "citizen_id"}
    assert row.ip_address == "127.0.0.1"


def test_a_reveal_without_javascript_shows_the_value_once(world: World, client_for) -> None:
    cccd = world.an.citizen_id
    assert cccd
    client = client_for("secretary")
    response = client.post(reverse("members:reveal", args=[world.an.pk, "citizen_id"]))
    assert response.status_code == 302
    detail = reverse("members:detail", args=[world.an.pk])
    assert response["Location"].startswith(detail)
    assert cccd in text(client.get(detail))
    assert cccd not in text(client.get(detail))
    assert AuditRecord.objects.filter(action=Action.REVEAL).count() == 1


@pytest.mark.parametrize(
    ("persona", "who", "status"),
    [("outsider", "an", 404), ("secretary", "dung", 404), ("member", "an", 403), ("sysadmin", "giang", 200)],
)
def test_the_reveal_endpoint_follows_scope_and_role(
    world: World, client_for, persona: str, who: str, status: int
) -> None:
    member: Member = getattr(world, who)
    response = client_for(persona).post(
        reverse("members:reveal", args=[member.pk, "phone"]), HTTP_ACCEPT="application/json"
    )
    assert response.status_code == status


def test_the_reveal_endpoint_refuses_other_fields_and_get(world: World, client_for) -> None:
    client = client_for("secretary")
    assert client.post(reverse("members:reveal", args=[world.an.pk, "full_name"])).status_code == 404
    assert client.get(reverse("members:reveal", args=[world.an.pk, "citizen_id"])).status_code == 405


def test_the_member_sees_their_own_record_unmasked_without_reveal_buttons(world: World, client_for) -> None:
    cccd = world.an.citizen_id
    assert cccd
    page = text(client_for("member").get(reverse("members:detail", args=[world.an.pk])))
    assert cccd in page
    assert "0912345678" in page
    assert 'class="reveal' not in page
    assert not AuditRecord.objects.filter(action=Action.REVEAL).exists()


def test_the_edit_form_shows_the_sensitive_values_and_writes_one_reveal_row(world: World, client_for) -> None:
    cccd = world.an.citizen_id
    assert cccd
    response = client_for("secretary").get(reverse("members:edit", args=[world.an.pk]))
    assert response.status_code == 200
    assert f'value="{cccd}"' in text(response)
    assert 'value="17/05/1980"' in text(response)
    rows = AuditRecord.objects.filter(action=Action.REVEAL)
    assert rows.count() == 1
    assert "biểu mẫu sửa" in rows.get().note


# Forms: permissions -------------------------------------------------------------------------------

EDIT_CASES = [
    ("sysadmin", "giang", 200),
    ("commune_staff", "an", 200),
    ("commune_staff", "giang", 404),
    ("secretary", "an", 200),
    ("secretary", "dung", 404),
    ("viewer", "an", 403),
    ("viewer", "giang", 404),
    ("member", "an", 403),
    ("member", "binh", 404),
    ("outsider", "an", 404),
]


@pytest.mark.parametrize(("persona", "who", "status"), EDIT_CASES)
@pytest.mark.parametrize("page", ["members:edit", "members:event_add"])
def test_the_record_forms_need_scope_and_an_editor_role(
    world: World, client_for, persona: str, who: str, status: int, page: str
) -> None:
    member: Member = getattr(world, who)
    assert client_for(persona).get(reverse(page, args=[member.pk])).status_code == status


@pytest.mark.parametrize(("persona", "who", "status"), EDIT_CASES)
@pytest.mark.parametrize("page", ["members:event_edit", "members:event_delete"])
def test_the_event_forms_need_scope_and_an_editor_role(
    world: World, client_for, persona: str, who: str, status: int, page: str
) -> None:
    member: Member = getattr(world, who)
    event = member.events.first()
    assert event is not None
    assert client_for(persona).get(reverse(page, args=[event.pk])).status_code == status


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_create_form_is_for_editors(world: World, client_for, persona: str) -> None:
    expected = 200 if persona in {"sysadmin", "province_staff", "commune_staff", "secretary", "outsider"} else 403
    if persona == "member":
        expected = 404  # the member role reaches its handbook and its own record only
    assert client_for(persona).get(reverse("members:create")).status_code == expected


def test_a_post_by_a_non_editor_changes_nothing(world: World, client_for) -> None:
    response = client_for("viewer").post(reverse("members:edit", args=[world.an.pk]), {"full_name": "X"})
    assert response.status_code == 403
    world.an.refresh_from_db()
    assert world.an.full_name == "Nguyễn Văn An"


# Create -------------------------------------------------------------------------------------------


def test_the_secretary_is_offered_their_cell_only(world: World, client_for) -> None:
    page = text(client_for("secretary").get(reverse("members:create")))
    assert "Chi bộ Văn phòng (X01-01-01)" in page
    assert "Chi bộ Kinh tế" not in page


def test_a_secretary_creates_a_member_in_their_cell(world: World, client_for) -> None:
    response = client_for("secretary").post(reverse("members:create"), member_post(world))
    assert response.status_code == 302
    member = Member.objects.get(full_name="Đặng Thị Hoa")
    assert response["Location"] == reverse("members:detail", args=[member.pk])
    assert member.current_org == world.office_cell
    assert member.birth_date == date(1990, 2, 14)
    assert member.official_on == date(2016, 2, 20) and not member.is_probationary
    assert member.events.get(kind=EventKind.ADMITTED).decision_no == "123-QĐ/ĐU"
    assert AuditRecord.objects.filter(action=Action.CREATE, target_type="member", target_id=member.pk).exists()


def test_a_secretary_cannot_create_a_member_in_another_cell(world: World, client_for) -> None:
    response = client_for("secretary").post(
        reverse("members:create"), member_post(world, cell=str(world.economy_cell.pk))
    )
    assert response.status_code == 200
    assert "không nằm trong phạm vi" in text(response)
    assert not Member.objects.filter(full_name="Đặng Thị Hoa").exists()


def test_a_cccd_of_eleven_digits_is_refused_and_the_typed_data_kept(world: World, client_for) -> None:
    response = client_for("secretary").post(reverse("members:create"), member_post(world, citizen_id="00119000999"))
    assert response.status_code == 200
    page = text(response)
    assert ERR_CCCD.format(count=11) in page
    assert 'value="Đặng Thị Hoa"' in page
    assert 'value="00119000999"' in page
    assert 'value="14/02/1990"' in page
    assert not Member.objects.filter(full_name="Đặng Thị Hoa").exists()


def test_an_official_date_before_the_admission_is_refused(world: World, client_for) -> None:
    response = client_for("secretary").post(
        reverse("members:create"), member_post(world, official_on="01/01/2015", ceremony_on="")
    )
    assert response.status_code == 200
    assert ERR_OFFICIAL_BEFORE_ADMISSION.format(official="01/01/2015", admitted="03/02/2015") in text(response)
    assert not Member.objects.filter(full_name="Đặng Thị Hoa").exists()


def test_a_date_that_is_not_a_date_is_refused_beside_the_field(world: World, client_for) -> None:
    response = client_for("secretary").post(reverse("members:create"), member_post(world, birth_date="31/02/1990"))
    assert response.status_code == 200
    assert "dd/mm/yyyy" in text(response) or "ngày/tháng/năm" in text(response)


def test_an_admission_at_61_is_accepted_with_the_warning_shown(world: World, client_for) -> None:
    data = member_post(world, birth_date="01/01/1950", admitted_on="01/06/2011", ceremony_on="", official_on="")
    response = client_for("secretary").post(reverse("members:create"), data, follow=True)
    assert response.status_code == 200
    page = text(response)
    assert "msg-warning" in page
    assert "Vào Đảng khi 61 tuổi 5 tháng, trên 60 tuổi" in page
    assert Member.objects.filter(full_name="Đặng Thị Hoa").exists()


# Edit ---------------------------------------------------------------------------------------------


def test_an_edit_saves_through_the_service_with_an_audit_row(world: World, client_for) -> None:
    client = client_for("secretary")
    data = member_post(world, full_name="Nguyễn Văn An", birth_date="17/05/1980", phone="0900000001")
    data["citizen_id"] = world.an.citizen_id or ""
    data["card_number"] = "10000001"
    response = client.post(reverse("members:edit", args=[world.an.pk]), data)
    assert response.status_code == 302
    world.an.refresh_from_db()
    assert world.an.phone == "0900000001"
    row = AuditRecord.objects.get(action=Action.UPDATE, target_type="member", target_id=world.an.pk)
    assert row.changes["phone"] == ["0912345678", "0900000001"]


def test_an_edit_with_a_bad_cccd_is_refused_beside_the_field(world: World, client_for) -> None:
    data = member_post(world, full_name="Nguyễn Văn An Mới", citizen_id="123")
    response = client_for("secretary").post(reverse("members:edit", args=[world.an.pk]), data)
    assert response.status_code == 200
    assert ERR_CCCD.format(count=3) in text(response)
    assert 'value="Nguyễn Văn An Mới"' in text(response)
    world.an.refresh_from_db()
    assert world.an.full_name == "Nguyễn Văn An"


# Events -------------------------------------------------------------------------------------------


def event_post(**values: str) -> dict[str, str]:
    return {
        "kind": "",
        "on": "",
        "org": "",
        "external_org": "",
        "decision_no": "",
        "decided_by": "",
        "note": "",
    } | values


def test_an_event_in_the_future_is_refused(world: World, client_for) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client_for("secretary").post(
        reverse("members:event_add", args=[world.an.pk]), event_post(kind="died", on=f"{tomorrow:%d/%m/%Y}")
    )
    assert response.status_code == 200
    assert ERR_EVENT_FUTURE.format(day=f"{tomorrow:%d/%m/%Y}") in text(response)
    assert not world.an.events.filter(kind=EventKind.DIED).exists()


def test_a_transfer_between_cells_changes_the_current_cell(world: World, client_for) -> None:
    client = client_for("commune_staff")
    response = client.post(
        reverse("members:event_add", args=[world.an.pk]),
        event_post(kind="transfer_out", on="01/10/2026", org="x01-01-02", decision_no="45-QĐ/ĐU"),
    )
    assert response.status_code == 302
    world.an.refresh_from_db()
    assert world.an.current_org == world.economy_cell
    assert world.an.status == Status.ACTIVE
    page = text(client.get(reverse("members:detail", args=[world.an.pk])))
    assert "Chuyển sinh hoạt chính thức đi" in page and "QĐ số 45-QĐ/ĐU" in page


def test_a_transfer_out_of_the_scope_goes_back_to_the_list(world: World, client_for) -> None:
    response = client_for("secretary").post(
        reverse("members:event_add", args=[world.an.pk]), event_post(kind="transfer_out", on="01/10/2026", org="X02-01")
    )
    assert response.status_code == 302 and response["Location"] == reverse("members:list")
    world.an.refresh_from_db()
    assert world.an.current_org == world.other_cell


def test_a_death_changes_the_status(world: World, client_for) -> None:
    client = client_for("secretary")
    response = client.post(reverse("members:event_add", args=[world.chau.pk]), event_post(kind="died", on="02/11/2026"))
    assert response.status_code == 302
    world.chau.refresh_from_db()
    assert world.chau.status == Status.DECEASED
    assert "Từ trần" in text(client.get(reverse("members:detail", args=[world.chau.pk])))


def test_a_transfer_in_must_be_to_a_cell_in_scope(world: World, client_for) -> None:
    response = client_for("secretary").post(
        reverse("members:event_add", args=[world.an.pk]),
        event_post(kind="transfer_in", on="01/10/2026", org="X01-01-02"),
    )
    assert response.status_code == 200
    assert ERR_CELL_OUT_OF_SCOPE.format(org="Chi bộ Kinh tế") in text(response)


def test_an_unknown_cell_code_is_refused(world: World, client_for) -> None:
    response = client_for("secretary").post(
        reverse("members:event_add", args=[world.an.pk]), event_post(kind="transfer_out", on="01/10/2026", org="ZZZ")
    )
    assert response.status_code == 200
    assert ERR_NO_CELL.format(code="ZZZ") in text(response)


def test_editing_an_event_changes_the_derived_dates(world: World, client_for) -> None:
    confirmed = world.an.events.get(kind=EventKind.CONFIRMED)
    client = client_for("secretary")
    form = text(client.get(reverse("members:event_edit", args=[confirmed.pk])))
    assert 'value="20/03/2011"' in form
    response = client.post(
        reverse("members:event_edit", args=[confirmed.pk]), event_post(kind="confirmed", on="2011-03-21")
    )
    assert response.status_code == 302
    world.an.refresh_from_db()
    assert world.an.official_on == date(2011, 3, 21)
    assert AuditRecord.objects.filter(action=Action.UPDATE, target_type="event", target_id=confirmed.pk).exists()


def test_removing_an_event_is_a_soft_delete_with_an_audit_row(world: World, client_for) -> None:
    confirmed = world.an.events.get(kind=EventKind.CONFIRMED)
    client = client_for("secretary")
    url = reverse("members:event_delete", args=[confirmed.pk])
    assert "Lý do xóa" in text(client.get(url))
    response = client.post(url, {"reason": "Nhập nhầm"})
    assert response.status_code == 302
    confirmed.refresh_from_db()
    assert confirmed.deleted_at is not None and confirmed.deleted_by == world.secretary
    assert MemberEvent.objects.filter(pk=confirmed.pk).exists()
    world.an.refresh_from_db()
    assert world.an.is_probationary and world.an.official_on is None
    row = AuditRecord.objects.get(action=Action.DELETE, target_type="event", target_id=confirmed.pk)
    assert row.note == "Nhập nhầm"
    # Struck through for editors, absent for the others; no longer editable.
    assert 'class="deleted"' in text(client.get(reverse("members:detail", args=[world.an.pk])))
    viewer_page = text(client_for("viewer").get(reverse("members:detail", args=[world.an.pk])))
    assert "Chuyển đảng chính thức" not in viewer_page
    assert client.get(reverse("members:event_edit", args=[confirmed.pk])).status_code == 404


def test_removing_an_event_needs_a_reason(world: World, client_for) -> None:
    confirmed = world.an.events.get(kind=EventKind.CONFIRMED)
    response = client_for("secretary").post(reverse("members:event_delete", args=[confirmed.pk]), {"reason": ""})
    assert response.status_code == 200
    assert "Ghi lý do xóa sự kiện." in text(response)
    confirmed.refresh_from_db()
    assert confirmed.deleted_at is None


def test_removing_the_admission_under_a_confirmation_is_refused_with_the_reason(world: World, client_for) -> None:
    admitted = world.an.events.get(kind=EventKind.ADMITTED)
    response = client_for("secretary").post(reverse("members:event_delete", args=[admitted.pk]), {"reason": "Thử"})
    assert response.status_code == 200
    assert "Không thể xóa sự kiện kết nạp duy nhất" in text(response)
    admitted.refresh_from_db()
    assert admitted.deleted_at is None


def test_a_bad_cccd_is_reported_together_with_the_missing_fields(world: World, client_for) -> None:
    response = client_for("secretary").post(
        reverse("members:create"), member_post(world, full_name="", citizen_id="123")
    )
    assert response.status_code == 200
    assert ERR_CCCD.format(count=3) in text(response)
    assert "Mục này không được để trống." in text(response)


def test_a_refusal_from_the_service_is_shown_beside_its_field(world: World, client_for) -> None:
    cccd = world.an.citizen_id or ""
    response = client_for("secretary").post(reverse("members:create"), member_post(world, citizen_id=cccd))
    assert response.status_code == 200
    assert re.search(r'has-error">\s*<label for="id_citizen_id"', text(response))
    assert "đã có trong hồ sơ của “Nguyễn Văn An”" in text(response)
