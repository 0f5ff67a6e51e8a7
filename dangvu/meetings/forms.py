from __future__ import annotations

from django import forms

from dangvu.meetings.models import Meeting


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["held_on", "kind", "theme", "upper_cadre", "resolutions"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "resolutions": forms.Textarea(attrs={"rows": 4}),
        }


class CriterionForm(forms.Form):
    text = forms.CharField(label="Tiêu chí", max_length=500)
    position = forms.IntegerField(label="Thứ tự", min_value=1, initial=1)


class AssessmentForm(forms.Form):
    cell = forms.IntegerField(label="Chi bộ")
    period_from = forms.DateField(label="Từ ngày", widget=forms.DateInput(attrs={"type": "date"}))
    period_to = forms.DateField(label="Đến ngày", widget=forms.DateInput(attrs={"type": "date"}))


class RecogniseForm(forms.Form):
    number = forms.CharField(label="Số quyết định", max_length=64)
    decided_on = forms.DateField(label="Ngày quyết định", widget=forms.DateInput(attrs={"type": "date"}))
