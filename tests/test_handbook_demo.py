"""`dangvu demo` fills the handbook of the `dangvien` login: a draft self-assessment in the open year, a
submitted one for the last published period, the next meeting with its documents, notices, a question
answered and one waiting; the same data on a second run."""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from dangvu.accounts.models import User
from dangvu.handbook.models import AssessmentStatus, CellDocument, Notice, Question, SelfAssessment

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


def run_demo() -> None:
    call_command("demo", members=300, seed=2026, today=TODAY, stdout=StringIO())


def snapshot() -> tuple[Any, ...]:
    return (
        sorted(SelfAssessment.objects.values_list("member__citizen_id", "year", "quarter", "status", "score")),
        sorted(CellDocument.objects.values_list("title", "filename", "kind", "size", "sha256", "stored_as")),
        sorted(Notice.objects.values_list("org__code", "title", "published_on")),
        sorted(Question.objects.values_list("member__citizen_id", "body", "answer")),
    )


def test_the_demo_member_has_a_filled_handbook(settings, tmp_path: Path) -> None:
    settings.HANDBOOK_DOCUMENTS_DIR = tmp_path
    run_demo()
    user = User.objects.get(username="dangvien")
    assert user.member is not None
    own = SelfAssessment.objects.filter(member=user.member)
    assert {(a.year, a.quarter, a.status) for a in own} == {
        (2026, 0, AssessmentStatus.DRAFT),
        (2026, 3, AssessmentStatus.SUBMITTED),
    }
    client = Client()
    client.force_login(user)
    home = client.get(reverse("handbook:home")).content.decode()
    assert "Năm 2026" in home and "Bản nháp" in home
    cell = client.get(reverse("handbook:cell")).content.decode()
    assert "Đề cương sinh hoạt chuyên đề" in cell and "Lịch kiểm điểm, đánh giá, xếp loại cuối năm" in cell
    doc = CellDocument.objects.get(kind="docx")
    response = client.get(reverse("handbook:document", args=[doc.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    questions = client.get(reverse("handbook:questions")).content.decode()
    assert "khoảng 3 phút" in questions and "Chờ trả lời" in questions
    assert client.get(reverse("handbook:assessment", args=[2026, 0])).status_code == 200
    first = snapshot()
    run_demo()
    assert snapshot() == first
    assert sorted(p.name for p in (tmp_path / "demo").iterdir()) == sorted(
        Path(d.stored_as).name for d in CellDocument.objects.all()
    )
