"""Forms of the evaluation pages: opening a period, one row of a rating grid, and the reason and
decision of a re-rating. The row form is built from the regime (its levels and conditions), so any
regime renders; the rules themselves stay in the regime and the services."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from dangvu.accounts.models import Role, User
from dangvu.evaluations.grids import has_outstanding
from dangvu.evaluations.models import MemberRating, OrgRating
from dangvu.evaluations.periods import YEAR
from dangvu.evaluations.regimes.base import Regime, Subject
from dangvu.evaluations.services import can_manage_period
from dangvu.orgs.models import Org

ERR_SCORE_TYPE = "Điểm phải là một số, ví dụ 85 hoặc 92,5."
ERR_ORG_SCOPE = "Hãy chọn một tổ chức trong phạm vi của bạn."
ERR_ORG = "Bạn không được mở kỳ đánh giá cho tổ chức này."
QUARTER_CHOICES = [(YEAR, "Cả năm"), (1, "Quý 1"), (2, "Quý 2"), (3, "Quý 3"), (4, "Quý 4")]


class PeriodOpenForm(forms.Form):
    org = forms.ModelChoiceField(
        label="Tổ chức",
        queryset=Org.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": ERR_ORG_SCOPE, "required": "Hãy chọn tổ chức."},
        help_text="Kỳ mở cho một tổ chức áp dụng cho cả các tổ chức trực thuộc.",
    )
    year = forms.IntegerField(
        label="Năm",
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "size": "6"}),
        error_messages={"invalid": "Năm phải là một số, ví dụ 2025.", "required": "Hãy nhập năm."},
    )
    quarter = forms.TypedChoiceField(
        label="Kỳ",
        choices=QUARTER_CHOICES,
        coerce=int,
        initial=YEAR,
        help_text="Theo quý: chỉ từ QĐ 366 (30/8/2025).",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        field = self.fields["org"]
        assert isinstance(field, forms.ModelChoiceField)
        # Any live organisation in scope is accepted (a grid page opens a period for its own cell);
        # the list offers the scope and the organisations directly under it.
        field.queryset = Org.objects.visible_to(user).filter(dissolved_on__isnull=True)
        field.widget.choices = [(org.pk, f"{org.name} ({org.code})") for org in manageable_orgs(user)]

    def clean_org(self) -> Org:
        org: Org = self.cleaned_data["org"]
        if not can_manage_period(self.user, org):
            raise forms.ValidationError(ERR_ORG)
        return org


def manageable_orgs(user: User) -> Any:
    """Organisations offered when opening a period: the user's scope and the organisations directly
    under it (a period opened for one covers its whole subtree); the top of the tree for an admin."""
    live = Org.objects.filter(dissolved_on__isnull=True)
    if user.role == Role.ADMIN:
        return live.filter(depth__lte=1).order_by("path")
    scope = user.scope
    if scope is None or user.role not in {Role.STAFF, Role.SECRETARY}:
        return live.none()
    if user.role == Role.SECRETARY:
        return live.filter(pk=scope.pk)
    return live.filter(path__in_subtree=scope.path, depth__lte=scope.depth + 1).order_by("depth", "code")


class ScoreField(forms.CharField):
    """A score typed the Vietnamese way ("92,5") or with a dot; the range is the regime's business."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = str(value or "").strip().replace(" ", "").replace(",", ".")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation as error:
            raise forms.ValidationError(ERR_SCORE_TYPE) from error
        if not number.is_finite():
            raise forms.ValidationError(ERR_SCORE_TYPE)
        return number


