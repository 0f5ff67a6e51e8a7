"""The upload form: which kind of data, and the file."""

from __future__ import annotations

from django import forms

from dangvu.accounts.models import MEMBER_EDITORS, ORG_EDITORS, User
from dangvu.exchange.models import Kind
from dangvu.exchange.plan_kinds import PLAN_KINDS

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
ERR_TOO_BIG = "Tệp lớn quá {mb} MB."
ERR_EXTENSION = "Chỉ nhận tệp .xlsx, .xls hoặc .csv."
EXTENSIONS = (".xlsx", ".xls", ".csv")


def allowed_kinds(user: User) -> list[str]:
    """Organisations for the roles that edit the tree; members, events and ratings for those that edit members."""
    kinds = []
    if user.has_role_in(ORG_EDITORS):
        kinds.append(Kind.ORGS.value)
    if user.has_role_in(MEMBER_EDITORS):
        kinds += [Kind.MEMBERS.value, Kind.EVENTS.value, Kind.RATINGS.value]
    # The plans' kinds say who may import them (the inspection plan: ORG_EDITORS; registrations, meetings:
    # MEMBER_EDITORS, as on their pages).
    kinds += [code for code, definition in PLAN_KINDS.items() if user.has_role_in(definition.editors or frozenset())]
    return kinds


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="Loại dữ liệu", choices=Kind.choices)
    file = forms.FileField(
        label="Tệp (.xlsx, .xls, .csv)", widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)})
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        allowed = allowed_kinds(user)
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [(value, label) for value, label in Kind.choices if value in allowed]

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(ERR_TOO_BIG.format(mb=MAX_UPLOAD_BYTES // (1024 * 1024)))
        if not upload.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError(ERR_EXTENSION)
        return upload
