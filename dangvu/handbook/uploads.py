"""What a document upload must be before it is kept: a PDF or a DOCX, recognised by its content, not
by its name; within the size limit; with a clean file name. Pure code over bytes.

- PDF: starts with "%PDF-"; refused when it carries active content (/JavaScript, /Launch).
- DOCX: a ZIP archive holding "[Content_Types].xml" and "word/document.xml", no macros
  (vbaProject.bin: that is a .docm), no encrypted or absurdly compressed member (a "zip bomb").
Anything else (a renamed .exe, an old .doc, an image) is refused. The name the user gave is kept
only as a display name: stripped of folders and control characters, with the extension of the type
found in the content.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

PDF, DOCX = "pdf", "docx"
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# A DOCX whose members would unpack to more than this is refused (compression ratios of real
# documents stay far below; a zip bomb does not).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 2000
MAX_NAME_LENGTH = 120

ERR_EMPTY = "Tệp rỗng."
ERR_TOO_LARGE = "Tệp quá lớn: {size} MB, tối đa {limit} MB."
ERR_TYPE = "Chỉ nhận tệp PDF hoặc Word (.docx); nội dung tệp này không phải PDF hay DOCX."
ERR_ACTIVE_PDF = "Tệp PDF có mã lệnh tự chạy (JavaScript hoặc lệnh mở chương trình); không nhận."
ERR_MACRO = "Tệp Word có macro; chỉ nhận .docx không có macro."
ERR_BROKEN_DOCX = "Tệp Word bị hỏng hoặc được mã hóa; hãy lưu lại thành .docx rồi tải lên."

_UNSAFE = re.compile(r"[^\w\s.\-()\[\],+&']", re.UNICODE)
_SPACES = re.compile(r"\s+")


class UploadRefused(ValueError):
    """The upload is not kept; the message is Vietnamese, for the user."""


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    filename: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


def mb_text(size: int) -> str:
    """10485760 -> "10"; 1572864 -> "1,5"."""
    value = round(size / (1024 * 1024), 1)
    return (f"{value:.1f}".rstrip("0").rstrip(".")).replace(".", ",")


def detect_kind(data: bytes) -> str:
    """PDF or DOCX from the content, or UploadRefused."""
    if data.startswith(b"%PDF-"):
        if b"/JavaScript" in data or b"/Launch" in data:
            raise UploadRefused(ERR_ACTIVE_PDF)
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _check_docx(data)
    raise UploadRefused(ERR_TYPE)


def _check_docx(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if len(infos) > MAX_ZIP_MEMBERS:
                raise UploadRefused(ERR_BROKEN_DOCX)
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise UploadRefused(ERR_TYPE)
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise UploadRefused(ERR_MACRO)
            if any(info.flag_bits & 0x1 for info in infos):  # encrypted member
                raise UploadRefused(ERR_BROKEN_DOCX)
            if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
                raise UploadRefused(ERR_BROKEN_DOCX)
            content_types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, KeyError) as exc:
        raise UploadRefused(ERR_BROKEN_DOCX) from exc
    if b"macroEnabled" in content_types:
        raise UploadRefused(ERR_MACRO)
    return DOCX


def sanitise_filename(name: str, kind: str) -> str:
    """A display name safe in a header and on any disk: no folders, no control or shell characters,
    Vietnamese letters kept (NFC), at most MAX_NAME_LENGTH characters, ending in the real extension."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = _UNSAFE.sub("_", stem)
    stem = _SPACES.sub(" ", stem).strip(" ._-")
    if not stem:
        stem = "tai-lieu"
    stem = stem[: MAX_NAME_LENGTH - len(kind) - 1].rstrip(" ._-") or "tai-lieu"
    return f"{stem}.{kind}"


def check_upload(name: str, data: bytes, *, max_bytes: int) -> CheckedUpload:
    if not data:
        raise UploadRefused(ERR_EMPTY)
    if len(data) > max_bytes:
        raise UploadRefused(ERR_TOO_LARGE.format(size=mb_text(len(data)), limit=mb_text(max_bytes)))
    kind = detect_kind(data)
    return CheckedUpload(kind, sanitise_filename(name, kind))
