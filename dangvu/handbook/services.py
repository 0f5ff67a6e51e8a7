"""Writes of the handbook, each with its audit row in the same transaction.

Self-assessment (QĐ 366, Điều 12, step one "cá nhân tự đánh giá"): the member (or, for a member who
cannot use the app, a secretary of the cell — the record then says who typed it) saves a draft and
submits it while an evaluation period covering the cell is open; a submitted form is read-only until
the secretary sends it back with a comment. Nothing the rules merely contradict is refused (a
proposed level above what the score allows is shown as a warning, as on the rating grid).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangvu.accounts.models import MEMBER_EDITORS, Role, User
from dangvu.audit.models import Action
from dangvu.audit.services import audit_record, diff, snapshot
from dangvu.evaluations.models import PeriodStatus
from dangvu.evaluations.periods import PeriodKey
from dangvu.evaluations.queries import NotRatedReason
from dangvu.evaluations.regimes import regime_by_code
from dangvu.evaluations.regimes.base import Finding, RatingInput, Verdict, findings_for
from dangvu.evaluations.services import can_rate_members, rule_overrides
from dangvu.handbook.criteria import FormSpec, check_scores, form_spec, total
from dangvu.handbook.models import AssessmentStatus, CellDocument, Notice, Question, RoleKind, SelfAssessment
from dangvu.handbook.queries import may_manage_cell, not_rated_reason, period_state
from dangvu.handbook.uploads import UploadRefused, check_upload
from dangvu.meetings.models import Meeting
from dangvu.members.models import Member
from dangvu.orgs.models import Org

ERR_NO_CELL = "Đảng viên chưa có chi bộ sinh hoạt."
ERR_NOT_OPEN = "Kỳ đánh giá {label} của chi bộ chưa mở hoặc đã công bố: không sửa được bản tự đánh giá."
ERR_NOT_RATED = "Đảng viên không thuộc diện đánh giá kỳ {label}: {reason}."
ERR_SUBMITTED = "Bản tự đánh giá đã nộp; chỉ sửa được khi bí thư chi bộ trả lại."
ERR_NOT_SUBMITTED = "Chỉ trả lại được bản tự đánh giá đã nộp."
ERR_REQUIRED = "Mục này không được để trống khi nộp."
ERR_SCORE_REQUIRED = "Chấm điểm “{label}” trước khi nộp."
ERR_LEVEL = "Mức “{code}” không có trong {regime}."
ERR_ROLE = "Đối tượng không hợp lệ."
ERR_COMMENT = "Ghi ý kiến để đảng viên biết cần sửa gì."
ERR_NO_RIGHT = "Bạn không có quyền nhập bản tự đánh giá cho đảng viên này."
ERR_MEETING = "Buổi sinh hoạt không thuộc chi bộ này."
ERR_TEXT_TOO_LONG = "Nội dung dài quá {max} ký tự."
ERR_EMPTY = "Mục này không được để trống."
MAX_TEXT = 5000
MAX_QUESTION = 2000

ASSESSMENT_FIELDS = (
    "role_kind",
    "scores",
    "score",
    "conditions",
    "tasks",
    "strengths",
    "shortcomings",
    "proposed_level",
    "status",
    "on_behalf",
    "return_comment",
)


# Self-assessment ------------------------------------------------------------------------------------------


@dataclass
class AssessmentInput:
    role_kind: str = RoleKind.NON_LEADER
    scores: Mapping[str, str] = field(default_factory=dict)  # criterion code -> typed text
    conditions: Mapping[str, bool] = field(default_factory=dict)
    tasks: str = ""
    strengths: str = ""
    shortcomings: str = ""
    proposed_level: str = ""


def may_enter_for(actor: User, member: Member) -> bool:
    """The member themself, or whoever rates the cell's members (its secretary, staff above, an admin)."""
    if not actor.is_active:
        return False
    if actor.role == Role.MEMBER:
        return actor.member_id == member.pk
    cell = member.current_org
    return cell is not None and can_rate_members(actor, cell)


