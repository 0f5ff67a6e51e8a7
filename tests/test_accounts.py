"""Login, logout, password change and login throttling."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, World

LOGIN = "/tai-khoan/dang-nhap/"


def test_an_anonymous_visitor_is_sent_to_the_login_page(db: None) -> None:
    response = Client().get("/to-chuc/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_the_login_page_is_in_vietnamese(db: None) -> None:
    html = Client().get(LOGIN).content.decode()
    assert "Đăng nhập" in html and "Tên đăng nhập" in html and "Mật khẩu" in html
    assert 'lang="vi"' in html


def test_a_staff_member_logs_in_and_lands_on_the_tree(world: World) -> None:
    client = Client()
    response = client.post(LOGIN, {"username": "commune_staff", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("orgs:tree")
    assert response.status_code == 200


def test_a_member_logs_in_and_lands_on_their_handbook(world: World) -> None:
    client = Client()
    response = client.post(LOGIN, {"username": "member", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("handbook:home")


def test_a_wrong_password_is_refused_in_vietnamese_and_keeps_the_username(world: World) -> None:
    response = Client().post(LOGIN, {"username": "commune_staff", "password": "sai"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in html
    assert 'value="commune_staff"' in html


def test_too_many_failures_lock_the_login_even_with_the_right_password(world: World) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "commune_staff", "password": "sai"})
    response = client.post(LOGIN, {"username": "commune_staff", "password": PASSWORD})
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_for_one_user_do_not_lock_another(world: World) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "commune_staff", "password": "sai"})
    response = client.post(LOGIN, {"username": "viewer", "password": PASSWORD})
    assert response.status_code == 302


def test_logout_needs_a_post_and_ends_the_session(world: World, client_for) -> None:
    client = client_for("viewer")
    assert client.get("/tai-khoan/dang-xuat/").status_code == 405
    client.post("/tai-khoan/dang-xuat/")
    assert client.get("/to-chuc/").status_code == 302


@pytest.mark.parametrize("new_password, ok", [("Mat-khau-moi-2026!", True), ("123", False)])
def test_password_change(world: World, client_for, new_password: str, ok: bool) -> None:
    client = client_for("viewer")
    response = client.post(
        "/tai-khoan/doi-mat-khau/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    world.viewer.refresh_from_db()
    assert world.viewer.check_password(new_password) is ok
    if ok:
        assert response.status_code == 302
    else:
        assert response.status_code == 200
