"""Party fees of the demo commune (the demo's busiest organisation; the whole province would be 15.000
profiles and ~150.000 payments, half a minute of inserts for little more to see): a fee profile for every
member on the roll (category by age and
number: pensioners, students, salaried, other members; a few exempt), and their payments for every past
month of the year, cash or online. Some members owe one or two months; in the focus cell one member has
paid nothing for the last three months (the work-list item), one has a 50% reduction. Called by
`demo_load` in its transaction; deterministic (everything follows from the member ids' order); written
with bulk_create.

The tables are emptied first: `demo_reset` deletes members and organisations with raw SQL, and the
foreign keys (deferred until commit) must find no fee row left over from a previous run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dangvu.fees.models import FeePayment, FeeProfile, FeeReduction, Method
from dangvu.fees.queries import fee_inputs
from dangvu.fees.rules import Category, Exemption
from dangvu.fees.services import load_settings
from dangvu.lib.dates import add_months, age_on
from dangvu.members.lifecycle import ON_ROLL
from dangvu.members.models import Member
from dangvu.orgs.models import Org

SALARIES = (4_960_000, 6_234_000, 7_810_000, 9_450_000, 12_300_000, 15_870_000)
PENSIONS = (3_950_000, 5_420_000, 7_310_000, 9_080_000)
OTHER_AMOUNTS = (10_000, 15_000, 20_000, 30_000)
EXEMPTIONS = (Exemption.POOR_HOUSEHOLD, Exemption.NEAR_POOR_HOUSEHOLD, Exemption.SERIOUS_ILLNESS)
LATE_EVERY = 41  # one member in 41 still owes a month or two
FOCUS_DEFAULTER_MONTHS = 3  # the focus cell's defaulter: nothing paid for the last three months


@dataclass
class FeesSummary:
    profiles: int = 0
    payments: int = 0
    defaulters: int = 0


def _profile(position: int, member_id: int, birth: date, year: int) -> FeeProfile:
    age = age_on(birth, date(year, 1, 1))
    start = date(year, 1, 1)
    if position % 151 == 7:
        exemption = EXEMPTIONS[position % len(EXEMPTIONS)]
        return FeeProfile(member_id=member_id, valid_from=start, category=Category.OTHER, fixed_amount=10_000,
                          exemption=exemption, note="Quyết định miễn của cấp ủy cơ sở")  # fmt: skip
    if age >= 60:
        return FeeProfile(member_id=member_id, valid_from=start, category=Category.PENSION,
                          base=PENSIONS[position % len(PENSIONS)])  # fmt: skip
    if age < 23:
        return FeeProfile(member_id=member_id, valid_from=start, category=Category.STUDENT, fixed_amount=3_000)
    if position % 5 == 3:
        return FeeProfile(member_id=member_id, valid_from=start, category=Category.OTHER,
                          fixed_amount=OTHER_AMOUNTS[position % len(OTHER_AMOUNTS)])  # fmt: skip
    return FeeProfile(member_id=member_id, valid_from=start, category=Category.SALARY,
                      base=SALARIES[position % len(SALARIES)])  # fmt: skip


def fees_demo(*, scope: Org, focus: Org, today: date) -> FeesSummary:
    FeePayment.objects.all().delete()
    FeeReduction.objects.all().delete()
    FeeProfile.objects.all().delete()
    year = today.year if today.month > 1 else today.year - 1
    last = today.month - 1 if today.month > 1 else 12
    roll = list(
        Member.objects.filter(current_org__path__in_subtree=scope.path, status__in=ON_ROLL)
        .order_by("pk")
        .values_list("pk", "birth_date", "current_org_id")
    )
    FeeProfile.objects.bulk_create(
        [_profile(i, pk, birth, year) for i, (pk, birth, _) in enumerate(roll)], batch_size=2000
    )
    in_focus = [pk for pk, _, cell in roll if cell == focus.pk]
    # The focus cell: its first two members are the demo secretary and member (who pay everything); the
    # third has a reduction, the fourth is the defaulter.
    if len(in_focus) > 2:
        first = date(year, max(last - 5, 1), 1)
        FeeReduction.objects.create(
            member_id=in_focus[2],
            percent=50,
            first_month=first,
            last_month=add_months(first, 11),
            reason="Hoàn cảnh gia đình khó khăn, chi bộ đề nghị, đảng ủy quyết định",
        )
    defaulter = in_focus[3] if len(in_focus) > 3 else None
    months = [date(year, m, 1) for m in range(1, last + 1)]
    dues = fee_inputs([pk for pk, _, _ in roll], months, load_settings(), today)
    payments: list[FeePayment] = []
    for position, (pk, _, cell) in enumerate(roll):
        late = {last, last - 1} if position % LATE_EVERY == 5 and cell != focus.pk else set()
        if pk == defaulter:
            late = set(range(last - FOCUS_DEFAULTER_MONTHS + 1, last + 1))
        for month, due in dues.get(pk, {}).items():
            if due.amount == 0 or month.month in late:
                continue
            online = (position + month.month) % 4 == 0
            payments.append(
                FeePayment(
                    member_id=pk,
                    cell_id=cell,
                    month=month,
                    amount=due.amount,
                    paid_on=date(year, month.month, 3 + (position + month.month) % 24),
                    method=Method.ONLINE if online else Method.CASH,
                    reference=f"DVC{year}{month.month:02d}{position:06d}" if online else "",
                )
            )
    FeePayment.objects.bulk_create(payments, batch_size=5000)
    return FeesSummary(profiles=len(roll), payments=len(payments), defaulters=1 if defaulter else 0)