def spec_for(assessment: SelfAssessment) -> FormSpec:
    return form_spec(regime_by_code(assessment.regime), assessment.role_kind, assessment.quarter)


def assessment_verdict(spec: FormSpec, score: object, conditions: Mapping[str, bool]) -> Verdict:
    """The best level the regime allows for what the member typed (None: no computable level)."""
    value = score.normalize() if isinstance(score, Decimal) else None
    regime = spec.regime
    if regime.scored and value is None:
        return Verdict(None)
    return regime.verdict("member", RatingInput(value, dict(conditions)), rule_overrides(regime))


def assessment_findings(assessment: SelfAssessment) -> tuple[Verdict, list[Finding]]:
    spec = spec_for(assessment)
    verdict = assessment_verdict(spec, assessment.score, assessment.conditions)
    if not assessment.proposed_level:
        return verdict, []
    return verdict, findings_for(spec.regime, "member", assessment.proposed_level, verdict)


def _check_text(errors: dict[str, str], name: str, value: str, *, required: bool) -> str:
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        errors[name] = ERR_TEXT_TOO_LONG.format(max=MAX_TEXT)
    elif required and not value:
        errors[name] = ERR_REQUIRED
    return value


def self_assessment_save(
    *, actor: User, member: Member, key: PeriodKey, values: AssessmentInput, submit: bool
) -> SelfAssessment:
    """Save the member's self-assessment of `key` as a draft, or submit it (complete forms only)."""
    if not may_enter_for(actor, member):
        raise PermissionDenied(ERR_NO_RIGHT)
    cell = member.current_org
    if cell is None:
        raise ValidationError(ERR_NO_CELL)
    state, period = period_state(cell, key)
    if state != PeriodStatus.OPEN or period is None:
        raise ValidationError(ERR_NOT_OPEN.format(label=key.label()))
    regime = regime_by_code(period.regime)
    reason = not_rated_reason(member, key, regime)
    if reason:
        raise ValidationError(ERR_NOT_RATED.format(label=key.label(), reason=NotRatedReason(reason).label.lower()))
    errors: dict[str, str] = {}
    if values.role_kind not in RoleKind.values:
        errors["role_kind"] = ERR_ROLE
    spec = form_spec(regime, values.role_kind, key.quarter)
    points, score_errors = check_scores(spec, values.scores)
    errors.update({f"score_{code}": message for code, message in score_errors.items()})
    level = (values.proposed_level or "").strip()
    if level and regime.level("member", level) is None:
        errors["proposed_level"] = ERR_LEVEL.format(code=level, regime=regime.name)
    elif submit and not level:
        errors["proposed_level"] = ERR_REQUIRED
    if submit:
        for criterion in spec.criteria:
            if criterion.code not in points and f"score_{criterion.code}" not in errors:
                errors[f"score_{criterion.code}"] = ERR_SCORE_REQUIRED.format(label=criterion.label)
    texts = {
        name: _check_text(errors, name, getattr(values, name), required=submit)
        for name in ("tasks", "strengths", "shortcomings")
    }
    if errors:
        raise ValidationError(errors)
    known = {c.code for c in spec.conditions}
    conditions = {code: bool(value) for code, value in values.conditions.items() if code in known}
    with transaction.atomic():
        assessment = (
            SelfAssessment.objects.select_for_update().filter(member=member, year=key.year, quarter=key.quarter).first()
        )
        if assessment is not None and assessment.status == AssessmentStatus.SUBMITTED:
            raise ValidationError(ERR_SUBMITTED)
        created = assessment is None
        if assessment is None:
            assessment = SelfAssessment(member=member, year=key.year, quarter=key.quarter)
        before = {} if created else snapshot(assessment, ASSESSMENT_FIELDS)
        assessment.cell = cell
        assessment.regime = regime.code
        assessment.role_kind = values.role_kind
        assessment.scores = points
        assessment.score = total(spec, points)
        assessment.conditions = conditions
        assessment.tasks, assessment.strengths, assessment.shortcomings = (
            texts["tasks"],
            texts["strengths"],
            texts["shortcomings"],
        )
        assessment.proposed_level = level
        assessment.on_behalf = actor.role != Role.MEMBER
        assessment.entered_by = actor
        if submit:
            assessment.status = AssessmentStatus.SUBMITTED
            assessment.submitted_at = timezone.now()
            assessment.submitted_by = actor
        elif created:
            assessment.status = AssessmentStatus.DRAFT
        assessment.save()
        what = "Nộp bản tự đánh giá" if submit else "Lưu nháp bản tự đánh giá"
        behalf = f" (bí thư/cán bộ {actor.display_name()} nhập thay đảng viên)" if assessment.on_behalf else ""
        audit_record(
            actor=actor,
            action=Action.CREATE if created else Action.UPDATE,
            target=assessment,
            changes=diff(before, snapshot(assessment, ASSESSMENT_FIELDS)),
            note=f"{what} {key.label()} của {member.full_name}{behalf}",
        )
    return assessment


