"""Changing and deleting targets, inspection plan items and cell meetings: editors in scope only, a delete
asks for confirmation first, every change and delete leaves its content in the audit trail."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from dangvu.audit.models import Action, AuditRecord
from dangvu.meetings.models import Attendance, Meeting, Presence
from dangvu.meetings.services import meeting_record
from dangvu.plans.models import InspectionItem, InspectionKind, InspectionPlan, Target, TargetKind
from dangvu.plans.progress import inspection_progress
from tests.factories import World


@pytest.fixture
def target(world: World) -> Target:
    return Target.objects.create(org=world.commune, year_from=2026, year_to=2026, kind=TargetKind.ADMITTED_SHARE, low=3)


@pytest.fixture
def item(world: World) -> InspectionItem:
    plan = InspectionPlan.objects.create(org=world.commune, year=2026, title="Kế hoạch")
    return InspectionItem.objects.create(
        plan=plan,
        target_org=world.agency,
        subject="Chấp hành Điều lệ",
        kind=InspectionKind.INSPECTION,
        by_whom="Ủy ban Kiểm tra",
        quarter=1,
    )


@pytest.fixture
def meeting(world: World) -> Meeting:
    return meeting_record(
        actor=None,
        cell=world.office_cell,
        presences={world.an.pk: Presence.PRESENT, world.binh.pk: Presence.ABSENT},
        held_on=date(2026, 2, 5),
        kind="regular",
        theme="Nghị quyết tháng 2",
    )


def test_staff_changes_a_target_and_the_change_is_audited(world: World, client_for, target: Target) -> None:
    client = client_for("commune_staff")
    url = reverse("plans:target_edit", args=[target.pk])
    assert "Sửa chỉ tiêu" in client.get(url).content.decode()
    data = {"year_from": 2026, "year_to": 2026, "kind": TargetKind.ADMITTED_SHARE, "comparator": "band", "low": 3}
    page = client.post(url, data)  # a band without its upper bound: refused, what was typed kept
    assert page.status_code == 200 and "cả mức dưới và mức trên" in page.content.decode()
    assert client.post(url, {**data, "high": 5}).status_code == 302
    target.refresh_from_db()
    assert (target.comparator, target.high) == ("band", Decimal(5)) and target.goal_text == "3–5%"
    audit = AuditRecord.objects.get(target_type="target", action=Action.UPDATE)
    assert audit.actor == world.commune_staff and audit.changes["comparator"] == ["min", "band"]


def test_a_target_is_deleted_after_confirmation_and_its_content_stays_in_the_audit(
    world: World, client_for, target: Target
) -> None:
    client = client_for("commune_staff")
    url = reverse("plans:target_remove", args=[target.pk])
    assert "Quay lại, không xóa" in client.get(url).content.decode()
    assert Target.objects.filter(pk=target.pk).exists()  # the GET only asks
    assert client.post(url).status_code == 302
    assert not Target.objects.filter(pk=target.pk).exists()
    audit = AuditRecord.objects.get(target_type="target", action=Action.DELETE)
    assert audit.target_id == target.pk and audit.changes["low"] == ["3.00", None]


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("secretary", 403), ("outsider", 404)])
def test_only_editors_in_scope_change_or_delete_targets_and_plan_items(
    client_for, target: Target, item: InspectionItem, persona: str, status: int
) -> None:
    client = client_for(persona)
    for name, pk in (
        ("plans:target_edit", target.pk),
        ("plans:target_remove", target.pk),
        ("plans:inspection_edit", item.pk),
        ("plans:inspection_remove", item.pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == status
        assert client.post(reverse(name, args=[pk])).status_code == status
    assert Target.objects.filter(pk=target.pk).exists() and InspectionItem.objects.filter(pk=item.pk).exists()
    # The province's staff holds the commune in scope.
    assert client_for("province_staff").get(reverse("plans:target_edit", args=[target.pk])).status_code == 200


def test_an_inspection_item_is_changed_and_deleted_and_the_progress_follows(
    world: World, client_for, item: InspectionItem
) -> None:
    client = client_for("commune_staff")
    url = reverse("plans:inspection_edit", args=[item.pk])
    data = {
        "target_member": world.an.pk,
        "subject": "Tu dưỡng",
        "kind": "supervision",
        "by_whom": "Chi ủy",
        "quarter": 2,
    }
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert (item.target_org, item.target_member, item.kind, item.quarter) == (None, world.an, "supervision", 2)
    [row] = inspection_progress(world.commune, 2026)
    assert (row["kind"], row["planned_orgs"], row["planned_members"]) == ("supervision", 0, 1)
    both = client.post(url, {**data, "target_org": world.agency.pk})
    assert both.status_code == 200 and "chỉ một" in both.content.decode()
    assert client.post(reverse("plans:inspection_remove", args=[item.pk])).status_code == 302
    assert inspection_progress(world.commune, 2026) == []
    actions = list(
        AuditRecord.objects.filter(target_type="inspectionitem").order_by("pk").values_list("action", flat=True)
    )
    assert actions == [Action.UPDATE, Action.DELETE]


def test_a_meeting_is_changed_with_its_attendance_then_deleted(world: World, client_for, meeting: Meeting) -> None:
    client = client_for("secretary")
    page = client.get(reverse("meetings:edit", args=[meeting.pk])).content.decode()
    assert "Sửa buổi sinh hoạt" in page and "Nghị quyết tháng 2" in page
    data = {
        "held_on": "2026-02-06",
        "kind": "regular",
        "theme": "Nghị quyết tháng 2 (sửa)",
        f"p-{world.an.pk}": Presence.EXCUSED,
        f"p-{world.binh.pk}": Presence.ABSENT,
        f"p-{world.chau.pk}": Presence.PRESENT,
    }
    assert client.post(reverse("meetings:edit", args=[meeting.pk]), data).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.held_on, meeting.theme) == (date(2026, 2, 6), "Nghị quyết tháng 2 (sửa)")
    presences = dict(Attendance.objects.filter(meeting=meeting).values_list("member__full_name", "presence"))
    assert presences == {"Nguyễn Văn An": "excused", "Trần Thị Bình": "absent", "Lê Minh Châu": "present"}
    audit = AuditRecord.objects.get(target_type="meeting", action=Action.UPDATE)
    assert audit.changes["điểm danh Nguyễn Văn An"] == ["present", "excused"]
    assert audit.changes["held_on"] == ["2026-02-05", "2026-02-06"]
    url = reverse("meetings:delete", args=[meeting.pk])
    assert "Quay lại, không xóa" in client.get(url).content.decode() and Meeting.objects.exists()
    assert client.post(url).status_code == 302
    assert not Meeting.objects.exists() and not Attendance.objects.exists()
    deleted = AuditRecord.objects.get(target_type="meeting", action=Action.DELETE)
    assert deleted.changes["theme"] == ["Nghị quyết tháng 2 (sửa)", None]
    assert len([k for k in deleted.changes if k.startswith("điểm danh")]) == 3


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("outsider", 404), ("member", 404)])
def test_only_those_who_record_meetings_of_the_cell_change_or_delete_them(
    client_for, meeting: Meeting, persona: str, status: int
) -> None:
    client = client_for(persona)
    for name in ("meetings:edit", "meetings:delete"):
        assert client.post(reverse(name, args=[meeting.pk])).status_code == status
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    assert client_for("commune_staff").get(reverse("meetings:delete", args=[meeting.pk])).status_code == 200


def test_the_inspection_plan_as_word_has_the_hd36_header_the_progress_and_the_items(
    world: World, client_for, item: InspectionItem
) -> None:
    import io

    from docx import Document

    from dangvu.plans.word import inspection_word_context, render_inspection_docx

    item.done_on, item.conclusion, item.follow_up, item.follow_up_due = (
        date(2026, 3, 2),
        "Đạt yêu cầu",
        "Bổ sung hồ sơ",
        date(2026, 5, 1),
    )
    item.save()
    InspectionItem.objects.create(
        plan=item.plan, target_member=world.an, subject="Tu dưỡng", kind="inspection", by_whom="Chi ủy", quarter=2
    )
    context = inspection_word_context(world.commune, 2026, today=date(2026, 4, 5))
    [kind] = context["kinds"]
    assert kind["sentence"] == "kiểm tra được 1/1 tổ chức (đạt 100,0% kế hoạch năm), 0/1 đảng viên (0,0%)"
    assert kind["quarters"][0] == ["Quý 1", "1/1", "0/0", "1/1 (100,0%)", "0/1 (0,0%)"]
    assert [row["subject_of"] for row in context["items"]] == ["Đảng bộ Cơ quan xã An Phú", "Nguyễn Văn An"]
    assert context["items"][0]["follow_up"] == "Bổ sung hồ sơ (hạn 01/05/2026)"
    document = Document(io.BytesIO(render_inspection_docx(context)))
    header = "\n".join(cell.text for cell in document.tables[0].rows[0].cells)
    assert "ĐẢNG ỦY XÃ AN PHÚ" in header and "ngày 05 tháng 4 năm 2026" in header and "-BC/ĐU" in header
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Kế hoạch kiểm tra, giám sát năm 2026 và kết quả thực hiện" in text
    assert "Kiểm tra: kiểm tra được 1/1 tổ chức (đạt 100,0% kế hoạch năm)" in text
    assert document.tables[2].rows[1].cells[2].text == "Chấp hành Điều lệ"
    response = client_for("viewer").get(reverse("plans:inspections_docx"), {"org": world.commune.pk, "nam": 2026})
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert "kiem-tra-giam-sat-X01-2026.docx" in response["Content-Disposition"]
    assert client_for("outsider").get(reverse("plans:inspections_docx"), {"org": world.commune.pk}).status_code == 404


def test_the_plans_command_writes_the_inspection_plan_as_word(world: World, item: InspectionItem, tmp_path) -> None:
    import io

    from django.core.management import call_command

    target = tmp_path / "kh.docx"
    out = io.StringIO()
    call_command("plans", "inspections", org="X01", year=2026, format="docx", output=str(target), stdout=out)
    assert target.read_bytes()[:2] == b"PK" and "Đã ghi" in out.getvalue()


def test_a_registration_is_deleted_after_confirmation_by_those_who_register(world: World, client_for) -> None:
    from dangvu.plans.models import Registration

    row = Registration.objects.create(
        year=2026, kind="commitment", member=world.an, text="Học tập", registered_on=date(2026, 1, 15)
    )
    url = reverse("plans:registration_remove", args=[row.pk])
    assert client_for("viewer").post(url).status_code == 403
    assert client_for("outsider").post(url).status_code == 404
    secretary = client_for("secretary")
    assert "Quay lại, không xóa" in secretary.get(url).content.decode()
    assert Registration.objects.filter(pk=row.pk).exists()
    assert secretary.post(url).status_code == 302
    assert not Registration.objects.exists()
    audit = AuditRecord.objects.get(target_type="registration", action=Action.DELETE)
    assert audit.changes["text"] == ["Học tập", None] and audit.actor == world.secretary
