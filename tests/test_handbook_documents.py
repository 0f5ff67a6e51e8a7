"""Cell documents of the handbook: only PDF and DOCX, recognised by their content (a renamed
executable is refused), within the size limit, with a clean file name; kept under the data folder
and served only to the cell's members and its committees, as an attachment with its own type and
`nosniff`."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dangvu.accounts.models import Role
from dangvu.audit.models import AuditRecord
from dangvu.handbook.models import CellDocument
from dangvu.handbook.services import document_path
from dangvu.handbook.uploads import (
    DOCX,
    ERR_ACTIVE_PDF,
    ERR_MACRO,
    ERR_TOO_LARGE,
    ERR_TYPE,
    PDF,
    UploadRefused,
    check_upload,
    detect_kind,
    sanitise_filename,
)
from dangvu.meetings.models import Meeting
from tests.factories import World, make_user

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program cannot be run in DOS mode."


def docx_bytes(text: str = "Tài liệu sinh hoạt chi bộ") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


# The pure checks -----------------------------------------------------------------------------------------


def test_pdf_and_docx_are_recognised_by_their_content() -> None:
    assert detect_kind(MINIMAL_PDF) == PDF
    assert detect_kind(docx_bytes()) == DOCX


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (EXE, ERR_TYPE),  # a renamed .exe
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ERR_TYPE),  # an old .doc
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, ERR_TYPE),
        (b"<html><script>alert(1)</script></html>", ERR_TYPE),
        (zip_bytes({"a.txt": b"x"}), ERR_TYPE),  # a zip that is no Word document
        (
            zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>", "word/vbaProject.bin": b"x"}),
            ERR_MACRO,
        ),
        (zip_bytes({"[Content_Types].xml": b"macroEnabled", "word/document.xml": b"<w/>"}), ERR_MACRO),
        (
            MINIMAL_PDF.replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>"),
            ERR_ACTIVE_PDF,
        ),
        (MINIMAL_PDF.replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/Launch/F(cmd.exe)>>"), ERR_ACTIVE_PDF),
    ],
)
def test_anything_else_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(UploadRefused) as refused:
        detect_kind(data)
    assert str(refused.value) == message


def test_a_renamed_executable_is_refused_whatever_its_name() -> None:
    for name in ("bien-ban.pdf", "tai-lieu.docx", "x.PDF"):
        with pytest.raises(UploadRefused, match="không phải PDF hay DOCX"):
            check_upload(name, EXE, max_bytes=10_000_000)


def test_the_size_limit_is_checked_before_the_content() -> None:
    with pytest.raises(UploadRefused) as refused:
        check_upload("a.pdf", MINIMAL_PDF + b"0" * 2_000_000, max_bytes=1024 * 1024)
    assert str(refused.value) == ERR_TOO_LARGE.format(size="1,9", limit="1")


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("Nghị quyết tháng 11.pdf", PDF, "Nghị quyết tháng 11.pdf"),
        ("../../etc/passwd.pdf", PDF, "passwd.pdf"),
        ("C:\\Users\\bt\\Báo cáo\x00 quý 4.docx", DOCX, "Báo cáo quý 4.docx"),
        ('<script>alert("x")</script>.pdf', PDF, "script.pdf"),  # "/" is a folder: the last part stays
        ('Báo cáo <b>"x"|*?.pdf', PDF, "Báo cáo _b__x.pdf"),
        ("virus.exe", PDF, "virus.pdf"),  # the extension is the real type's
        ("tai lieu.pdf.exe", DOCX, "tai lieu.pdf.docx"),
        ("", PDF, "tai-lieu.pdf"),
        ("...", DOCX, "tai-lieu.docx"),
        ("a\r\nContent-Type: text.pdf", PDF, "aContent-Type_ text.pdf"),
        ("x" * 300 + ".pdf", PDF, "x" * 116 + ".pdf"),
        ("Nghi\u0323 quyê\u0301t.pdf", PDF, "Nghị quyết.pdf"),  # decomposed accents become NFC
    ],
)
def test_file_names_are_sanitised(name: str, kind: str, expected: str) -> None:
    assert sanitise_filename(name, kind) == expected


# Upload and download -------------------------------------------------------------------------------------


@pytest.fixture
def docs_dir(settings, tmp_path: Path) -> Path:
    settings.HANDBOOK_DOCUMENTS_DIR = tmp_path / "tai-lieu"
    settings.HANDBOOK_UPLOAD_MAX_BYTES = 64 * 1024
    return tmp_path / "tai-lieu"


def upload(client: Client, cell_pk: int, name: str, data: bytes, **extra: object):
    return client.post(
        reverse("handbook:upload", args=[cell_pk]),
        {"title": "", "file": SimpleUploadedFile(name, data, content_type="application/pdf"), **extra},
    )


def test_the_secretary_uploads_a_pdf_for_a_meeting_and_the_member_downloads_it(
    world: World, client_for, docs_dir: Path
) -> None:
    meeting = Meeting.objects.create(cell=world.office_cell, held_on="2026-12-05", theme="Học tập Nghị quyết")
    response = upload(
        client_for("secretary"), world.office_cell.pk, "../Nghị quyết số 5.pdf", MINIMAL_PDF, meeting=meeting.pk
    )
    assert response.status_code == 302
    doc = CellDocument.objects.get()
    assert (doc.filename, doc.kind, doc.size, doc.meeting) == ("Nghị quyết số 5.pdf", "pdf", len(MINIMAL_PDF), meeting)
    path = document_path(doc)
    assert path.is_relative_to(docs_dir) and path.read_bytes() == MINIMAL_PDF
    assert AuditRecord.objects.filter(target_type="celldocument", target_id=doc.pk).exists()
    member = client_for("member")
    page = member.get(reverse("handbook:cell")).content.decode()
    assert "Học tập Nghị quyết" in page and reverse("handbook:document", args=[doc.pk]) in page
    response = member.get(reverse("handbook:document", args=[doc.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Ngh%E1%BB%8B%20quy%E1%BA%BFt%20s%E1%BB%91%205.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_docx_is_served_as_word(world: World, client_for, docs_dir: Path) -> None:
    data = docx_bytes()
    assert upload(client_for("secretary"), world.office_cell.pk, "bien ban.docx", data).status_code == 302
    doc = CellDocument.objects.get()
    response = client_for("member").get(reverse("handbook:document", args=[doc.pk]))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_a_renamed_executable_and_an_oversized_file_are_refused_and_nothing_is_kept(
    world: World, client_for, docs_dir: Path
) -> None:
    secretary = client_for("secretary")
    response = upload(secretary, world.office_cell.pk, "tai-lieu.pdf", EXE)
    assert response.status_code == 400 and "không phải PDF hay DOCX" in response.content.decode()
    response = upload(secretary, world.office_cell.pk, "lon.pdf", MINIMAL_PDF + b"0" * 70 * 1024)
    assert response.status_code == 400 and "Tệp quá lớn" in response.content.decode()
    assert not CellDocument.objects.exists()
    assert not docs_dir.exists() or not any(p.is_file() for p in docs_dir.rglob("*"))


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("outsider", 404), ("member", 404)])
def test_only_editors_of_the_cell_upload(world: World, client_for, docs_dir: Path, persona: str, status: int) -> None:
    if persona == "viewer":
        # a viewer reads the cell's handbook page but may not put anything up
        assert client_for(persona).get(reverse("handbook:manage_cell", args=[world.office_cell.pk])).status_code == 200
    assert upload(client_for(persona), world.office_cell.pk, "a.pdf", MINIMAL_PDF).status_code == status
    assert not CellDocument.objects.exists()


def test_a_document_is_served_only_to_the_cell_and_its_committees(world: World, client_for, docs_dir: Path) -> None:
    upload(client_for("secretary"), world.office_cell.pk, "a.pdf", MINIMAL_PDF)
    url = reverse("handbook:document", args=[CellDocument.objects.get().pk])
    for persona, status in (("member", 200), ("secretary", 200), ("commune_staff", 200), ("viewer", 200)):
        assert client_for(persona).get(url).status_code == status, persona
    assert client_for("outsider").get(url).status_code == 404
    # a member of another cell, and the secretary of the sibling cell
    for user in (
        make_user("giang", Role.MEMBER, member=world.giang),
        make_user("dung", Role.MEMBER, member=world.dung),
        make_user("kinhte", Role.SECRETARY, world.economy_cell),
    ):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 404, user.username


def test_a_removed_document_is_no_longer_served(world: World, client_for, docs_dir: Path) -> None:
    upload(client_for("secretary"), world.office_cell.pk, "a.pdf", MINIMAL_PDF)
    doc = CellDocument.objects.get()
    assert client_for("outsider").post(reverse("handbook:document_remove", args=[doc.pk])).status_code == 404
    assert client_for("secretary").post(reverse("handbook:document_remove", args=[doc.pk])).status_code == 302
    assert client_for("member").get(reverse("handbook:document", args=[doc.pk])).status_code == 404
    assert AuditRecord.objects.filter(target_type="celldocument", action="delete").count() == 1
