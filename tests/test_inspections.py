"""Inspection and supervision plans: the published progress sentence per quarter and year to date."""

from __future__ import annotations

from datetime import date

from dangvu.plans.models import InspectionItem, InspectionKind, InspectionPlan
from dangvu.plans.progress import follow_ups_due, inspection_progress, sentence
from tests.factories import World


def test_the_published_sentence_is_computed_from_its_inputs() -> None:
    assert sentence(InspectionKind.INSPECTION, 45, 60, 130, 520) == (
        "kiểm tra được 45/60 tổ chức (đạt 75,0% kế hoạch năm), 130/520 đảng viên (25,0%)"
    )


def test_progress_per_quarter_and_year_to_date(world: World, client_for) -> None:
    plan = InspectionPlan.objects.create(org=world.commune, year=2026, title="Kế hoạch kiểm tra năm 2026")

    def item(quarter: int, done: date | None, *, member: bool = False, due: date | None = None) -> None:
        InspectionItem.objects.create(
            plan=plan,
            target_org=None if member else world.agency,
            target_member=world.an if member else None,
            subject="Chấp hành Điều lệ",
            kind=InspectionKind.INSPECTION,
            by_whom="Ủy ban Kiểm tra",
            quarter=quarter,
            done_on=done,
            follow_up="Khắc phục hồ sơ" if due else "",
            follow_up_due=due,
        )

    item(1, date(2026, 3, 10), due=date(2026, 5, 1))
    item(2, date(2026, 5, 10))
    item(3, None)
    item(4, None)
    item(2, date(2026, 6, 1), member=True)
    item(3, None, member=True)
    [row] = inspection_progress(world.commune, 2026)
    q = row["quarters"]
    assert (q[0]["done_orgs"], q[1]["done_orgs"], q[1]["ytd_orgs"], q[1]["done_members"]) == (1, 1, 2, 1)
    assert q[0]["sentence"] == "kiểm tra được 1/4 tổ chức (đạt 25,0% kế hoạch năm), 0/2 đảng viên (0,0%)"
    assert row["sentence"] == "kiểm tra được 2/4 tổ chức (đạt 50,0% kế hoạch năm), 1/2 đảng viên (50,0%)"
    assert [i.follow_up for i in follow_ups_due(world.province, date(2026, 6, 1))] == ["Khắc phục hồ sơ"]
    page = client_for("commune_staff").get(f"/ke-hoach/kiem-tra/?org={world.commune.pk}&nam=2026")
    assert "Kiểm tra được 2/4 tổ chức (đạt 50,0% kế hoạch năm)" in page.content.decode()
    assert client_for("outsider").get(f"/ke-hoach/kiem-tra/?org={world.commune.pk}&nam=2026").status_code == 404


def test_follow_ups_due_appear_on_the_work_list_of_the_scope_only(world: World) -> None:
    from dangvu.lifecycle.worklist import ItemKind, worklist

    plan = InspectionPlan.objects.create(org=world.commune, year=2026, title="Kế hoạch")
    InspectionItem.objects.create(
        plan=plan,
        target_org=world.village_cell,
        subject="Sinh hoạt chi bộ",
        kind=InspectionKind.SUPERVISION,
        by_whom="Ban Thường vụ",
        quarter=2,
        done_on=date(2026, 5, 2),
        follow_up="Bổ sung biên bản",
        follow_up_due=date(2026, 6, 10),
    )
    items = [i for i in worklist(world.commune_staff, date(2026, 6, 1)) if i.kind == ItemKind.FOLLOW_UP]
    assert [(i.subject, i.due, i.late) for i in items] == [("Chi bộ thôn Đông", date(2026, 6, 10), False)]
    assert "Bổ sung biên bản" in items[0].detail
    assert not [i for i in worklist(world.outsider, date(2026, 6, 1)) if i.kind == ItemKind.FOLLOW_UP]


def test_staff_plans_an_item_and_records_what_was_done(world: World, client_for) -> None:
    client = client_for("commune_staff")
    url = f"/ke-hoach/kiem-tra/them/?org={world.commune.pk}&nam=2026"
    both = {"target_org": world.agency.pk, "target_member": world.an.pk, "subject": "Đảng phí"}
    base = {"kind": "inspection", "by_whom": "UBKT", "quarter": 2}
    assert "chỉ một" in client.post(url, {**both, **base}).content.decode()
    outsider_org = {"target_org": world.other_cell.pk, "subject": "Đảng phí", **base}
    assert client.post(url, outsider_org).status_code == 200  # not a choice: outside the committee
    assert client.post(url, {"target_org": world.agency.pk, "subject": "Đảng phí", **base}).status_code == 302
    item = InspectionItem.objects.get()
    record = f"/ke-hoach/kiem-tra/{item.pk}/ket-qua/"
    done = {"done_on": "2026-05-04", "conclusion": "Đạt", "follow_up": "Bổ sung sổ", "follow_up_due": "2026-07-01"}
    assert client.post(record, done).status_code == 302
    item.refresh_from_db()
    assert item.done_on == date(2026, 5, 4) and item.follow_up_due == date(2026, 7, 1)
    assert inspection_progress(world.commune, 2026)[0]["sentence"].startswith("kiểm tra được 1/1 tổ chức")
    assert client_for("outsider").get(record).status_code == 404
