"""Pages of the member's handbook (sổ tay đảng viên) and of the secretaries who serve it.

Member pages (role "member"): the start page, my record, my self-assessment, my cell, my questions.
They read only the member's own record (`queries.own_member`); an account of another role asking for
them gets a 404, as a member asking for anything else does (`middleware`).

Secretary pages: the self-assessments of the cell (review, send back, enter on a member's behalf),
the cell's documents (upload, take down), the inbox of questions, the notices.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dangvu.accounts.models import Role, User
from dangvu.evaluations.grids import HistoryRow, rating_history
from dangvu.evaluations.models import PeriodStatus
from dangvu.evaluations.periods import PeriodKey
from dangvu.evaluations.queries import NotRatedReason
from dangvu.evaluations.regimes import regime_by_code
from dangvu.handbook import queries, services
from dangvu.handbook.criteria import FormSpec, form_spec
from dangvu.handbook.forms import QuestionForm, ReturnForm, SelfAssessmentForm
from dangvu.handbook.models import AssessmentStatus, CellDocument, RoleKind, SelfAssessment
from dangvu.handbook.uploads import CONTENT_TYPES
from dangvu.lib.forms import add_service_errors
from dangvu.lifecycle.views import member_section
from dangvu.members.models import Member

LEADER_WORDS = ("bí thư", "chủ tịch", "trưởng", "giám đốc", "phó", "chủ nhiệm", "hiệu trưởng", "thủ trưởng")
OUTSIDE_WORDS = ("hưu", "học sinh", "sinh viên", "tự do", "kinh doanh", "nông dân", "làm ruộng")
UPLOAD_READ_CHUNK = 64 * 1024
INBOX_PAGE = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _me(request: HttpRequest) -> tuple[User, Member]:
    """The member-role account and its record, or 404 (another role, or no record linked)."""
    user = _user(request)
    member = queries.own_member(user)
    if member is None:
        raise Http404("Trang này dành cho đảng viên.")
    return user, member


def _key(year: int, quarter: int) -> PeriodKey:
    if quarter not in range(0, 5) or not 1900 < year < 2200:
        raise Http404
    return PeriodKey(year, quarter)


def default_role_kind(member: Member) -> str:
    """A first guess of the member's form (2A/2B/2C) from the record; the member may change it."""
    position = (member.position or "").lower()
    occupation = (member.occupation or "").lower()
    if any(word in position for word in LEADER_WORDS):
        return RoleKind.LEADER
    if not position and any(word in occupation for word in OUTSIDE_WORDS):
        return RoleKind.OUTSIDE
    return RoleKind.NON_LEADER


# Member pages ---------------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.role != Role.MEMBER:
        return redirect("handbook:manage")
    member = queries.own_member(user)
    if member is None:
        return render(request, "handbook/no_record.html", {"nav": "handbook"})
    today = timezone.localdate()
    cell = member.current_org
    open_periods = queries.open_periods(member)
    assessed = {(a.year, a.quarter): a for a in queries.self_assessments_of(member)}
    context = {
        "nav": "handbook",
        "hb": "home",
        "member": member,
        "cell": cell,
        "party": member_section(member),
        "open_periods": [(p, assessed.get((p.key.year, p.key.quarter))) for p in open_periods],
        "upcoming": queries.upcoming_meetings(cell, today)[:3] if cell else [],
        "notices": queries.notices_for_cell(cell, limit=3) if cell else [],
        "questions": queries.questions_of(member)[:3],
        "last_rating": next((r for r in rating_history(member) if r.rating.level), None),
    }
    return _private(render(request, "handbook/home.html", context))


@dataclass
class YearRatings:
    year: int
    year_row: HistoryRow | None
    quarters: list[HistoryRow]


def ratings_by_year(rows: list[HistoryRow]) -> list[YearRatings]:
    by_year: dict[int, YearRatings] = {}
    for row in rows:
        entry = by_year.setdefault(row.rating.year, YearRatings(row.rating.year, None, []))
        if row.rating.quarter == 0:
            entry.year_row = row
        else:
            entry.quarters.append(row)
    return sorted(by_year.values(), key=lambda y: -y.year)


