"""Writes of the fee book: keyword-only, validated (Vietnamese messages), each with its audit row in the
same transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangvu.accounts.models import Role, User
from dangvu.audit.models import Action
from dangvu.audit.services import audit_record, diff, snapshot
from dangvu.fees import rules
from dangvu.fees.models import FeePayment, FeeProfile, FeeReduction, FeeSetting, Method
from dangvu.members.models import Member
from dangvu.orgs.kinds import CELL_KINDS
from dangvu.orgs.models import Org

# Who records payments: the cell's secretary (scope = the cell) and an admin. Staff of the committee see
# the books of their scope but do not write in a cell's book.
PAYMENT_RECORDERS = frozenset[str]({Role.ADMIN, Role.SECRETARY})
# Who sets a member's category, base, exemption and reductions: the cell's secretary, the committee's
# staff (the grassroots committee decides exemptions and reductions) and an admin.
PROFILE_EDITORS = frozenset[str]({Role.ADMIN, Role.STAFF, Role.SECRETARY})
# Who changes the settings of the UNCONFIRMED rules.
SETTING_EDITORS = frozenset[str]({Role.ADMIN})

ERR_BASE_REQUIRED = "Cần nhập căn cứ tính (tiền lương, trợ cấp hoặc lương hưu) lớn hơn 0."
ERR_FIXED_REQUIRED = "Cần nhập mức đóng cấp ủy quy định."
ERR_FIXED_RANGE = "Mức đóng của đảng viên khác theo {regime} là từ {low} đến {high} đ/tháng."
ERR_NO_CELL = "Đảng viên chưa thuộc chi bộ nào nên chưa ghi được đảng phí."
ERR_AMOUNT = "Số tiền phải lớn hơn 0."
ERR_REFERENCE = "Nộp trực tuyến cần mã giao dịch."
ERR_FUTURE = "Ngày nộp không thể sau hôm nay."
ERR_ALREADY_PAID = "Đảng viên đã nộp đảng phí tháng {month:%m/%Y}."
ERR_OVERLAP = "Đã có quyết định giảm đảng phí trùng thời gian ({first:%m/%Y}–{last:%m/%Y})."
ERR_MONTH_TOO_EARLY = "Tháng phải từ 04/2011 (QĐ 342-QĐ/TW có hiệu lực) trở đi."
ERR_REASON = "Cần ghi lý do, căn cứ giảm."

PROFILE_FIELDS = ("valid_from", "category", "base", "fixed_amount", "over_working_age", "exemption", "note")
PAYMENT_FIELDS = ("month", "amount", "paid_on", "method", "reference", "cell")


def load_settings() -> rules.FeeSettings:
    """The settings as stored (seeded by migration with the documented values), typed."""
    values: dict[str, Any] = {}
    for key, value in FeeSetting.objects.values_list("key", "value"):
        spec = rules.SETTING_SPECS.get(key)
        if spec is None:
            continue
        values[key] = date.fromisoformat(value) if spec.kind == "date" else int(value)
    return rules.FeeSettings(values)


def can_record_payments(user: User, cell: Org) -> bool:
    return user.has_role_in(PAYMENT_RECORDERS) and Org.objects.visible_to(user).filter(pk=cell.pk).exists()


def can_edit_profile(user: User, member: Member) -> bool:
    return user.has_role_in(PROFILE_EDITORS) and Member.objects.visible_to(user).filter(pk=member.pk).exists()


def _check_month(month: date) -> None:
    if month < rules.QD342_IN_FORCE:
        raise ValidationError(ERR_MONTH_TOO_EARLY)


def profile_set(
    *,
    actor: User | None,
    member: Member,
    valid_from: date,
    category: str,
    base: int | None = None,
    fixed_amount: int | None = None,
    over_working_age: bool = False,
    exemption: str = "",
    note: str = "",
) -> FeeProfile:
    """The member's profile from `valid_from`'s month on (replacing one that starts the same month)."""
    month = rules.month_start(valid_from)
    _check_month(month)
    category = rules.Category(category)
    errors: dict[str, str] = {}
    if category in rules.BASE_CATEGORIES:
        if not base:
            errors["base"] = ERR_BASE_REQUIRED
        fixed_amount = None
    else:
        base = None
    if category in rules.FIXED_CATEGORIES and not fixed_amount:
        errors["fixed_amount"] = ERR_FIXED_REQUIRED
    if category == rules.Category.OTHER and fixed_amount:
        regime = rules.regime_for(month, load_settings())
        low, high = rules.fixed_amount_range(regime, load_settings())
        if not low <= fixed_amount <= high:
            errors["fixed_amount"] = ERR_FIXED_RANGE.format(
                regime=rules.REGIME_NAMES[regime], low=f"{low:,}".replace(",", "."), high=f"{high:,}".replace(",", ".")
            )
    if category not in (rules.Category.OTHER, rules.Category.STUDENT, rules.Category.ABROAD):
        over_working_age = False
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        profile = FeeProfile.objects.filter(member=member, valid_from=month).first()
        before = snapshot(profile, PROFILE_FIELDS) if profile else {}
        if profile is None:
            profile = FeeProfile(member=member, valid_from=month, created_by=actor if actor and actor.pk else None)
        profile.category = category
        profile.base = base
        profile.fixed_amount = fixed_amount
        profile.over_working_age = over_working_age
        profile.exemption = exemption
        profile.note = note
        profile.full_clean(exclude=["member", "created_by"])
        profile.save()
        audit_record(
            actor=actor,
            action=Action.UPDATE if before else Action.CREATE,
            target=profile,
            changes=diff(before, snapshot(profile, PROFILE_FIELDS)),
            note=f"Mức đóng đảng phí của {member.full_name}",
        )
    return profile


def reduction_grant(
    *, actor: User | None, member: Member, percent: int, first_month: date, last_month: date, reason: str
) -> FeeReduction:
    """A reduction for at most 12 months at a time (QĐ 01-QĐ/TW); a longer one is refused."""
    first, last = rules.month_start(first_month), rules.month_start(last_month)
    _check_month(first)
    errors = rules.check_reduction(percent, first, last)
    if not reason.strip():
        errors.append(ERR_REASON)
    if errors:
        raise ValidationError(errors)
    overlap = FeeReduction.objects.filter(member=member, first_month__lte=last, last_month__gte=first).first()
    if overlap is not None:
        raise ValidationError(ERR_OVERLAP.format(first=overlap.first_month, last=overlap.last_month))
    with transaction.atomic():
        reduction = FeeReduction.objects.create(
            member=member,
            percent=percent,
            first_month=first,
            last_month=last,
            reason=reason.strip(),
            created_by=actor if actor and actor.pk else None,
        )
        audit_record(
            actor=actor,
            action=Action.CREATE,
            target=reduction,
            changes=snapshot(reduction, ("percent", "first_month", "last_month", "reason")),
        )
    return reduction


def reduction_delete(*, actor: User | None, reduction: FeeReduction) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=Action.DELETE,
            target=reduction,
            changes=snapshot(reduction, ("percent", "first_month", "last_month", "reason")),
        )
        reduction.delete()


def payment_record(
    *,
    actor: User | None,
    member: Member,
    month: date,
    amount: int,
    paid_on: date,
    method: str = Method.CASH,
    reference: str = "",
    today: date | None = None,
) -> FeePayment:
    """A month's fee paid by the member, in the book of the member's current cell."""
    today = today or timezone.localdate()
    first = rules.month_start(month)
    _check_month(first)
    cell = member.current_org
    if cell is None or cell.kind not in CELL_KINDS:
        raise ValidationError(ERR_NO_CELL)
    errors: dict[str, str] = {}
    if amount is None or amount <= 0:
        errors["amount"] = ERR_AMOUNT
    if paid_on > today:
        errors["paid_on"] = ERR_FUTURE
    reference = reference.strip()
    if method == Method.ONLINE and not reference:
        errors["reference"] = ERR_REFERENCE
    if FeePayment.objects.filter(member=member, month=first).exists():
        errors["month"] = ERR_ALREADY_PAID.format(month=first)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        payment = FeePayment.objects.create(
            member=member,
            cell=cell,
            month=first,
            amount=amount,
            paid_on=paid_on,
            method=Method(method),
            reference=reference,
            recorded_by=actor if actor and actor.pk else None,
        )
        audit_record(
            actor=actor,
            action=Action.CREATE,
            target=payment,
            changes=snapshot(payment, PAYMENT_FIELDS),
            note=f"Đảng phí tháng {first:%m/%Y} của {member.full_name}",
        )
    return payment


ERR_NOT_IN_CELL = "{name} không thuộc chi bộ “{cell}”."
ERR_ROW = "{name}: {message}"
ERR_NOTHING = "Chưa chọn đảng viên nào."


def payments_record_month(
    *,
    actor: User | None,
    cell: Org,
    month: date,
    paid_on: date,
    amounts: dict[int, int | None],
    today: date | None = None,
) -> list[FeePayment]:
    """The month's fees collected in cash at the cell (member id → amount): all recorded or none, each
    refusal naming the member."""
    if not amounts:
        raise ValidationError(ERR_NOTHING)
    members = {m.pk: m for m in Member.objects.filter(pk__in=list(amounts)).select_related("current_org")}
    errors: list[str] = []
    for pk in amounts:
        member = members.get(pk)
        if member is None or member.current_org_id != cell.pk:
            errors.append(ERR_NOT_IN_CELL.format(name=member.full_name if member else pk, cell=cell.name))
    if errors:
        raise ValidationError(errors)
    recorded: list[FeePayment] = []
    with transaction.atomic():
        for pk, amount in amounts.items():
            member = members[pk]
            try:
                recorded.append(
                    payment_record(
                        actor=actor, member=member, month=month, amount=amount or 0, paid_on=paid_on, today=today
                    )
                )
            except ValidationError as error:
                errors.extend(ERR_ROW.format(name=member.full_name, message=m) for m in error.messages)
        if errors:
            raise ValidationError(errors)  # leaving the block rolls back what was recorded
    return recorded


def payment_delete(*, actor: User | None, payment: FeePayment) -> None:
    """Remove a payment recorded by mistake (the audit row keeps what it was)."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=Action.DELETE,
            target=payment,
            changes=snapshot(payment, PAYMENT_FIELDS),
            note=f"Xóa đảng phí tháng {payment.month:%m/%Y} của {payment.member.full_name}",
        )
        payment.delete()


def setting_set(*, actor: User | None, key: str, raw: str) -> FeeSetting:
    """Change one setting; ValidationError (Vietnamese) on a bad key or value."""
    try:
        value = rules.parse_setting(key, raw)
    except ValueError as error:
        raise ValidationError(str(error)) from None
    stored = value.isoformat() if isinstance(value, date) else value
    with transaction.atomic():
        setting, _ = FeeSetting.objects.get_or_create(key=key, defaults={"value": stored})
        before = setting.value
        setting.value = stored
        setting.save()
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            target=setting,
            changes={"value": [before, stored]} if before != stored else {},
            note=rules.SETTING_SPECS[key].label,
        )
    return setting
