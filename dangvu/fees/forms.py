"""Forms of the fee pages: months typed as mm/yyyy, amounts in đồng (dots allowed), Vietnamese errors."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from dangvu.fees.models import CATEGORY_CHOICES, EXEMPTION_CHOICES, Method
from dangvu.fees.rules import REDUCTION_PERCENTS
from dangvu.lib.forms import ERR_REQUIRED, date_field

ERR_MONTH = "Tháng không hợp lệ; hãy nhập theo dạng tháng/năm, ví dụ 03/2026."
ERR_MONEY = "Số tiền không hợp lệ; hãy nhập số đồng, ví dụ 85.000."


class MonthField(forms.Field):
    """ "03/2026" (or "3/2026", "2026-03") → date(2026, 3, 1)."""

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(
            label=label,
            widget=forms.TextInput(
                attrs={"placeholder": "mm/yyyy", "inputmode": "numeric", "size": "8", "maxlength": "7"}
            ),
            error_messages={"required": ERR_REQUIRED},
            **kwargs,
        )

    def to_python(self, value: Any) -> Any:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            if "-" in text:
                year, month = text.split("-")
            else:
                month, year = text.split("/")
            return date(int(year), int(month), 1)
        except ValueError:
            raise forms.ValidationError(ERR_MONTH) from None

    def prepare_value(self, value: Any) -> Any:
        return f"{value:%m/%Y}" if isinstance(value, date) else value


class MoneyField(forms.Field):
    """Đồng, typed "85.000", "85000" or "85 000"."""

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(
            label=label,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "size": "14", "maxlength": "20"}),
            error_messages={"required": ERR_REQUIRED},
            **kwargs,
        )

    def to_python(self, value: Any) -> Any:
        text = str(value or "").replace(".", "").replace(" ", "").replace(",", "").strip()
        if not text:
            return None
        if not text.isdigit() or len(text) > 12:
            raise forms.ValidationError(ERR_MONEY)
        return int(text)


class ProfileForm(forms.Form):
    valid_from = MonthField("Áp dụng từ tháng")
    category = forms.ChoiceField(label="Đối tượng", choices=CATEGORY_CHOICES)
    base = MoneyField("Căn cứ tính (tiền lương đóng BHXH, trợ cấp hoặc lương hưu, đ)", required=False)
    fixed_amount = MoneyField("Mức đóng cấp ủy quy định (đ/tháng)", required=False)
    over_working_age = forms.BooleanField(label="Ngoài độ tuổi lao động", required=False)
    exemption = forms.ChoiceField(label="Miễn đóng", choices=EXEMPTION_CHOICES, required=False)
    note = forms.CharField(label="Căn cứ, ghi chú", max_length=255, required=False)


class ReductionForm(forms.Form):
    percent = forms.TypedChoiceField(label="Mức giảm", choices=[(p, f"{p}%") for p in REDUCTION_PERCENTS], coerce=int)
    first_month = MonthField("Từ tháng")
    last_month = MonthField("Đến tháng")
    reason = forms.CharField(label="Lý do, căn cứ", max_length=255)


class PaymentForm(forms.Form):
    month = MonthField("Tháng")
    amount = MoneyField("Số tiền (đ)")
    paid_on = date_field("Ngày nộp", required=True)
    method = forms.ChoiceField(label="Hình thức", choices=Method.choices, initial=Method.CASH)
    reference = forms.CharField(label="Mã giao dịch (nộp trực tuyến)", max_length=64, required=False)


class SettingForm(forms.Form):
    value = forms.CharField(label="Giá trị", max_length=20)


class CollectForm(forms.Form):
    month = MonthField("Tháng")
    paid_on = date_field("Ngày nộp", required=True)
