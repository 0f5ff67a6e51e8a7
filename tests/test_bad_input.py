"""Malformed query strings and parameters never crash a page (on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from tests.factories import World

URLS = [
    "/dang-vien/?page=abc",
    "/dang-vien/?page=99999",
    "/dang-vien/?org=abc",
    "/dang-vien/?org=999999",
    "/dang-vien/?tuoi=zzz",
    "/dang-vien/?status=xxx",
    "/dang-vien/?q=%ff%fe",
    "/dang-vien/?q=" + "a" * 5000,
    "/to-chuc/?page=-1",
    "/nhat-ky/?type=member&id=abc",
    "/nhat-ky/?actor=abc",
    "/nhat-ky/?page=0",
    "/nhat-ky/?action=zz",
    "/dang-vien/1/hien/khongco/",
]


@pytest.mark.parametrize("url", URLS)
def test_bad_query_strings_never_crash(world: World, client_for, url: str) -> None:
    response = client_for("sysadmin").get(url)
    assert response.status_code in (200, 302, 404, 405)


@pytest.mark.parametrize("url", ["/to-chuc/?q=%00", "/dang-vien/?q=an%00", "/dang-vien/?sex=%00"])
def test_a_nul_character_is_refused_with_a_vietnamese_400(world: World, client_for, url: str) -> None:
    response = client_for("sysadmin").get(url)
    assert response.status_code == 400
    assert "ký tự không hợp lệ" in response.content.decode()


def test_a_nul_character_in_a_posted_form_is_refused(world: World, client_for) -> None:
    client = client_for("sysadmin")
    url = f"/to-chuc/{world.agency.pk}/sua/"
    urlencoded = client.post(url, "name=T%C3%AAn%00", content_type="application/x-www-form-urlencoded")
    assert urlencoded.status_code == 400
    multipart = client.post(url, {"code": "X01-01", "name": "Tên\x00", "kind": "grassroots_committee"})
    assert multipart.status_code == 400
    assert "ký tự không hợp lệ" in multipart.content.decode()
    world.agency.refresh_from_db()
    assert world.agency.name == "Đảng bộ Cơ quan xã An Phú"
