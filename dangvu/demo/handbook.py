"""Demo data of the member's handbook (sổ tay đảng viên) for the `dangvien` login: a draft
self-assessment in the open year (or, when no period is open, a submitted one for the last period), the
next cell meeting with its theme and two documents (a PDF and a DOCX, written under the documents
folder), a notice of the commune to its whole subtree, a question the secretary answered and one that
waits. Called by `demo_load` in its transaction after the meetings and ratings; deterministic (fixed
texts, dates from `today`, fixed file names); no audit rows.

The handbook tables are emptied first: `demo_reset` deletes members and organisations with raw SQL, and
the deferred foreign keys must find no row of a previous run at commit.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from hashlib import sha256
from zoneinfo import ZoneInfo

import docx
from django.conf import settings

from dangvu.accounts.models import User
from dangvu.evaluations.models import MemberRating, Period, PeriodStatus
from dangvu.evaluations.periods import PeriodKey
from dangvu.evaluations.regimes import regime_by_code
from dangvu.handbook.criteria import form_spec, total
from dangvu.handbook.models import AssessmentStatus, CellDocument, Notice, Question, RoleKind, SelfAssessment
from dangvu.handbook.queries import open_periods
from dangvu.meetings.models import Meeting, MeetingKind
from dangvu.members.models import Member
from dangvu.orgs.models import Org

DEMO_FOLDER = "demo"
THEME = "Học tập, quán triệt Nghị quyết Đại hội XIV của Đảng; kiểm điểm, đánh giá, xếp loại cuối năm"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# A one-page PDF without fonts or active content (the upload check would accept it).
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<<>>>>endobj\n"
    b"4 0 obj<</Length 0>>stream\n\nendstream endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class HandbookSummary:
    self_assessments: int = 0
    documents: int = 0
    notices: int = 0
    questions: int = 0


def _aware(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TZ)


def _docx_bytes() -> bytes:
    document = docx.Document()
    document.core_properties.created = datetime(2026, 1, 1)
    document.core_properties.modified = datetime(2026, 1, 1)
    document.add_heading("Đề cương sinh hoạt chi bộ", level=1)
    document.add_paragraph(THEME)
    document.add_paragraph("1. Quán triệt nội dung nghị quyết. 2. Liên hệ nhiệm vụ của chi bộ. 3. Thảo luận.")
    out = io.BytesIO()
    document.save(out)
    # The same bytes on every run: rewrite the archive with fixed member dates.
    fixed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as source, zipfile.ZipFile(fixed, "w") as target:
        for info in source.infolist():
            target.writestr(
                zipfile.ZipInfo(info.filename, (2026, 1, 1, 0, 0, 0)), source.read(info), zipfile.ZIP_DEFLATED
            )
    return fixed.getvalue()


def _write_file(relative: str, data: bytes) -> None:
    path = settings.HANDBOOK_DOCUMENTS_DIR / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _next_meeting_day(today: date) -> date:
    """The 5th of next month: the cell's regular meeting day in the demo."""
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first.replace(day=5)


