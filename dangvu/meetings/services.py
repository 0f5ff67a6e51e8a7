"""Workflows of cell meetings and model cells: keyword-only, validated, each written to the audit trail."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from dangvu.accounts.models import MEMBER_EDITORS, ORG_EDITORS, User
from dangvu.audit.models import Action
from dangvu.audit.services import audit_record
from dangvu.meetings.models import (
    AssessmentItem,
    AssessmentStatus,
    Attendance,
    Meeting,
    ModelCellAssessment,
    ModelCellCriterion,
    Presence,
)
from dangvu.members.models import Member
from dangvu.orgs.kinds import CELL_KINDS
from dangvu.orgs.models import Org

ERR_NOT_CELL = "“{org}” không phải là chi bộ."
ERR_FOREIGN_MEMBER = "Có đảng viên không thuộc chi bộ “{org}”."
ERR_PERIOD = "Ngày kết thúc phải sau ngày bắt đầu."
ERR_DECISION = "Cần số và ngày quyết định công nhận."
ERR_ALREADY = "Chi bộ đã được công nhận."

# Who records meetings of a cell: the secretary of that cell and staff above it (scope decides which cells).
MEETING_EDITORS = MEMBER_EDITORS
# Who keeps the checklist and recognises model cells: the committee's staff.
MODEL_CELL_EDITORS = ORG_EDITORS


def can_record_meetings(user: User, cell: Org) -> bool:
    return user.has_role_in(MEETING_EDITORS) and Org.objects.visible_to(user).filter(pk=cell.pk).exists()


def meeting_record(*, actor: User | None, cell: Org, presences: Mapping[int, str], **fields: object) -> Meeting:
    """A meeting of `cell` with one attendance row per member of `presences` (member id → Presence)."""
    if cell.kind not in CELL_KINDS:
        raise ValidationError(ERR_NOT_CELL.format(org=cell.name))
    meeting = Meeting(cell=cell, **fields)
    meeting.full_clean()
    allowed = set(Member.objects.filter(current_org=cell).values_list("pk", flat=True))
    if not set(presences) <= allowed:
        raise ValidationError(ERR_FOREIGN_MEMBER.format(org=cell.name))
    with transaction.atomic():
        meeting.save()
        Attendance.objects.bulk_create(
            Attendance(meeting=meeting, member_id=pk, presence=Presence(value)) for pk, value in presences.items()
        )
        audit_record(actor=actor, action=Action.CREATE, target=meeting, note=f"{len(presences)} đảng viên điểm danh")
    return meeting


def criterion_add(*, actor: User | None, committee: Org, text: str, position: int = 1) -> ModelCellCriterion:
    criterion = ModelCellCriterion(committee=committee, text=text.strip(), position=position)
    criterion.full_clean()
    with transaction.atomic():
        criterion.save()
        audit_record(actor=actor, action=Action.CREATE, target=criterion)
    return criterion


def criterion_set_active(*, actor: User | None, criterion: ModelCellCriterion, active: bool) -> None:
    with transaction.atomic():
        criterion.active = active
        criterion.save(update_fields=["active"])
        audit_record(actor=actor, action=Action.UPDATE, target=criterion, changes={"active": [not active, active]})


def assessment_propose(
    *, actor: User | None, cell: Org, period_from: date, period_to: date, met: Mapping[int, bool]
) -> ModelCellAssessment:
    """A cell assessed against the criteria `met` (criterion id → met), proposed for recognition."""
    if cell.kind not in CELL_KINDS:
        raise ValidationError(ERR_NOT_CELL.format(org=cell.name))
    if period_to < period_from:
        raise ValidationError(ERR_PERIOD)
    with transaction.atomic():
        assessment = ModelCellAssessment.objects.create(cell=cell, period_from=period_from, period_to=period_to)
        AssessmentItem.objects.bulk_create(
            AssessmentItem(assessment=assessment, criterion_id=pk, met=value) for pk, value in met.items()
        )
        audit_record(actor=actor, action=Action.CREATE, target=assessment)
    return assessment


def assessment_recognise(
    *, actor: User | None, assessment: ModelCellAssessment, number: str, decided_on: date | None
) -> ModelCellAssessment:
    if assessment.status == AssessmentStatus.RECOGNISED:
        raise ValidationError(ERR_ALREADY)
    if not number.strip() or decided_on is None:
        raise ValidationError(ERR_DECISION)
    with transaction.atomic():
        assessment.status = AssessmentStatus.RECOGNISED
        assessment.decision_number = number.strip()
        assessment.decision_on = decided_on
        assessment.save(update_fields=["status", "decision_number", "decision_on"])
        audit_record(
            actor=actor, action=Action.UPDATE, target=assessment, note=f"Công nhận: {assessment.decision_number}"
        )
    return assessment
