"""Changing and deleting targets, inspection plan items and registrations: keyword-only, validated, audited.

A delete removes the row (no one counts a deleted target or plan item again) and leaves its full content in
the audit trail, so it can be read back or re-entered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from dangvu.accounts.models import User
from dangvu.audit.models import Action
from dangvu.audit.services import _plain, audit_record, snapshot
from dangvu.plans.models import InspectionItem, Registration, Target

TARGET_FIELDS = ("year_from", "year_to", "kind", "comparator", "low", "high", "excellent_low", "excellent_high", "note")
REGISTRATION_FIELDS = ("year", "kind", "org", "member", "text", "registered_on", "assessment", "level", "has_product")
ITEM_FIELDS = (
    "target_org",
    "target_member",
    "subject",
    "kind",
    "by_whom",
    "quarter",
    "done_on",
    "findings",
    "conclusion",
    "follow_up",
    "follow_up_due",
    "follow_up_done_on",
)


def _update(*, actor: User | None, obj: Any, values: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    before = snapshot(obj, fields)
    for name, value in values.items():
        if name in fields:
            setattr(obj, name, value)
    obj.full_clean()
    after = snapshot(obj, fields)
    changes = {k: [before[k], after[k]] for k in fields if before[k] != after[k]}
    if changes:
        with transaction.atomic():
            obj.save()
            audit_record(actor=actor, action=Action.UPDATE, target=obj, note=str(obj)[:255], changes=changes)
    return changes


def _delete(*, actor: User | None, obj: Any, fields: tuple[str, ...], reason: str) -> None:
    content = {k: [_plain(v), None] for k, v in snapshot(obj, fields).items()}
    with transaction.atomic():
        audit_record(actor=actor, action=Action.DELETE, target=obj, note=(reason or str(obj))[:255], changes=content)
        obj.delete()


def target_update(*, actor: User | None, target: Target, values: Mapping[str, Any]) -> dict[str, Any]:
    """Change a target's goal or years; returns {field: [before, after]} (nothing written when unchanged)."""
    return _update(actor=actor, obj=target, values=values, fields=TARGET_FIELDS)


def target_delete(*, actor: User | None, target: Target, reason: str = "") -> None:
    _delete(actor=actor, obj=target, fields=TARGET_FIELDS, reason=reason)


def inspection_item_update(*, actor: User | None, item: InspectionItem, values: Mapping[str, Any]) -> dict[str, Any]:
    return _update(actor=actor, obj=item, values=values, fields=ITEM_FIELDS)


def inspection_item_delete(*, actor: User | None, item: InspectionItem, reason: str = "") -> None:
    _delete(actor=actor, obj=item, fields=ITEM_FIELDS, reason=reason)


def registration_assessment_update(
    *, actor: User | None, registration: Registration, values: Mapping[str, Any]
) -> dict[str, Any]:
    """The year-end assessment of a registration (done or not, level, concrete product)."""
    return _update(actor=actor, obj=registration, values=values, fields=REGISTRATION_FIELDS)


def registration_delete(*, actor: User | None, registration: Registration, reason: str = "") -> None:
    """A registration entered by mistake; its content stays in the audit trail."""
    _delete(actor=actor, obj=registration, fields=REGISTRATION_FIELDS, reason=reason)
