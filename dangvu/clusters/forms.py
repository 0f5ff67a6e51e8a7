from __future__ import annotations

from typing import Any

from django import forms

from dangvu.clusters.models import Briefing, Cluster
from dangvu.orgs.kinds import GRASSROOTS_KINDS
from dangvu.orgs.models import Org


class ClusterForm(forms.ModelForm):
    orgs = forms.ModelMultipleChoiceField(
        label="tổ chức cơ sở đảng trong cụm", queryset=Org.objects.none(), required=False
    )
    year = forms.IntegerField(label="áp dụng từ năm", min_value=1930, max_value=2100)
    leader = forms.ModelChoiceField(label="cụm trưởng", queryset=Org.objects.none(), required=False)
    deputy = forms.ModelChoiceField(label="cụm phó", queryset=Org.objects.none(), required=False)

    class Meta:
        model = Cluster
        fields = ["name", "owner", "note"]

    def __init__(self, *args: Any, editable: Any, visible: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grassroots = visible.active().filter(kind__in=GRASSROOTS_KINDS).order_by("code")
        self.fields["owner"].queryset = editable.active().order_by("path")  # type: ignore[attr-defined]
        for name in ("orgs", "leader", "deputy"):
            self.fields[name].queryset = grassroots  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = set(data.get("orgs") or [])
        for name in ("leader", "deputy"):
            org = data.get(name)
            if org is not None and org not in chosen:
                self.add_error(name, "Phải là một tổ chức trong cụm.")
        if data.get("leader") is not None and data.get("leader") == data.get("deputy"):
            self.add_error("deputy", "Cụm trưởng và cụm phó phải là hai tổ chức khác nhau.")
        return data


class BriefingForm(forms.ModelForm):
    class Meta:
        model = Briefing
        fields = ["summary", "notable_events", "directions"]
