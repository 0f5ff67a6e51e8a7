"""Forms of the handbook. They keep what the user typed; the services decide, and their errors are put
back beside the fields (`lib.forms.add_service_errors`)."""

from __future__ import annotations

from typing import Any

from django import forms

from dangvu.handbook.criteria import FormSpec
from dangvu.handbook.models import RoleKind, SelfAssessment
from dangvu.handbook.services import AssessmentInput
from dangvu.lib.forms import ERR_REQUIRED, date_field
from dangvu.meetings.models import Meeting

TEXTAREA = {"rows": 5, "cols": 40}


class SelfAssessmentForm(forms.Form):
    """The individual form of one regime (fields `score_<criterion>` and `cond_<condition>` from the spec)."""

    role_kind = forms.ChoiceField(label="Đối tượng", choices=RoleKind.choices, widget=forms.RadioSelect)
    tasks = forms.CharField(
        label="Kết quả thực hiện nhiệm vụ được giao trong kỳ",
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="Ghi các nhiệm vụ được giao, việc đã làm, mức độ hoàn thành.",
    )
    strengths = forms.CharField(label="Ưu điểm", required=False, widget=forms.Textarea(attrs=TEXTAREA))
    shortcomings = forms.CharField(
        label="Hạn chế, khuyết điểm và nguyên nhân; hướng khắc phục",
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="Nếu không có, ghi “Không”.",
    )
    proposed_level = forms.ChoiceField(label="Tự xếp loại", required=False)

    def __init__(self, spec: FormSpec, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spec = spec
        level_field = self.fields["proposed_level"]
        assert isinstance(level_field, forms.ChoiceField)
        level_field.choices = [("", "— chọn mức —")] + [(level.code, level.label) for level in spec.levels]
        for criterion in spec.criteria:
            self.fields[f"score_{criterion.code}"] = forms.CharField(
                label=f"{criterion.label} (tối đa {criterion.max_text} điểm)",
                required=False,
                max_length=8,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": "6", "autocomplete": "off"}),
            )
        for condition in spec.conditions:
            self.fields[f"cond_{condition.code}"] = forms.BooleanField(label=condition.label, required=False)

    @classmethod
    def initial_from(cls, assessment: SelfAssessment | None, role_kind: str) -> dict[str, Any]:
        if assessment is None:
            return {"role_kind": role_kind}
        initial: dict[str, Any] = {
            "role_kind": assessment.role_kind,
            "tasks": assessment.tasks,
            "strengths": assessment.strengths,
            "shortcomings": assessment.shortcomings,
            "proposed_level": assessment.proposed_level,
        }
        for code, value in assessment.scores.items():
            initial[f"score_{code}"] = str(value).replace(".", ",")
        for code, value in assessment.conditions.items():
            initial[f"cond_{code}"] = value
        return initial

    def score_fields(self) -> list[forms.BoundField]:
        return [self[f"score_{c.code}"] for c in self.spec.criteria]

    def requirement_fields(self) -> list[forms.BoundField]:
        return [self[f"cond_{c.code}"] for c in self.spec.conditions if c.kind == "requirement"]

    def trigger_fields(self) -> list[forms.BoundField]:
        return [self[f"cond_{c.code}"] for c in self.spec.conditions if c.kind != "requirement"]

    def to_input(self) -> AssessmentInput:
        data = self.cleaned_data
        return AssessmentInput(
            role_kind=data["role_kind"],
            scores={c.code: data.get(f"score_{c.code}", "") for c in self.spec.criteria},
            conditions={c.code: bool(data.get(f"cond_{c.code}")) for c in self.spec.conditions},
            tasks=data.get("tasks", ""),
            strengths=data.get("strengths", ""),
            shortcomings=data.get("shortcomings", ""),
            proposed_level=data.get("proposed_level", ""),
        )

    def add_service_error(self, name: str, message: str) -> None:
        self.add_error(name if name in self.fields else None, message)


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="Ý kiến gửi đảng viên (cần sửa gì)",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 40}),
        error_messages={"required": ERR_REQUIRED},
    )


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.held_on:%d/%m/%Y} — {obj.theme or obj.get_kind_display()}"


class UploadForm(forms.Form):
    title = forms.CharField(label="Tên tài liệu", max_length=255, required=False, help_text="Bỏ trống: lấy tên tệp.")
    meeting = MeetingChoiceField(
        label="Tài liệu của buổi sinh hoạt",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="— tài liệu chung của chi bộ —",
    )
    file = forms.FileField(
        label="Tệp PDF hoặc Word (.docx)",
        error_messages={"required": "Chọn một tệp để tải lên.", "empty": "Tệp rỗng."},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
    )

    def __init__(self, meetings: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["meeting"]
        assert isinstance(field, MeetingChoiceField)
        field.queryset = meetings


class NoticeForm(forms.Form):
    org_code = forms.CharField(
        label="Gửi tới (mã tổ chức)", max_length=40, help_text="Mã chi bộ hoặc đảng bộ trong phạm vi của bạn."
    )
    include_subtree = forms.BooleanField(label="Gửi cả các tổ chức trực thuộc", required=False, initial=True)
    title = forms.CharField(label="Tiêu đề", max_length=255, error_messages={"required": ERR_REQUIRED})
    body = forms.CharField(
        label="Nội dung",
        widget=forms.Textarea(attrs={"rows": 5, "cols": 40}),
        error_messages={"required": ERR_REQUIRED},
    )
    published_on = date_field("Ngày thông báo", required=True)


class QuestionForm(forms.Form):
    body = forms.CharField(
        label="Câu hỏi hoặc ý kiến gửi bí thư chi bộ",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 40}),
        error_messages={"required": ERR_REQUIRED, "max_length": "Nội dung dài quá 2000 ký tự."},
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Trả lời",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 40}),
        error_messages={"required": ERR_REQUIRED},
    )
