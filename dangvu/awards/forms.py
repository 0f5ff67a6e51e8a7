from __future__ import annotations

from django import forms

from dangvu.awards.models import AwardRule


class DecisionForm(forms.Form):
    number = forms.CharField(label="Số quyết định", max_length=40)
    signed_on = forms.DateField(label="Ngày quyết định", input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    body = forms.CharField(label="Cấp quyết định", max_length=255)


class RuleForm(forms.ModelForm):
    class Meta:
        model = AwardRule
        fields = ["subject_kind", "level", "exemplary_required", "years", "award", "body", "source"]
