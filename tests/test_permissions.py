"""The permission battery: every role × every page and endpoint × in scope / out of scope.

Columns follow the personas of tests/factories.py. 200 = allowed, 403 = in scope but the role may
not do this, 404 = out of scope (the object's existence is not revealed), 302 = sent to the login.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from dangvu.members.lifecycle import EventKind
from dangvu.members.models import Member
from tests.factories import World

PERSONAS = ("sysadmin", "province_staff", "commune_staff", "secretary", "viewer", "member", "outsider")

Url = Callable[[World], str]


def org(name: str, page: str) -> Url:
    return lambda w: reverse(f"orgs:{page}", args=[getattr(w, name).pk])


def member(name: str, page: str) -> Url:
    return lambda w: reverse(f"members:{page}", args=[getattr(w, name).pk])


def admission_of(name: str, page: str) -> Url:
    return lambda w: reverse(f"members:{page}", args=[getattr(w, name).events.get(kind=EventKind.ADMITTED).pk])


# (label, url, expected status per persona in PERSONAS order)
GET_MATRIX: list[tuple[str, Url, tuple[int, ...]]] = [
    ("tree", lambda w: reverse("orgs:tree"), (200, 200, 200, 200, 200, 404, 200)),
    ("org detail, commune's agency", org("agency", "detail"), (200, 200, 200, 404, 200, 404, 404)),
    ("org detail, secretary's cell", org("office_cell", "detail"), (200, 200, 200, 200, 200, 404, 404)),
    ("org detail, sibling commune's cell", org("other_cell", "detail"), (200, 200, 404, 404, 404, 404, 200)),
    ("org children, agency", org("agency", "children"), (200, 200, 200, 404, 200, 404, 404)),
    ("org create child, agency", org("agency", "create"), (200, 200, 200, 404, 403, 404, 404)),
    ("org edit, agency", org("agency", "edit"), (200, 200, 200, 404, 403, 404, 404)),
    ("org edit, secretary's cell", org("office_cell", "edit"), (200, 200, 200, 403, 403, 404, 404)),
    ("org edit, sibling cell", org("other_cell", "edit"), (200, 200, 404, 404, 404, 404, 200)),
    ("org move, agency", org("agency", "move"), (200, 200, 200, 404, 403, 404, 404)),
    ("org dissolve, agency", org("agency", "dissolve"), (200, 200, 200, 404, 403, 404, 404)),
    ("member list", lambda w: reverse("members:list"), (200, 200, 200, 200, 200, 404, 200)),
    ("member create", lambda w: reverse("members:create"), (200, 200, 200, 200, 403, 404, 200)),
    ("member detail, An (secretary's cell, the member)", member("an", "detail"), (200, 200, 200, 200, 200, 200, 404)),
    ("member detail, Dũng (other cell of the commune)", member("dung", "detail"), (200, 200, 200, 404, 200, 404, 404)),
    ("member detail, Giang (sibling commune)", member("giang", "detail"), (200, 200, 404, 404, 404, 404, 200)),
    ("member edit, An", member("an", "edit"), (200, 200, 200, 200, 403, 403, 404)),
    ("member edit, Dũng", member("dung", "edit"), (200, 200, 200, 404, 403, 404, 404)),
    ("member edit, Giang", member("giang", "edit"), (200, 200, 404, 404, 404, 404, 200)),
    ("event add, An", member("an", "event_add"), (200, 200, 200, 200, 403, 403, 404)),
    ("event edit, An's admission", admission_of("an", "event_edit"), (200, 200, 200, 200, 403, 403, 404)),
    ("event remove, An's admission", admission_of("an", "event_delete"), (200, 200, 200, 200, 403, 403, 404)),
    ("event edit, Giang's admission", admission_of("giang", "event_edit"), (200, 200, 404, 404, 404, 404, 200)),
    ("audit trail", lambda w: reverse("audit:list"), (200, 403, 403, 403, 403, 404, 403)),
]

CASES = [
    pytest.param(label, url, persona, expected[i], id=f"{label} · {persona}")
    for label, url, expected in GET_MATRIX
    for i, persona in enumerate(PERSONAS)
]


@pytest.mark.parametrize("label, url, persona, expected", CASES)
def test_get_answers_by_role_and_scope(
    world: World, client_for, label: str, url: Url, persona: str, expected: int
) -> None:
    response = client_for(persona).get(url(world))
    assert response.status_code == expected, f"{label} as {persona}"


@pytest.mark.parametrize(
    "label, url, expected", [pytest.param(label, url, e, id=label) for label, url, e in GET_MATRIX]
)
def test_anonymous_visitors_are_sent_to_the_login_page(world: World, label: str, url: Url, expected: object) -> None:
    response = Client().get(url(world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


REVEAL = (200, 200, 200, 200, 403, 403, 404)


@pytest.mark.parametrize("persona, expected", list(zip(PERSONAS, REVEAL, strict=True)))
def test_revealing_a_cccd_is_for_roles_that_need_it(world: World, client_for, persona: str, expected: int) -> None:
    from dangvu.audit.models import Action, AuditRecord

    url = reverse("members:reveal", args=[world.an.pk, "citizen_id"])
    response = client_for(persona).post(url, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == expected
    logged = AuditRecord.objects.filter(action=Action.REVEAL, target_type="member", target_id=world.an.pk)
    if expected == 200:
        assert response.json()["value"] == world.an.citizen_id
        assert logged.get().actor == getattr(world, persona)
    else:
        assert world.an.citizen_id not in response.content.decode()
        assert not logged.exists()


@pytest.mark.parametrize(
    "persona, expected",
    [("viewer", 403), ("outsider", 404), ("secretary", 404), ("member", 404)],
)
def test_refused_org_edits_change_nothing(world: World, client_for, persona: str, expected: int) -> None:
    url = reverse("orgs:edit", args=[world.agency.pk])
    data = {
        "code": "X01-01",
        "name": "Tên bị đổi trái phép",
        "kind": "grassroots_committee",
        "sector": "state_agency",
        "founded_on": "",
        "effective_on": "01/01/2026",
        "reason": "",
    }
    response = client_for(persona).post(url, data)
    assert response.status_code == expected
    world.agency.refresh_from_db()
    assert world.agency.name == "Đảng bộ Cơ quan xã An Phú"


@pytest.mark.parametrize("persona, expected", [("viewer", 403), ("outsider", 404), ("member", 403)])
def test_refused_member_edits_change_nothing(world: World, client_for, persona: str, expected: int) -> None:
    url = reverse("members:edit", args=[world.an.pk])
    response = client_for(persona).post(url, {"full_name": "Tên bị đổi", "sex": "male", "birth_date": "01/01/1980"})
    assert response.status_code == expected
    world.an.refresh_from_db()
    assert world.an.full_name == "Nguyễn Văn An"


VISIBLE_MEMBERS = {
    "sysadmin": {"Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Văn Dũng", "Hoàng Đức", "Võ Thị Giang"},
    "province_staff": {"Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Văn Dũng", "Hoàng Đức", "Võ Thị Giang"},
    "commune_staff": {"Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Văn Dũng", "Hoàng Đức"},
    "secretary": {"Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu"},
    "viewer": {"Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Văn Dũng", "Hoàng Đức"},
    "outsider": {"Võ Thị Giang"},
}


@pytest.mark.parametrize("persona", list(VISIBLE_MEMBERS))
def test_the_member_list_shows_exactly_the_members_in_scope(world: World, client_for, persona: str) -> None:
    html = client_for(persona).get(reverse("members:list")).content.decode()
    everyone = set(Member.objects.values_list("full_name", flat=True))
    shown = {name for name in everyone if name in html}
    assert shown == VISIBLE_MEMBERS[persona]


@pytest.mark.parametrize("persona", ["viewer", "outsider", "commune_staff", "secretary"])
def test_no_page_shows_a_full_cccd_without_a_reveal(world: World, client_for, persona: str) -> None:
    client = client_for(persona)
    pages = [
        reverse("members:list"),
        reverse("members:detail", args=[world.an.pk]),
        reverse("members:detail", args=[world.giang.pk]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        for person in (world.an, world.giang):
            assert person.citizen_id not in html, f"{url} as {persona}"
