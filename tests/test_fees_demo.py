"""The fees of `dangvu demo`: every member of the demo commune has a profile, the past months are paid
but for a few arrears, the focus cell's defaulter is on its secretary's work list, same data twice."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from dangvu.accounts.models import Role, User
from dangvu.fees.models import FeePayment, FeeProfile, FeeReduction
from dangvu.fees.queries import cell_book, member_fee_history
from dangvu.lifecycle.worklist import ItemKind, worklist
from dangvu.members.lifecycle import ON_ROLL
from dangvu.members.models import Member

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


def run_demo() -> None:
    call_command("demo", members=400, seed=2026, today=TODAY, no_ratings=True, stdout=StringIO())


def test_the_demo_commune_pays_its_fees_with_a_few_arrears() -> None:
    run_demo()
    secretary = User.objects.get(role=Role.SECRETARY)
    commune = User.objects.filter(role=Role.STAFF, scope__depth__gt=0).get().scope
    assert commune is not None and secretary.scope is not None
    roll = Member.objects.filter(current_org__path__startswith=commune.path, status__in=ON_ROLL)
    assert FeeProfile.objects.count() == roll.count() > 0
    assert FeeReduction.objects.count() == 1
    fields = ("member__citizen_id", "month", "amount", "paid_on", "method", "reference")
    payments = set(FeePayment.objects.values_list(*fields))
    assert {p[1] for p in payments} == {date(2026, m, 1) for m in range(1, 11)}
    book = cell_book(secretary.scope, 2026, TODAY)
    defaulters = [row for row in book.rows if len(row.unpaid_months) >= 3]
    assert [row.unpaid_months for row in defaulters] == [[8, 9, 10]]
    items = [i for i in worklist(secretary, TODAY) if i.kind == ItemKind.FEES_UNPAID_3_MONTHS]
    assert [i.subject for i in items] == [defaulters[0].member.full_name]
    member = User.objects.get(role=Role.MEMBER).member
    assert member is not None and member_fee_history(member, 2026, TODAY).arrears == 0
    run_demo()
    assert set(FeePayment.objects.values_list(*fields)) == payments
