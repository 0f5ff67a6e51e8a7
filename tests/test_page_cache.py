"""The page caches (`dangvu.tallies.cache`): the province's tree and rating report are kept under the tallies'
generation, so a write shows on the next read, and what is kept is the same for every reader allowed to
see it: scope and permissions are checked before the cache is read."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from dangvu.evaluations.models import MemberRating, RuleSetting
from dangvu.members.services import event_add
from dangvu.tallies.build import sync
from dangvu.tallies.cache import generation
from dangvu.tallies.triggers import paused
from tests.factories import World, make_member, make_org

AUTH_QUERIES = 3  # session, user, the user's scope
REPORT_URL = reverse("reports:ratings")


def tree_counts(client: Client) -> dict[str, int]:
    """{code: members on roll} of the tree page's root and its children."""
    context = client.get(reverse("orgs:tree")).context
    root, page = context["root"], context["page"]
    return {root.org.code: root.counts.on_roll, **{node.org.code: node.counts.on_roll for node in page.nodes}}


def report_figures(client: Client, org_pk: int) -> dict[str, Any]:
    response = client.get(REPORT_URL, {"org": org_pk, "nam": 2025})
    assert response.status_code == 200
    report = response.context["report"]
    return {
        "members": report["members"]["total"],
        "rated": report["members"]["rated"],
        "children": {child["code"]: child["members"]["rated"] for child in report["children"]},
        "quota": report["quota"]["members"]["text"],
    }


def test_the_generation_stands_still_until_a_sync_applies_a_change(world: World) -> None:
    sync()
    before = generation()
    assert before is not None
    assert generation() == before
    make_member(world.village_cell, "Đinh Văn Mới")
    assert generation() is None  # a change waits in the queue: nothing is read from the cache
    sync()
    assert generation() == before + 1


def test_the_province_tree_is_kept_and_a_new_member_shows_at_once(
    world: World, client_for, django_assert_num_queries
) -> None:
    client = client_for("province_staff")
    sync()
    first = tree_counts(client)
    assert first == {"T01": 6, "X01": 5, "X02": 1}
    # kept: the generation and the children, no roll-up
    with django_assert_num_queries(AUTH_QUERIES + 2):
        assert tree_counts(client) == first
    make_member(world.village_cell, "Đinh Văn Mới")
    assert tree_counts(client) == {"T01": 7, "X01": 6, "X02": 1}  # queued: counted from the raw data
    sync()  # as a report page would
    assert tree_counts(client) == {"T01": 7, "X01": 6, "X02": 1}
    with django_assert_num_queries(AUTH_QUERIES + 2):
        assert tree_counts(client) == {"T01": 7, "X01": 6, "X02": 1}


def test_a_member_leaving_and_a_new_commune_show_on_the_kept_tree(world: World, client_for) -> None:
    client = client_for("province_staff")
    sync()
    assert tree_counts(client) == {"T01": 6, "X01": 5, "X02": 1}
    event_add(actor=None, member=world.giang, values={"kind": "struck_off", "on": date(2026, 6, 1)})
    make_org("X03", "Đảng bộ xã Mới", "upper", world.province)
    sync()
    assert tree_counts(client) == {"T01": 5, "X01": 5, "X02": 0, "X03": 0}


def test_a_commune_officer_sees_only_the_commune_after_the_province_was_kept(world: World, client_for) -> None:
    sync()
    tree_counts(client_for("province_staff"))
    commune = client_for("commune_staff")
    assert tree_counts(commune) == {"X01": 5, "X01-01": 4, "X01-02": 1}
    assert commune.get(REPORT_URL, {"org": world.province.pk, "nam": 2025}).status_code == 404
    assert commune.get(REPORT_URL, {"org": world.other_commune.pk, "nam": 2025}).status_code == 404


def test_the_report_is_kept_and_a_new_rating_shows_on_the_next_read(
    world: World, client_for, django_assert_num_queries
) -> None:
    client = client_for("province_staff")
    MemberRating.objects.create(
        member=world.an, org=world.office_cell, year=2025, quarter=0, regime="QD366", level="HTTNV"
    )
    sync()
    first = report_figures(client, world.province.pk)
    assert (first["rated"], first["children"]) == (1, {"X01": 1, "X02": 0})
    # kept: breadcrumbs, rating targets, the generation, the regime settings
    with django_assert_num_queries(AUTH_QUERIES + 4):
        assert report_figures(client, world.province.pk) == first
    MemberRating.objects.create(
        member=world.giang, org=world.other_cell, year=2025, quarter=0, regime="QD366", level="HTXSNV"
    )
    # the page applies the queue itself (the report syncs), and keeps the new figures under the new generation
    second = report_figures(client, world.province.pk)
    assert (second["rated"], second["children"]) == (2, {"X01": 1, "X02": 1})
    assert report_figures(client, world.province.pk) == second


def test_the_report_follows_the_rule_settings(world: World, client_for) -> None:
    client = client_for("province_staff")
    for member, level in ((world.an, "HTXSNV"), (world.binh, "HTTNV"), (world.chau, "HTTNV")):
        MemberRating.objects.create(
            member=member, org=world.office_cell, year=2025, quarter=0, regime="QD366", level=level
        )
    sync()
    assert report_figures(client, world.province.pk)["quota"] == "1 / 2 = 50,0%, giới hạn 20%"
    RuleSetting.objects.create(regime="QD366", key="quota_ratio", value=0.5)
    assert report_figures(client, world.province.pk)["quota"] == "1 / 2 = 50,0%, giới hạn 50%"


def test_every_reader_gets_the_same_kept_report_with_their_own_breadcrumbs(world: World, client_for) -> None:
    MemberRating.objects.create(
        member=world.an, org=world.office_cell, year=2025, quarter=0, regime="QD366", level="HTTNV"
    )
    sync()
    province_staff, commune_staff = client_for("province_staff"), client_for("commune_staff")
    kept = report_figures(province_staff, world.commune.pk)
    assert report_figures(commune_staff, world.commune.pk) == kept
    assert report_figures(client_for("sysadmin"), world.commune.pk) == kept

    def crumbs(client: Client) -> list[tuple[str, bool]]:
        response = client.get(REPORT_URL, {"org": world.commune.pk, "nam": 2025})
        return [(crumb.code, crumb.linked) for crumb in response.context["crumbs"]]

    assert crumbs(province_staff) == [("T01", True)]
    assert crumbs(commune_staff) == [("T01", False)]


@pytest.mark.django_db(transaction=False)
def test_the_database_cache_keeps_the_tree_too(world: World, client_for, django_assert_num_queries) -> None:
    database_cache = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "test_cache"}}
    with override_settings(CACHES=database_cache):
        call_command("createcachetable", verbosity=0)
        client = client_for("province_staff")
        sync()
        assert tree_counts(client) == {"T01": 6, "X01": 5, "X02": 1}
        # kept: the generation, the cache's row, the children
        with django_assert_num_queries(AUTH_QUERIES + 3):
            assert tree_counts(client) == {"T01": 6, "X01": 5, "X02": 1}
        make_member(world.other_cell, "Đinh Văn Mới")
        sync()
        assert tree_counts(client) == {"T01": 7, "X01": 5, "X02": 2}


def test_a_bulk_load_with_the_triggers_off_moves_the_generation_too(world: World) -> None:
    sync()
    before = generation()
    assert before is not None
    with transaction.atomic(), paused():  # as `dangvu synth` and the demo load write
        make_member(world.village_cell, "Đinh Văn Mới")
    assert generation() == before + 1
