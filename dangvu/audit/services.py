"""Writing the audit trail. Every service that changes a record calls `audit_record` in the same
transaction, so a change and its audit row land together or not at all."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from dangvu.accounts.models import User
from dangvu.audit.models import Action, AuditRecord

TARGET_TYPES = {
    "Org": "org",
    "Member": "member",
    "MemberEvent": "event",
    "User": "user",
    "Period": "period",
    "MemberRating": "member_rating",
    "OrgRating": "org_rating",
}


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return None
    if isinstance(value, models.TextChoices):
        return value.value
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Field name -> JSON-safe value, reading foreign keys as their text (name and code)."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            related = getattr(obj, name)
            values[name] = str(related) if related is not None else None
        else:
            values[name] = _plain(getattr(obj, name))
    return values


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields that changed."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def audit_record(
    *,
    actor: User | None,
    action: Action,
    target: models.Model | None = None,
    target_type: str = "",
    changes: Mapping[str, Any] | None = None,
    note: str = "",
    ip_address: str | None = None,
) -> AuditRecord:
    if target is not None:
        target_type = TARGET_TYPES.get(type(target).__name__, type(target).__name__.lower())
    return AuditRecord.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor.username if actor is not None else "hệ thống",
        action=action,
        target_type=target_type,
        target_id=target.pk if target is not None else None,
        target_repr=str(target)[:255] if target is not None else "",
        changes=dict(changes or {}),
        note=note[:255],
        ip_address=ip_address,
    )
