"""Emulation registrations, commitments and initiatives: their shares feed the targets; the `plans` command
prints the same figures as json, csv and text."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO

from django.core.management import call_command

from dangvu.plans.models import Assessment, InitiativeLevel, Registration, RegistrationKind, Target, TargetKind
from dangvu.plans.progress import target_progress
from dangvu.plans.status import Status
from tests.factories import World


def _register(world: World) -> None:
    Registration.objects.create(
        year=2026,
        kind=RegistrationKind.INITIATIVE,
        org=world.village_cell,
        text="Cách làm “Chi bộ số”",
        registered_on=date(2026, 1, 15),
        assessment=Assessment.DONE,
        level=InitiativeLevel.GRASSROOTS,
        has_product=True,
    )
    for member in (world.an, world.binh, world.chau, world.dung):
        Registration.objects.create(
            year=2026,
            kind=RegistrationKind.COMMITMENT,
            member=member,
            text="Cam kết tu dưỡng, rèn luyện",
            registered_on=date(2026, 1, 15),
            assessment=Assessment.NOT_DONE if member == world.dung else Assessment.DONE,
        )
    # Another commune's registration never counts here.
    Registration.objects.create(
        year=2026,
        kind=RegistrationKind.COMMITMENT,
        member=world.giang,
        text="Cam kết",
        registered_on=date(2026, 1, 15),
    )


def test_commitments_count_as_a_share_of_the_members_on_the_roll(world: World) -> None:
    _register(world)
    target = Target.objects.create(
        org=world.commune, year_from=2026, year_to=2026, kind=TargetKind.MEMBERS_REGISTERED, low=Decimal(80)
    )
    progress = target_progress(target, date(2026, 12, 31))
    own = progress["rows"][0]
    assert (own["numerator"], own["denominator"], own["actual_text"]) == (4, 5, "80,0%")
    assert own["status"] == Status.MET
    village = next(r for r in progress["rows"] if r["pk"] == world.village_cell.pk)
    assert village["actual_text"] == "0,0%" and village["status"] == Status.AT_RISK


def test_the_command_prints_targets_and_inspections(world: World) -> None:
    _register(world)
    Target.objects.create(
        org=world.commune, year_from=2026, year_to=2026, kind=TargetKind.ORGS_REGISTERED, low=Decimal(50)
    )
    out = StringIO()
    call_command("plans", "targets", org="X01", year=2026, format="json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["targets"][0]["actual"] == 50.0 and data["targets"][0]["status"] == "met"
    out = StringIO()
    call_command("plans", "targets", org="X01", year=2026, format="csv", stdout=out)
    assert out.getvalue().splitlines()[0].startswith("target,goal,years")
    out = StringIO()
    call_command("plans", "inspections", org="X01", year=2026, format="text", stdout=out)
    assert out.getvalue() == ""


def test_a_failed_commitment_shows_on_the_rating_grid(world: World, client_for) -> None:
    _register(world)
    url = f"/danh-gia/2026/0/chi-bo/{world.economy_cell.pk}/"
    body = client_for("commune_staff").get(url).content.decode()
    assert "Không hoàn thành cam kết tu dưỡng, rèn luyện năm 2026" in body  # Dũng
    body = client_for("commune_staff").get(f"/danh-gia/2026/0/chi-bo/{world.office_cell.pk}/").content.decode()
    assert "Không hoàn thành cam kết" not in body


def test_the_api_returns_the_targets_in_scope_only(world: World, client_for) -> None:
    _register(world)
    Target.objects.create(
        org=world.commune, year_from=2026, year_to=2026, kind=TargetKind.ORGS_REGISTERED, low=Decimal(50)
    )
    data = client_for("commune_staff").get("/api/v1/plans/targets", {"org": "X01", "year": 2026}).json()
    assert data["targets"][0]["goal"] == "≥ 50%" and data["targets"][0]["actual"] == 50.0
    assert client_for("outsider").get("/api/v1/plans/targets", {"org": "X01", "year": 2026}).status_code == 404
    insp = client_for("commune_staff").get("/api/v1/plans/inspections", {"org": "X01", "year": 2026})
    assert insp.status_code == 200 and insp.json()["inspections"] == []


def test_a_secretary_registers_and_assesses_in_scope(world: World, client_for) -> None:
    client = client_for("commune_staff")
    add = f"/ke-hoach/dang-ky/them/?org={world.commune.pk}&nam=2026"
    data = {
        "kind": "initiative",
        "org": world.agency.pk,
        "text": "Mô hình “Dân vận khéo”",
        "registered_on": "2026-01-20",
    }
    assert client.post(add, data).status_code == 302
    row = Registration.objects.get()
    assert row.year == 2026
    assess = f"/ke-hoach/dang-ky/{row.pk}/danh-gia/"
    assert client.post(assess, {"assessment": "done", "level": "upper", "has_product": "on"}).status_code == 302
    row.refresh_from_db()
    assert (row.assessment, row.level, row.has_product) == ("done", "upper", True)
    listing = client.get(f"/ke-hoach/dang-ky/?org={world.commune.pk}&nam=2026").content.decode()
    assert "Mô hình “Dân vận khéo”" in listing and "có sản phẩm cụ thể" in listing
    assert client_for("outsider").get(assess).status_code == 404
    assert client_for("outsider").get(f"/ke-hoach/dang-ky/?org={world.commune.pk}&nam=2026").status_code == 404


def test_the_text_output_reads_in_vietnamese(world: World) -> None:
    _register(world)
    Target.objects.create(
        org=world.commune, year_from=2026, year_to=2026, kind=TargetKind.MEMBERS_REGISTERED, low=Decimal(80)
    )
    out = StringIO()
    call_command("plans", "targets", org="X01", year=2026, format="text", stdout=out)
    assert "— Đảng bộ xã An Phú: 4/5 (80,0%)" in out.getvalue().splitlines()[0]


def test_the_registrations_in_the_api_and_the_command_are_the_pages(world: World, client_for) -> None:
    import io
    import json

    from django.core.management import call_command

    _register(world)
    data = client_for("viewer").get("/api/v1/plans/registrations", {"org": "X01", "year": 2026}).json()
    rows = data["registrations"]
    # The other commune's commitment (Giang) is not in X01's subtree.
    assert len(rows) == 5 and "Võ Thị Giang" not in [r["member"] for r in rows]
    initiative = next(r for r in rows if r["kind"] == "initiative")
    assert (initiative["org_code"], initiative["level"], initiative["has_product"]) == ("X01-02", "grassroots", True)
    dung = next(r for r in rows if r["member"] == "Phạm Văn Dũng")
    assert (dung["card_number"], dung["org_code"], dung["assessment_label"]) == (
        "10000004",
        "X01-01-02",
        "Không hoàn thành",
    )
    assert client_for("outsider").get("/api/v1/plans/registrations", {"org": "X01", "year": 2026}).status_code == 404
    out = io.StringIO()
    call_command("plans", "registrations", org="X01", year=2026, format="json", stdout=out)
    assert json.loads(out.getvalue())["registrations"] == rows
    out = io.StringIO()
    call_command("plans", "registrations", org="X01", year=2026, format="text", stdout=out)
    assert (
        "Cam kết tu dưỡng, rèn luyện: Phạm Văn Dũng — Cam kết tu dưỡng, rèn luyện — Không hoàn thành" in out.getvalue()
    )
