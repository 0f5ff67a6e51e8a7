"""The fee book: profiles, reductions and payments through the services (validation, audit), the cell's
book and the subtree's summary computed from their inputs, the three-unpaid-months work-list item, the
member's history, the exports and the command, and who may see and do what. "Today" is 15/11/2026, so
January–October are over."""

from __future__ import annotations

import io
import json
from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from dangvu.audit.models import Action, AuditRecord
from dangvu.fees import rules
from dangvu.fees.models import FeePayment, FeeProfile, FeeReduction, FeeSetting, Method
from dangvu.fees.queries import cell_book, fee_defaulters, member_fee_history, org_year
from dangvu.fees.services import load_settings, payment_record, profile_set, reduction_grant, setting_set
from dangvu.lifecycle.worklist import ItemKind, worklist
from dangvu.members.models import Member
from tests.factories import World, make_member

TODAY = date(2026, 11, 15)
JAN, FEB = date(2026, 1, 1), date(2026, 2, 1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def month(m: int, year: int = 2026) -> date:
    return date(year, m, 1)


def pay(member: Member, months, amount: int, **extra) -> None:
    for m in months:
        payment_record(actor=None, member=member, month=month(m), amount=amount, paid_on=month(m), **extra)


@pytest.fixture
def book_world(world: World) -> World:
    """An (salary 8.540.000 đ → 85.400 đ), Bình (student: 2.000 đ in January, 5.000 đ from February),
    Châu (pensioner 7.310.000 đ → 36.550 đ, 50% off March–May)."""
    profile_set(actor=None, member=world.an, valid_from=JAN, category="salary", base=8_540_000)
    profile_set(actor=None, member=world.binh, valid_from=JAN, category="student")
    profile_set(actor=None, member=world.chau, valid_from=JAN, category="pension", base=7_310_000)
    reduction_grant(
        actor=None, member=world.chau, percent=50, first_month=month(3), last_month=month(5), reason="Ốm dài ngày"
    )
    return world


def test_the_settings_are_seeded_with_the_documented_values(db: None) -> None:
    stored = dict(FeeSetting.objects.values_list("key", "value"))
    assert stored["qd01_effective_on"] == "2026-02-03"
    assert stored["qd342_other_min"] == 2000 and stored["qd342_other_max"] == 30000
    assert load_settings().qd01_effective_on == date(2026, 2, 3)


def test_a_profile_needs_its_base_and_the_other_amount_must_be_in_range(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        profile_set(actor=None, member=world.an, valid_from=FEB, category="salary")
    assert "base" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        profile_set(actor=None, member=world.an, valid_from=FEB, category="other", fixed_amount=50_000)
    assert "từ 2.000 đến 30.000" in error.value.message_dict["fixed_amount"][0]
    assert not FeeProfile.objects.exists()
    profile = profile_set(actor=world.secretary, member=world.an, valid_from=date(2026, 2, 17), category="other",
                          fixed_amount=20_000)  # fmt: skip
    assert profile.valid_from == FEB
    record = AuditRecord.objects.get(target_type="feeprofile", target_id=profile.pk)
    assert record.action == Action.CREATE and record.actor == world.secretary


def test_a_reduction_longer_than_twelve_months_is_refused_and_nothing_is_saved(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        reduction_grant(
            actor=None, member=world.an, percent=30, first_month=month(3), last_month=month(3, 2027), reason="Khó khăn"
        )
    assert rules.ERR_REDUCTION_TOO_LONG.format(months=13) in error.value.messages
    assert not FeeReduction.objects.exists()
    reduction_grant(
        actor=None, member=world.an, percent=30, first_month=month(3), last_month=month(2, 2027), reason="Khó khăn"
    )
    with pytest.raises(ValidationError, match="trùng thời gian"):
        reduction_grant(
            actor=None, member=world.an, percent=50, first_month=month(6), last_month=month(7), reason="Khó khăn"
        )


def test_a_payment_online_needs_its_reference_and_is_recorded_once(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        payment_record(actor=None, member=world.an, month=JAN, amount=85_400, paid_on=JAN, method=Method.ONLINE)
    assert "reference" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        payment_record(actor=None, member=world.an, month=JAN, amount=85_400, paid_on=date(2026, 12, 1))
    assert "paid_on" in error.value.message_dict
    payment = payment_record(
        actor=world.secretary,
        member=world.an,
        month=date(2026, 1, 20),
        amount=85_400,
        paid_on=date(2026, 1, 25),
        method=Method.ONLINE,
        reference=" DVC-2026-0001 ",
    )
    assert (payment.month, payment.cell, payment.reference) == (JAN, world.office_cell, "DVC-2026-0001")
    assert AuditRecord.objects.filter(target_type="feepayment", target_id=payment.pk, action=Action.CREATE).exists()
    with pytest.raises(ValidationError, match="đã nộp đảng phí tháng 01/2026"):
        payment_record(actor=None, member=world.an, month=JAN, amount=85_400, paid_on=JAN)


def test_the_book_is_computed_from_profiles_reductions_and_payments(
    book_world: World, django_assert_max_num_queries
) -> None:
    w = book_world
    pay(w.an, range(1, 11), 85_400)  # all ten months over
    pay(w.binh, [1], 2_000)
    pay(w.binh, range(2, 8), 5_000)  # August, September, October unpaid
    pay(w.chau, [1, 2, 6, 7, 8, 9, 10], 36_550)
    pay(w.chau, [3, 4, 5], 18_275)  # 50% off
    with django_assert_max_num_queries(8):
        book = cell_book(w.office_cell, 2026, TODAY)
    an, binh, chau = (next(r for r in book.rows if r.member == m) for m in (w.an, w.binh, w.chau))
    assert [e.due.amount for e in binh.entries[:3] if e.due] == [2_000, 5_000, 5_000]
    assert [e.due.amount for e in chau.entries[1:6] if e.due] == [36_550, 18_275, 18_275, 18_275, 36_550]
    assert an.due_total == 10 * 85_400 and an.arrears == 0
    assert binh.due_total == 2_000 + 9 * 5_000 and binh.paid_total == 2_000 + 6 * 5_000
    assert binh.arrears == 3 * 5_000 and binh.unpaid_months == [8, 9, 10]
    assert chau.arrears == 0
    collected = 10 * 85_400 + 2_000 + 6 * 5_000 + 7 * 36_550 + 3 * 18_275
    assert book.collected == collected
    assert book.month_collected[0] == 85_400 + 2_000 + 36_550
    assert book.month_collected[10] == 0  # November not paid yet (and not late)
    # Chi bộ trực thuộc: keeps 30%, passes up 70% of each month's collection (setting keep_percent_cell).
    assert book.keep_percent == 30
    assert book.month_passed_up[0] == round((85_400 + 2_000 + 36_550) * 0.7)
    assert book.passed_up == sum(round(c * 7 / 10 + 1e-9) for c in book.month_collected)
    assert book.kept == collected - book.passed_up
    assert book.regimes[0] == "QĐ 342-QĐ/TW" and book.regimes[1] == "QĐ 01-QĐ/TW"


def test_the_share_kept_follows_the_setting(book_world: World) -> None:
    pay(book_world.an, [1], 85_400)
    setting_set(actor=book_world.sysadmin, key="keep_percent_cell", raw="40")
    book = cell_book(book_world.office_cell, 2026, TODAY)
    assert (book.passed_up, book.kept) == (51_240, 34_160)  # 60% and 40% of 85.400
    assert AuditRecord.objects.filter(target_type="feesetting", action=Action.UPDATE).count() == 1


def test_fifty_years_of_party_age_is_free_from_the_month_qd01_takes_effect(world: World) -> None:
    veteran = make_member(world.office_cell, "Đỗ Văn Cựu", admitted_on=date(1970, 5, 1), ceremony_on=date(1970, 5, 19),
                          official_on=date(1971, 5, 19), birth_date=date(1945, 1, 1))  # fmt: skip
    profile_set(actor=None, member=veteran, valid_from=JAN, category="pension", base=6_000_000)
    book = cell_book(world.office_cell, 2026, TODAY)
    row = next(r for r in book.rows if r.member == veteran)
    assert row.entries[0].due is not None and row.entries[0].due.amount == 30_000
    assert row.entries[1].due is not None and row.entries[1].due.amount == 0
    assert row.entries[1].due.exempt_reason == rules.PARTY_AGE_EXEMPTION_LABEL
    assert row.arrears == 30_000 and row.unpaid_months == [1]


def test_the_summary_adds_up_the_cells_of_the_subtree(book_world: World) -> None:
    w = book_world
    profile_set(actor=None, member=w.dung, valid_from=JAN, category="other", fixed_amount=10_000)
    pay(w.an, range(1, 11), 85_400)
    pay(w.dung, range(1, 9), 10_000)
    summary = org_year(w.agency, 2026, TODAY)
    office, economy = summary.cells
    assert (office.cell, economy.cell) == (w.office_cell, w.economy_cell)
    assert office.members == 3 and office.collected == 854_000
    assert office.due == 854_000 + 2_000 + 9 * 5_000 + 7 * 36_550 + 3 * 18_275
    assert office.at_risk == 2  # Bình and Châu paid nothing
    assert economy.collected == 80_000 and economy.due == 100_000 and economy.arrears == 20_000
    assert economy.at_risk == 0  # two months only
    assert summary.total("collected") == 934_000
    assert summary.total("passed_up") == office.passed_up + economy.passed_up
    assert office.passed_up == cell_book(w.office_cell, 2026, TODAY).passed_up


def test_three_unpaid_months_put_the_member_on_the_work_list(book_world: World) -> None:
    w = book_world
    pay(w.an, range(1, 11), 85_400)
    pay(w.binh, range(1, 9), 5_000)  # two months unpaid: not yet
    pay(w.chau, [1, 2, 3, 4, 5, 6, 7], 36_550)  # August–October unpaid
    rows = fee_defaulters(Member.objects.visible_to(w.secretary), 2026, TODAY)
    assert [(r.member, r.months) for r in rows] == [(w.chau, [8, 9, 10])]
    items = [i for i in worklist(w.secretary, TODAY) if i.kind == ItemKind.FEES_UNPAID_3_MONTHS]
    assert [i.subject for i in items] == [w.chau.full_name]
    assert "8, 9, 10/2026" in items[0].detail
    assert not [i for i in worklist(w.outsider, TODAY) if i.kind == ItemKind.FEES_UNPAID_3_MONTHS]


def test_an_exempt_member_never_owes(world: World) -> None:
    profile_set(actor=None, member=world.an, valid_from=JAN, category="salary", base=5_000_000,
                exemption="poor_household")  # fmt: skip
    assert fee_defaulters(Member.objects.filter(pk=world.an.pk), 2026, TODAY) == []
    history = member_fee_history(world.an, 2026, TODAY)
    assert history.arrears == 0
    assert {e.status for e in history.years[0].entries} == {"exempt"}


def test_the_member_history_lists_each_month_newest_first(book_world: World) -> None:
    w = book_world
    pay(w.an, [1, 2], 85_400)
    history = member_fee_history(w.an, today=TODAY)
    assert [y.year for y in history.years] == [2026]
    entries = history.years[0].entries
    assert [e.month for e in entries] == [month(m) for m in range(11, 0, -1)]
    assert entries[0].status == "open" and entries[-1].status == "paid"
    assert history.arrears == 8 * 85_400
    assert history.due_now is not None and history.due_now.amount == 85_400


# Pages ------------------------------------------------------------------------------------------------


def test_the_secretary_records_a_payment_for_their_cell(book_world: World, client_for) -> None:
    client = client_for("secretary")
    url = reverse("fees:payment", args=[book_world.an.pk])
    response = client.post(url, {"month": "03/2026", "amount": "85.400", "paid_on": "05/03/2026", "method": "cash"})
    assert response.status_code == 302
    assert FeePayment.objects.get(member=book_world.an).amount == 85_400
    response = client.post(url, {"month": "04/2026", "amount": "abc", "paid_on": "05/04/2026", "method": "cash"})
    assert response.status_code == 400
    assert "Số tiền không hợp lệ" in response.content.decode()
    assert 'value="04/2026"' in response.content.decode()  # what was typed is kept


def test_another_cell_s_secretary_gets_a_404_and_staff_may_only_read(book_world: World, client_for) -> None:
    giang_url = reverse("fees:member", args=[book_world.giang.pk])
    assert client_for("secretary").get(giang_url).status_code == 404
    assert client_for("secretary").get(reverse("fees:cell", args=[book_world.other_cell.pk])).status_code == 404
    pay_url = reverse("fees:payment", args=[book_world.giang.pk])
    data = {"month": "03/2026", "amount": "5000", "paid_on": "05/03/2026", "method": "cash"}
    assert client_for("secretary").post(pay_url, data).status_code == 404
    staff = client_for("commune_staff")
    assert staff.get(reverse("fees:cell", args=[book_world.office_cell.pk])).status_code == 200
    assert staff.post(reverse("fees:payment", args=[book_world.an.pk]), data).status_code == 403
    assert client_for("viewer").post(reverse("fees:profile", args=[book_world.an.pk]), {}).status_code == 403
    assert not FeePayment.objects.exists()


def test_a_member_sees_only_their_own_fees(book_world: World, client_for) -> None:
    client = client_for("member")
    own = client.get(reverse("fees:member", args=[book_world.an.pk]))
    assert own.status_code == 200 and "Đảng phí" in own.content.decode()
    assert "Ghi khoản nộp" not in own.content.decode()
    assert reverse("handbook:record") in own.content.decode()  # back to the member's own handbook
    assert client.get(reverse("fees:member", args=[book_world.binh.pk])).status_code == 404
    # the member role reaches its handbook and its own record only: the cell's book is not found
    assert client.get(reverse("fees:cell", args=[book_world.office_cell.pk])).status_code == 404
    assert client.get(reverse("fees:cell_export", args=[book_world.office_cell.pk])).status_code == 404
    assert client.get(reverse("fees:index")).url == reverse("fees:member", args=[book_world.an.pk])
    data = {"month": "03/2026", "amount": "5000", "paid_on": "05/03/2026", "method": "cash"}
    assert client.post(reverse("fees:payment", args=[book_world.an.pk]), data).status_code == 403
    record = client.get(reverse("members:detail", args=[book_world.an.pk])).content.decode()
    assert 'id="h-fees"' in record


def test_the_member_record_page_shows_the_fee_section(book_world: World, client_for) -> None:
    pay(book_world.an, [1], 85_400)
    page = client_for("secretary").get(reverse("members:detail", args=[book_world.an.pk])).content.decode()
    assert 'id="h-fees"' in page and "85.400" in page


def test_the_book_exports_in_the_cells_layout_and_is_audited(book_world: World, client_for) -> None:
    pay(book_world.an, range(1, 11), 85_400)
    response = client_for("secretary").get(reverse("fees:cell_export", args=[book_world.office_cell.pk]) + "?nam=2026")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["A4"].value == "SỔ THU, NỘP ĐẢNG PHÍ NĂM 2026"
    assert sheet["A2"].value == "CHI BỘ VĂN PHÒNG"
    header = [c.value for c in sheet[7]]
    assert header[:4] == ["STT", "Họ và tên", "T1", "T2"] and header[14] == "Cộng đã nộp"
    names = [sheet.cell(row=r, column=2).value for r in range(8, 11)]
    an_row = 8 + names.index("Nguyễn Văn An")
    assert [sheet.cell(row=an_row, column=c).value for c in range(3, 13)] == [85_400] * 10
    assert sheet.cell(row=an_row, column=15).value == 854_000
    assert sheet.cell(row=11, column=2).value == "Cộng thu" and sheet.cell(row=11, column=15).value == 854_000
    assert sheet.cell(row=12, column=2).value == "Nộp cấp trên (70%)"
    assert sheet.cell(row=12, column=15).value == 10 * 59_780
    record = AuditRecord.objects.get(action=Action.EXPORT)
    assert record.actor == book_world.secretary and record.changes["rows"] == 3


def test_the_command_writes_json_csv_and_xlsx(book_world: World, tmp_path) -> None:
    pay(book_world.an, range(1, 11), 85_400)
    out = StringIO()
    call_command("fees", "book", "--cell", "X01-01-01", "--year", "2026", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["collected"] == 854_000 and data["passed_up"] == 597_800
    an = next(r for r in data["rows"] if r["name"] == "Nguyễn Văn An")
    assert an["paid"][:10] == [85_400] * 10 and an["arrears"] == 0
    out = StringIO()
    call_command("fees", "summary", "--org", "X01", "--year", "2026", "--format", "csv", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].lstrip("\ufeff").startswith("Mã,Chi bộ,Số đảng viên,T1")
    assert any(line.startswith("X01-01-01,Chi bộ Văn phòng,3,85400") for line in lines)
    path = tmp_path / "so.xlsx"
    call_command("fees", "book", "--cell", "X01-01-01", "--format", "xlsx", "--output", str(path), stdout=StringIO())
    assert load_workbook(path).active["A4"].value == "SỔ THU, NỘP ĐẢNG PHÍ NĂM 2026"
    assert AuditRecord.objects.filter(action=Action.EXPORT).count() == 2  # the book twice, not the summary


def test_a_reduction_too_long_on_the_page_is_refused_keeping_what_was_typed(book_world: World, client_for) -> None:
    data = {"percent": "50", "first_month": "03/2026", "last_month": "04/2027", "reason": "Khó khăn đột xuất"}
    response = client_for("commune_staff").post(reverse("fees:reduction", args=[book_world.an.pk]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "tối đa 12 tháng" in page and "đã chọn 14 tháng" in page
    assert 'value="04/2027"' in page and "Khó khăn đột xuất" in page
    assert not FeeReduction.objects.filter(member=book_world.an).exists()


def test_a_profile_from_the_page_is_audited(world: World, client_for) -> None:
    data = {"valid_from": "02/2026", "category": "pension", "base": "7.310.000", "exemption": ""}
    response = client_for("secretary").post(reverse("fees:profile", args=[world.an.pk]), data)
    assert response.status_code == 302
    profile = FeeProfile.objects.get(member=world.an)
    assert (profile.valid_from, profile.base) == (FEB, 7_310_000)
    assert AuditRecord.objects.filter(target_type="feeprofile", actor=world.secretary).count() == 1


def test_the_secretary_removes_a_payment_recorded_by_mistake(book_world: World, client_for) -> None:
    pay(book_world.an, [1], 85_400)
    payment = FeePayment.objects.get()
    assert client_for("commune_staff").post(reverse("fees:payment_delete", args=[payment.pk])).status_code == 403
    assert client_for("outsider").post(reverse("fees:payment_delete", args=[payment.pk])).status_code == 404
    assert client_for("secretary").post(reverse("fees:payment_delete", args=[payment.pk])).status_code == 302
    assert not FeePayment.objects.exists()
    record = AuditRecord.objects.get(target_type="feepayment", action=Action.DELETE)
    assert record.changes["amount"] == 85_400 and record.actor == book_world.secretary


def test_only_the_admin_changes_a_setting(world: World, client_for) -> None:
    url = reverse("fees:setting_set", args=["qd01_effective_on"])
    assert client_for("commune_staff").post(url, {"value": "2026-03-01"}).status_code == 403
    assert client_for("commune_staff").get(reverse("fees:settings")).status_code == 200
    response = client_for("sysadmin").post(url, {"value": "01/03/2026"}, follow=True)
    assert "không phải ngày" in response.content.decode()
    client_for("sysadmin").post(url, {"value": "2026-03-01"})
    assert load_settings().qd01_effective_on == date(2026, 3, 1)
    assert rules.regime_for(FEB, load_settings()) == rules.QD342


def test_the_summary_page_and_its_export_count_only_the_scope(book_world: World, client_for) -> None:
    pay(book_world.an, [1, 2], 85_400)
    page = client_for("commune_staff").get(reverse("fees:index") + "?nam=2026").content.decode()
    assert "Chi bộ Văn phòng" in page and "Chi bộ khu phố 1" not in page and "170.800" in page
    other = client_for("outsider").get(reverse("fees:index") + f"?org={book_world.office_cell.pk}")
    assert other.status_code == 404
    response = client_for("commune_staff").get(reverse("fees:export") + "?nam=2026&format=csv")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 3  # the three cells of the commune
    assert lines[1].startswith("X01-01-01,Chi bộ Văn phòng,3,85400,85400,")


def test_the_summary_reads_a_fixed_number_of_queries(book_world: World, django_assert_max_num_queries) -> None:
    pay(book_world.an, range(1, 11), 85_400)
    with django_assert_max_num_queries(7):
        org_year(book_world.province, 2026, TODAY)


def test_the_secretary_records_the_month_of_the_whole_cell_at_once(book_world: World, client_for) -> None:
    w = book_world
    client = client_for("secretary")
    url = reverse("fees:collect", args=[w.office_cell.pk])
    page = client.get(url + "?thang=03/2026").content.decode()
    assert 'value="85400"' in page and 'value="18275"' in page  # what is due, Châu with her 50% off
    data = {"month": "03/2026", "paid_on": "10/03/2026", f"p-{w.an.pk}": "on", f"a-{w.an.pk}": "85.400",
            f"p-{w.binh.pk}": "on", f"a-{w.binh.pk}": "0"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Trần Thị Bình: Số tiền phải lớn hơn 0." in response.content.decode()
    assert not FeePayment.objects.exists()  # all or nothing
    data[f"a-{w.binh.pk}"] = "5000"
    assert client.post(url, data).status_code == 302
    assert set(FeePayment.objects.values_list("member__full_name", "month", "amount")) == {
        ("Nguyễn Văn An", month(3), 85_400),
        ("Trần Thị Bình", month(3), 5_000),
    }
    assert client_for("commune_staff").get(url).status_code == 403
    assert client_for("outsider").get(url).status_code == 404
    assert client.get(url + "?thang=abc").status_code == 200


def test_the_month_a_member_reaches_fifty_years_is_already_free(world: World) -> None:
    member = make_member(world.office_cell, "Bùi Văn Năm", admitted_on=date(1976, 5, 20), ceremony_on=date(1976, 6, 1),
                         official_on=date(1977, 6, 1), birth_date=date(1950, 1, 1))  # fmt: skip
    profile_set(actor=None, member=member, valid_from=JAN, category="pension", base=6_000_000)
    row = next(r for r in cell_book(world.office_cell, 2026, TODAY).rows if r.member == member)
    assert [e.due.amount for e in row.entries[3:6] if e.due] == [30_000, 0, 0]  # April paid, May on free


def test_a_member_who_moved_on_shows_only_what_they_paid_in_the_old_book(book_world: World) -> None:
    from dangvu.members.lifecycle import EventKind
    from dangvu.members.services import event_add

    pay(book_world.binh, [1, 2], 5_000)
    event_add(actor=None, member=book_world.binh, values={"kind": EventKind.TRANSFER_IN, "on": date(2026, 3, 10),
              "org": book_world.economy_cell})  # fmt: skip
    book_world.binh.refresh_from_db()
    assert book_world.binh.current_org == book_world.economy_cell
    old = next(r for r in cell_book(book_world.office_cell, 2026, TODAY).rows if r.member == book_world.binh)
    assert old.paid_total == 10_000 and old.due_total == 0 and old.arrears == 0
    new_book = cell_book(book_world.economy_cell, 2026, TODAY)
    new = next(r for r in new_book.rows if r.member == book_world.binh)
    assert [e.elsewhere for e in new.entries[:3]] == [True, True, False]
    assert new.paid_total == 0 and new_book.collected == 0
    assert new.arrears == 8 * 5_000 and new.unpaid_months == list(range(3, 11))
