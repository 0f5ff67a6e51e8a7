"""What the individual self-assessment asks under each rating regime. Pure code over the regimes.

QĐ 366-QĐ/TW with HD 43-HD/BTCTW (from 30/8/2025, DOMAIN-RULES §1.1):
- 100 points = a general group of criteria (30) + the results of the tasks (70);
- the criteria annex depends on the role: Phụ lục 3 leaders and managers, Phụ lục 4 non-leaders,
  Phụ lục 5 members outside the political system (TL:cabfddfbbc442ed3);
- the individual forms: Mẫu 2A / 2B / 2C (leader / non-leader / outside the system) and Mẫu 05, the
  quarterly or yearly self-rating (TL:bce132ffed8cea1d, TL:2f6c92fede3f7553).
How the 30 general points split into sub-criteria is not on file: the form asks the two confirmed
groups, each with its maximum.

Older regimes (QĐ 124, QĐ 132, HD 27, HD 20) rated members without a 100-point score: their form asks
the regime's own yes/no conditions (the same ones as on the rating grid), the written parts and the
proposed level; no per-criterion points.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from dangvu.evaluations.periods import YEAR
from dangvu.evaluations.regimes.base import Condition, LevelDef, Regime

QD366 = "QD366"
HD43 = "HD 43-HD/BTCTW"
ANNEX_SOURCE = "QĐ 366-QĐ/TW, các phụ lục tiêu chí"

ROLE_FORMS = {"leader": ("2A", "Phụ lục 3"), "non_leader": ("2B", "Phụ lục 4"), "outside": ("2C", "Phụ lục 5")}

ERR_SCORE = "Điểm “{label}” phải là số từ 0 đến {max}."


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    max_points: Decimal

    @property
    def max_text(self) -> str:
        return f"{self.max_points.normalize():f}".replace(".", ",")


@dataclass(frozen=True)
class FormSpec:
    """The form one member fills in for one period."""

    regime: Regime
    form_code: str  # "Mẫu 2B", "Mẫu 05", "" (older regimes: no numbered form on file)
    title: str
    annex: str  # "Phụ lục 4" or ""
    criteria: tuple[Criterion, ...]

    @property
    def scored(self) -> bool:
        return bool(self.criteria)

    @property
    def max_total(self) -> Decimal:
        return sum((c.max_points for c in self.criteria), Decimal(0))

    @property
    def levels(self) -> tuple[LevelDef, ...]:
        return self.regime.member_levels

    @property
    def conditions(self) -> tuple[Condition, ...]:
        """The yes/no facts the member states about their own tasks (requirements first)."""
        typed = [c for c in self.regime.member_conditions if not c.computed]
        return tuple([c for c in typed if c.kind == "requirement"] + [c for c in typed if c.kind != "requirement"])

    @property
    def source(self) -> str:
        return f"{self.regime.name}" + (f", {self.annex}" if self.annex else "")


def form_spec(regime: Regime, role_kind: str, quarter: int) -> FormSpec:
    if regime.code == QD366:
        letter, annex = ROLE_FORMS.get(role_kind, ROLE_FORMS["non_leader"])
        tasks_label = "Kết quả thực hiện chức trách, nhiệm vụ được giao"
        if role_kind == "leader":
            tasks_label += " (cả kết quả của cơ quan, đơn vị, lĩnh vực được giao lãnh đạo, quản lý)"
        criteria = (
            Criterion("general", "Nhóm tiêu chí chung", Decimal(30)),
            Criterion("tasks", tasks_label, Decimal(70)),
        )
        if quarter != YEAR:
            return FormSpec(regime, "Mẫu 05", "Bản tự đánh giá, xếp loại chất lượng của cá nhân (quý)", annex, criteria)
        return FormSpec(
            regime, f"Mẫu {letter}", "Bản kiểm điểm, tự đánh giá xếp loại của cá nhân (năm)", annex, criteria
        )
    return FormSpec(regime, "", "Bản kiểm điểm, tự đánh giá xếp loại của cá nhân", "", ())


def parse_points(text: str) -> Decimal | None:
    """ "25", "25,5" or "25.5" -> Decimal; "" -> None; anything else raises ValueError."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not value.is_finite():
        raise ValueError(text)
    return value


def check_scores(spec: FormSpec, raw: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(points by criterion as text, errors by criterion): each blank or a number 0..max with at most
    two decimals."""
    points: dict[str, str] = {}
    errors: dict[str, str] = {}
    for criterion in spec.criteria:
        try:
            value = parse_points(raw.get(criterion.code, ""))
        except ValueError:
            value = None
            errors[criterion.code] = ERR_SCORE.format(label=criterion.label, max=criterion.max_text)
            continue
        if value is None:
            continue
        if value < 0 or value > criterion.max_points or value != value.quantize(Decimal("0.01")):
            errors[criterion.code] = ERR_SCORE.format(label=criterion.label, max=criterion.max_text)
            continue
        points[criterion.code] = f"{value.normalize():f}"
    return points, errors


def total(spec: FormSpec, points: Mapping[str, str]) -> Decimal | None:
    """The sum of the criteria's points; None until every criterion has its points."""
    if not spec.scored or any(c.code not in points for c in spec.criteria):
        return None
    return sum((Decimal(points[c.code]) for c in spec.criteria), Decimal(0))
