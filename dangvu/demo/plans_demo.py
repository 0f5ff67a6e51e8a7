"""Demo plans: a year of targets for the province and the focus commune, the commune's inspection and
supervision plan with what was done, and registrations assessed at the year's end.

Deterministic: the organisations and members are taken in code / pk order, every n-th is chosen."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from dangvu.members.models import Member
from dangvu.orgs.kinds import GRASSROOTS_KINDS
from dangvu.orgs.models import Org
from dangvu.plans.models import (
    Assessment,
    InitiativeLevel,
    InspectionItem,
    InspectionKind,
    InspectionPlan,
    Registration,
    RegistrationKind,
    Target,
    TargetKind,
)
from dangvu.plans.status import Comparator

D = Decimal
SUBJECTS = (
    "Việc chấp hành Điều lệ Đảng, nghị quyết của cấp ủy",
    "Thu, nộp, quản lý và sử dụng đảng phí",
    "Thực hiện nhiệm vụ được giao và giữ gìn phẩm chất đạo đức",
)
INITIATIVES = ("Mô hình “Dân vận khéo”", "Cách làm “Chi bộ số”", "Mô hình “Tuyến đường tự quản”")


def _targets(org: Org, year: int) -> None:
    specs = [
        (TargetKind.ORGS_GOOD, Comparator.MIN, D(90), None, D(15), D(20), "Nghị quyết Đại hội, chỉ tiêu hằng năm"),
        (TargetKind.MEMBERS_GOOD, Comparator.MIN, D(90), None, D(15), D(20), "Nghị quyết Đại hội"),
        (TargetKind.ADMITTED_SHARE, Comparator.MIN, D(3), None, None, None, "Kết nạp ≥ 3% tổng số đảng viên"),
        (TargetKind.ORGS_REGISTERED, Comparator.MIN, D(80), None, None, None, "Phong trào thi đua năm"),
        (TargetKind.MEMBERS_REGISTERED, Comparator.MIN, D(95), None, None, None, "Cam kết tu dưỡng, rèn luyện"),
        (TargetKind.INSPECTIONS, Comparator.BAND, D(95), D(100), None, None, "Kế hoạch kiểm tra, giám sát"),
    ]
    Target.objects.bulk_create(
        Target(
            org=org,
            year_from=year,
            year_to=year,
            kind=kind,
            comparator=comparator,
            low=low,
            high=high,
            excellent_low=el,
            excellent_high=eh,
            note=note,
        )
        for kind, comparator, low, high, el, eh, note in specs
    )


def _inspections(commune: Org, year: int, today: date) -> int:
    plan = InspectionPlan.objects.create(
        org=commune, year=year, title=f"Chương trình kiểm tra, giám sát năm {year} của {commune.name}"
    )
    orgs = list(
        Org.objects.subtree(commune).filter(kind__in=GRASSROOTS_KINDS, dissolved_on__isnull=True).order_by("code")
    )
    members = list(Member.objects.on_roll().in_subtree(commune.path).order_by("pk")[::7][:40])
    items = []
    subjects: list[tuple[Org | None, Member | None]] = [(o, None) for o in orgs] + [(None, m) for m in members]
    for index, (org, member) in enumerate(subjects):
        quarter = index % 4 + 1
        kind = InspectionKind.INSPECTION if index % 3 else InspectionKind.SUPERVISION
        planned_day = date(year, quarter * 3 - 1, 15)
        done = planned_day if planned_day <= today and index % 5 != 0 else None
        due = planned_day + timedelta(days=60) if done and index % 4 == 0 else None
        items.append(
            InspectionItem(
                plan=plan,
                target_org=org,
                target_member=member,
                subject=SUBJECTS[index % len(SUBJECTS)],
                kind=kind,
                by_whom="Ủy ban Kiểm tra Đảng ủy" if kind == InspectionKind.INSPECTION else "Ban Thường vụ Đảng ủy",
                quarter=quarter,
                done_on=done,
                findings="Thực hiện cơ bản đúng quy định; còn một số hạn chế về hồ sơ." if done else "",
                conclusion="Đạt yêu cầu." if done else "",
                follow_up="Bổ sung, hoàn thiện hồ sơ, sổ sách" if due else "",
                follow_up_due=due,
            )
        )
    InspectionItem.objects.bulk_create(items)
    return len(items)


def _registrations(commune: Org, year: int, assessed: bool) -> int:
    orgs = list(
        Org.objects.subtree(commune).filter(kind__in=GRASSROOTS_KINDS, dissolved_on__isnull=True).order_by("code")
    )
    members = list(Member.objects.on_roll().in_subtree(commune.path).order_by("pk"))
    start = date(year, 1, 15)
    rows = []
    for index, org in enumerate(orgs):
        rows.append(
            Registration(
                year=year,
                kind=RegistrationKind.TITLE,
                org=org,
                text="Tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ",
                registered_on=start,
                assessment=(Assessment.DONE if index % 6 else Assessment.NOT_DONE) if assessed else "",
            )
        )
        if index % 5 != 4:
            rows.append(
                Registration(
                    year=year,
                    kind=RegistrationKind.INITIATIVE,
                    org=org,
                    text=INITIATIVES[index % len(INITIATIVES)],
                    registered_on=start,
                    assessment=(Assessment.DONE if index % 3 else Assessment.NOT_DONE) if assessed else "",
                    level=(InitiativeLevel.GRASSROOTS if index % 2 else InitiativeLevel.UPPER) if assessed else "",
                    has_product=assessed and index % 3 != 0,
                )
            )
    for index, member in enumerate(members):
        if index % 20 == 19:
            continue  # not every member registers: the share target shows it
        rows.append(
            Registration(
                year=year,
                kind=RegistrationKind.COMMITMENT,
                member=member,
                text="Cam kết tu dưỡng, rèn luyện, phấn đấu hoàn thành tốt nhiệm vụ",
                registered_on=start,
                assessment=(Assessment.DONE if index % 25 else Assessment.NOT_DONE) if assessed else "",
            )
        )
    Registration.objects.bulk_create(rows)
    return len(rows)


def plans_demo(*, province: Org, commune: Org, today: date) -> int:
    """Writes the demo plans; returns the number of rows written."""
    Target.objects.all().delete()
    InspectionPlan.objects.all().delete()
    Registration.objects.all().delete()
    written = 0
    for year in (today.year - 1, today.year):
        _targets(province, year)
        _targets(commune, year)
        written += 12
        written += _inspections(commune, year, today)
        written += _registrations(commune, year, assessed=year < today.year)
    return written
