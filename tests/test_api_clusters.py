"""The clusters in the API: list, one cluster with its figures, the quarterly briefing data; scope as on the
pages (a cluster owned outside the scope is a 404, by id too), 401 without credentials, 422 on bad input."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from dangvu.api.services import apitoken_create
from dangvu.clusters.models import Briefing, Cluster
from dangvu.clusters.services import cluster_set_members
from dangvu.plans.models import InspectionItem, InspectionKind, InspectionPlan
from tests.factories import World

V1 = "/api/v1"


def bearer(world: World, persona: str) -> Client:
    _, token = apitoken_create(actor=None, user=getattr(world, persona), name="kiểm thử")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def clusters(world: World) -> tuple[Cluster, Cluster]:
    mine = Cluster.objects.create(name="Cụm thi đua số 1", owner=world.commune)
    cluster_set_members(
        cluster=mine,
        orgs=[world.agency, world.village_cell, world.other_cell],
        year=2026,
        leader=world.agency,
        deputy=world.village_cell,
    )
    other = Cluster.objects.create(name="Cụm phường", owner=world.other_commune)
    cluster_set_members(cluster=other, orgs=[world.other_cell], year=2026)
    return mine, other


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("sysadmin", ["Cụm thi đua số 1", "Cụm phường"]),
        ("province_staff", ["Cụm thi đua số 1", "Cụm phường"]),
        ("commune_staff", ["Cụm thi đua số 1"]),
        ("viewer", ["Cụm thi đua số 1"]),
        ("outsider", ["Cụm phường"]),
        ("secretary", []),
    ],
)
def test_each_persona_lists_the_clusters_owned_in_their_scope(
    world: World, clusters: tuple[Cluster, Cluster], persona: str, expected: list[str]
) -> None:
    data = bearer(world, persona).get(V1 + "/clusters").json()
    assert [c["name"] for c in data["items"]] == expected and data["count"] == len(expected)


def test_one_cluster_with_its_figures_and_404_outside(world: World, clusters: tuple[Cluster, Cluster]) -> None:
    mine, other = clusters
    client = bearer(world, "commune_staff")
    data = client.get(f"{V1}/clusters/{mine.pk}", {"year": 2026}).json()
    assert data["owner"] == {"code": "X01", "name": "Đảng bộ xã An Phú"}
    assert [o["code"] for o in data["orgs"]] == ["X01-01", "X01-02", "X02-01"]
    assert {k["label"]: k["count"] for k in data["by_kind"]} == {"Đảng bộ cơ sở": 1, "Chi bộ cơ sở": 2}
    assert (data["cells"], data["on_roll"], data["probationary"]) == (2, 6, 1)
    assert data["leader"]["code"] == "X01-01" and data["deputy"]["code"] == "X01-02"
    assert data["staff"] is None and data["staff_note"]
    assert client.get(f"{V1}/clusters/{other.pk}").json()["code"] == "not_found"
    assert client.get(f"{V1}/clusters/{other.pk}/briefing", {"year": 2026, "quarter": 1}).status_code == 404
    assert client.get(f"{V1}/clusters/{mine.pk}", {"year": 2026}).status_code == 200
    assert bearer(world, "outsider").get(f"{V1}/clusters/{mine.pk}").status_code == 404
    assert client.get(f"{V1}/clusters", {"owner": "X02"}).status_code == 404


def test_the_briefing_data_is_the_pages(world: World, clusters: tuple[Cluster, Cluster]) -> None:
    mine, _ = clusters
    Briefing.objects.create(cluster=mine, year=2026, quarter=1, summary="Tốt.", notable_events="Một\nHai")
    plan = InspectionPlan.objects.create(org=world.agency, year=2026, title="Kế hoạch")
    for done in (date(2026, 3, 1), None):
        InspectionItem.objects.create(
            plan=plan,
            target_org=world.office_cell,
            subject="Sinh hoạt",
            kind=InspectionKind.INSPECTION,
            by_whom="Ủy ban Kiểm tra",
            quarter=1,
            done_on=done,
        )
    response = bearer(world, "viewer").get(f"{V1}/clusters/{mine.pk}/briefing", {"year": 2026, "quarter": 1})
    assert response.status_code == 200
    data = response.json()
    assert data["admitted"] == 1  # Đức, 2 March 2026
    assert data["summary"] == "Tốt." and data["notable_events"] == ["Một", "Hai"]
    [kind] = data["inspections"]["kinds"]
    assert (kind["quarter_done_orgs"], kind["quarter_planned_orgs"], kind["ytd_orgs_share"]) == (1, 2, 50.0)
    assert kind["sentence"] == "kiểm tra được 1/2 tổ chức (đạt 50,0% kế hoạch năm), 0/0 đảng viên (—)"


def test_bad_input_and_no_credentials(world: World, clusters: tuple[Cluster, Cluster]) -> None:
    mine, _ = clusters
    client = bearer(world, "commune_staff")
    assert client.get(f"{V1}/clusters/{mine.pk}/briefing", {"year": 2026, "quarter": 5}).json()["code"] == "invalid"
    assert client.get(f"{V1}/clusters/{mine.pk}/briefing").status_code == 422
    assert client.get(f"{V1}/clusters/0").status_code == 422
    assert Client().get(f"{V1}/clusters").json()["code"] == "unauthorized"
