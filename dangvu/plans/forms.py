"""Forms of the plans: a target, an inspection item and its record, a registration and its assessment."""

from __future__ import annotations

from typing import Any

from django import forms

from dangvu.members.models import Member
from dangvu.orgs.models import Org
from dangvu.plans.models import InspectionItem, Registration, Target
from dangvu.plans.status import Comparator

ERR_BAND = "Khoảng chỉ tiêu cần cả mức dưới và mức trên, mức dưới không lớn hơn mức trên."
ERR_MIN = "Chỉ tiêu tối thiểu cần mức dưới."
ERR_MAX = "Chỉ tiêu tối đa cần mức trên."
ERR_SUBJECT = "Chọn một tổ chức hoặc một đảng viên (chỉ một)."
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = [
            "year_from",
            "year_to",
            "kind",
            "comparator",
            "low",
            "high",
            "excellent_low",
            "excellent_high",
            "note",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high, comparator = data.get("low"), data.get("high"), data.get("comparator")
        if comparator == Comparator.MIN and low is None:
            self.add_error("low", ERR_MIN)
        if comparator == Comparator.MAX and high is None:
            self.add_error("high", ERR_MAX)
        if comparator == Comparator.BAND and (low is None or high is None or low > high):
            self.add_error("high", ERR_BAND)
        if data.get("year_from") and data.get("year_to") and data["year_to"] < data["year_from"]:
            self.add_error("year_to", "Năm kết thúc không trước năm bắt đầu.")
        return data


class _Subject(forms.ModelForm):
    """A subject picked among the organisations and members of the committee's subtree."""

    def __init__(self, *args: Any, scope: Org, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_field = self.fields["target_org" if "target_org" in self.fields else "org"]
        member_field = self.fields["target_member" if "target_member" in self.fields else "member"]
        org_field.queryset = Org.objects.subtree(scope).active().order_by("path")  # type: ignore[attr-defined]
        member_field.queryset = Member.objects.on_roll().in_subtree(scope.path).order_by("full_name")  # type: ignore[attr-defined]

    def _one_subject(self, org_key: str, member_key: str) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get(org_key)) == bool(data.get(member_key)):
            raise forms.ValidationError(ERR_SUBJECT)
        return data


class InspectionItemForm(_Subject):
    class Meta:
        model = InspectionItem
        fields = ["target_org", "target_member", "subject", "kind", "by_whom", "quarter"]

    def clean(self) -> dict[str, Any]:
        return self._one_subject("target_org", "target_member")


class InspectionRecordForm(forms.ModelForm):
    class Meta:
        model = InspectionItem
        fields = ["done_on", "findings", "conclusion", "follow_up", "follow_up_due", "follow_up_done_on"]
        widgets = {"done_on": DATE, "follow_up_due": DATE, "follow_up_done_on": DATE}


class RegistrationForm(_Subject):
    class Meta:
        model = Registration
        fields = ["kind", "org", "member", "text", "registered_on"]
        widgets = {"registered_on": DATE}

    def clean(self) -> dict[str, Any]:
        return self._one_subject("org", "member")


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Registration
        fields = ["assessment", "level", "has_product"]