class RatingRowForm(forms.Form):
    """One row of a grid: score (if the regime scores), the typed conditions, proposed and decided
    level, "tiêu biểu", "nổi trội" (organisations), and the justification of a contradiction.

    Every input carries an `aria-label` naming the row and the column, and a `data-col` the grid's
    script uses to move up and down a column."""

    def __init__(self, *args: Any, regime: Regime, subject: Subject, name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.regime, self.subject, self.row_name = regime, subject, name
        levels = [("", "—"), *((lv.code, f"{lv.code} — {lv.label}") for lv in regime.levels(subject))]
        if regime.scored:
            self.fields["score"] = ScoreField(
                label="Điểm",
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": "5", "class": "score"}),
            )
        for condition in regime.conditions(subject):
            if not condition.computed:
                self.fields[f"c_{condition.code}"] = forms.BooleanField(
                    label=condition.label, required=False, widget=forms.CheckboxInput(attrs={"title": condition.label})
                )
        self.fields["proposed_level"] = forms.ChoiceField(label="Mức đề xuất", choices=levels, required=False)
        self.fields["level"] = forms.ChoiceField(
            label="Mức quyết định", choices=levels, required=False, widget=forms.Select(attrs={"class": "js-level"})
        )
        self.fields["exemplary"] = forms.BooleanField(label="Tiêu biểu", required=False)
        if subject == "org" and has_outstanding(regime):
            self.fields["outstanding"] = forms.BooleanField(label="Đơn vị nổi trội", required=False)
        self.fields["justification"] = forms.CharField(
            label="Giải trình",
            required=False,
            max_length=500,
            widget=forms.TextInput(attrs={"size": "24", "class": "justification"}),
        )
        for code, bound in self.fields.items():
            bound.widget.attrs.update({"aria-label": f"{name} — {bound.label}", "data-col": code})

    @staticmethod
    def initial_for(regime: Regime, subject: Subject, rating: MemberRating | OrgRating | None) -> dict[str, Any]:
        """What an unsaved row starts with: requirements ticked, triggers not; else the stored values."""
        initial: dict[str, Any] = {}
        stored = dict(rating.conditions) if rating is not None else {}
        for condition in regime.conditions(subject):
            if not condition.computed:
                initial[f"c_{condition.code}"] = bool(stored.get(condition.code, condition.default))
        if rating is not None:
            initial.update(
                score=_score_text(rating.score),
                proposed_level=rating.proposed_level,
                level=rating.level,
                exemplary=rating.exemplary,
                justification=rating.justification,
            )
            if isinstance(rating, OrgRating):
                initial["outstanding"] = rating.outstanding
        return initial

    def conditions(self) -> dict[str, bool]:
        return {
            name.removeprefix("c_"): bool(value) for name, value in self.cleaned_data.items() if name.startswith("c_")
        }

    def is_submitted(self) -> bool:
        """Whether the POST holds this row at all (a partial POST leaves other rows alone)."""
        start = f"{self.prefix}-"
        return any(name.startswith(start) for name in self.data)

    def is_blank(self, initial: dict[str, Any]) -> bool:
        """Nothing typed on a row that has no rating yet: the grid does not store an empty rating."""
        if not self.is_submitted():
            return True
        data = self.cleaned_data
        return (
            data.get("score") is None
            and not data.get("proposed_level")
            and not data.get("level")
            and not data.get("exemplary")
            and not data.get("outstanding")
            and not (data.get("justification") or "").strip()
            and all(data.get(name) == value for name, value in initial.items() if name.startswith("c_"))
        )

    def field_for(self, service_field: str) -> str | None:
        """The form field a service error names (`score`, `level`…), if this form has it."""
        return service_field if service_field in self.fields else None


def _score_text(score: Decimal | None) -> str:
    if score is None:
        return ""
    text = f"{score.normalize():f}"
    return text.replace(".", ",")


class RerateForm(forms.Form):
    """A change to a published period: one reason and one decision for the rows it changes (Mẫu 03)."""

    rerate_reason = forms.CharField(
        label="Lý do xếp loại lại",
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"size": "40"}),
    )
    rerate_decision = forms.CharField(
        label="Số quyết định",
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"size": "16", "placeholder": "ví dụ 05-QĐ/ĐU"}),
    )