def handbook_demo(*, cell: Org, commune: Org, member: Member | None, today: date) -> HandbookSummary:
    for model in (SelfAssessment, Question, Notice, CellDocument):
        model.objects.all().delete()
    folder = settings.HANDBOOK_DOCUMENTS_DIR / DEMO_FOLDER
    if folder.exists():
        shutil.rmtree(folder)
    summary = HandbookSummary()
    secretary = User.objects.filter(username="bithu").first()
    staff = User.objects.filter(username="xa").first()

    meeting = Meeting.objects.create(
        cell=cell, held_on=_next_meeting_day(today), kind=MeetingKind.THEMATIC, theme=THEME
    )
    documents = [
        ("Đề cương sinh hoạt chuyên đề", "De cuong sinh hoat chuyen de.docx", "docx", _docx_bytes(), meeting),
        ("Nghị quyết Đại hội XIV (trích)", "Nghi quyet Dai hoi XIV (trich).pdf", "pdf", DEMO_PDF, meeting),
        ("Nội quy sinh hoạt chi bộ", "Noi quy sinh hoat chi bo.pdf", "pdf", DEMO_PDF, None),
    ]
    rows = []
    for index, (title, filename, kind, data, linked) in enumerate(documents, start=1):
        relative = f"{DEMO_FOLDER}/{re.sub(r'[^A-Za-z0-9]+', '-', cell.code)}-{index}.{kind}"
        _write_file(relative, data)
        rows.append(
            CellDocument(
                cell=cell,
                meeting=linked,
                title=title,
                filename=filename,
                kind=kind,
                size=len(data),
                sha256=sha256(data).hexdigest(),
                stored_as=relative,
                uploaded_by=secretary,
            )
        )
    CellDocument.objects.bulk_create(rows)
    summary.documents = len(rows)

    Notice.objects.bulk_create(
        [
            Notice(
                org=commune,
                include_subtree=True,
                title="Lịch kiểm điểm, đánh giá, xếp loại cuối năm",
                body=(
                    "Các chi bộ hoàn thành kiểm điểm, đánh giá, xếp loại đảng viên trước ngày 15/12; đảng viên "
                    "nộp bản tự đánh giá trên Sổ tay đảng viên hoặc bản giấy cho bí thư chi bộ."
                ),
                published_on=today - timedelta(days=3),
                author=staff,
            ),
            Notice(
                org=cell,
                include_subtree=False,
                title="Thu đảng phí quý IV",
                body="Đồng chí đóng đảng phí tại buổi sinh hoạt hoặc trên Cổng Dịch vụ công quốc gia.",
                published_on=today - timedelta(days=10),
                author=secretary,
            ),
        ]
    )
    summary.notices = 2

    if member is None:
        return summary
    Question.objects.bulk_create(
        [
            Question(
                member=member,
                cell=cell,
                body="Buổi sinh hoạt chuyên đề tới có cần chuẩn bị bài phát biểu không?",
                answer="Đồng chí chuẩn bị ý kiến ngắn về liên hệ bản thân, khoảng 3 phút. Đề cương đã đưa lên sổ tay.",
                answered_at=_aware(today - timedelta(days=1), 20),
                answered_by=secretary,
            ),
            Question(member=member, cell=cell, body="Tôi muốn đăng ký học lớp lý luận chính trị sơ cấp năm tới."),
        ]
    )
    Question.objects.filter(member=member, answer="").update(asked_at=_aware(today, 7))
    Question.objects.filter(member=member).exclude(answer="").update(asked_at=_aware(today - timedelta(days=2), 19))
    summary.questions = 2
    summary.self_assessments = _self_assessments(member, cell, today)
    return summary


def _self_assessments(member: Member, cell: Org, today: date) -> int:
    """A draft in the open period, if any; a submitted one for the last published period with a rating."""
    written = 0
    for period in open_periods(member)[:1]:
        if period.not_rated:
            continue
        spec = form_spec(period.regime, RoleKind.NON_LEADER, period.key.quarter)
        scores = {"general": "27", "tasks": "58"} if spec.scored else {}
        SelfAssessment.objects.create(
            member=member,
            cell=cell,
            year=period.key.year,
            quarter=period.key.quarter,
            regime=period.regime.code,
            role_kind=RoleKind.NON_LEADER,
            scores=scores,
            score=total(spec, scores),
            conditions={"all_tasks_on_time": True, "late_within_20pct": True},
            tasks="Hoàn thành các nhiệm vụ được giao ở thôn: vận động nhân dân làm đường giao thông nông thôn; "
            "phụ trách 12 hộ gia đình.",
            strengths="Gương mẫu, nhiệt tình; dự đủ các buổi sinh hoạt.",
            shortcomings="",
            proposed_level="HTTNV",
            status=AssessmentStatus.DRAFT,
            entered_by=User.objects.filter(member=member).first(),
        )
        written += 1
    last = (
        Period.objects.filter(org_id__in=[*cell.ancestor_ids(), cell.pk], status=PeriodStatus.CLOSED)
        .order_by("-year", "-quarter")
        .first()
    )
    if last is not None:
        rating = MemberRating.objects.filter(member=member, year=last.year, quarter=last.quarter).first()
        key = PeriodKey(last.year, last.quarter)
        if rating is not None and not SelfAssessment.objects.filter(member=member, year=key.year, quarter=key.quarter):
            regime = regime_by_code(last.regime)
            spec = form_spec(regime, RoleKind.NON_LEADER, key.quarter)
            scores = {"general": "26", "tasks": "60"} if spec.scored else {}
            submitted = _aware(key.end - timedelta(days=3), 9)
            SelfAssessment.objects.create(
                member=member,
                cell=cell,
                year=key.year,
                quarter=key.quarter,
                regime=regime.code,
                role_kind=RoleKind.NON_LEADER,
                scores=scores,
                score=total(spec, scores) if spec.scored else None,
                conditions={"all_tasks_on_time": True, "late_within_20pct": True},
                tasks="Hoàn thành nhiệm vụ được giao trong kỳ.",
                strengths="Đoàn kết, gương mẫu.",
                shortcomings="Còn ít tham gia ý kiến trong sinh hoạt.",
                proposed_level=rating.level or "HTTNV",
                status=AssessmentStatus.SUBMITTED,
                submitted_at=submitted,
                entered_by=User.objects.filter(member=member).first(),
                submitted_by=User.objects.filter(member=member).first(),
            )
            written += 1
    return written
