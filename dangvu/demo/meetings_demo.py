"""Cell meetings and model cells of the demo commune: a regular meeting every past month of the year in
each of its cells, with attendance; two cells that missed months; one member absent without reason in
three months (the striking-off warning); the commune's model-cell criteria, one recognised model cell
and one proposal. Called by `demo_load` in its transaction; deterministic; written with bulk_create.

The tables are emptied first: `demo_reset` deletes members and organisations with raw SQL, and the
foreign keys (deferred until commit) must find no meeting left over from a previous run.
"""

from __future__ import annotations

from datetime import date

from dangvu.meetings.models import (
    AssessmentItem,
    AssessmentStatus,
    Attendance,
    Meeting,
    MeetingKind,
    ModelCellAssessment,
    ModelCellCriterion,
    Presence,
)
from dangvu.members.models import Member
from dangvu.orgs.models import Org

CRITERIA = (
    "Sinh hoạt thường kỳ đủ 12 tháng, tỷ lệ đảng viên dự từ 90% trở lên",
    "Nội dung sinh hoạt thiết thực, có ít nhất một chuyên đề mỗi quý",
    "100% đảng viên hoàn thành nhiệm vụ, không có đảng viên vi phạm kỷ luật",
    "Lãnh đạo hoàn thành các chỉ tiêu nghị quyết năm",
)
MISSED = {0: (4,), 1: (6, 8)}  # the first two cells of the commune missed these months
ABSENT_MONTHS = (1, 2, 3)  # one member of the first cell, without reason
THEMES = {3: "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", 9: "Công tác phát triển đảng viên"}


def meetings_demo(*, commune: Org, today: date) -> int:
    """Returns the number of meetings written."""
    AssessmentItem.objects.all().delete()
    ModelCellAssessment.objects.all().delete()
    ModelCellCriterion.objects.all().delete()
    Attendance.objects.all().delete()
    Meeting.objects.all().delete()
    year = today.year if today.month > 1 else today.year - 1
    last = today.month - 1 if today.month > 1 else 12
    cells = sorted(  # tree order by the ids' numbers (a text order of the paths changes with their digits)
        Org.objects.subtree(commune).cells().active(), key=lambda c: [int(p) for p in c.path.strip("/").split("/")]
    )
    members: dict[int, list[int]] = {}
    for pk, cell_id in (
        Member.objects.filter(current_org__in=cells)
        .on_roll()
        .order_by("full_name", "pk")
        .values_list("pk", "current_org_id")
    ):
        members.setdefault(cell_id, []).append(pk)
    absentee = next((members[c.pk][0] for c in cells if len(members.get(c.pk, [])) >= 2), None)

    meetings: list[Meeting] = []
    for index, cell in enumerate(cells):
        for month in range(1, last + 1):
            if month in MISSED.get(index, ()):
                continue
            meetings.append(
                Meeting(
                    cell=cell,
                    held_on=date(year, month, 5 + index % 20),
                    kind=MeetingKind.REGULAR,
                    theme=THEMES.get(month, "Sinh hoạt thường kỳ"),
                    upper_cadre="Đồng chí Ủy viên Ban Thường vụ Đảng ủy xã" if month % 3 == 0 else "",
                    resolutions="Thống nhất nhiệm vụ trọng tâm tháng tới.",
                )
            )
    Meeting.objects.bulk_create(meetings)
    attendance: list[Attendance] = []
    for meeting in meetings:
        month = meeting.held_on.month
        for position, pk in enumerate(members.get(meeting.cell_id, [])):
            if pk == absentee and month in ABSENT_MONTHS:
                presence = Presence.ABSENT
            elif (position + month) % 11 == 0:
                presence = Presence.EXCUSED
            else:
                presence = Presence.PRESENT
            attendance.append(Attendance(meeting=meeting, member_id=pk, presence=presence))
    Attendance.objects.bulk_create(attendance, batch_size=2000)

    criteria = ModelCellCriterion.objects.bulk_create(
        ModelCellCriterion(committee=commune, position=i, text=text) for i, text in enumerate(CRITERIA, start=1)
    )
    if len(cells) >= 3:
        recognised = ModelCellAssessment.objects.create(
            cell=cells[2],
            period_from=date(year - 1, 1, 1),
            period_to=date(year - 1, 12, 31),
            status=AssessmentStatus.RECOGNISED,
            decision_number="25-QĐ/ĐU",
            decision_on=date(year, 1, 20),
        )
        proposed = ModelCellAssessment.objects.create(
            cell=cells[-1], period_from=date(year - 1, 1, 1), period_to=date(year - 1, 12, 31)
        )
        AssessmentItem.objects.bulk_create(
            [AssessmentItem(assessment=recognised, criterion=c, met=True) for c in criteria]
            + [AssessmentItem(assessment=proposed, criterion=c, met=i != 3) for i, c in enumerate(criteria)]
        )
    return len(meetings)
