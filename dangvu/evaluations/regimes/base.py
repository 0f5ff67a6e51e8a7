"""What every rating regime (one regulation, valid from its start date) provides.

A regime is a module with one `Regime` instance: its levels, the conditions it asks, the level its
rules allow for a given input, its quota, and its settings (rules DOMAIN-RULES marks UNCONFIRMED are
settings with a default, overridable in the database through `RuleSetting`). Pure code: no ORM.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

Subject = Literal["member", "org"]

# Stable level codes for machine output.
HTXSNV, HTTNV, HTNV, KHTNV = "HTXSNV", "HTTNV", "HTNV", "KHTNV"
TSVM, YK, VPTC = "TSVM", "YK", "VPTC"


@dataclass(frozen=True)
class LevelDef:
    code: str
    label: str
    rank: int  # 1 = best


# The four levels of QĐ 132, QĐ 124 and QĐ 366 (and of members under HD 27).
FOUR_LEVELS = (
    LevelDef(HTXSNV, "Hoàn thành xuất sắc nhiệm vụ", 1),
    LevelDef(HTTNV, "Hoàn thành tốt nhiệm vụ", 2),
    LevelDef(HTNV, "Hoàn thành nhiệm vụ", 3),
    LevelDef(KHTNV, "Không hoàn thành nhiệm vụ", 4),
)
# Organisations before 2018 (HD 20, HD 27).
TSVM_LEVELS = (
    LevelDef(TSVM, "Trong sạch, vững mạnh", 1),
    LevelDef(HTTNV, "Hoàn thành tốt nhiệm vụ", 2),
    LevelDef(HTNV, "Hoàn thành nhiệm vụ", 3),
    LevelDef(YK, "Yếu kém", 4),
)


@dataclass(frozen=True)
class Condition:
    """A yes/no fact the regime asks about a rated member or organisation.

    `requirement`: needed for some level (missing it lowers the allowed level);
    `trigger`: makes the lowest level whatever the score. `computed`: filled from the data (e.g. the
    share of a cell's members rated HTTNV), not typed.
    """

    code: str
    label: str
    article: str
    kind: Literal["requirement", "trigger"] = "requirement"
    computed: bool = False

    @property
    def default(self) -> bool:
        """A fresh grid starts with requirements met and no trigger: the usual case, untick what fails."""
        return self.kind == "requirement"


@dataclass(frozen=True)
class Finding:
    """A rule the typed level contradicts (or a quota breached): a warning with its source, never a refusal."""

    code: str
    article: str
    message: str


@dataclass(frozen=True)
class Subordinates:
    """Results below a rated organisation in the same period, computed from the data.

    members_by_level: decided levels of the organisation's members (for a cell) or of all members below it;
    children_by_level: decided levels of its directly subordinate organisations;
    disciplined_members: members marked disciplined this period.
    """

    members_by_level: Mapping[str, int] = field(default_factory=dict)
    children_by_level: Mapping[str, int] = field(default_factory=dict)
    disciplined_members: int = 0

    @property
    def members_rated(self) -> int:
        return sum(self.members_by_level.values())

    @property
    def children_rated(self) -> int:
        return sum(self.children_by_level.values())


@dataclass(frozen=True)
class RatingInput:
    score: Decimal | None = None
    conditions: Mapping[str, bool] = field(default_factory=dict)
    subordinates: Subordinates | None = None  # organisations only


@dataclass(frozen=True)
class Verdict:
    """The best level the rules allow (None: the regime gives no computable level for this input) and
    why no better one."""

    level: str | None
    reasons: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class QuotaRule:
    """Excellent ≤ `ratio` × the count of `base_levels` among peers (`exception_ratio` for an
    outstanding unit). `peer_group` names how peers are grouped, for display and for the queries."""

    top_level: str
    ratio: Decimal
    exception_ratio: Decimal | None
    base_levels: tuple[str, ...]
    peer_group: str
    article: str


@dataclass(frozen=True)
class Setting:
    """A rule that DOMAIN-RULES marks UNCONFIRMED (or that a deployment may tune): key, default, meaning."""

    key: str
    default: Any
    label: str
    unconfirmed: bool = True


Rule = Callable[[RatingInput, Mapping[str, Any]], Verdict]


@dataclass(frozen=True)
class Regime:
    code: str  # "QD366"
    name: str  # "QĐ 366-QĐ/TW (30/8/2025) và HD 43-HD/BTCTW"
    starts: date
    quarterly: bool
    scored: bool
    member_levels: tuple[LevelDef, ...]
    org_levels: tuple[LevelDef, ...]
    member_conditions: tuple[Condition, ...]
    org_conditions: tuple[Condition, ...]
    member_rule: Rule
    org_rule: Rule
    settings: tuple[Setting, ...] = ()
    member_quota: Callable[[Mapping[str, Any]], QuotaRule | None] = lambda s: None
    org_quota: Callable[[Mapping[str, Any]], QuotaRule | None] = lambda s: None
    # Levels that may carry the "tiêu biểu" (exemplary) mark.
    exemplary_levels: frozenset[str] = frozenset({HTXSNV, TSVM})
    # Months since admission below which a member is not rated.
    new_member_months: int = 6
    max_score: Decimal = Decimal(100)

    def levels(self, subject: Subject) -> tuple[LevelDef, ...]:
        return self.member_levels if subject == "member" else self.org_levels

    def level(self, subject: Subject, code: str) -> LevelDef | None:
        return next((lv for lv in self.levels(subject) if lv.code == code), None)

    def conditions(self, subject: Subject) -> tuple[Condition, ...]:
        return self.member_conditions if subject == "member" else self.org_conditions

    def defaults(self) -> dict[str, Any]:
        return {s.key: s.default for s in self.settings}

    def resolved(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        values = self.defaults()
        values.update({k: v for k, v in (overrides or {}).items() if k in values})
        return values

    def verdict(self, subject: Subject, rating: RatingInput, overrides: Mapping[str, Any] | None = None) -> Verdict:
        rule = self.member_rule if subject == "member" else self.org_rule
        return rule(rating, self.resolved(overrides))

    def quota(self, subject: Subject, overrides: Mapping[str, Any] | None = None) -> QuotaRule | None:
        rule = self.member_quota if subject == "member" else self.org_quota
        return rule(self.resolved(overrides))


def findings_for(
    regime: Regime, subject: Subject, decided: str, verdict: Verdict, *, exemplary: bool = False
) -> list[Finding]:
    """Compare a decided level with what the rules allow. A level above the allowed one is flagged with
    the articles that forbid it; an unknown code or a misplaced "tiêu biểu" mark too."""
    findings: list[Finding] = []
    typed = regime.level(subject, decided) if decided else None
    if decided and typed is None:
        codes = ", ".join(lv.code for lv in regime.levels(subject))
        findings.append(
            Finding("unknown_level", regime.name, f"Mức “{decided}” không có trong {regime.name} ({codes}).")
        )
        return findings
    if typed is not None and verdict.level is not None:
        allowed = regime.level(subject, verdict.level)
        if allowed is not None and typed.rank < allowed.rank:
            reasons = verdict.reasons or (Finding("above_allowed", regime.name, ""),)
            for reason in reasons:
                findings.append(
                    Finding(
                        reason.code,
                        reason.article,
                        f"Xếp “{typed.label}” cao hơn mức quy định cho phép “{allowed.label}”: {reason.message}".rstrip(
                            ": "
                        ),
                    )
                )
    if exemplary and decided not in regime.exemplary_levels:
        findings.append(Finding("exemplary_level", regime.name, "Chỉ mức cao nhất mới được ghi nhận “tiêu biểu”."))
    return findings


def quota_check(
    rule: QuotaRule, counts: Mapping[str, int], *, outstanding: bool = False
) -> tuple[int, int, Decimal, Decimal, bool]:
    """(excellent, base, share, limit, exceeded): excellent ≤ limit × base. Share is excellent/base
    (0 when base is 0); with no base, any excellent exceeds."""
    limit = rule.exception_ratio if outstanding and rule.exception_ratio is not None else rule.ratio
    top = counts.get(rule.top_level, 0)
    base = sum(counts.get(level, 0) for level in rule.base_levels)
    share = Decimal(top) / Decimal(base) if base else Decimal(0)
    exceeded = top > limit * base
    return top, base, share, limit, exceeded
