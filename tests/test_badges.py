"""Huy hiệu Đảng: award dates, who is due (early for serious illness), proposals and decisions, pages."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from dangvu.audit.models import AuditRecord
from dangvu.lifecycle import services
from dangvu.lifecycle.badges import MILESTONES, badge_due, next_award_date, previous_award_date
from dangvu.lifecycle.models import BadgeAward, BadgeProposal, IllnessMark
from dangvu.lifecycle.party_age import AgeEvent, party_age
from dangvu.members.lifecycle import EventKind as K
from dangvu.members.models import Member
from tests.factories import World, make_member

TODAY = date(2026, 11, 23)


def age_from(admitted: date):
    return party_age(
        [AgeEvent(K.ADMITTED, admitted, 1), AgeEvent(K.CONFIRMED, admitted.replace(year=admitted.year + 1))],
        today=TODAY,
    )


def test_the_milestones_are_those_of_the_guidance() -> None:
    assert MILESTONES == (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)


def test_the_next_award_date_after_7_november_is_3_february() -> None:
    assert next_award_date(TODAY) == date(2027, 2, 3)
    assert next_award_date(date(2026, 11, 7)) == date(2026, 11, 7)
    assert next_award_date(date(2026, 5, 20)) == date(2026, 9, 2)
    assert previous_award_date(date(2027, 2, 3)) == date(2026, 11, 7)


def test_a_member_reaching_30_years_between_two_award_dates_is_due_at_the_later_one() -> None:
    due = badge_due(age_from(date(1997, 1, 10)), date(2027, 2, 3))
    assert due is not None and (due.milestone, due.reached_on, due.early) == (30, date(2027, 1, 10), False)
    assert badge_due(age_from(date(1997, 1, 10)), date(2026, 11, 7)) is None
    assert badge_due(age_from(date(1997, 1, 10)), date(2027, 2, 3), given={30}) is None
    on_the_day = badge_due(age_from(date(1997, 2, 3)), date(2027, 2, 3))
    assert on_the_day is not None and on_the_day.milestone == 30
    assert badge_due(age_from(date(1997, 2, 4)), date(2027, 2, 3)) is None


def test_a_seriously_ill_member_can_be_proposed_up_to_12_months_early() -> None:
    eleven_months = age_from(date(1998, 1, 3))  # 30 years on 03/01/2028
    due = badge_due(eleven_months, date(2027, 2, 3), ill=True)
    assert due is not None and due.early and due.milestone == 30
    thirteen_months = age_from(date(1998, 3, 10))
    assert badge_due(thirteen_months, date(2027, 2, 3), ill=True) is None
    assert badge_due(eleven_months, date(2027, 2, 3), ill=False) is None


def test_from_70_years_the_early_proposal_reaches_24_months() -> None:
    twenty_months = age_from(date(1958, 10, 1))  # 70 years on 01/10/2028
    due = badge_due(twenty_months, date(2027, 2, 3), ill=True, given=set(MILESTONES[:7]))
    assert due is not None and due.milestone == 70 and due.early
    twenty_five = age_from(date(1959, 3, 10))
    assert badge_due(twenty_five, date(2027, 2, 3), ill=True, given=set(MILESTONES[:7])) is None


def test_a_probationer_is_never_due() -> None:
    age = party_age([AgeEvent(K.ADMITTED, date(1990, 1, 1), 1)], today=TODAY)
    assert badge_due(age, date(2027, 2, 3)) is None


# Database and pages -------------------------------------------------------------------------------------------


def old_member(world: World, name: str, admitted: date, cell=None) -> Member:
    return make_member(
        cell or world.office_cell,
        name,
        birth_date=date(1950, 1, 1),
        admitted_on=admitted,
        ceremony_on=admitted.replace(day=20),
        official_on=admitted.replace(year=admitted.year + 1, day=20),
    )


@pytest.mark.django_db
@time_machine.travel(date(2026, 11, 23), tick=False)
def test_the_badge_list_of_an_org_lists_members_in_its_subtree_and_records_proposal_and_decision(
    world: World, client_for
) -> None:
    thirty = old_member(world, "Đỗ Văn Ba Mươi", date(1997, 1, 10))
    forty = old_member(world, "Ngô Thị Bốn Mươi", date(1987, 1, 15), world.economy_cell)
    old_member(world, "Lý Văn Khác", date(1997, 1, 12), world.other_cell)
    ill = old_member(world, "Bùi Văn Ốm", date(1998, 1, 5))
    IllnessMark.objects.create(member=ill)
    rows = services.badge_candidates(services.org_members(world.commune), date(2027, 2, 3), date(2026, 11, 23))
    # By milestone, then by given name (Vietnamese order): Mươi before Ốm.
    assert [(r.member.full_name, r.due.milestone, r.due.early) for r in rows] == [
        ("Đỗ Văn Ba Mươi", 30, False),
        ("Bùi Văn Ốm", 30, True),
        ("Ngô Thị Bốn Mươi", 40, False),
    ]
    client = client_for("commune_staff")
    page = client.get(f"/huy-hieu/?org={world.commune.pk}&dot=2027-02-03")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Đỗ Văn Ba Mươi" in text and "Lý Văn Khác" not in text and "Đề nghị sớm" in text
    response = client.post(
        "/huy-hieu/de-nghi/", {"member": thirty.pk, "milestone": 30, "award_date": "2027-02-03", "next": "/huy-hieu/"}
    )
    assert response.status_code == 302
    assert BadgeProposal.objects.filter(member=thirty, milestone=30).exists()
    response = client.post(
        "/huy-hieu/quyet-dinh/",
        {
            "member": forty.pk,
            "milestone": 40,
            "award_date": "2027-02-03",
            "decision_no": "12-QĐ/TU",
            "decision_on": "2027-01-25",
            "decided_by": "Ban Thường vụ Tỉnh ủy",
        },
    )
    assert response.status_code == 302
    award = BadgeAward.objects.get(member=forty)
    assert (award.milestone, award.decision_no) == (40, "12-QĐ/TU")
    assert AuditRecord.objects.filter(target_type="member", target_id=forty.pk, note__contains="huy hiệu 40").exists()
    detail = client.get(f"/dang-vien/{forty.pk}/").content.decode()
    assert "Tuổi đảng và Huy hiệu Đảng" in detail and "12-QĐ/TU" in detail and "39 năm" in detail
    # The same award cannot be recorded twice.
    with pytest.raises(ValueError):
        services.badge_record(
            actor=None,
            member=forty,
            milestone=40,
            award_date=date(2027, 2, 3),
            decision_no="x",
            decision_on=date(2027, 1, 1),
            decided_by="y",
        )


@pytest.mark.django_db
def test_the_outsider_cannot_open_the_communes_badge_list_nor_propose(world: World, client_for) -> None:
    outsider = client_for("outsider")
    assert outsider.get(f"/huy-hieu/?org={world.commune.pk}").status_code == 404
    response = outsider.post("/huy-hieu/de-nghi/", {"member": world.an.pk, "milestone": 30, "award_date": "2027-02-03"})
    assert response.status_code == 404
    assert not BadgeProposal.objects.exists()
    assert client_for("viewer").post("/huy-hieu/de-nghi/", {"member": world.an.pk}).status_code == 403


@pytest.mark.django_db
def test_an_editor_marks_a_member_seriously_ill_from_the_member_page(world: World, client_for) -> None:
    client = client_for("secretary")
    assert "Đánh dấu ốm nặng" in client.get(f"/dang-vien/{world.an.pk}/").content.decode()
    client.post(f"/huy-hieu/om-nang/{world.an.pk}/", {"ill": "1"})
    assert IllnessMark.objects.filter(member=world.an).exists()
    client.post(f"/huy-hieu/om-nang/{world.an.pk}/", {"ill": "0"})
    assert not IllnessMark.objects.filter(member=world.an).exists()
