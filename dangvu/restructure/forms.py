"""Forms of the restructuring pages: the decision, and one form per kind of operation (organisations by code).

The forms only check what is typed; whether the operation is possible is said by the preview (the services)."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from dangvu.lib.forms import ERR_REQUIRED, date_field
from dangvu.lib.text import clean
from dangvu.orgs.kinds import OrgKind, Sector
from dangvu.restructure.models import OperationKind

ERR_NEW_OR_TARGET = "Hãy nhập mã tổ chức nhận, hoặc mã, tên và cấp trên của tổ chức mới."
ERR_NEW_INCOMPLETE = "Tổ chức mới cần mã, tên, loại và mã cấp trên."
ERR_SIGNED_AFTER = "Ngày hiệu lực không được trước ngày quyết định."
KIND_CHOICES = [("", "— giữ nguyên / tự điều chỉnh —"), *OrgKind.choices]
SECTOR_CHOICES = [("", "— như tổ chức cũ —"), *Sector.choices]


def _code(label: str, *, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=32,
        help_text=help_text,
        error_messages={"required": ERR_REQUIRED},
        widget=forms.TextInput(attrs={"size": "14", "autocomplete": "off", "list": "org-codes"}),
    )


def _codes(value: str) -> list[str]:
    return [c.upper() for c in re.split(r"[\s,;]+", clean(value)) if c]


class DecisionForm(forms.Form):
    number = forms.CharField(label="Số quyết định", max_length=60, error_messages={"required": ERR_REQUIRED})
    signed_on = date_field("Ngày quyết định", required=True)
    issued_by = forms.CharField(
        label="Cơ quan ban hành",
        max_length=120,
        initial="Ban Thường vụ Tỉnh ủy",
        error_messages={"required": ERR_REQUIRED},
    )
    effective_on = date_field("Ngày hiệu lực", required=True)
    note = forms.CharField(label="Trích yếu, ghi chú", max_length=500, required=False)
    committee = _code("Mã cấp ủy quản lý", help_text="Cấp ủy có phạm vi chứa mọi tổ chức được sắp xếp.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("signed_on") and data.get("effective_on") and data["effective_on"] < data["signed_on"]:
            self.add_error("effective_on", ERR_SIGNED_AFTER)
        return data


class _NewOrgFields(forms.Form):
    """A new organisation typed beside an operation: code, name, kind, sector, parent code."""

    new_code = _code("Mã tổ chức mới", required=False)
    new_name = forms.CharField(label="Tên tổ chức mới", max_length=255, required=False)
    new_kind = forms.ChoiceField(label="Loại tổ chức mới", choices=[("", "—"), *OrgKind.choices], required=False)
    new_sector = forms.ChoiceField(label="Loại hình", choices=SECTOR_CHOICES, required=False)
    new_parent = _code("Mã cấp trên của tổ chức mới", required=False)

    def new_spec(self, data: dict[str, Any]) -> dict[str, str] | None:
        values = [data.get(k) for k in ("new_code", "new_name", "new_kind", "new_parent")]
        if not any(values):
            return None
        if not all(values):
            raise forms.ValidationError(ERR_NEW_INCOMPLETE)
        return {
            "code": clean(data["new_code"]).upper(),
            "name": clean(data["new_name"]),
            "kind": data["new_kind"],
            "sector": data.get("new_sector") or "",
            "parent": clean(data["new_parent"]).upper(),
        }


class MoveForm(forms.Form):
    org = _code("Mã tổ chức (chuyển cả nhánh)")
    parent = _code("Mã tổ chức cấp trên mới")
    kind = forms.ChoiceField(label="Loại tổ chức sau khi chuyển", choices=KIND_CHOICES, required=False)

    def params(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"org": d["org"].upper(), "parent": d["parent"].upper(), **({"kind": d["kind"]} if d["kind"] else {})}


class MergeForm(_NewOrgFields):
    sources = forms.CharField(
        label="Mã các tổ chức được hợp nhất",
        help_text="Cách nhau bởi dấu phẩy hoặc xuống dòng.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": ERR_REQUIRED},
    )
    target = _code("Mã tổ chức nhận (đã có)", required=False, help_text="Bỏ trống để hợp nhất thành tổ chức mới.")
    field_order = ["sources", "target", "new_code", "new_name", "new_kind", "new_sector", "new_parent"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new = self.new_spec(data)
        if bool(new) == bool(data.get("target")):
            raise forms.ValidationError(ERR_NEW_OR_TARGET)
        data["new"] = new
        return data

    def params(self) -> dict[str, Any]:
        d = self.cleaned_data
        sources = _codes(d["sources"])
        if d["new"]:
            return {"sources": sources, "new": d["new"]}
        return {"sources": sources, "target": d["target"].upper()}


class DissolveForm(forms.Form):
    org = _code("Mã tổ chức giải thể")
    members_to = _code("Mã chi bộ nhận đảng viên", required=False)
    children_to = _code("Mã tổ chức nhận các tổ chức trực thuộc", required=False)

    def params(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"org": d["org"].upper(), "members_to": d["members_to"].upper(), "children_to": d["children_to"].upper()}


class RenameForm(forms.Form):
    org = _code("Mã tổ chức")
    name = forms.CharField(label="Tên mới", max_length=255, error_messages={"required": ERR_REQUIRED})
    new_code = _code("Mã mới", required=False, help_text="Bỏ trống nếu giữ mã.")

    def params(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"org": d["org"].upper(), "name": clean(d["name"]), "new_code": d["new_code"].upper()}


class ChangeKindForm(forms.Form):
    org = _code("Mã tổ chức")
    kind = forms.ChoiceField(label="Loại mới", choices=OrgKind.choices)
    cell_code = _code(
        "Mã chi bộ trực thuộc mới", required=False, help_text="Khi chi bộ cơ sở thành đảng bộ cơ sở: nơi đảng viên về."
    )
    cell_name = forms.CharField(label="Tên chi bộ trực thuộc mới", max_length=255, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("cell_code")) != bool(data.get("cell_name")):
            raise forms.ValidationError("Chi bộ trực thuộc mới cần cả mã và tên.")
        return data

    def params(self) -> dict[str, Any]:
        d = self.cleaned_data
        params: dict[str, Any] = {"org": d["org"].upper(), "kind": d["kind"]}
        if d.get("cell_code"):
            params["cell"] = {"code": d["cell_code"].upper(), "name": clean(d["cell_name"])}
        return params


SPLIT_PARTS = 3


class SplitForm(forms.Form):
    """The source, up to three receiving organisations (existing or new) and, per member and per
    sub-organisation of the source, where it goes (`m_<id>` / `c_<code>` = part number, or empty: stays)."""

    source = _code("Mã tổ chức được chia, tách")
    dissolve = forms.BooleanField(label="Giải thể tổ chức được chia, tách sau khi chia", required=False)

    def __init__(self, *args: Any, members: list[Any] = (), children: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        choices = [("", "Ở lại"), *[(str(n), f"Nơi nhận {n}") for n in range(1, SPLIT_PARTS + 1)]]
        for n in range(1, SPLIT_PARTS + 1):
            self.fields[f"p{n}_target"] = _code(f"Nơi nhận {n}: mã tổ chức đã có", required=False)
            self.fields[f"p{n}_new_code"] = _code(f"Nơi nhận {n}: mã tổ chức mới", required=False)
            self.fields[f"p{n}_new_name"] = forms.CharField(label=f"Nơi nhận {n}: tên", max_length=255, required=False)
            self.fields[f"p{n}_new_kind"] = forms.ChoiceField(
                label=f"Nơi nhận {n}: loại", choices=[("", "—"), *OrgKind.choices], required=False
            )
            self.fields[f"p{n}_new_parent"] = _code(f"Nơi nhận {n}: mã cấp trên", required=False)
        self.member_fields = []
        for member in members:
            name = f"m_{member.pk}"
            self.fields[name] = forms.ChoiceField(label=member.full_name, choices=choices, required=False)
            self.member_fields.append(self[name])
        self.child_fields = []
        for child in children:
            name = f"c_{child.code}"
            self.fields[name] = forms.ChoiceField(label=f"{child.name} ({child.code})", choices=choices, required=False)
            self.child_fields.append(self[name])

    def params(self) -> dict[str, Any]:
        d = self.cleaned_data
        parts: list[dict[str, Any]] = []
        numbers: list[int] = []
        for n in range(1, SPLIT_PARTS + 1):
            target = clean(d.get(f"p{n}_target") or "").upper()
            new = [d.get(f"p{n}_new_{k}") for k in ("code", "name", "kind", "parent")]
            members = [int(k[2:]) for k, v in d.items() if k.startswith("m_") and v == str(n)]
            children = [k[2:] for k, v in d.items() if k.startswith("c_") and v == str(n)]
            if not target and not any(new):
                if members or children:
                    self.add_error(None, f"Nơi nhận {n} chưa có mã tổ chức.")
                continue
            part: dict[str, Any] = {"members": members, "children": children}
            if target:
                part["target"] = target
            elif all(new):
                code, name, kind, parent = new
                part["new"] = {
                    "code": str(code).upper(),
                    "name": clean(str(name)),
                    "kind": kind,
                    "parent": str(parent).upper(),
                }
            else:
                self.add_error(None, f"Nơi nhận {n}: {ERR_NEW_INCOMPLETE}")
                continue
            parts.append(part)
            numbers.append(n)
        return {"source": d["source"].upper(), "parts": parts, "dissolve": bool(d.get("dissolve"))}


OPERATION_FORMS: dict[str, type[forms.Form]] = {
    OperationKind.MOVE: MoveForm,
    OperationKind.MERGE: MergeForm,
    OperationKind.SPLIT: SplitForm,
    OperationKind.DISSOLVE: DissolveForm,
    OperationKind.RENAME: RenameForm,
    OperationKind.CHANGE_KIND: ChangeKindForm,
}


class SheetForm(forms.Form):
    file = forms.FileField(label="Bảng kê sắp xếp (.xlsx, .xls, .csv)", error_messages={"required": ERR_REQUIRED})