def self_assessment_return(*, actor: User, assessment: SelfAssessment, comment: str) -> SelfAssessment:
    """The secretary sends a submitted self-assessment back to the member with a comment."""
    if not can_rate_members(actor, assessment.cell):
        raise PermissionDenied(ERR_NO_RIGHT)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": ERR_COMMENT})
    if len(comment) > MAX_TEXT:
        raise ValidationError({"comment": ERR_TEXT_TOO_LONG.format(max=MAX_TEXT)})
    key = PeriodKey(assessment.year, assessment.quarter)
    state, _ = period_state(assessment.cell, key)
    if state != PeriodStatus.OPEN:
        raise ValidationError(ERR_NOT_OPEN.format(label=key.label()))
    with transaction.atomic():
        locked = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.status != AssessmentStatus.SUBMITTED:
            raise ValidationError(ERR_NOT_SUBMITTED)
        before = snapshot(locked, ASSESSMENT_FIELDS)
        locked.status = AssessmentStatus.RETURNED
        locked.return_comment = comment
        locked.returned_at = timezone.now()
        locked.returned_by = actor
        locked.save()
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            target=locked,
            changes=diff(before, snapshot(locked, ASSESSMENT_FIELDS)),
            note=f"Trả lại bản tự đánh giá {key.label()} của {locked.member.full_name}",
        )
    return locked


# Documents ------------------------------------------------------------------------------------------------


def documents_dir() -> Path:
    return Path(settings.HANDBOOK_DOCUMENTS_DIR)


def document_path(document: CellDocument) -> Path:
    """Where the bytes are; never outside the documents folder whatever the row says."""
    base = documents_dir().resolve()
    path = (base / document.stored_as).resolve()
    if not path.is_relative_to(base):
        raise FileNotFoundError(document.stored_as)
    return path


def document_upload(
    *, actor: User, cell: Org, meeting: Meeting | None, title: str, upload_name: str, data: bytes
) -> CellDocument:
    """Check the file (type by content, size, name) and keep it under the data folder."""
    if not may_manage_cell(actor, cell):
        raise PermissionDenied("Bạn không có quyền đưa tài liệu lên cho chi bộ này.")
    if meeting is not None and meeting.cell_id != cell.pk:
        raise ValidationError({"meeting": ERR_MEETING})
    try:
        checked = check_upload(upload_name, data, max_bytes=settings.HANDBOOK_UPLOAD_MAX_BYTES)
    except UploadRefused as refused:
        raise ValidationError({"file": str(refused)}) from refused
    title = (title or "").strip()[:255] or checked.filename.rsplit(".", 1)[0]
    relative = f"{cell.pk}/{uuid.uuid4().hex}.{checked.kind}"
    path = documents_dir() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as out:
        out.write(data)
    try:
        with transaction.atomic():
            document = CellDocument.objects.create(
                cell=cell,
                meeting=meeting,
                title=title,
                filename=checked.filename,
                kind=checked.kind,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                stored_as=relative,
                uploaded_by=actor,
            )
            audit_record(
                actor=actor,
                action=Action.CREATE,
                target=document,
                changes={"title": [None, title], "filename": [None, checked.filename], "size": [None, len(data)]},
                note=f"Tài liệu cho {cell.name}" + (f", buổi sinh hoạt {meeting.held_on:%d/%m/%Y}" if meeting else ""),
            )
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return document


