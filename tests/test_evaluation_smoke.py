from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from dangvu.evaluations.models import MemberRating
from dangvu.evaluations.periods import PeriodKey
from dangvu.evaluations.services import GridError, RowInput, period_close, period_open, ratings_save
from tests.factories import World


@time_machine.travel("2026-01-10")
def test_a_secretary_rates_her_cell_and_a_contradiction_is_stored_as_a_finding(world: World) -> None:
    key = PeriodKey(2025)
    period_open(actor=world.secretary, org=world.office_cell, year=2025)
    rows = [
        RowInput(world.an.pk, score=Decimal("92"), level="HTXSNV"),
        RowInput(world.binh.pk, score=Decimal("75"), level="HTXSNV"),
    ]
    results = ratings_save(actor=world.secretary, subject="member", container=world.office_cell, key=key, rows=rows)
    assert [r.allowed_level for r in results] == ["HTXSNV", "HTTNV"]
    assert results[0].findings == []
    assert results[1].findings[0]["article"] == "QĐ 366-QĐ/TW, Điều 11"
    assert MemberRating.objects.get(member=world.binh).level == "HTXSNV"


@time_machine.travel("2026-01-10")
def test_a_published_period_needs_reason_and_decision_to_change(world: World) -> None:
    key = PeriodKey(2025)
    period = period_open(actor=world.secretary, org=world.office_cell, year=2025)
    ratings_save(
        actor=world.secretary,
        subject="member",
        container=world.office_cell,
        key=key,
        rows=[RowInput(world.an.pk, score=Decimal("80"), level="HTTNV")],
    )
    period_close(actor=world.secretary, period=period)
    with pytest.raises(GridError):
        ratings_save(
            actor=world.secretary,
            subject="member",
            container=world.office_cell,
            key=key,
            rows=[RowInput(world.an.pk, score=Decimal("60"), level="HTNV")],
        )
    ratings_save(
        actor=world.secretary,
        subject="member",
        container=world.office_cell,
        key=key,
        rows=[
            RowInput(
                world.an.pk, score=Decimal("60"), level="HTNV", rerate_reason="Sai sót", rerate_decision="05-QĐ/ĐU"
            )
        ],
    )
    rating = MemberRating.objects.get(member=world.an)
    assert rating.rerated and rating.level == "HTNV"


@time_machine.travel("2026-01-10")
def test_no_rating_without_an_open_period(world: World) -> None:
    with pytest.raises(ValidationError):
        ratings_save(
            actor=world.secretary,
            subject="member",
            container=world.office_cell,
            key=PeriodKey(2025),
            rows=[RowInput(world.an.pk, score=Decimal("80"), level="HTTNV")],
        )
