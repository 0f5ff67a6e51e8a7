"""Form pieces shared by every page: Vietnamese dates, and putting a service's errors on a form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

# Typed the Vietnamese way; an ISO date (from a browser date picker or a paste) is accepted too.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"]
ERR_DATE = "Ngày không hợp lệ; hãy nhập theo dạng ngày/tháng/năm, ví dụ 15/03/2025."
ERR_REQUIRED = "Mục này không được để trống."


class DateInput(forms.DateInput):
    """A text box showing dd/mm/yyyy, kept as typed when the form comes back with an error."""

    input_type = "text"

    def __init__(self) -> None:
        super().__init__(
            format="%d/%m/%Y",
            attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off", "size": "12"},
        )


def date_field(label: str, *, required: bool = False, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT_FORMATS,
        widget=DateInput(),
        help_text=help_text,
        error_messages={"invalid": ERR_DATE, "required": ERR_REQUIRED},
    )


def add_service_errors(form: forms.Form, error: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """Put a service's `ValidationError` on the form: beside the field of the same name (or of its
    alias, e.g. a service's `parent` shown on the form's `new_parent_code`), else above the form."""
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, messages in error.message_dict.items():
        name = aliases.get(key, key)
        form.add_error(name if name in form.fields else None, messages)


def int_or_none(value: str | None) -> int | None:
    """A query-string integer; anything malformed counts as absent."""
    try:
        return int(value) if value else None
    except ValueError:
        return None