@login_required
def record(request: HttpRequest) -> HttpResponse:
    _, member = _me(request)
    fields = [
        ("Họ và tên", member.full_name),
        ("Giới tính", member.get_sex_display()),
        ("Ngày sinh", f"{member.birth_date:%d/%m/%Y}"),
        ("Quê quán", member.home_town),
        ("Dân tộc", member.ethnicity),
        ("Tôn giáo", member.religion),
        ("Số CCCD", member.citizen_id or ""),
        ("Số thẻ đảng viên", member.card_number or ""),
        ("Giáo dục phổ thông", member.education),
        ("Trình độ chuyên môn", member.get_professional_level_display() if member.professional_level else ""),
        ("Lý luận chính trị", member.get_political_theory_display() if member.political_theory else ""),
        ("Nghề nghiệp", member.occupation),
        ("Chức vụ", member.position),
        ("Điện thoại", member.phone),
        ("Nơi ở hiện nay", member.address),
    ]
    context = {
        "nav": "handbook",
        "hb": "record",
        "member": member,
        "fields": fields,
        "timeline": list(member.events.live().select_related("org").order_by("on", "pk")),
        "party": member_section(member),
        "can_edit": False,
        "years": ratings_by_year(rating_history(member)),
    }
    return _private(render(request, "handbook/record.html", context))


@login_required
def assessments(request: HttpRequest) -> HttpResponse:
    _, member = _me(request)
    assessed = queries.self_assessments_of(member)
    by_key = {(a.year, a.quarter): a for a in assessed}
    open_periods = queries.open_periods(member)
    open_keys = {(p.key.year, p.key.quarter) for p in open_periods}
    context = {
        "nav": "handbook",
        "hb": "assessment",
        "member": member,
        "open_periods": [(p, by_key.get((p.key.year, p.key.quarter))) for p in open_periods],
        "past": [a for a in assessed if (a.year, a.quarter) not in open_keys],
    }
    return _private(render(request, "handbook/assessments.html", context))


def _points(value: object) -> str:
    return str(value).replace(".", ",")


def readonly_rows(spec: FormSpec, assessment: SelfAssessment) -> list[tuple[str, str, bool]]:
    """(label, text, emphasised) lines of a submitted (or closed) self-assessment."""
    rows: list[tuple[str, str, bool]] = [("Đối tượng", assessment.get_role_kind_display(), False)]
    for criterion in spec.criteria:
        value = assessment.scores.get(criterion.code)
        text = f"{_points(value)} / {criterion.max_text} điểm" if value is not None else ""
        rows.append((criterion.label, text, False))
    if spec.scored:
        rows.append(("Tổng điểm", assessment.score_text, True))
    rows += [
        ("Kết quả thực hiện nhiệm vụ", assessment.tasks, False),
        ("Ưu điểm", assessment.strengths, False),
        ("Hạn chế, khuyết điểm", assessment.shortcomings, False),
    ]
    for condition in spec.conditions:
        value = assessment.conditions.get(condition.code)
        if value is None:
            text = ""
        elif condition.kind == "trigger":
            text = "Có" if value else "Không"
        else:
            text = "Đạt" if value else "Chưa đạt"
        rows.append((condition.label, text, False))
    level = spec.regime.level("member", assessment.proposed_level) if assessment.proposed_level else None
    rows.append(("Tự xếp loại", level.label if level else assessment.proposed_level, True))
    return rows


