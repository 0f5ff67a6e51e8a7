"""Workflows of the evaluation: open and close a period, save a grid of ratings.

Saving never refuses what the rules merely contradict: the level the rules allow and the findings
(with their articles) are stored beside the decided level. It refuses only what cannot be stored (a
score out of range, a level code the regime does not have, a rating outside any open period, a change
to a published period without reason and decision), and then nothing of the grid is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from dangvu.accounts.models import ORG_EDITORS, Role, User
from dangvu.audit.models import Action
from dangvu.audit.services import audit_record, diff
from dangvu.evaluations.models import MemberRating, OrgRating, Period, PeriodStatus, RuleSetting
from dangvu.evaluations.periods import YEAR, PeriodKey
from dangvu.evaluations.regimes import regime_by_code, regime_for
from dangvu.evaluations.regimes.base import (
    RatingInput,
    Regime,
    Subject,
    Subordinates,
    findings_for,
)
from dangvu.members.models import Member
from dangvu.orgs.kinds import CELL_KINDS
from dangvu.orgs.models import Org

ERR_QUARTER = "{regime} không có kỳ đánh giá theo quý."
ERR_QUARTER_RANGE = "Quý phải từ 1 đến 4."
ERR_YEAR = "Năm {year} chưa kết thúc kỳ nào hoặc ngoài phạm vi."
ERR_PERIOD_EXISTS = "Kỳ {label} của “{org}” đã được mở."
ERR_ALREADY_CLOSED = "Kỳ {label} của “{org}” đã công bố."
ERR_NO_PERIOD = "Chưa mở kỳ đánh giá {label} cho tổ chức này."
ERR_SCORE = "Điểm phải từ 0 đến {max}."
ERR_SCORE_UNUSED = "{regime} không chấm điểm; bỏ trống ô điểm."
ERR_LEVEL = "Mức “{code}” không có trong {regime}."
ERR_RERATE = "Kỳ đã công bố: muốn xếp loại lại phải ghi lý do và số quyết định."
ERR_NOT_IN_GRID = "Đối tượng không thuộc danh sách đánh giá của trang này."
ERR_NO_REGIME = "Không có quy định đánh giá áp dụng cho kỳ {label}."

RATING_FIELDS = (
    "score",
    "conditions",
    "proposed_level",
    "level",
    "exemplary",
    "justification",
    "rerate_reason",
    "rerate_decision",
    "allowed_level",
    "findings",
)


# Permissions -------------------------------------------------------------------------------------------


def can_manage_period(user: User, org: Org) -> bool:
    """Open or publish a period for `org`: an admin; staff within their scope; a secretary for their cell."""
    if not user.is_active:
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.STAFF and user.scope is not None:
        return org.path.startswith(user.scope.path)
    return user.role == Role.SECRETARY and user.scope_id == org.pk


def can_rate_members(user: User, cell: Org) -> bool:
    return cell.kind in CELL_KINDS and can_manage_period(user, cell)


def can_rate_orgs(user: User, org: Org) -> bool:
    """Rate an organisation: its committee above does it — an admin, or staff whose scope is strictly above it."""
    if not user.is_active or user.role not in ORG_EDITORS:
        return False
    if user.role == Role.ADMIN:
        return True
    scope = user.scope
    return scope is not None and org.pk != scope.pk and org.path.startswith(scope.path)


# Settings and regimes ----------------------------------------------------------------------------------


def rule_overrides(regime: Regime) -> dict[str, Any]:
    return dict(RuleSetting.objects.filter(regime=regime.code).values_list("key", "value"))


def regime_of(key: PeriodKey) -> Regime:
    try:
        return regime_for(key.end)
    except LookupError as error:
        raise ValidationError(ERR_NO_REGIME.format(label=key.label())) from error


# Periods -----------------------------------------------------------------------------------------------


def periods_covering(org: Org, key: PeriodKey) -> list[Period]:
    """Periods opened for this organisation or any above it, deepest first."""
    ids = [*org.ancestor_ids(), org.pk]
    periods = list(Period.objects.filter(org_id__in=ids, year=key.year, quarter=key.quarter).select_related("org"))
    return sorted(periods, key=lambda p: -p.org.depth)


def lock_state(org: Org, key: PeriodKey) -> str | None:
    """ "closed" if a covering period is published, "open" if one is open, None if no period covers."""
    periods = periods_covering(org, key)
    if any(p.status == PeriodStatus.CLOSED for p in periods):
        return PeriodStatus.CLOSED
    return PeriodStatus.OPEN if periods else None


@transaction.atomic
def period_open(*, actor: User | None, org: Org, year: int, quarter: int = YEAR) -> Period:
    if quarter not in range(0, 5):
        raise ValidationError({"quarter": ERR_QUARTER_RANGE})
    key = PeriodKey(year, quarter)
    if key.start > timezone.localdate():
        raise ValidationError({"year": ERR_YEAR.format(year=year)})
    regime = regime_of(key)
    if quarter != YEAR and not regime.quarterly:
        raise ValidationError({"quarter": ERR_QUARTER.format(regime=regime.name)})
    if Period.objects.filter(org=org, year=year, quarter=quarter).exists():
        raise ValidationError(ERR_PERIOD_EXISTS.format(label=key.label(), org=org.name))
    period = Period.objects.create(org=org, year=year, quarter=quarter, regime=regime.code, opened_by=_user(actor))
    audit_record(actor=actor, action=Action.CREATE, target=period, changes={"status": [None, PeriodStatus.OPEN]})
    return period


@transaction.atomic
def period_close(*, actor: User | None, period: Period) -> Period:
    if period.status == PeriodStatus.CLOSED:
        raise ValidationError(ERR_ALREADY_CLOSED.format(label=period.key.label(), org=period.org.name))
    period.status, period.closed_at, period.closed_by = PeriodStatus.CLOSED, timezone.now(), _user(actor)
    period.save(update_fields=["status", "closed_at", "closed_by"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=period,
        changes={"status": [PeriodStatus.OPEN, PeriodStatus.CLOSED]},
        note="Công bố kết quả",
    )
    return period


# Subordinate figures -------------------------------------------------------------------------------------


def subordinates_of(org: Org, key: PeriodKey) -> Subordinates:
    """Decided levels below `org` in the period: its members (whole subtree), its direct children, and
    the members marked disciplined. Three aggregate queries."""
    member_rows = MemberRating.objects.filter(org__path__in_subtree=org.path, year=key.year, quarter=key.quarter)
    members = dict(member_rows.exclude(level="").values_list("level").annotate(n=Count("pk")).values_list("level", "n"))
    disciplined = member_rows.filter(conditions__disciplined=True).count()
    children = dict(
        OrgRating.objects.filter(org__parent=org, year=key.year, quarter=key.quarter)
        .exclude(level="")
        .values_list("level")
        .annotate(n=Count("pk"))
        .values_list("level", "n")
    )
    return Subordinates(members_by_level=members, children_by_level=children, disciplined_members=disciplined)


# Saving a grid -----------------------------------------------------------------------------------------


@dataclass
class RowInput:
    subject_id: int
    score: Decimal | None = None
    conditions: Mapping[str, bool] = field(default_factory=dict)
    proposed_level: str = ""
    level: str = ""
    exemplary: bool = False
    justification: str = ""
    rerate_reason: str = ""
    rerate_decision: str = ""
    outstanding: bool = False  # organisations only


@dataclass
class RowResult:
    subject_id: int
    allowed_level: str = ""
    findings: list[dict[str, str]] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    changed: bool = False


class GridError(ValidationError):
    """Raised when any row cannot be stored; `results` says which row and which field."""

    def __init__(self, results: list[RowResult]):
        super().__init__("Có ô nhập chưa hợp lệ; chưa lưu dòng nào.")
        self.results = results


def evaluate(
    regime: Regime,
    subject: Subject,
    row: RowInput,
    overrides: Mapping[str, Any],
    subordinates: Subordinates | None = None,
) -> RowResult:
    """Validate one row and compute what the rules allow; pure apart from its arguments."""
    result = RowResult(row.subject_id)
    if row.score is not None:
        if not regime.scored:
            result.errors.setdefault("score", []).append(ERR_SCORE_UNUSED.format(regime=regime.name))
        elif not (Decimal(0) <= row.score <= regime.max_score):
            result.errors.setdefault("score", []).append(ERR_SCORE.format(max=regime.max_score))
    for name in ("proposed_level", "level"):
        code = getattr(row, name)
        if code and regime.level(subject, code) is None:
            result.errors.setdefault(name, []).append(ERR_LEVEL.format(code=code, regime=regime.name))
    if result.errors:
        return result
    known = {c.code: c for c in regime.conditions(subject)}
    conditions = {code: bool(row.conditions.get(code, c.default)) for code, c in known.items() if not c.computed}
    verdict = regime.verdict(subject, RatingInput(row.score, conditions, subordinates), overrides)
    result.allowed_level = verdict.level or ""
    result.findings = [asdict(f) for f in findings_for(regime, subject, row.level, verdict, exemplary=row.exemplary)]
    return result


@transaction.atomic
def ratings_save(
    *, actor: User | None, subject: Subject, container: Org, key: PeriodKey, rows: Sequence[RowInput]
) -> list[RowResult]:
    """Save the rows of one grid: the members of the cell `container`, or the organisations directly
    under `container`. All or nothing: any row error raises `GridError` and writes nothing."""
    regime = regime_of(key)
    overrides = rule_overrides(regime)
    state = lock_state(container, key)
    if state is None:
        raise ValidationError(ERR_NO_PERIOD.format(label=key.label()))
    if subject == "member":
        subjects: dict[int, Any] = {
            m.pk: m for m in Member.objects.filter(current_org=container, pk__in=[r.subject_id for r in rows])
        }
        existing: dict[int, Any] = {
            r.member_id: r
            for r in MemberRating.objects.filter(member_id__in=subjects, year=key.year, quarter=key.quarter)
        }
    else:
        subjects = {o.pk: o for o in Org.objects.filter(parent=container, pk__in=[r.subject_id for r in rows])}
        existing = {
            r.org_id: r for r in OrgRating.objects.filter(org_id__in=subjects, year=key.year, quarter=key.quarter)
        }
    results: list[RowResult] = []
    rating: MemberRating | OrgRating | None
    for row in rows:
        if row.subject_id not in subjects:
            results.append(RowResult(row.subject_id, errors={"__all__": [ERR_NOT_IN_GRID]}))
            continue
        subordinates = subordinates_of(subjects[row.subject_id], key) if subject == "org" else None
        result = evaluate(regime, subject, row, overrides, subordinates)
        rating = existing.get(row.subject_id)
        values = _values(row, result, regime, subject)
        before = {name: getattr(rating, name) for name in values} if rating is not None else {}
        result.changed = rating is None or any(
            _norm(before[n]) != _norm(v)
            for n, v in values.items()
            if n not in {"allowed_level", "findings", "rerate_reason", "rerate_decision"}
        )
        if (
            result.changed
            and rating is not None
            and state == PeriodStatus.CLOSED
            and not (row.rerate_reason.strip() and row.rerate_decision.strip())
        ):
            result.errors.setdefault("rerate_reason", []).append(ERR_RERATE)
        results.append(result)
    if any(r.errors for r in results):
        raise GridError(results)
    for row, result in zip(rows, results, strict=True):
        if not result.changed:
            continue
        values = _values(row, result, regime, subject)
        rating = existing.get(row.subject_id)
        created = rating is None
        if rating is None:
            target = subjects[row.subject_id]
            if subject == "member":
                rating = MemberRating(year=key.year, quarter=key.quarter, member=target, org=container)
            else:
                rating = OrgRating(year=key.year, quarter=key.quarter, org=target)
        before = {} if created else {name: _plain(getattr(rating, name)) for name in values}
        for name, value in values.items():
            setattr(rating, name, value)
        rating.regime = regime.code
        rating.updated_by = _user(actor)
        if not created and state == PeriodStatus.CLOSED:
            rating.rerated = True
        rating.save()
        changes = diff(before, {name: _plain(v) for name, v in values.items()})
        changes.pop("findings", None)
        audit_record(
            actor=actor,
            action=Action.CREATE if created else Action.UPDATE,
            target=rating,
            changes=changes,
            note=f"Xếp loại lại: {row.rerate_reason} ({row.rerate_decision})" if rating.rerated and not created else "",
        )
    return results


def _values(row: RowInput, result: RowResult, regime: Regime, subject: Subject) -> dict[str, Any]:
    known = {c.code: c for c in regime.conditions(subject) if not c.computed}
    values: dict[str, Any] = {
        "score": row.score,
        "conditions": {code: bool(row.conditions.get(code, c.default)) for code, c in known.items()},
        "proposed_level": row.proposed_level,
        "level": row.level,
        "exemplary": row.exemplary,
        "justification": row.justification.strip(),
        "allowed_level": result.allowed_level,
        "findings": result.findings,
    }
    if row.rerate_reason.strip():
        values["rerate_reason"] = row.rerate_reason.strip()
        values["rerate_decision"] = row.rerate_decision.strip()
    if subject == "org":
        values["outstanding"] = row.outstanding
    return values


def _norm(value: Any) -> Any:
    return Decimal(value).normalize() if isinstance(value, Decimal) else value


def _plain(value: Any) -> Any:
    return str(_norm(value)) if isinstance(value, Decimal) else value


def _user(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


__all__ = [
    "GridError",
    "RowInput",
    "RowResult",
    "can_manage_period",
    "can_rate_members",
    "can_rate_orgs",
    "evaluate",
    "lock_state",
    "period_close",
    "period_open",
    "periods_covering",
    "ratings_save",
    "regime_by_code",
    "regime_of",
    "rule_overrides",
    "subordinates_of",
]
