"""The JSON API (/api/v1/): who sees what, masking and the logged reveal, tokens and sessions,
pagination, the error format and the query counts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from typing import Any, get_args

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangvu.api import schemas
from dangvu.api.api import api
from dangvu.api.models import ApiToken, token_hash
from dangvu.api.services import apitoken_create, apitoken_revoke
from dangvu.audit.models import Action, AuditRecord
from dangvu.evaluations.models import MemberRating, OrgRating
from dangvu.exchange.models import ImportJob
from dangvu.members.lifecycle import Status
from dangvu.members.models import SENSITIVE_FIELDS
from dangvu.members.queries import AGE_BANDS, LEVEL_CODES, MEMBERSHIP_LABELS, RATING_LABELS, STATUS_ALL
from dangvu.orgs.kinds import OrgKind
from tests.factories import World, make_member, make_org

V1 = "/api/v1"
PERSONAS = ("sysadmin", "province_staff", "commune_staff", "secretary", "viewer", "member", "outsider")


def bearer(world: World, persona: str) -> Client:
    """A client that sends a fresh token of that persona (no session)."""
    _, token = apitoken_create(actor=None, user=getattr(world, persona), name="kiểm thử")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def get(client: Client, path: str, **params: Any) -> Any:
    return client.get(V1 + path, params)


def codes(response: Any) -> list[str]:
    return [item["code"] for item in response.json()["items"]]


def ids(response: Any) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


# Who sees what ------------------------------------------------------------------------------------

# persona -> (org codes listed by /orgs, member names listed by /members)
EXPECTED = {
    "sysadmin": (
        ["T01", "X01", "X02", "X01-01", "X01-02", "X02-01", "X01-01-01", "X01-01-02"],
        {"An", "Bình", "Châu", "Dũng", "Đức", "Giang"},
    ),
    "province_staff": (
        ["T01", "X01", "X02", "X01-01", "X01-02", "X02-01", "X01-01-01", "X01-01-02"],
        {"An", "Bình", "Châu", "Dũng", "Đức", "Giang"},
    ),
    "commune_staff": (["X01", "X01-01", "X01-02", "X01-01-01", "X01-01-02"], {"An", "Bình", "Châu", "Dũng", "Đức"}),
    "viewer": (["X01", "X01-01", "X01-02", "X01-01-01", "X01-01-02"], {"An", "Bình", "Châu", "Dũng", "Đức"}),
    "secretary": (["X01-01-01"], {"An", "Bình", "Châu"}),
    "member": ([], {"An"}),
    "outsider": (["X02", "X02-01"], {"Giang"}),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_lists_exactly_the_orgs_and_members_of_their_scope(world: World, persona: str) -> None:
    client = bearer(world, persona)
    orgs, members = EXPECTED[persona]
    assert codes(get(client, "/orgs")) == orgs
    listed = get(client, "/members").json()["items"]
    assert {m["full_name"].split()[-1] if m["full_name"] != "Hoàng Đức" else "Đức" for m in listed} == members


# persona -> status of each endpoint: X01 and a member of it (An), X02 and its member (Giang)
ENDPOINTS = (
    "/orgs/X01",
    "/orgs/X01/children",
    "/orgs/X01/history",
    "/orgs/X02",
    "/members/{an}",
    "/members/{an}/events",
    "/members/{an}/ratings",
    "/members/{giang}",
    "/members/{giang}/events",
    "/members/{giang}/ratings",
    "/reports/ratings?org=X01&year=2025",
    "/reports/ratings?org=X02&year=2025",
)
STATUSES = {
    "sysadmin": (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "province_staff": (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "commune_staff": (200, 200, 200, 404, 200, 200, 200, 404, 404, 404, 200, 404),
    "viewer": (200, 200, 200, 404, 200, 200, 200, 404, 404, 404, 200, 404),
    "secretary": (404, 404, 404, 404, 200, 200, 200, 404, 404, 404, 404, 404),
    "member": (404, 404, 404, 404, 200, 200, 200, 404, 404, 404, 404, 404),
    "outsider": (404, 404, 404, 200, 404, 404, 404, 200, 200, 200, 404, 200),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_200_in_scope_and_404_outside(world: World, persona: str) -> None:
    client = bearer(world, persona)
    got = tuple(client.get(V1 + path.format(an=world.an.pk, giang=world.giang.pk)).status_code for path in ENDPOINTS)
    assert dict(zip(ENDPOINTS, got, strict=True)) == dict(zip(ENDPOINTS, STATUSES[persona], strict=True))


@pytest.mark.parametrize("path", ["/orgs", "/members", "/events", "/ratings/members", "/ratings/orgs", *ENDPOINTS])
def test_every_endpoint_answers_401_json_without_credentials(world: World, path: str) -> None:
    response = Client().get(V1 + path.format(an=world.an.pk, giang=world.giang.pk))
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "unauthorized"


def test_a_commune_staff_never_gets_the_sibling_communes_member(world: World) -> None:
    client = bearer(world, "commune_staff")
    giang = world.giang.pk
    MemberRating.objects.create(member=world.giang, org=world.other_cell, year=2025, regime="QD366", level="HTTNV")
    assert giang not in ids(get(client, "/members", status="all"))
    assert giang not in ids(get(client, "/members", q="Giang"))
    assert giang not in ids(get(client, "/members", q="10000006"))  # by card number
    assert get(client, "/members", org="X02").status_code == 404
    assert get(client, "/members", org=str(world.other_cell.pk)).status_code == 404
    assert get(client, f"/members/{giang}").status_code == 404
    assert get(client, f"/members/{giang}", reveal="citizen_id").status_code == 404
    assert get(client, "/events", member=giang).json()["count"] == 0
    assert get(client, "/ratings/members", member=giang).json()["count"] == 0
    assert get(client, "/ratings/members", org="X02-01").status_code == 404
    assert get(client, "/orgs", q="Bình Minh").json()["count"] == 0
    assert get(client, "/orgs", within="X02").status_code == 404
    assert not AuditRecord.objects.filter(action=Action.REVEAL).exists()


def test_org_detail_has_counts_and_ancestors_marked_in_scope_or_not(world: World) -> None:
    body = get(bearer(world, "commune_staff"), "/orgs/X01-01").json()
    assert body["kind"] == "grassroots_committee"
    assert body["parent"] == "X01"
    assert body["ancestors"] == [
        {"code": "T01", "name": "Đảng bộ tỉnh Mẫu", "in_scope": False},
        {"code": "X01", "name": "Đảng bộ xã An Phú", "in_scope": True},
    ]
    assert body["counts"]["orgs"] == {"cell": 2}
    assert body["counts"]["on_roll"] == 4
    assert body["founded_on"] == "2020-01-01"


def test_children_come_in_tree_order_with_their_counts(world: World) -> None:
    body = get(bearer(world, "commune_staff"), "/orgs/X01/children").json()
    assert [(c["code"], c["has_children"], c["counts"]["on_roll"]) for c in body["items"]] == [
        ("X01-01", True, 4),
        ("X01-02", False, 1),
    ]
    assert body["count"] == 2


def test_the_member_list_takes_the_pages_filters(world: World) -> None:
    client = bearer(world, "commune_staff")
    assert ids(get(client, "/members", sex="female")) == [world.binh.pk]
    assert ids(get(client, "/members", membership="du-bi")) == [world.duc.pk]
    assert ids(get(client, "/members", org="X01-01-02")) == [world.dung.pk]
    assert ids(get(client, "/members", age="duoi-30")) == [world.duc.pk]
    assert ids(get(client, "/members", ethnicity="Tày")) == [world.binh.pk]
    assert ids(get(client, "/members", q="chau")) == [world.chau.pk]
    MemberRating.objects.create(member=world.an, org=world.office_cell, year=2025, regime="QD366", level="HTXSNV")
    assert ids(get(client, "/members", year=2025, rating="HTXSNV")) == [world.an.pk]
    bad = get(client, "/members", rating="HTXSNV")
    assert (bad.status_code, bad.json()["code"]) == (400, "rating_needs_year")


def test_ratings_filter_by_period_level_and_subtree(world: World) -> None:
    client = bearer(world, "commune_staff")
    MemberRating.objects.create(member=world.an, org=world.office_cell, year=2025, regime="QD366", level="HTXSNV")
    MemberRating.objects.create(member=world.dung, org=world.economy_cell, year=2025, regime="QD366", level="HTTNV")
    MemberRating.objects.create(member=world.an, org=world.office_cell, year=2024, regime="QD124", level="HTTNV")
    OrgRating.objects.create(org=world.agency, year=2025, regime="QD366", level="HTTNV", exemplary=True)
    OrgRating.objects.create(org=world.other_cell, year=2025, regime="QD366", level="HTXSNV")
    assert get(client, "/ratings/members", year=2025).json()["count"] == 2
    assert ids(get(client, "/ratings/members", year=2025, level="HTTNV")) == [
        MemberRating.objects.get(member=world.dung).pk
    ]
    assert get(client, "/ratings/members", org="X01-01-01").json()["count"] == 2
    body = get(client, "/ratings/orgs", year=2025).json()
    assert [(r["org"]["code"], r["level"], r["exemplary"]) for r in body["items"]] == [("X01-01", "HTTNV", True)]
    history = get(client, f"/members/{world.an.pk}/ratings").json()
    assert [(r["year"], r["level"]) for r in history] == [(2025, "HTXSNV"), (2024, "HTTNV")]


def test_the_report_is_the_ratings_report_dict(world: World) -> None:
    MemberRating.objects.create(member=world.an, org=world.office_cell, year=2025, regime="QD366", level="HTXSNV")
    body = get(bearer(world, "commune_staff"), "/reports/ratings", org="X01", year=2025).json()
    assert body["code"] == "X01"
    assert body["period"] == {"year": 2025, "quarter": 0, "label": "Năm 2025"}
    assert body["members"]["levels"]["HTXSNV"] == 1
    assert [c["code"] for c in body["children"]] == ["X01-01", "X01-02"]
    assert set(body) >= {"regime", "quota", "sectors", "years", "warnings", "grassroots_orgs", "attached_cells"}


def test_a_report_for_a_period_without_rules_is_a_400_with_a_vietnamese_message(world: World) -> None:
    response = get(bearer(world, "commune_staff"), "/reports/ratings", org="X01", year=2000)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_period"
    assert "2000" in response.json()["message"]


# Masking and the logged reveal --------------------------------------------------------------------


def test_a_viewer_gets_sensitive_fields_as_null_with_a_masked_marker(world: World) -> None:
    client = bearer(world, "viewer")
    for body in (get(client, f"/members/{world.an.pk}").json(), get(client, "/members").json()["items"][0]):
        assert all(body[name] is None for name in SENSITIVE_FIELDS)
        assert body["masked"] is True
        assert body["masked_fields"] == list(SENSITIVE_FIELDS)


def test_a_viewer_cannot_reveal(world: World) -> None:
    response = get(bearer(world, "viewer"), f"/members/{world.an.pk}", reveal="citizen_id")
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert not AuditRecord.objects.filter(action=Action.REVEAL).exists()


def test_a_sensitive_reader_sees_masked_fields_until_an_explicit_reveal(world: World) -> None:
    client = bearer(world, "commune_staff")
    body = get(client, f"/members/{world.an.pk}").json()
    assert body["citizen_id"] is None and body["masked"] is True
    assert not AuditRecord.objects.filter(action=Action.REVEAL).exists()
    body = get(client, f"/members/{world.an.pk}", reveal="citizen_id,phone").json()
    assert body["citizen_id"] == world.an.citizen_id
    assert body["phone"] == "0912345678"
    assert body["religion"] is None
    assert body["revealed"] == ["citizen_id", "phone"]
    assert body["masked_fields"] == ["ethnicity", "religion", "address"]
    rows = AuditRecord.objects.filter(action=Action.REVEAL).order_by("pk")
    assert [(r.actor, r.target_id, r.changes["field"]) for r in rows] == [
        (world.commune_staff, world.an.pk, "citizen_id"),
        (world.commune_staff, world.an.pk, "phone"),
    ]


def test_a_reveal_of_a_field_that_is_not_sensitive_is_refused(world: World) -> None:
    response = get(bearer(world, "commune_staff"), f"/members/{world.an.pk}", reveal="full_name")
    assert (response.status_code, response.json()["code"]) == (400, "invalid_reveal")
    assert "full_name" in response.json()["message"]
    assert not AuditRecord.objects.filter(action=Action.REVEAL).exists()


def test_the_member_sees_only_their_own_record_unmasked_as_on_the_page(world: World) -> None:
    client = bearer(world, "member")
    assert ids(get(client, "/members")) == [world.an.pk]
    body = get(client, f"/members/{world.an.pk}").json()
    assert body["citizen_id"] == world.an.citizen_id and body["masked"] is False
    assert get(client, f"/members/{world.binh.pk}").status_code == 404
    assert get(client, "/orgs").json()["count"] == 0
    assert {e["member_id"] for e in get(client, "/events").json()["items"]} == {world.an.pk}


# Tokens and sessions ------------------------------------------------------------------------------


def test_a_token_is_stored_only_as_its_sha256(world: World) -> None:
    api_token, token = apitoken_create(actor=None, user=world.commune_staff, name="thống kê")
    assert api_token.key_hash == token_hash(token) != token
    assert not ApiToken.objects.filter(key_hash=token).exists()
    assert token.startswith("dv_") and len(token) > 40


def test_a_valid_token_authenticates_and_records_its_last_use(world: World) -> None:
    api_token, token = apitoken_create(actor=None, user=world.commune_staff, name="thống kê")
    response = Client().get(V1 + "/orgs/X01", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    api_token.refresh_from_db()
    assert api_token.last_used_at is not None


@pytest.mark.parametrize("header", ["Bearer dv_wrong", "Bearer ", "Bearer dv_" + "x" * 300])
def test_a_wrong_token_is_a_401(world: World, header: str) -> None:
    response = Client().get(V1 + "/orgs", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["code"] in {"invalid_token", "unauthorized"}


def test_a_revoked_token_is_a_401(world: World) -> None:
    api_token, token = apitoken_create(actor=None, user=world.commune_staff, name="thống kê")
    apitoken_revoke(actor=None, api_token=api_token)
    response = Client().get(V1 + "/orgs", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert (response.status_code, response.json()["code"]) == (401, "invalid_token")


def test_a_token_of_a_locked_account_is_a_401(world: World) -> None:
    _, token = apitoken_create(actor=None, user=world.commune_staff, name="thống kê")
    world.commune_staff.is_active = False
    world.commune_staff.save()
    assert Client().get(V1 + "/orgs", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_a_wrong_token_is_refused_even_with_a_valid_session(world: World, client_for: Callable[[str], Client]) -> None:
    client = client_for("commune_staff")
    assert client.get(V1 + "/orgs").status_code == 200
    assert client.get(V1 + "/orgs", HTTP_AUTHORIZATION="Bearer dv_wrong").status_code == 401


def test_the_browser_session_authenticates_get_requests(world: World, client_for: Callable[[str], Client]) -> None:
    assert codes(client_for("secretary").get(V1 + "/orgs")) == ["X01-01-01"]


def test_session_authentication_checks_csrf_and_the_api_is_read_only(world: World) -> None:
    # Every operation is a GET; the session auth is ninja's cookie auth with its CSRF check on, so a
    # write endpoint added later is protected. An unsafe method is not routed at all.
    assert all(operation_methods == ["GET"] for operation_methods in _operation_methods())
    assert [getattr(auth, "csrf", None) for auth in api.auth] == [None, True]  # type: ignore[union-attr]
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.commune_staff)
    assert client.post(V1 + "/orgs", {}).status_code == 405


def _operation_methods() -> list[list[str]]:
    document = api.get_openapi_schema()
    return [[method.upper() for method in operations] for operations in document["paths"].values()]


def test_the_apitoken_command_creates_prints_once_lists_and_revokes(world: World) -> None:
    out = StringIO()
    call_command("apitoken", "create", "commune_staff", "--name", "Hệ thống thống kê", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    assert ApiToken.objects.get(key_hash=token_hash(token)).name == "Hệ thống thống kê"
    assert Client().get(V1 + "/orgs", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    listing = StringIO()
    call_command("apitoken", "list", "commune_staff", stdout=listing)
    assert "Hệ thống thống kê" in listing.getvalue() and token not in listing.getvalue()
    call_command("apitoken", "revoke", "commune_staff", stdout=StringIO())
    assert Client().get(V1 + "/orgs", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert AuditRecord.objects.filter(target_type="apitoken").count() == 2
    with pytest.raises(CommandError, match="Không có tài khoản"):
        call_command("apitoken", "create", "nobody", "--name", "x", stdout=StringIO())
    with pytest.raises(CommandError, match="không có mã truy cập"):
        call_command("apitoken", "revoke", "commune_staff", stdout=StringIO())


def test_last_use_is_written_at_most_once_a_minute(world: World) -> None:
    api_token, token = apitoken_create(actor=None, user=world.commune_staff, name="thống kê")
    recent = timezone.now() - timedelta(seconds=5)
    ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=recent)
    Client().get(V1 + "/orgs", HTTP_AUTHORIZATION=f"Bearer {token}")
    api_token.refresh_from_db()
    assert api_token.last_used_at == recent


# Pagination and errors ----------------------------------------------------------------------------


def test_lists_page_with_limit_and_offset_and_give_the_total(world: World) -> None:
    client = bearer(world, "commune_staff")
    first = get(client, "/members", limit=2).json()
    second = get(client, "/members", limit=2, offset=2).json()
    last = get(client, "/members", limit=2, offset=4).json()
    assert (first["count"], first["limit"], first["offset"]) == (5, 2, 0)
    assert len(first["items"]) == len(second["items"]) == 2 and len(last["items"]) == 1
    everyone = [m["id"] for page in (first, second, last) for m in page["items"]]
    assert everyone == ids(get(client, "/members"))
    assert get(client, "/orgs", limit=1, offset=99).json() == {"items": [], "count": 5, "limit": 1, "offset": 99}


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": schemas.MAX_LIMIT + 1}, {"offset": -1}, {"limit": "x"}])
def test_a_limit_out_of_range_is_a_422_in_the_error_format(world: World, params: dict[str, Any]) -> None:
    response = get(bearer(world, "commune_staff"), "/members", **params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["message"] == "Tham số không hợp lệ."
    assert [error["field"] for error in body["errors"]] == [next(iter(params))]


def test_an_unknown_code_value_is_a_422(world: World) -> None:
    client = bearer(world, "commune_staff")
    assert get(client, "/members", status="sleeping").status_code == 422
    assert get(client, "/orgs", kind="club").status_code == 422
    assert get(client, "/members/0").status_code == 422
    assert get(client, f"/members/{2**63}").status_code == 422


def test_a_404_is_json_with_a_vietnamese_message(world: World) -> None:
    response = get(bearer(world, "commune_staff"), "/orgs/NOPE")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "Không tìm thấy đối tượng này, hoặc đối tượng nằm ngoài phạm vi của bạn.",
    }


def test_the_coded_query_values_match_their_sources() -> None:
    assert set(get_args(schemas.StatusCode)) == {STATUS_ALL, *Status.values}
    assert get_args(schemas.AgeBand) == tuple(AGE_BANDS)
    assert get_args(schemas.Membership) == tuple(MEMBERSHIP_LABELS)
    assert get_args(schemas.LevelCode) == LEVEL_CODES
    assert get_args(schemas.RatingFilter) == (*LEVEL_CODES, *RATING_LABELS)


# OpenAPI and docs ---------------------------------------------------------------------------------


def test_the_openapi_document_is_served_and_lists_every_resource(db: None) -> None:
    document = Client().get(V1 + "/openapi.json").json()
    assert document["info"]["version"] == "1"
    assert {
        "/api/v1/orgs",
        "/api/v1/orgs/{code}",
        "/api/v1/orgs/{code}/children",
        "/api/v1/orgs/{code}/history",
        "/api/v1/members",
        "/api/v1/members/{member_id}",
        "/api/v1/members/{member_id}/events",
        "/api/v1/members/{member_id}/ratings",
        "/api/v1/events",
        "/api/v1/ratings/members",
        "/api/v1/ratings/orgs",
        "/api/v1/reports/ratings",
        "/api/v1/imports",
        "/api/v1/imports/{job_id}",
    } <= set(document["paths"])


def test_the_docs_page_loads_swagger_ui_from_our_own_static_files(db: None) -> None:
    page = Client().get(V1 + "/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "https://" not in page
    assert Client().get("/static/ninja/swagger-ui-bundle.js").status_code == 200


# Imports ------------------------------------------------------------------------------------------


def make_job(world: World, persona: str, **extra: Any) -> ImportJob:
    values: dict[str, Any] = {
        "user": getattr(world, persona),
        "user_name": persona,
        "kind": "members",
        "filename": "dang-vien.xlsx",
        "sha256": "a" * 64,
        "size": 1234,
        "stored_path": "imports/x.xlsx",
        "status": "rejected",
        "rows_done": 3,
        "rows_total": 3,
        "rejected": 1,
        "errors": 1,
        "problems": [{"row": 3, "column": "Ngày sinh", "message": "Ngày sinh không hợp lệ.", "level": "error"}],
        "timings": {"dry_run": 0.5},
        **extra,
    }
    return ImportJob.objects.create(**values)


def test_an_import_job_is_visible_to_its_uploader_and_to_admins_only(world: World) -> None:
    job = make_job(world, "commune_staff")
    other = make_job(world, "outsider", kind="orgs")
    assert ids(get(bearer(world, "commune_staff"), "/imports")) == [job.pk]
    assert len(ids(get(bearer(world, "sysadmin"), "/imports"))) == 2
    assert get(bearer(world, "province_staff"), f"/imports/{job.pk}").status_code == 404
    assert get(bearer(world, "outsider"), f"/imports/{job.pk}").status_code == 404
    body = get(bearer(world, "commune_staff"), f"/imports/{job.pk}").json()
    assert (body["kind"], body["status"], body["user"], body["percent"]) == (
        "members",
        "rejected",
        "commune_staff",
        100,
    )
    assert body["counts"]["rejected"] == 1
    assert body["problems"] == [
        {"row": 3, "column": "Ngày sinh", "message": "Ngày sinh không hợp lệ.", "level": "error"}
    ]
    assert body["timings"] == {"dry_run": 0.5}
    assert ids(get(bearer(world, "sysadmin"), "/imports", kind="orgs")) == [other.pk]


# Query counts -------------------------------------------------------------------------------------


def _more_world(world: World) -> None:
    """Grow the commune: more cells, members, events and ratings, so a constant count means something."""
    for i in range(3):
        cell = make_org(f"X01-01-1{i}", f"Chi bộ Thôn {i}", OrgKind.CELL, world.agency)
        for j in range(3):
            member = make_member(cell, f"Người Số {i}{j}")
            MemberRating.objects.create(member=member, org=cell, year=2025, regime="QD366", level="HTTNV")
        OrgRating.objects.create(org=cell, year=2025, regime="QD366", level="HTTNV")
        make_job(world, "commune_staff", filename=f"tep-{i}.xlsx")


QUERY_PATHS = (
    "/orgs",
    "/orgs/X01-01/children",
    "/members",
    "/events",
    "/ratings/members",
    "/ratings/orgs",
    "/orgs/X01",
    "/imports",
)


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(V1 + path).status_code == 200
    return len(context.captured_queries)


def test_query_counts_do_not_grow_with_the_rows(world: World, client_for: Callable[[str], Client]) -> None:
    client = client_for("commune_staff")
    before = {path: _queries(client, path) for path in QUERY_PATHS}
    _more_world(world)
    after = {path: _queries(client, path) for path in QUERY_PATHS}
    assert after == before


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # session + user + scope, then count + page (+ the children's counts, one query)
        ("/orgs", 5),
        ("/orgs/X01-01/children", 6),
        ("/members", 5),
        ("/events", 5),
        ("/ratings/members", 5),
        ("/ratings/orgs", 5),
        ("/orgs/X01", 7),
        ("/members/{an}", 4),
        ("/imports", 4),  # no scope needed: the user's own jobs
    ],
)
def test_query_counts_are_pinned(
    world: World, client_for: Callable[[str], Client], django_assert_num_queries: Any, path: str, queries: int
) -> None:
    _more_world(world)
    client = client_for("commune_staff")
    with django_assert_num_queries(queries):
        assert client.get(V1 + path.format(an=world.an.pk)).status_code == 200


def test_a_reveal_through_the_browser_session_is_refused_and_writes_nothing(world: World, client_for) -> None:
    from dangvu.audit.models import Action, AuditRecord

    response = get(client_for("commune_staff"), f"/members/{world.an.pk}", reveal="citizen_id")
    assert (response.status_code, response.json()["code"]) == (400, "reveal_needs_token")
    assert world.an.citizen_id not in response.content.decode()
    assert not AuditRecord.objects.filter(action=Action.REVEAL).exists()
