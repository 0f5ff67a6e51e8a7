"""Changes to the organisation tree. Each function checks the rules, writes the node, its history
version and the audit row in one transaction, and raises `ValidationError` with a Vietnamese message
(keyed by form field where there is one) when the change is not allowed."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from dangvu.accounts.models import User
from dangvu.audit.models import Action
from dangvu.audit.services import audit_record, diff, snapshot
from dangvu.lib.text import clean, fold
from dangvu.orgs.kinds import CELL_KINDS, children_kind_error, shape_error
from dangvu.orgs.models import Org, OrgVersion
from dangvu.orgs.paths import in_subtree

AUDITED_FIELDS = ("code", "name", "kind", "sector", "parent", "founded_on", "dissolved_on")

ERR_CODE_TAKEN = "Mã tổ chức “{code}” đã được dùng cho “{name}”."
ERR_NAME_TAKEN = "Đã có tổ chức tên “{name}” trực thuộc “{parent}”."
ERR_CYCLE = "Không thể chuyển “{org}” vào chính nó hoặc vào một tổ chức trực thuộc nó."
ERR_PARENT_DISSOLVED = "“{parent}” đã giải thể, không thể đặt tổ chức trực thuộc."
ERR_FUTURE = "Ngày hiệu lực không được sau ngày hôm nay."
ERR_BEFORE_CURRENT = "Ngày hiệu lực phải sau ngày bắt đầu của trạng thái hiện tại ({since})."
ERR_DISSOLVE_CHILDREN = "Còn {count} tổ chức trực thuộc đang hoạt động; hãy chuyển hoặc giải thể chúng trước."
ERR_DISSOLVE_MEMBERS = "Còn {count} đảng viên đang sinh hoạt tại “{org}”; hãy chuyển sinh hoạt cho họ trước."
ERR_ALREADY_DISSOLVED = "“{org}” đã giải thể ngày {day:%d/%m/%Y}."
ERR_KIND_WITH_MEMBERS = "“{org}” còn {count} đảng viên; chỉ chi bộ mới có đảng viên, hãy chuyển họ trước khi đổi loại."
ERR_SCOPE_ROOT = "Không thể chuyển tổ chức gốc trong phạm vi của bạn."
ERR_UNDO_USED = (
    "“{org}” đã có dữ liệu gắn với nó (đảng viên, sự kiện, tổ chức trực thuộc, xếp loại…); không thể hoàn tác."
)
ERR_UNDO_STALE = "Lịch sử của “{org}” đã thay đổi sau quyết định này; không thể hoàn tác."


def _check_effective(day: date, org: Org | None = None) -> None:
    if day > timezone.localdate():
        raise ValidationError({"effective_on": ERR_FUTURE})
    if org is not None:
        current = org.versions.filter(valid_to__isnull=True).first()
        if current is not None and day < current.valid_from:
            raise ValidationError(
                {"effective_on": ERR_BEFORE_CURRENT.format(since=current.valid_from.strftime("%d/%m/%Y"))}
            )


def _check_code_and_name(*, code: str, name: str, parent: Org | None, org: Org | None = None) -> None:
    errors: dict[str, str] = {}
    same_code = Org.objects.filter(code=code)
    siblings = Org.objects.filter(parent=parent, name=name, dissolved_on__isnull=True)
    if org is not None:
        same_code, siblings = same_code.exclude(pk=org.pk), siblings.exclude(pk=org.pk)
    taken = same_code.first()
    if taken is not None:
        errors["code"] = ERR_CODE_TAKEN.format(code=code, name=taken.name)
    if siblings.exists():
        errors["name"] = ERR_NAME_TAKEN.format(name=name, parent=parent.name if parent else "gốc")
    if errors:
        raise ValidationError(errors)


def _check_parent(kind: str, parent: Org | None) -> None:
    if parent is not None and parent.is_dissolved:
        raise ValidationError({"parent": ERR_PARENT_DISSOLVED.format(parent=parent.name)})
    problem = shape_error(kind, parent.kind if parent else None, parent.name if parent else "")
    if problem:
        raise ValidationError({"parent": problem})


def _open_version(org: Org, *, since: date, reason: str) -> None:
    OrgVersion.objects.create(
        org=org,
        code=org.code,
        name=org.name,
        kind=org.kind,
        sector=org.sector,
        parent=org.parent,
        valid_from=since,
        reason=reason,
    )


def _close_version(org: Org, *, until: date) -> None:
    OrgVersion.objects.filter(org=org, valid_to__isnull=True).update(valid_to=until)


@transaction.atomic
def org_create(
    *,
    actor: User | None,
    code: str,
    name: str,
    kind: str,
    sector: str,
    parent: Org | None,
    founded_on: date | None = None,
    effective_on: date | None = None,
    reason: str = "",
) -> Org:
    code, name = clean(code).upper(), clean(name)
    since = effective_on or founded_on or timezone.localdate()
    _check_effective(since)
    _check_parent(kind, parent)
    _check_code_and_name(code=code, name=name, parent=parent)
    org = Org.objects.create(
        code=code,
        name=name,
        name_search=fold(name),
        kind=kind,
        sector=sector,
        parent=parent,
        founded_on=founded_on,
        depth=(parent.depth + 1) if parent else 0,
    )
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.save(update_fields=["path"])
    _open_version(org, since=since, reason=reason)
    audit_record(actor=actor, action=Action.CREATE, target=org, changes=diff({}, snapshot(org, AUDITED_FIELDS)))
    return org


@transaction.atomic
def org_update(
    *,
    actor: User | None,
    org: Org,
    code: str,
    name: str,
    kind: str,
    sector: str,
    founded_on: date | None = None,
    effective_on: date | None = None,
    reason: str = "",
) -> Org:
    """Rename, recode, change kind or sector. A change of name, code, kind or sector closes the current
    history version on `effective_on` and opens a new one."""
    code, name = clean(code).upper(), clean(name)
    before = snapshot(org, AUDITED_FIELDS)
    since = effective_on or timezone.localdate()
    if kind != org.kind:
        child_kinds = set(org.children.filter(dissolved_on__isnull=True).values_list("kind", flat=True))
        problem = children_kind_error(kind, child_kinds) or shape_error(
            kind, org.parent.kind if org.parent else None, org.parent.name if org.parent else ""
        )
        if problem:
            raise ValidationError({"kind": problem})
        if org.kind in CELL_KINDS and kind not in CELL_KINDS:
            from dangvu.members.models import Member

            count = Member.objects.filter(current_org=org).on_roll().count()
            if count:
                raise ValidationError({"kind": ERR_KIND_WITH_MEMBERS.format(org=org.name, count=count)})
    _check_code_and_name(code=code, name=name, parent=org.parent, org=org)
    versioned_change = (code, name, kind, sector) != (org.code, org.name, org.kind, org.sector)
    if versioned_change and org.dissolved_on is not None:
        # A new version would be open (valid_to empty) and say the dissolved node exists again.
        raise ValidationError(ERR_ALREADY_DISSOLVED.format(org=org.name, day=org.dissolved_on))
    if versioned_change:
        _check_effective(since, org)
    org.code, org.name, org.name_search, org.kind, org.sector = code, name, fold(name), kind, sector
    org.founded_on = founded_on
    org.save()
    changes = diff(before, snapshot(org, AUDITED_FIELDS))
    if versioned_change:
        _close_version(org, until=since)
        _open_version(org, since=since, reason=reason)
    if changes:
        audit_record(actor=actor, action=Action.UPDATE, target=org, changes=changes, note=reason)
    return org


@transaction.atomic
def org_move(
    *,
    actor: User | None,
    org: Org,
    new_parent: Org,
    effective_on: date | None = None,
    reason: str = "",
    kind: str | None = None,
) -> Org:
    """Put `org` (with its whole subtree) under `new_parent`; refuses cycles and impossible shapes.
    `kind` changes the kind in the same version (a chi bộ trực thuộc that becomes a chi bộ cơ sở when its
    đảng bộ cơ sở is dissolved and it goes directly under the commune committee)."""
    # The caller's copies may predate an earlier move: the path rewrite must start from the stored paths.
    org.refresh_from_db(fields=["path", "depth", "parent", "dissolved_on"])
    new_parent.refresh_from_db(fields=["path", "depth", "dissolved_on"])
    if org.dissolved_on is not None:
        raise ValidationError(ERR_ALREADY_DISSOLVED.format(org=org.name, day=org.dissolved_on))
    if new_parent.pk == org.pk or new_parent.is_descendant_of(org):
        raise ValidationError({"parent": ERR_CYCLE.format(org=org.name)})
    if actor is not None and actor.scope_id == org.pk:
        raise ValidationError({"parent": ERR_SCOPE_ROOT})
    new_kind = kind or org.kind
    if new_kind != org.kind:
        _check_kind_change(org, new_kind)
    _check_parent(new_kind, new_parent)
    if new_parent.pk == org.parent_id and new_kind == org.kind:
        return org
    since = effective_on or timezone.localdate()
    _check_effective(since, org)
    _check_code_and_name(code=org.code, name=org.name, parent=new_parent, org=org)
    before = snapshot(org, ("parent", "kind"))
    old_prefix, new_prefix = org.path, f"{new_parent.path}{org.pk}/"
    depth_shift = new_parent.depth + 1 - org.depth
    # One UPDATE rewrites the path of the whole subtree: new prefix + the part below the moved node.
    Org.objects.filter(in_subtree("path", old_prefix)).update(
        path=Concat(Value(new_prefix), Substr(F("path"), len(old_prefix) + 1)),
        depth=F("depth") + depth_shift,
    )
    org.refresh_from_db()
    org.parent, org.kind = new_parent, new_kind
    org.save(update_fields=["parent", "kind", "updated_at"])
    _close_version(org, until=since)
    _open_version(org, since=since, reason=reason)
    audit_record(
        actor=actor,
        action=Action.MOVE,
        target=org,
        changes=diff(before, snapshot(org, ("parent", "kind"))),
        note=reason,
    )
    return org


def _check_kind_change(org: Org, kind: str) -> None:
    """Children and members must fit the new kind (a cell has no children; only cells have members)."""
    child_kinds = set(org.children.filter(dissolved_on__isnull=True).values_list("kind", flat=True))
    problem = children_kind_error(kind, child_kinds)
    if problem:
        raise ValidationError({"kind": problem})
    if org.kind in CELL_KINDS and kind not in CELL_KINDS:
        from dangvu.members.models import Member

        count = Member.objects.filter(current_org=org).on_roll().count()
        if count:
            raise ValidationError({"kind": ERR_KIND_WITH_MEMBERS.format(org=org.name, count=count)})


@transaction.atomic
def org_undo_change(*, actor: User | None, org: Org, version: OrgVersion, reason: str = "") -> Org:
    """Take back the versioned change that opened `version` (a move, rename or change of kind), used to
    undo a restructuring decision: `version` must still be the organisation's latest, open version; it is
    removed, the previous one is open again and the node takes that state back (its subtree's paths
    rewritten when the parent changes). Refused when the history has moved on since."""
    org.refresh_from_db()
    latest = org.versions.order_by("-valid_from", "-pk").first()
    if org.dissolved_on is not None or latest is None or latest.pk != version.pk or latest.valid_to is not None:
        raise ValidationError(ERR_UNDO_STALE.format(org=org.name))
    previous = org.versions.exclude(pk=version.pk).order_by("-valid_from", "-pk").first()
    if previous is None:
        raise ValidationError(ERR_UNDO_STALE.format(org=org.name))
    before = snapshot(org, AUDITED_FIELDS)
    _check_code_and_name(code=previous.code, name=previous.name, parent=previous.parent, org=org)
    if previous.parent_id != org.parent_id:
        parent = previous.parent
        if parent is not None:
            parent.refresh_from_db(fields=["path", "depth", "dissolved_on"])
            if parent.is_dissolved or parent.is_descendant_of(org):
                raise ValidationError(ERR_UNDO_STALE.format(org=org.name))
        old_prefix = org.path
        new_prefix = f"{parent.path if parent else '/'}{org.pk}/"
        depth_shift = (parent.depth + 1 if parent else 0) - org.depth
        Org.objects.filter(in_subtree("path", old_prefix)).update(
            path=Concat(Value(new_prefix), Substr(F("path"), len(old_prefix) + 1)),
            depth=F("depth") + depth_shift,
        )
        org.refresh_from_db()
    org.code, org.name, org.name_search = previous.code, previous.name, fold(previous.name)
    org.kind, org.sector, org.parent_id = previous.kind, previous.sector, previous.parent_id
    version.delete()
    OrgVersion.objects.filter(pk=previous.pk).update(valid_to=None)
    org.save()
    audit_record(
        actor=actor, action=Action.UPDATE, target=org, changes=diff(before, snapshot(org, AUDITED_FIELDS)), note=reason
    )
    return org


@transaction.atomic
def org_undo_dissolve(*, actor: User | None, org: Org, version: OrgVersion, reason: str = "") -> Org:
    """Reopen an organisation whose dissolution closed `version` (still its latest version)."""
    org.refresh_from_db()
    latest = org.versions.order_by("-valid_from", "-pk").first()
    if org.dissolved_on is None or latest is None or latest.pk != version.pk or latest.valid_to != org.dissolved_on:
        raise ValidationError(ERR_UNDO_STALE.format(org=org.name))
    if org.parent is not None and org.parent.is_dissolved:
        raise ValidationError(ERR_PARENT_DISSOLVED.format(parent=org.parent.name))
    _check_code_and_name(code=org.code, name=org.name, parent=org.parent, org=org)
    day = org.dissolved_on
    org.dissolved_on = None
    org.save(update_fields=["dissolved_on", "updated_at"])
    OrgVersion.objects.filter(pk=version.pk).update(valid_to=None)
    audit_record(
        actor=actor, action=Action.UPDATE, target=org, changes={"dissolved_on": [day.isoformat(), None]}, note=reason
    )
    return org


@transaction.atomic
def org_undo_create(*, actor: User | None, org: Org, reason: str = "") -> None:
    """Remove an organisation created by mistake (by a restructuring decision being undone): refused as soon as
    anything other than its own history refers to it (members, events, children, ratings, plans…)."""
    from django.db.models.deletion import Collector, ProtectedError, RestrictedError

    org.refresh_from_db()
    if org.versions.count() > 1 or org.dissolved_on is not None:
        raise ValidationError(ERR_UNDO_STALE.format(org=org.name))
    collector = Collector(using="default")
    try:
        collector.collect([org])
    except (ProtectedError, RestrictedError) as error:
        raise ValidationError(ERR_UNDO_USED.format(org=org.name)) from error
    others = [model for model, objs in collector.data.items() if objs and model not in (Org, OrgVersion)]
    if (
        others
        or len(collector.data.get(Org, ())) > 1
        or any(qs.exists() for qs in collector.fast_deletes if qs.model not in (Org, OrgVersion))
    ):
        raise ValidationError(ERR_UNDO_USED.format(org=org.name))
    audit_record(
        actor=actor, action=Action.DELETE, target=org, changes=diff(snapshot(org, AUDITED_FIELDS), {}), note=reason
    )
    org.versions.all().delete()
    org.delete()


@transaction.atomic
def org_dissolve(*, actor: User | None, org: Org, effective_on: date | None = None, reason: str = "") -> Org:
    """Close an organisation. It stays in the tree's history; its children and members must go first."""
    from dangvu.members.models import Member

    if org.dissolved_on is not None:
        raise ValidationError(ERR_ALREADY_DISSOLVED.format(org=org.name, day=org.dissolved_on))
    live_children = org.children.filter(dissolved_on__isnull=True).count()
    if live_children:
        raise ValidationError(ERR_DISSOLVE_CHILDREN.format(count=live_children))
    members = Member.objects.filter(current_org=org).on_roll().count()
    if members:
        raise ValidationError(ERR_DISSOLVE_MEMBERS.format(count=members, org=org.name))
    since = effective_on or timezone.localdate()
    _check_effective(since, org)
    org.dissolved_on = since
    org.save(update_fields=["dissolved_on", "updated_at"])
    _close_version(org, until=since)
    audit_record(
        actor=actor,
        action=Action.DISSOLVE,
        target=org,
        changes={"dissolved_on": [None, since.isoformat()]},
        note=reason,
    )
    return org


def path_depth_consistent(org: Org) -> bool:
    """Used by tests: the stored path equals the chain of parents."""
    chain: list[int] = []
    node: Org | None = org
    while node is not None:
        chain.append(node.pk)
        node = node.parent
    return org.path == "/" + "/".join(str(pk) for pk in reversed(chain)) + "/" and org.depth == len(chain) - 1


__all__ = [
    "org_create",
    "org_dissolve",
    "org_move",
    "org_undo_change",
    "org_undo_create",
    "org_undo_dissolve",
    "org_update",
]
