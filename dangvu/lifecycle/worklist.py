"""The work list ("Việc cần làm") of a user: what is due or overdue in their scope, soonest first.

Everything starts from the scoped querysets (`Member.objects.visible_to`, `Org.objects.visible_to`,
`ImportJob.objects.visible_to`), so an outsider never sees another commune's items.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse

from dangvu.accounts.models import Role, User
from dangvu.evaluations.models import MemberRating, OrgRating, Period, PeriodStatus
from dangvu.evaluations.queries import members_of_period
from dangvu.exchange.models import ImportJob
from dangvu.lifecycle import deadlines
from dangvu.lifecycle.badges import next_award_date
from dangvu.lifecycle.calendar import holidays as load_holidays
from dangvu.lifecycle.services import badge_candidates
from dangvu.members.lifecycle import ON_ROLL, EventKind, Status
from dangvu.members.models import Member, MemberEvent
from dangvu.orgs.models import Org

HORIZON_DAYS = 30  # items due within this many days are shown as coming


class ItemKind(models.TextChoices):
    CONFIRMATION = "confirmation", "Xét chuyển đảng chính thức"
    CEREMONY = "ceremony", "Tổ chức lễ kết nạp"
    TEMPORARY = "temporary", "Hết hạn sinh hoạt tạm thời"
    BADGE = "badge", "Đề nghị tặng huy hiệu Đảng"
    MEMBERS_NOT_RATED = "members_not_rated", "Đảng viên chưa xếp loại"
    ORGS_NOT_RATED = "orgs_not_rated", "Tổ chức chưa xếp loại"
    IMPORT_WARNINGS = "import_warnings", "Lần nhập dữ liệu có cảnh báo"
    ABSENT_3_MONTHS = "absent_3_months", "Bỏ sinh hoạt đảng 3 tháng trong năm"
    FOLLOW_UP = "follow_up", "Khắc phục sau kiểm tra, giám sát"
    FEES_UNPAID_3_MONTHS = "fees_unpaid_3_months", "Không đóng đảng phí 3 tháng trong năm"


@dataclass(frozen=True)
class Item:
    due: date
    kind: str
    subject: str
    detail: str
    url: str
    action_url: str
    action_label: str
    late: bool

    @property
    def kind_label(self) -> str:
        return str(ItemKind(self.kind).label)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["due"] = self.due.isoformat()
        data["kind_label"] = self.kind_label
        return data


def _member_url(pk: int) -> str:
    return reverse("members:detail", args=[pk])


def worklist(user: User, today: date) -> list[Item]:
    """All items of the user's scope, soonest due first (then by kind and subject)."""
    members = Member.objects.visible_to(user)
    horizon = today + timedelta(days=HORIZON_DAYS)
    holidays = load_holidays()
    items: list[Item] = []
    event_add = "members:event_add"

    probationers = members.filter(status__in=ON_ROLL, is_probationary=True).only(
        "pk", "full_name", "admitted_on", "ceremony_on"
    )
    for member in probationers:
        if member.ceremony_on is None:
            if member.admitted_on is None:
                continue
            due = deadlines.ceremony_due(member.admitted_on, holidays)
            items.append(
                Item(
                    due,
                    ItemKind.CEREMONY,
                    member.full_name,
                    f"Quyết định kết nạp ngày {member.admitted_on:%d/%m/%Y}; lễ kết nạp trong 30 ngày làm việc",
                    _member_url(member.pk),
                    reverse("members:edit", args=[member.pk]),
                    "Ghi ngày lễ kết nạp",
                    today > due,
                )
            )
            continue
        ends = deadlines.official_on(member.ceremony_on)
        if ends > horizon:
            continue
        due = deadlines.confirmation_due(member.ceremony_on, holidays)
        items.append(
            Item(
                due,
                ItemKind.CONFIRMATION,
                member.full_name,
                f"Hết 12 tháng dự bị ngày {ends:%d/%m/%Y}; chi bộ xét trong 30 ngày làm việc",
                _member_url(member.pk),
                reverse(event_add, args=[member.pk]),
                "Ghi chuyển chính thức",
                today > due,
            )
        )

    away = members.filter(status__in=[Status.AWAY, Status.HOSTED])
    temp_events = (
        MemberEvent.objects.live()
        .filter(member__in=away, kind__in=[EventKind.TEMP_OUT, EventKind.TEMP_IN])
        .select_related("member")
        .order_by("member_id", "-on", "-pk")
    )
    seen: set[int] = set()
    for event in temp_events:
        if event.member_id in seen:
            continue
        seen.add(event.member_id)
        end = deadlines.temporary_end(event.on, event.expected_end)
        if end > horizon:
            continue
        items.append(
            Item(
                end,
                ItemKind.TEMPORARY,
                event.member.full_name,
                f"{event.get_kind_display()} từ {event.on:%d/%m/%Y}, dự kiến kết thúc {end:%d/%m/%Y}",
                _member_url(event.member_id),
                reverse(event_add, args=[event.member_id]),
                "Ghi kết thúc",
                today > end,
            )
        )

    if user.role != Role.MEMBER:
        award_date = next_award_date(today)
        for row in badge_candidates(members, award_date, today):
            if row.award is not None:
                continue
            state = "đã đề nghị" if row.proposal else "chưa đề nghị"
            early = " (đề nghị sớm, ốm nặng)" if row.due.early else ""
            org_id = row.member.current_org_id
            items.append(
                Item(
                    award_date,
                    ItemKind.BADGE,
                    row.member.full_name,
                    f"Huy hiệu {row.due.milestone} năm tuổi đảng{early}, "
                    f"đủ ngày {row.due.reached_on:%d/%m/%Y}; {state}",
                    _member_url(row.member.pk),
                    f"{reverse('badges:list')}?org={org_id}&dot={award_date.isoformat()}",
                    "Danh sách huy hiệu",
                    False,
                )
            )
        items.extend(_rating_items(user, today))
        items.extend(_absence_items(members, today))
        items.extend(_follow_up_items(user, horizon, today))
        items.extend(_fee_items(members, today))
    items.extend(_import_items(user))
    items.sort(key=lambda i: (i.due, i.kind, i.subject))
    return items


