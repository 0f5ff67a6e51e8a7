"""Model cells (chi bộ kiểu mẫu): the committee's criteria are data it edits, a cell is assessed against
them and proposed, then recognised by a decision; the list and count of recognised cells per subtree."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangvu.meetings.models import AssessmentStatus, ModelCellAssessment, ModelCellCriterion
from dangvu.meetings.queries import recognised
from dangvu.meetings.services import assessment_propose, assessment_recognise, criterion_add
from tests.factories import World


def test_criteria_are_rows_each_committee_keeps(world: World, client_for) -> None:
    client = client_for("commune_staff")
    url = reverse("meetings:criterion_create", args=[world.commune.pk])
    assert client.post(url, {"text": "100% đảng viên dự sinh hoạt", "position": 1}).status_code == 302
    assert client.post(url, {"text": "Không có đảng viên vi phạm", "position": 2}).status_code == 302
    criteria = list(ModelCellCriterion.objects.filter(committee=world.commune).values_list("text", flat=True))
    assert criteria == ["100% đảng viên dự sinh hoạt", "Không có đảng viên vi phạm"]
    criterion = ModelCellCriterion.objects.get(position=2)
    client.post(reverse("meetings:criterion_toggle", args=[criterion.pk]))
    criterion.refresh_from_db()
    assert criterion.active is False
    page = client.get(reverse("meetings:model_cells"), {"org": world.commune.pk}).content.decode()
    assert "100% đảng viên dự sinh hoạt" in page and "ngừng áp dụng" in page


def test_only_staff_in_scope_edit_the_criteria(world: World, client_for) -> None:
    url = reverse("meetings:criterion_create", args=[world.commune.pk])
    assert client_for("secretary").post(url, {"text": "x", "position": 1}).status_code == 403
    assert client_for("viewer").post(url, {"text": "x", "position": 1}).status_code == 403
    assert client_for("outsider").post(url, {"text": "x", "position": 1}).status_code == 404
    assert not ModelCellCriterion.objects.exists()


def test_a_cell_is_proposed_then_recognised_and_counted(world: World, client_for) -> None:
    first = criterion_add(actor=None, committee=world.commune, text="Sinh hoạt đủ 12 tháng", position=1)
    second = criterion_add(actor=None, committee=world.commune, text="Hoàn thành chỉ tiêu", position=2)
    client = client_for("commune_staff")
    client.post(
        reverse("meetings:assessment_create", args=[world.commune.pk]),
        {"cell": world.office_cell.pk, "period_from": "2025-01-01", "period_to": "2025-12-31", f"c-{first.pk}": "on"},
    )
    assessment = ModelCellAssessment.objects.get()
    assert dict(assessment.items.values_list("criterion_id", "met")) == {first.pk: True, second.pk: False}
    assert assessment.status == AssessmentStatus.PROPOSED
    assert list(recognised(world.commune)) == []
    client.post(
        reverse("meetings:recognise", args=[assessment.pk]),
        {"number": "15-QĐ/ĐU", "decided_on": "2026-01-20", "org": world.commune.pk},
    )
    assessment.refresh_from_db()
    assert (assessment.status, assessment.decision_number, assessment.decision_on) == (
        AssessmentStatus.RECOGNISED,
        "15-QĐ/ĐU",
        date(2026, 1, 20),
    )
    assert list(recognised(world.commune)) == [assessment]
    assert list(recognised(world.village_cell)) == []
    page = client.get(reverse("meetings:model_cells"), {"org": world.commune.pk}).content.decode()
    assert "15-QĐ/ĐU" in page
    assert client_for("outsider").get(reverse("meetings:model_cells"), {"org": world.commune.pk}).status_code == 404


def test_it_refuses_a_recognition_without_a_decision_or_twice(world: World) -> None:
    assessment = assessment_propose(
        actor=None, cell=world.office_cell, period_from=date(2025, 1, 1), period_to=date(2025, 12, 31), met={}
    )
    with pytest.raises(ValidationError):
        assessment_recognise(actor=None, assessment=assessment, number="", decided_on=date(2026, 1, 1))
    assessment_recognise(actor=None, assessment=assessment, number="3", decided_on=date(2026, 1, 1))
    with pytest.raises(ValidationError):
        assessment_recognise(actor=None, assessment=assessment, number="4", decided_on=date(2026, 1, 2))
    with pytest.raises(ValidationError):
        assessment_propose(
            actor=None, cell=world.agency, period_from=date(2025, 1, 1), period_to=date(2025, 12, 31), met={}
        )