def document_remove(*, actor: User, document: CellDocument) -> None:
    """Take a document down (kept on disk and in the audit trail)."""
    if not may_manage_cell(actor, document.cell):
        raise PermissionDenied("Bạn không có quyền gỡ tài liệu của chi bộ này.")
    with transaction.atomic():
        document.removed_at = timezone.now()
        document.removed_by = actor
        document.save(update_fields=["removed_at", "removed_by"])
        audit_record(actor=actor, action=Action.DELETE, target=document, note=f"Gỡ tài liệu của {document.cell.name}")


# Notices and questions ------------------------------------------------------------------------------------


def notice_create(*, actor: User, org: Org, include_subtree: bool, title: str, body: str, published_on: date) -> Notice:
    if not actor.has_role_in(MEMBER_EDITORS) or not Org.objects.visible_to(actor).filter(pk=org.pk).exists():
        raise PermissionDenied("Bạn không có quyền gửi thông báo tới tổ chức này.")
    errors: dict[str, str] = {}
    title = (title or "").strip()
    body = (body or "").strip()
    if not title:
        errors["title"] = ERR_EMPTY
    if not body:
        errors["body"] = ERR_EMPTY
    elif len(body) > MAX_TEXT:
        errors["body"] = ERR_TEXT_TOO_LONG.format(max=MAX_TEXT)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        notice = Notice.objects.create(
            org=org,
            include_subtree=include_subtree,
            title=title[:255],
            body=body,
            published_on=published_on,
            author=actor,
        )
        audit_record(
            actor=actor,
            action=Action.CREATE,
            target=notice,
            changes={"org": [None, str(org)], "include_subtree": [None, include_subtree], "title": [None, title]},
        )
    return notice


def question_ask(*, actor: User, member: Member, body: str) -> Question:
    if actor.role != Role.MEMBER or actor.member_id != member.pk:
        raise PermissionDenied("Chỉ đảng viên gửi câu hỏi của mình.")
    if member.current_org is None:
        raise ValidationError(ERR_NO_CELL)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": ERR_EMPTY})
    if len(body) > MAX_QUESTION:
        raise ValidationError({"body": ERR_TEXT_TOO_LONG.format(max=MAX_QUESTION)})
    with transaction.atomic():
        question = Question.objects.create(member=member, cell=member.current_org, body=body)
        audit_record(
            actor=actor, action=Action.CREATE, target=question, note=f"Câu hỏi gửi bí thư {member.current_org}"
        )
    return question


def question_answer(*, actor: User, question: Question, answer: str) -> Question:
    if not may_manage_cell(actor, question.cell):
        raise PermissionDenied("Bạn không có quyền trả lời câu hỏi của chi bộ này.")
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": ERR_EMPTY})
    if len(answer) > MAX_TEXT:
        raise ValidationError({"answer": ERR_TEXT_TOO_LONG.format(max=MAX_TEXT)})
    with transaction.atomic():
        before = snapshot(question, ("answer",))
        question.answer = answer
        question.answered_at = timezone.now()
        question.answered_by = actor
        question.save(update_fields=["answer", "answered_at", "answered_by"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            target=question,
            changes=diff(before, snapshot(question, ("answer",))),
            note=f"Trả lời câu hỏi của {question.member.full_name}",
        )
    return question