def _assessment_page(
    request: HttpRequest,
    user: User,
    member: Member,
    key: PeriodKey,
    form: SelfAssessmentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    cell = member.current_org
    state, period = queries.period_state(cell, key) if cell is not None else (None, None)
    assessment = SelfAssessment.objects.filter(member=member, year=key.year, quarter=key.quarter).first()
    if period is None and assessment is None:
        raise Http404("Chưa có kỳ đánh giá này.")
    regime = regime_by_code(period.regime if period is not None else assessment.regime)  # type: ignore[union-attr]
    not_rated = queries.not_rated_reason(member, key, regime) if state == PeriodStatus.OPEN else ""
    editable = (
        state == PeriodStatus.OPEN
        and not not_rated
        and (assessment is None or assessment.status != AssessmentStatus.SUBMITTED)
    )
    if form is None:
        role_kind = assessment.role_kind if assessment is not None else default_role_kind(member)
        spec = form_spec(regime, role_kind, key.quarter)
        form = SelfAssessmentForm(spec, initial=SelfAssessmentForm.initial_from(assessment, role_kind))
    findings: list[Any] = []
    verdict = None
    if assessment is not None:
        verdict, findings = services.assessment_findings(assessment)
    own = user.role == Role.MEMBER
    base = (
        reverse("handbook:assessment", args=[key.year, key.quarter])
        if own
        else reverse("handbook:assessment_for", args=[key.year, key.quarter, member.pk])
    )
    context = {
        "nav": "handbook",
        "hb": "assessment" if user.role == Role.MEMBER else "manage",
        "member": member,
        "cell": cell,
        "key": key,
        "regime": regime,
        "spec": form.spec,
        "form": form,
        "assessment": assessment,
        "state": state,
        "not_rated": not_rated,
        "editable": editable,
        "verdict_level": regime.level("member", verdict.level) if verdict and verdict.level else None,
        "findings": findings,
        "own": own,
        "save_url": base + "luu/",
        "submit_url": base + "nop/",
        "back_url": reverse("handbook:assessments")
        if own
        else reverse("handbook:manage_cell", args=[cell.pk])
        if cell
        else "",
        "not_rated_label": str(NotRatedReason(not_rated).label) if not_rated else "",
        "readonly_rows": readonly_rows(form.spec, assessment) if assessment is not None else [],
    }
    return _private(render(request, "handbook/assessment.html", context, status=status))


def _assessment_post(request: HttpRequest, user: User, member: Member, key: PeriodKey, *, submit: bool) -> HttpResponse:
    cell = member.current_org
    _, period = queries.period_state(cell, key) if cell is not None else (None, None)
    if period is None:
        raise Http404("Chưa có kỳ đánh giá này.")
    regime = regime_by_code(period.regime)
    role_kind = request.POST.get("role_kind", "")
    spec = form_spec(regime, role_kind if role_kind in RoleKind.values else RoleKind.NON_LEADER, key.quarter)
    form = SelfAssessmentForm(spec, request.POST)
    if form.is_valid():
        try:
            services.self_assessment_save(actor=user, member=member, key=key, values=form.to_input(), submit=submit)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if submit:
                messages.success(
                    request, f"Đã nộp bản tự đánh giá {key.label()}. Bí thư chi bộ sẽ xem trên bảng xếp loại."
                )
            else:
                messages.success(request, f"Đã lưu nháp bản tự đánh giá {key.label()}.")
            if user.role == Role.MEMBER:
                return redirect("handbook:assessment", year=key.year, quarter=key.quarter)
            return redirect("handbook:assessment_for", year=key.year, quarter=key.quarter, member_pk=member.pk)
    return _assessment_page(request, user, member, key, form=form, status=400)


@never_cache
@login_required
def assessment(request: HttpRequest, year: int, quarter: int) -> HttpResponse:
    user, member = _me(request)
    return _assessment_page(request, user, member, _key(year, quarter))


@login_required
@require_POST
def assessment_save(request: HttpRequest, year: int, quarter: int) -> HttpResponse:
    user, member = _me(request)
    return _assessment_post(request, user, member, _key(year, quarter), submit=False)


@login_required
@require_POST
def assessment_submit(request: HttpRequest, year: int, quarter: int) -> HttpResponse:
    user, member = _me(request)
    return _assessment_post(request, user, member, _key(year, quarter), submit=True)


# On a member's behalf (secretary) ------------------------------------------------------------------------


def _member_for(request: HttpRequest, member_pk: int) -> tuple[User, Member]:
    user = _user(request)
    if user.role == Role.MEMBER:
        raise Http404
    member = get_object_or_404(Member.objects.visible_to(user).select_related("current_org"), pk=member_pk)
    if not services.may_enter_for(user, member):
        raise PermissionDenied("Bạn không có quyền nhập bản tự đánh giá cho đảng viên này.")
    return user, member


@never_cache
@login_required
def assessment_for(request: HttpRequest, year: int, quarter: int, member_pk: int) -> HttpResponse:
    user, member = _member_for(request, member_pk)
    return _assessment_page(request, user, member, _key(year, quarter))


@login_required
@require_POST
def assessment_for_save(request: HttpRequest, year: int, quarter: int, member_pk: int) -> HttpResponse:
    user, member = _member_for(request, member_pk)
    return _assessment_post(request, user, member, _key(year, quarter), submit=False)


@login_required
@require_POST
def assessment_for_submit(request: HttpRequest, year: int, quarter: int, member_pk: int) -> HttpResponse:
    user, member = _member_for(request, member_pk)
    return _assessment_post(request, user, member, _key(year, quarter), submit=True)


@login_required
@require_POST
def assessment_return(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if user.role == Role.MEMBER:
        raise Http404
    assessment = get_object_or_404(
        SelfAssessment.objects.filter(cell__in=queries.cells_in_scope(user)).select_related("member", "cell"), pk=pk
    )
    form = ReturnForm(request.POST)
    key = PeriodKey(assessment.year, assessment.quarter)
    if form.is_valid():
        try:
            services.self_assessment_return(actor=user, assessment=assessment, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"Đã trả lại bản tự đánh giá của {assessment.member.full_name} kèm ý kiến.")
    else:
        messages.error(request, "Ghi ý kiến để đảng viên biết cần sửa gì.")
    return redirect("handbook:assessment_for", year=key.year, quarter=key.quarter, member_pk=assessment.member_id)


# My cell ---------------------------------------------------------------------------------------------------


@login_required
def cell(request: HttpRequest) -> HttpResponse:
    _, member = _me(request)
    today = timezone.localdate()
    cell = member.current_org
    if cell is None:
        return render(request, "handbook/no_record.html", {"nav": "handbook", "hb": "cell", "member": member})
    documents = queries.documents_of_cell(cell)
    by_meeting: dict[int | None, list[CellDocument]] = defaultdict(list)
    for document in documents:
        by_meeting[document.meeting_id].append(document)
    upcoming = queries.upcoming_meetings(cell, today)
    past = queries.past_meetings(cell, member, today)
    context = {
        "nav": "handbook",
        "member": member,
        "cell": cell,
        "upcoming": [(m, by_meeting.get(m.pk, [])) for m in upcoming],
        "past": [(p, by_meeting.get(p.meeting.pk, [])) for p in past],
        "general_documents": by_meeting.get(None, []),
        "notices": queries.notices_for_cell(cell),
    }
    return _private(render(request, "handbook/cell.html", context))


@login_required
def document(request: HttpRequest, pk: int) -> FileResponse:
    """The file, only to the cell's members and its committees: as an attachment, with its own type."""
    user = _user(request)
    doc = get_object_or_404(queries.documents_visible_to(user), pk=pk)
    try:
        handle = open(services.document_path(doc), "rb")  # noqa: SIM115 (FileResponse closes it)
    except FileNotFoundError as missing:
        raise Http404("Không tìm thấy tệp.") from missing
    response = FileResponse(handle, as_attachment=True, filename=doc.filename, content_type=CONTENT_TYPES[doc.kind])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def questions(request: HttpRequest, form: QuestionForm | None = None) -> HttpResponse:
    _, member = _me(request)
    context = {
        "nav": "handbook",
        "hb": "questions",
        "member": member,
        "cell": member.current_org,
        "form": form or QuestionForm(),
        "questions": queries.questions_of(member),
    }
    return _private(render(request, "handbook/questions.html", context, status=400 if form is not None else 200))


@login_required
@require_POST
def question_ask(request: HttpRequest) -> HttpResponse:
    user, member = _me(request)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.question_ask(actor=user, member=member, body=form.cleaned_data["body"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Đã gửi tới bí thư chi bộ. Câu trả lời sẽ hiện ở trang này.")
            return redirect("handbook:questions")
    return questions(request, form=form)


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response
