"""Import pages: upload → job → progress JSON → result → commit; who may import what; templates."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dangvu.exchange import jobs
from dangvu.exchange.models import ImportJob, JobStatus
from dangvu.members.models import Member
from tests.factories import World, build_world

HEADERS = ["Số thẻ đảng viên", "Họ và tên", "Giới tính", "Ngày sinh", "Mã chi bộ", "Ngày vào Đảng", "Ngày lễ kết nạp"]
GOOD = ["0300001", "Đỗ Văn Nhập", "Nam", "02/03/1988", "X01-01-01", "01/03/2015", "20/03/2015"]


def csv_upload(*rows: list[Any], name: str = "dang-vien.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    csv.writer(out).writerows([HEADERS, *rows])
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8-sig"), content_type="text/csv")


@pytest.fixture
def inline(settings: Any, tmp_path: Path) -> None:
    settings.EXCHANGE_RUN_INLINE = True
    settings.DATA_DIR = tmp_path


def upload(client: Client, kind: str = "members", *rows: list[Any]) -> Any:
    return client.post(reverse("exchange:imports"), {"kind": kind, "file": csv_upload(*(rows or [GOOD]))})


@pytest.mark.django_db
def test_upload_dry_run_progress_result_and_commit(world: World, client_for: Any, inline: None) -> None:
    client = client_for("commune_staff")
    response = upload(client)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("exchange:job", args=[job.pk])
    assert job.status == JobStatus.DRY_RUN_DONE and job.new == 1 and job.user == world.commune_staff
    assert Path(job.stored_path).read_bytes().startswith(b"\xef\xbb\xbf") and len(job.sha256) == 64
    assert not Member.objects.filter(card_number="0300001").exists()

    progress = client.get(reverse("exchange:job_progress", args=[job.pk])).json()
    assert progress["finished"] and progress["percent"] == 100 and progress["counts"]["new"] == 1

    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "Ghi vào cơ sở dữ liệu" in page and "disabled" not in page.split("Ghi vào cơ sở dữ liệu")[0][-80:]

    response = client.post(reverse("exchange:job_commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.COMMITTED and set(job.timings) == {"dry_run", "commit"}
    assert Member.objects.get(card_number="0300001").current_org == world.office_cell
    assert "Đã ghi vào cơ sở dữ liệu" in client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert client.post(reverse("exchange:job_commit", args=[job.pk])).status_code == 302  # a second commit: no-op
    assert Member.objects.filter(card_number="0300001").count() == 1


@pytest.mark.django_db
def test_a_file_with_errors_shows_them_and_cannot_be_committed(world: World, client_for: Any, inline: None) -> None:
    client = client_for("commune_staff")
    bad = [*GOOD[:4], "KHONG-CO", *GOOD[5:]]
    upload(client, "members", bad)
    job = ImportJob.objects.get()
    assert job.status == JobStatus.REJECTED
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "Không có tổ chức mã “KHONG-CO”" in page and "<td>2</td><td>Mã chi bộ</td>" in page
    client.post(reverse("exchange:job_commit", args=[job.pk]))
    assert not Member.objects.filter(card_number="0300001").exists()


@pytest.mark.django_db
def test_who_may_import_what(world: World, client_for: Any, inline: None) -> None:
    assert client_for("viewer").get(reverse("exchange:imports")).status_code == 403
    assert client_for("member").get(reverse("exchange:imports")).status_code == 404
    secretary = client_for("secretary")
    assert secretary.get(reverse("exchange:imports")).status_code == 200
    response = upload(secretary, "orgs")  # organisations need ORG_EDITORS
    assert response.status_code == 200 and not ImportJob.objects.exists()
    assert secretary.get(reverse("exchange:template", args=["orgs"])).status_code == 404
    upload(client_for("commune_staff"))
    job = ImportJob.objects.get()
    assert client_for("outsider").get(reverse("exchange:job", args=[job.pk])).status_code == 404
    assert client_for("outsider").get(reverse("exchange:job_progress", args=[job.pk])).status_code == 404
    assert client_for("outsider").post(reverse("exchange:job_commit", args=[job.pk])).status_code == 404
    assert client_for("sysadmin").get(reverse("exchange:job", args=[job.pk])).status_code == 200
    history = client_for("commune_staff").get(reverse("exchange:imports")).content.decode()
    assert "dang-vien.csv" in history
    assert "dang-vien.csv" not in client_for("outsider").get(reverse("exchange:imports")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["orgs", "members", "events", "ratings"])
def test_the_template_opens_with_headers_sample_validations_and_guide(world: World, client_for: Any, kind: str) -> None:
    response = client_for("province_staff").get(reverse("exchange:template", args=[kind]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["Dữ liệu"]
    headers = [c.value for c in sheet[1] if c.value]
    from dangvu.exchange.kinds import KINDS

    assert headers == [c.header for c in KINDS[kind].columns]
    assert any(c.value not in (None, "") for c in sheet[2])
    coded = [c.header for c in KINDS[kind].columns if c.choices]
    assert len(sheet.data_validations.dataValidation) == len(coded) > 0
    assert "Hướng dẫn" in book.sheetnames
    guide = [row[0] for row in book["Hướng dẫn"].iter_rows(values_only=True)]
    assert any(str(text).startswith(headers[0]) for text in guide if text)


@pytest.mark.django_db
def test_a_stale_running_job_is_marked_failed(world: World, client_for: Any, inline: None) -> None:
    job = ImportJob.objects.create(user=world.commune_staff, kind="members", filename="x.csv", sha256="0" * 64)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, updated_at="2020-01-01T00:00:00Z")
    client_for("commune_staff").get(reverse("exchange:imports"))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "khởi động lại" in job.failure


@pytest.mark.django_db(transaction=True)
def test_the_background_thread_runs_the_job_with_its_own_connection(settings: Any, tmp_path: Path) -> None:
    settings.EXCHANGE_RUN_INLINE = False
    settings.DATA_DIR = tmp_path
    world = build_world()
    data = csv_upload(GOOD).read()
    job = jobs.store_upload([data], filename="nen.csv", kind="members", user=world.commune_staff)
    thread = jobs.start(job, commit=False)
    assert thread is not None
    thread.join(timeout=30)
    job.refresh_from_db()
    assert job.status == JobStatus.DRY_RUN_DONE and job.new == 1
    thread = jobs.start(job, commit=True)
    assert thread is not None
    thread.join(timeout=30)
    job.refresh_from_db()
    assert job.status == JobStatus.COMMITTED
    assert Member.objects.filter(card_number="0300001").exists()