def _rating_items(user: User, today: date) -> list[Item]:
    items: list[Item] = []
    orgs = Org.objects.visible_to(user)
    periods = Period.objects.filter(status=PeriodStatus.OPEN).select_related("org")
    scope = user.scope
    for period in periods:
        # A period of an organisation in scope, or above it (then only the part in scope counts).
        if scope is not None and not (period.org.path.startswith(scope.path) or scope.path.startswith(period.org.path)):
            continue
        path = period.org.path if scope is None or period.org.path.startswith(scope.path) else scope.path
        key = period.key
        rated = MemberRating.objects.filter(member=OuterRef("pk"), year=key.year, quarter=key.quarter).exclude(level="")
        members = members_of_period(Member.objects.visible_to(user).in_subtree(path), key)
        missing = members.filter(~Exists(rated)).count()
        due = key.end if key.end >= today else today
        if missing:
            items.append(
                Item(
                    due,
                    ItemKind.MEMBERS_NOT_RATED,
                    f"{key.label()} — {period.org.name}",
                    f"{missing} đảng viên chưa có mức xếp loại",
                    reverse("evaluations:periods"),
                    reverse("evaluations:periods"),
                    "Mở kỳ đánh giá",
                    False,
                )
            )
        org_rated = OrgRating.objects.filter(org=OuterRef("pk"), year=key.year, quarter=key.quarter).exclude(level="")
        orgs_missing = (
            orgs.filter(path__in_subtree=path, dissolved_on__isnull=True)
            .exclude(pk=period.org.pk)
            .filter(~Exists(org_rated))
            .count()
        )
        if orgs_missing:
            items.append(
                Item(
                    due,
                    ItemKind.ORGS_NOT_RATED,
                    f"{key.label()} — {period.org.name}",
                    f"{orgs_missing} tổ chức chưa có mức xếp loại",
                    reverse("evaluations:periods"),
                    reverse("evaluations:periods"),
                    "Mở kỳ đánh giá",
                    False,
                )
            )
    return items


def _absence_items(members: models.QuerySet[Member], today: date) -> list[Item]:
    """Điều lệ Đảng, QĐ 294-QĐ/TW: "bỏ sinh hoạt đảng … ba tháng trong năm" is a ground for striking off."""
    from dangvu.meetings.queries import absentees

    return [
        Item(
            today,
            ItemKind.ABSENT_3_MONTHS,
            row.member.full_name,
            f"Vắng sinh hoạt không lý do các tháng {', '.join(map(str, row.months))}/{today.year}; "
            "chi bộ xem xét xóa tên (bỏ sinh hoạt đảng ba tháng trong năm)",
            _member_url(row.member.pk),
            reverse("meetings:cell", args=[row.member.current_org_id]) if row.member.current_org_id else "",
            "Xem sinh hoạt chi bộ",
            False,
        )
        for row in absentees(members.filter(status__in=ON_ROLL), today.year)
    ]


def _fee_items(members: models.QuerySet[Member], today: date) -> list[Item]:
    """Điều lệ Đảng: "không đóng đảng phí ba tháng trong năm" without reason is a ground for striking off."""
    from dangvu.fees.queries import fee_defaulters

    return [
        Item(
            today,
            ItemKind.FEES_UNPAID_3_MONTHS,
            row.member.full_name,
            f"Chưa đóng đảng phí các tháng {', '.join(map(str, row.months))}/{today.year}; "
            "chi bộ xem xét xóa tên (không đóng đảng phí ba tháng trong năm)",
            _member_url(row.member.pk),
            reverse("fees:member", args=[row.member.pk]),
            "Xem đảng phí",
            False,
        )
        for row in fee_defaulters(members, today.year, today)
    ]


def _follow_up_items(user: User, horizon: date, today: date) -> list[Item]:
    """Follow-ups required by an inspection or supervision of the user's scope, not yet done, due soon."""
    from dangvu.plans.models import InspectionItem

    rows = InspectionItem.objects.filter(
        plan__org__in=Org.objects.visible_to(user),
        follow_up_due__isnull=False,
        follow_up_due__lte=horizon,
        follow_up_done_on__isnull=True,
    ).select_related("plan", "target_org", "target_member")
    return [
        Item(
            row.follow_up_due,
            ItemKind.FOLLOW_UP,
            row.target_org.name if row.target_org else row.target_member.full_name if row.target_member else "",
            f"{row.get_kind_display()} “{row.subject}”: {row.follow_up}",
            f"{reverse('plans:inspections')}?org={row.plan.org_id}&nam={row.plan.year}",
            f"{reverse('plans:inspections')}?org={row.plan.org_id}&nam={row.plan.year}",
            "Xem kế hoạch kiểm tra",
            today > row.follow_up_due,
        )
        for row in rows
        if row.follow_up_due is not None
    ]


def _import_items(user: User) -> list[Item]:
    items = []
    jobs = ImportJob.objects.visible_to(user).filter(warnings__gt=0).order_by("-created_at")[:20]
    for job in jobs:
        url = reverse("exchange:job", args=[job.pk])
        items.append(
            Item(
                job.created_at.date(),
                ItemKind.IMPORT_WARNINGS,
                job.filename,
                f"{job.warnings} cảnh báo cần xem lại",
                url,
                url,
                "Xem cảnh báo",
                False,
            )
        )
    return items
