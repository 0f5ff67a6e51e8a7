"""Forms of the organisation pages. They check what a form can check alone (required fields, dates,
a parent code the user may see); the tree rules are the services' job, and their `ValidationError`
is put back on the form by `add_service_errors`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangvu.accounts.models import User
from dangvu.lib.forms import date_field
from dangvu.orgs.kinds import ALLOWED_CHILDREN, OrgKind, Sector, shape_error
from dangvu.orgs.models import Org

ERR_PARENT_NOT_FOUND = "Không tìm thấy tổ chức có mã “{code}” trong phạm vi của bạn."
ERR_CONFIRM = "Hãy đánh dấu ô xác nhận giải thể."


def effective_field() -> forms.DateField:
    return date_field("Ngày hiệu lực", required=True, help_text="Ngày quyết định có hiệu lực (dd/mm/yyyy).")


def reason_field() -> forms.CharField:
    return forms.CharField(
        label="Căn cứ / lý do",
        required=False,
        max_length=255,
        help_text="Ví dụ: Quyết định số 123-QĐ/TU ngày 01/07/2025.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


def code_field() -> forms.CharField:
    return forms.CharField(
        label="Mã tổ chức",
        max_length=32,
        error_messages={"required": "Hãy nhập mã tổ chức."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


def name_field() -> forms.CharField:
    return forms.CharField(
        label="Tên tổ chức",
        max_length=255,
        error_messages={"required": "Hãy nhập tên tổ chức."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


def kind_choices(kinds: frozenset[str]) -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in OrgKind.choices if value in kinds]


class OrgCreateForm(forms.Form):
    code = code_field()
    name = name_field()
    kind = forms.ChoiceField(label="Loại tổ chức", choices=OrgKind.choices)
    sector = forms.ChoiceField(label="Khối / loại hình", choices=Sector.choices)
    founded_on = date_field("Ngày thành lập", required=False, help_text="Bỏ trống: hôm nay.")
    reason = reason_field()

    def __init__(self, *args: Any, parent: Org, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"sector": parent.sector})
        super().__init__(*args, **kwargs)
        self.parent = parent
        # The list offers only the kinds the parent may have; any other kind posted reaches the
        # service, which explains why it is refused.
        self.fields["kind"].widget.choices = kind_choices(ALLOWED_CHILDREN.get(parent.kind, frozenset()))

    @property
    def allowed_kinds(self) -> bool:
        return bool(ALLOWED_CHILDREN.get(self.parent.kind))


class OrgEditForm(forms.Form):
    code = code_field()
    name = name_field()
    kind = forms.ChoiceField(label="Loại tổ chức", choices=OrgKind.choices)
    sector = forms.ChoiceField(label="Khối / loại hình", choices=Sector.choices)
    founded_on = date_field("Ngày thành lập", required=False)
    effective_on = effective_field()
    reason = reason_field()

    def __init__(self, *args: Any, org: Org, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "code": org.code,
                "name": org.name,
                "kind": org.kind,
                "sector": org.sector,
                "founded_on": org.founded_on,
                "effective_on": timezone.localdate(),
            },
        )
        super().__init__(*args, **kwargs)
        parent = org.parent
        possible = {kind for kind in OrgKind.values if shape_error(kind, parent.kind if parent else None) is None}
        self.fields["kind"].widget.choices = kind_choices(frozenset(possible | {org.kind}))


class OrgMoveForm(forms.Form):
    new_parent_code = forms.CharField(
        label="Mã tổ chức cấp trên mới",
        max_length=32,
        error_messages={"required": "Hãy nhập mã tổ chức cấp trên mới."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        help_text="Mã của tổ chức sẽ trực tiếp quản lý tổ chức này, ví dụ X01-01.",
    )
    effective_on = effective_field()
    reason = reason_field()

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"effective_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.user = user
        self.new_parent: Org | None = None

    def clean_new_parent_code(self) -> str:
        code = " ".join(self.cleaned_data["new_parent_code"].split()).upper()
        self.new_parent = Org.objects.visible_to(self.user).filter(code=code).first()
        if self.new_parent is None:
            raise ValidationError(ERR_PARENT_NOT_FOUND.format(code=code))
        return code


class OrgDissolveForm(forms.Form):
    effective_on = date_field("Ngày giải thể", required=True, help_text="Ngày quyết định giải thể có hiệu lực.")
    reason = reason_field()
    confirm = forms.BooleanField(
        label="Tôi xác nhận giải thể tổ chức này",
        required=True,
        error_messages={"required": ERR_CONFIRM},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"effective_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
