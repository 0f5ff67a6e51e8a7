"""The audit trail page: who may read it, its filters, readable changes, links, pagination, queries."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangvu.audit.models import Action, AuditRecord
from dangvu.audit.services import audit_record
from dangvu.members.lifecycle import EventKind
from dangvu.members.services import event_add, event_delete, member_reveal, member_update
from tests.factories import World, make_member

pytestmark = pytest.mark.django_db

URL = reverse("audit:list")


def text(response) -> str:
    return response.content.decode()


def rows(response) -> list[str]:
    """The <tr> blocks of the table body, newest first."""
    body = text(response).split("<tbody>", 1)[-1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("sysadmin", 200),
        ("province_staff", 403),
        ("commune_staff", 403),
        ("secretary", 403),
        ("viewer", 403),
        ("member", 404),  # the member role reaches its handbook and own record only
        ("outsider", 403),
    ],
)
def test_only_the_admin_reads_the_audit_trail(world: World, client_for, persona: str, status: int) -> None:
    assert client_for(persona).get(URL).status_code == status


def test_an_anonymous_visitor_is_sent_to_the_login_page(world: World) -> None:
    response = Client().get(URL)
    assert response.status_code == 302 and "/tai-khoan/" in response["Location"]


def test_the_newest_row_comes_first_with_time_actor_and_action(world: World, client_for) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    at = datetime.combine(tomorrow, time(14, 35), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    with time_machine.travel(at, tick=False):
        member_reveal(actor=world.secretary, member=world.an, field="citizen_id", ip_address="10.0.0.7")
    first = rows(client_for("sysadmin").get(URL))[0]
    assert f"{tomorrow:%d/%m/%Y} 14:35" in first
    assert "secretary" in first
    assert "Xem thông tin nhạy cảm" in first
    assert "Nguyễn Văn An" in first
    assert re.search(r"Đã xem:</span>\s*Số CCCD", first)
    assert "10.0.0.7" in first


def test_changes_are_shown_before_and_after_in_readable_form(world: World, client_for) -> None:
    member_update(actor=world.secretary, member=world.an, data={"phone": "0900000001", "birth_date": date(1981, 1, 2)})
    first = rows(client_for("sysadmin").get(URL))[0]
    assert "Sửa" in first
    assert "Điện thoại:" in first
    assert "<del>0912345678</del> → <ins>0900000001</ins>" in first
    assert "<del>17/05/1980</del> → <ins>02/01/1981</ins>" in first


def test_a_created_record_shows_labels_not_codes(world: World, client_for) -> None:
    make_member(world.office_cell, "Đinh Văn Mới")
    page = text(client_for("sysadmin").get(f"{URL}?type=member&action=create"))
    assert "Đinh Văn Mới" in page
    assert "<ins>Nam</ins>" in page
    # in the order of the form: name before sex before birth date
    assert page.index("Họ và tên:") < page.index("Giới tính:") < page.index("Ngày sinh:")
    assert "<ins>Đang sinh hoạt</ins>" in page
    assert ">male<" not in page and ">active<" not in page


def test_the_history_of_one_member_includes_its_events(world: World, client_for) -> None:
    event_add(actor=world.secretary, member=world.an, values={"kind": EventKind.EXEMPTED, "on": date(2026, 5, 1)})
    response = client_for("sysadmin").get(f"{URL}?type=member&id={world.an.pk}")
    found = rows(response)
    assert found
    assert all("Nguyễn Văn An" in row for row in found)
    assert any("Sự kiện đảng viên" in row and "Miễn công tác" in row for row in found)
    assert not any("Trần Thị Bình" in row for row in found)
    assert "Đảng viên: Nguyễn Văn An" in text(response)


def test_the_actor_filter_shows_one_users_actions(world: World, client_for) -> None:
    member_reveal(actor=world.secretary, member=world.an, field="phone")
    member_reveal(actor=world.commune_staff, member=world.dung, field="phone")
    found = rows(client_for("sysadmin").get(f"{URL}?actor={world.secretary.pk}"))
    assert len(found) == 1
    assert "Nguyễn Văn An" in found[0]


def test_the_action_filter(world: World, client_for) -> None:
    member_reveal(actor=world.secretary, member=world.an, field="phone")
    found = rows(client_for("sysadmin").get(f"{URL}?action=reveal"))
    assert len(found) == 1
    deleted = rows(client_for("sysadmin").get(f"{URL}?action=delete"))
    assert deleted == []


def test_a_soft_deleted_event_appears_with_its_reason(world: World, client_for) -> None:
    confirmed = world.an.events.get(kind=EventKind.CONFIRMED)
    event_delete(actor=world.secretary, event=confirmed, reason="Nhập nhầm ngày")
    found = rows(client_for("sysadmin").get(f"{URL}?action=delete"))
    assert len(found) == 1
    assert "Nhập nhầm ngày" in found[0]
    assert "<del>20/03/2011</del>" in found[0]


def test_objects_that_still_exist_are_linked_and_others_are_not(world: World, client_for) -> None:
    audit_record(actor=None, action=Action.UPDATE, target_type="member", changes={})
    AuditRecord.objects.create(actor_name="x", action=Action.UPDATE, target_type="member", target_id=999999)
    page = text(client_for("sysadmin").get(URL))
    assert f'href="{reverse("members:detail", args=[world.an.pk])}"' in page
    assert f'href="{reverse("orgs:detail", args=[world.office_cell.pk])}"' in page
    assert 'href="/dang-vien/999999/"' not in page


def test_unknown_filter_values_are_ignored(world: World, client_for) -> None:
    response = client_for("sysadmin").get(f"{URL}?type=bogus&action=nope&actor=abc&page=zz")
    assert response.status_code == 200
    assert rows(response)


def test_the_trail_is_paginated_by_fifty_in_the_database(world: World, client_for) -> None:
    total = AuditRecord.objects.count()
    for i in range(60 - total):
        audit_record(actor=world.sysadmin, action=Action.LOAD, target_type="user", note=f"lô {i}")
    client = client_for("sysadmin")
    first = client.get(URL)
    assert len(rows(first)) == 50
    assert "<strong>60</strong> bản ghi" in text(first)
    assert len(rows(client.get(f"{URL}?page=2"))) == 10


def test_the_audit_page_takes_a_fixed_number_of_queries(world: World, client_for, django_assert_num_queries) -> None:
    event_add(actor=world.secretary, member=world.an, values={"kind": EventKind.EXEMPTED, "on": date(2026, 5, 1)})
    client = client_for("sysadmin")
    # session, user, count, page, then one lookup each for the members, events and orgs on the page
    with django_assert_num_queries(7):
        client.get(URL)
    for i in range(40):
        make_member(world.economy_cell, f"Ngô Văn Sáu {i:02d}")
    with django_assert_num_queries(7):
        assert len(rows(client.get(URL))) == 50
    # one object's history: no more than the list
    with django_assert_num_queries(6):
        client.get(f"{URL}?type=member&id={world.an.pk}")
