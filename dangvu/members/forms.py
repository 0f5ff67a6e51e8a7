"""Forms of the member pages. They only parse and check what was typed; saving goes through
`members.services`, whose `ValidationError`s are put back beside the fields by `add_service_errors`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangvu.accounts.models import User
from dangvu.lib.forms import ERR_REQUIRED, date_field
from dangvu.members.checks import RecordFacts, check_record
from dangvu.members.lifecycle import NEEDS_ORG, EventKind
from dangvu.members.models import SENSITIVE_FIELDS, MemberEvent, ProfessionalLevel, Sex, TheoryLevel
from dangvu.orgs.models import Org, OrgQuerySet

ERR_NO_CELL = "Không có chi bộ nào mã “{code}”."
ERR_CELL_OUT_OF_SCOPE = (
    "Chi bộ “{org}” ngoài phạm vi của bạn: chỉ được kết nạp hoặc nhận đảng viên về chi bộ mình quản lý."
)
ERR_CELL_NEEDED = "“{kind}” cần ghi mã chi bộ nơi đảng viên đến sinh hoạt."

# Events that bring a member into a cell: that cell must be in the user's scope. (A transfer out may
# name any cell of the system as the receiving one.)
INTO_SCOPE_KINDS = frozenset({EventKind.ADMITTED, EventKind.READMITTED, EventKind.TRANSFER_IN, EventKind.TEMP_IN})
ORG_KINDS = INTO_SCOPE_KINDS | {EventKind.TRANSFER_OUT}
CEREMONY_KINDS = frozenset({EventKind.ADMITTED, EventKind.READMITTED})
EXPECTED_END_KINDS = frozenset({EventKind.TEMP_OUT, EventKind.TEMP_IN})


def text_field(label: str, max_length: int, *, required: bool = False, **attrs: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.TextInput(attrs=attrs),
        error_messages={"required": ERR_REQUIRED},
    )


class GroupedForm(forms.Form):
    """A form whose fields are shown in titled groups (`GROUPS`), fields absent from the form skipped."""

    GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        groups = [(title, [self[name] for name in names if name in self.fields]) for title, names in self.GROUPS]
        return [(title, fields) for title, fields in groups if fields]


class MemberForm(GroupedForm):
    """The personal fields of a record (sơ yếu lý lịch)."""

    GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
        ("Thông tin cá nhân", ("full_name", "sex", "birth_date", "home_town", "ethnicity", "religion", "citizen_id")),
        ("Đảng tịch", ("card_number",)),
        ("Học vấn, công tác", ("education", "professional_level", "political_theory", "occupation", "position")),
        ("Liên hệ", ("phone", "address")),
    )

    full_name = text_field("Họ và tên", 120, required=True, autocomplete="off")
    sex = forms.ChoiceField(
        label="Giới tính",
        choices=[("", "— Chọn —"), *Sex.choices],
        error_messages={"required": ERR_REQUIRED},
    )
    birth_date = date_field("Ngày sinh", required=True)
    home_town = text_field("Quê quán", 255)
    ethnicity = text_field("Dân tộc", 40, required=True)
    religion = text_field("Tôn giáo", 40, required=True)
    citizen_id = text_field("Số CCCD", 20, inputmode="numeric", autocomplete="off")
    card_number = text_field("Số thẻ đảng viên", 20, autocomplete="off")
    education = text_field("Giáo dục phổ thông", 20, placeholder="Ví dụ: 12/12")
    professional_level = forms.ChoiceField(
        label="Trình độ chuyên môn", choices=ProfessionalLevel.choices, required=False
    )
    political_theory = forms.ChoiceField(label="Lý luận chính trị", choices=TheoryLevel.choices, required=False)
    occupation = text_field("Nghề nghiệp", 120)
    position = text_field("Chức vụ", 120)
    phone = forms.CharField(
        label="Điện thoại", max_length=20, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    address = text_field("Nơi ở hiện nay", 255)

    def __init__(self, *args: Any, sensitive: bool = True, **kwargs: Any) -> None:
        """`sensitive=False`: a user who may not read the sensitive fields does not get them at all."""
        super().__init__(*args, **kwargs)
        self.fields["ethnicity"].initial = "Kinh"
        self.fields["religion"].initial = "Không"
        if not sensitive:
            for name in SENSITIVE_FIELDS:
                self.fields.pop(name, None)

    def clean(self) -> dict[str, Any]:
        """The record rules (`checks.check_record`) run here too, so that every refusal shows at once
        beside its field; the service checks again when saving."""
        data = super().clean() or {}
        facts = RecordFacts(
            birth_date=data.get("birth_date"),
            citizen_id=(data.get("citizen_id") or "").replace(" ", ""),
            phone=(data.get("phone") or "").replace(" ", "").replace(".", ""),
            admitted_on=data.get("admitted_on"),
            ceremony_on=data.get("ceremony_on"),
            official_on=data.get("official_on"),
        )
        for name, messages in check_record(facts, today=timezone.localdate()).errors.items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, messages)
        return data

    def personal_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}


class MemberCreateForm(MemberForm):
    """A new record: the personal fields, the cell and the admission dates (they become events)."""

    GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
        *MemberForm.GROUPS[:2],
        ("Kết nạp", ("cell", "admitted_on", "ceremony_on", "official_on", "decision_no")),
        *MemberForm.GROUPS[2:],
    )

    cell = forms.ModelChoiceField(
        label="Chi bộ sinh hoạt",
        queryset=Org.objects.none(),
        empty_label="— Chọn chi bộ —",
        error_messages={"required": ERR_REQUIRED, "invalid_choice": "Chi bộ này không nằm trong phạm vi của bạn."},
    )
    admitted_on = date_field("Ngày quyết định kết nạp (ngày vào Đảng)", required=True)
    ceremony_on = date_field("Ngày tổ chức lễ kết nạp")
    official_on = date_field("Ngày chính thức", help_text="Bỏ trống nếu còn là đảng viên dự bị.")
    decision_no = text_field("Số quyết định kết nạp", 60)

    def __init__(self, *args: Any, cells: OrgQuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cell = self.fields["cell"]
        assert isinstance(cell, forms.ModelChoiceField)
        cell.queryset = cells.order_by("code")  # shown as "name (code)"
        if not self.is_bound and len(only := list(cell.queryset[:2])) == 1:  # a secretary: their cell
            self.initial.setdefault("cell", only[0].pk)

    def personal_data(self) -> dict[str, Any]:
        extra = {"cell", "admitted_on", "ceremony_on", "official_on", "decision_no"}
        return {name: value for name, value in super().personal_data().items() if name not in extra}


class EventForm(GroupedForm):
    """One event of a member's timeline. The cell is typed by its code, so a transfer out can name
    any cell of the system; a cell that receives the member (admission, transfer in, temporary stay)
    must be in the user's scope."""

    GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
        ("Sự kiện", ("kind", "on", "org", "external_org")),
        ("Chi tiết", ("ceremony_on", "expected_end", "decision_no", "decided_by", "note")),
    )

    kind = forms.ChoiceField(
        label="Sự kiện", choices=[("", "— Chọn —"), *EventKind.choices], error_messages={"required": ERR_REQUIRED}
    )
    on = date_field("Ngày", required=True)
    org = text_field("Mã chi bộ", 32, autocomplete="off")
    external_org = text_field("Đơn vị ngoài hệ thống", 255)
    ceremony_on = date_field("Ngày lễ kết nạp", help_text="Chỉ với kết nạp, kết nạp lại.")
    expected_end = date_field("Dự kiến kết thúc", help_text="Chỉ với sinh hoạt tạm thời.")
    decision_no = text_field("Số quyết định", 60)
    decided_by = text_field("Cơ quan quyết định", 120)
    note = forms.CharField(label="Ghi chú", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: User, event: MemberEvent | None = None, **kwargs: Any) -> None:
        if event is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": event.kind,
                "on": event.on,
                "org": event.org.code if event.org is not None else "",
                "external_org": event.external_org,
                "ceremony_on": event.ceremony_on,
                "expected_end": event.expected_end,
                "decision_no": event.decision_no,
                "decided_by": event.decided_by,
                "note": event.note,
            }
        super().__init__(*args, **kwargs)
        self.user = user
        self.original_org_id = event.org_id if event is not None else None
        self.fields["org"].help_text = (
            "Chi bộ nơi đảng viên sinh hoạt sau sự kiện: với kết nạp, chuyển đến, sinh hoạt tạm thời đến "
            "(chi bộ trong phạm vi của bạn) và chuyển đi tới một chi bộ khác trong hệ thống."
        )

    def clean_org(self) -> Org | None:
        code = self.cleaned_data["org"].strip()
        if not code:
            return None
        org = Org.objects.cells().filter(code__iexact=code).first()
        if org is None:
            raise ValidationError(ERR_NO_CELL.format(code=code))
        return org

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, org = data.get("kind"), data.get("org")
        if kind and kind not in ORG_KINDS:
            data["org"] = org = None
        if kind in NEEDS_ORG and org is None and "org" not in self.errors:
            self.add_error("org", ERR_CELL_NEEDED.format(kind=EventKind(kind).label))
        if (
            kind in INTO_SCOPE_KINDS
            and org is not None
            and org.pk != self.original_org_id
            and not Org.objects.visible_to(self.user).filter(pk=org.pk).exists()
        ):
            self.add_error("org", ERR_CELL_OUT_OF_SCOPE.format(org=org.name))
        if kind not in CEREMONY_KINDS:
            data["ceremony_on"] = None
        if kind not in EXPECTED_END_KINDS:
            data["expected_end"] = None
        return data

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.fields}


class EventDeleteForm(forms.Form):
    reason = forms.CharField(
        label="Lý do xóa",
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="Sự kiện vẫn được lưu trong nhật ký; lý do được ghi kèm.",
        error_messages={"required": "Ghi lý do xóa sự kiện."},
    )
