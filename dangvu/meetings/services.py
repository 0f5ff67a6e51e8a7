"""Workflows of cell meetings and model cells: keyword-only, validated, each written to the audit trail."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from dangvu.accounts.models import MEMBER_EDITORS, ORG_EDITORS, User
from dangvu.audit.models import Action
from dangvu.audit.services import audit_record, snapshot
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


MEETING_FIELDS = ("held_on", "kind", "theme", "upper_cadre", "resolutions")


def meeting_update(
    *, actor: User | None, meeting: Meeting, presences: Mapping[int, str], **fields: object
) -> dict[str, list[object]]:
    """Change a meeting's fields and attendance (member id → Presence). A member may be marked if they belong
    to the cell now or were already on the meeting's list (a member who moved on keeps their old row).
    Returns {field or "điểm danh <name>": [before, after]}; nothing is written when nothing changed."""
    before = snapshot(meeting, MEETING_FIELDS)
    for name, value in fields.items():
        if name in MEETING_FIELDS:
            setattr(meeting, name, value)
    meeting.full_clean()
    after = snapshot(meeting, MEETING_FIELDS)
    changes: dict[str, list[object]] = {k: [before[k], after[k]] for k in MEETING_FIELDS if before[k] != after[k]}
    stored = {a.member_id: a for a in meeting.attendance.select_related("member")}
    allowed = set(Member.objects.filter(current_org=meeting.cell_id).values_list("pk", flat=True)) | set(stored)
    if not set(presences) <= allowed:
        raise ValidationError(ERR_FOREIGN_MEMBER.format(org=meeting.cell.name))
    new_rows, changed_rows = [], []
    names = dict(Member.objects.filter(pk__in=presences).values_list("pk", "full_name"))
    for pk, value in presences.items():
        presence = Presence(value)
        row = stored.get(pk)
        if row is None:
            new_rows.append(Attendance(meeting=meeting, member_id=pk, presence=presence))
            changes[f"điểm danh {names.get(pk, pk)}"] = [None, presence.value]
        elif row.presence != presence:
            changes[f"điểm danh {names.get(pk, pk)}"] = [row.presence, presence.value]
            row.presence = presence
            changed_rows.append(row)
    if changes:
        with transaction.atomic():
            meeting.save()
            Attendance.objects.bulk_create(new_rows)
            Attendance.objects.bulk_update(changed_rows, ["presence"])
            audit_record(actor=actor, action=Action.UPDATE, target=meeting, changes=changes)
    return changes


def meeting_delete(*, actor: User | None, meeting: Meeting, reason: str = "") -> None:
    """Delete a meeting and its attendance; the audit row keeps its content and the whole attendance list."""
    content: dict[str, list[object]] = {k: [v, None] for k, v in snapshot(meeting, MEETING_FIELDS).items()}
    for row in meeting.attendance.select_related("member").order_by("member__full_name", "member_id"):
        content[f"điểm danh {row.member.full_name} ({row.member_id})"] = [row.presence, None]
    with transaction.atomic():
        audit_record(
            actor=actor, action=Action.DELETE, target=meeting, note=(reason or str(meeting))[:255], changes=content
        )
        meeting.delete()


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
