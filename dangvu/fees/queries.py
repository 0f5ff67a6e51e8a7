"""Read side of the fee book: what each member owes per month (computed by `rules.monthly_fee` from the
profile, reduction and Party age of that month), what they paid, the cell's book for a year, the yearly
summary of an organisation's subtree, the members with three unpaid months, and a member's own history.

The querysets handed in are already scoped by the caller (`Member.objects.visible_to`, `Org.objects
.visible_to`); the amounts due are computed in Python because the rules are code, the amounts paid are
read in one query per book.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from dangvu.fees import rules
from dangvu.fees.models import FeePayment, FeeProfile, FeeReduction
from dangvu.fees.services import load_settings
from dangvu.lib.dates import add_months
from dangvu.lifecycle.calendar import holidays as load_holidays
from dangvu.lifecycle.party_age import party_age
from dangvu.lifecycle.services import age_events
from dangvu.members.lifecycle import ON_ROLL
from dangvu.members.models import Member
from dangvu.orgs.kinds import OrgKind
from dangvu.orgs.models import Org

MONTHS = tuple(range(1, 13))


def months_over(year: int, today: date) -> int:
    """How many months of `year` have ended by `today` (a month's fee is late once the month is over)."""
    if year < today.year:
        return 12
    if year == today.year:
        return today.month - 1
    return 0


@dataclass(frozen=True)
class MonthEntry:
    month: date
    due: rules.FeeDue | None  # None: no fee profile for that month
    paid: int | None  # None: nothing recorded
    paid_on: date | None = None
    method: str = ""
    reference: str = ""
    over: bool = False  # the month has ended
    elsewhere: bool = False  # paid into another cell's book (the member moved): not collected here

    @property
    def collected(self) -> int:
        """What this book collected for the month."""
        return 0 if self.elsewhere else self.paid or 0

    @property
    def owed(self) -> int:
        """What is still owed for the month once it is over."""
        if not self.over or self.due is None:
            return 0
        return max(self.due.amount - (self.paid or 0), 0)

    @property
    def unpaid(self) -> bool:
        """Over, something due and nothing paid: counts towards the 3 months of the striking-off ground."""
        return self.over and self.due is not None and self.due.amount > 0 and self.paid is None

    @property
    def status(self) -> str:
        if self.paid is not None:
            return "paid"
        if self.due is None:
            return "none"
        if self.due.amount == 0:
            return "exempt"
        return "unpaid" if self.over else "open"


def fee_inputs(
    members: Iterable[int] | QuerySet[Member], months: list[date], settings: rules.FeeSettings, today: date
) -> dict[int, dict[date, rules.FeeDue]]:
    """member id → month → what is due (months without a profile are left out). `members` is a list of
    ids, or a queryset read as a subquery (no long IN list for a whole province). Three queries, plus two
    for the Party age of members admitted 50 years before. Members with the same profile, reduction and
    regime share one computation, so a province costs a few hundred `monthly_fee` calls, not 12 per
    member."""
    if isinstance(members, QuerySet):
        subquery: Any = members.values("pk")
    else:
        subquery = list(members)
        if not subquery:
            return {}
    if not months:
        return {}
    first, last = min(months), max(months)
    profiles: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    rows = FeeProfile.objects.filter(member_id__in=subquery, valid_from__lte=last).order_by("valid_from", "pk")
    for member_id, *values in rows.values_list(
        "member_id", "valid_from", "category", "base", "fixed_amount", "over_working_age", "exemption"
    ):
        profiles[member_id].append(tuple(values))
    reductions: dict[int, list[tuple[date, date, int]]] = defaultdict(list)
    for member_id, start, end, percent in FeeReduction.objects.filter(
        member_id__in=subquery, first_month__lte=last, last_month__gte=first
    ).values_list("member_id", "first_month", "last_month", "percent"):
        reductions[member_id].append((start, end, percent))
    # Only members admitted 50 years before the last month's end can be exempt by Party age.
    horizon = rules.month_end(last)
    fifty_before = add_months(date(last.year - rules.PARTY_AGE_EXEMPT_YEARS, last.month, 1), 1)
    old_enough = list(
        Member.objects.filter(pk__in=subquery, admitted_on__isnull=False, admitted_on__lt=fifty_before).values_list(
            "pk", flat=True
        )
    )
    ages = {}
    if old_enough:
        holidays = load_holidays()
        events = age_events(old_enough)
        ages = {pk: party_age(events.get(pk, []), today=max(today, horizon), holidays=holidays) for pk in old_enough}
    regimes = {month: rules.regime_for(month, settings) for month in months}
    ends = {month: rules.month_end(month) for month in months}
    computed: dict[tuple[Any, ...], rules.FeeDue] = {}
    result: dict[int, dict[date, rules.FeeDue]] = {}
    for member_id, own in profiles.items():
        by_month: dict[date, rules.FeeDue] = {}
        age = ages.get(member_id)
        for month in months:
            current = next((p for p in reversed(own) if p[0] <= month), None)
            if current is None:
                continue
            percent = next((pc for start, end, pc in reductions.get(member_id, ()) if start <= month <= end), 0)
            years = min(age.years_on(ends[month]), rules.PARTY_AGE_EXEMPT_YEARS) if age is not None else 0
            key = (current[1:], percent, years, regimes[month])
            due = computed.get(key)
            if due is None:
                category, base, fixed_amount, over_working_age, exemption = current[1:]
                fee = rules.FeeInput(
                    category=rules.Category(category),
                    base=base,
                    fixed_amount=fixed_amount,
                    over_working_age=over_working_age,
                    exemption=rules.Exemption(exemption) if exemption else None,
                    party_age_years=years,
                    reduction_percent=percent,
                )
                due = computed[key] = rules.monthly_fee(fee, month, settings)
            by_month[month] = due
        result[member_id] = by_month
    return result


def _year_months(year: int) -> list[date]:
    return [date(year, m, 1) for m in MONTHS]


@dataclass
class BookRow:
    member: Member
    entries: list[MonthEntry]

    @property
    def due_total(self) -> int:
        return sum(e.due.amount for e in self.entries if e.due is not None and e.over)

    @property
    def paid_total(self) -> int:
        """Paid into this book (a month paid into another cell's book is not counted here)."""
        return sum(e.collected for e in self.entries)

    @property
    def arrears(self) -> int:
        return sum(e.owed for e in self.entries)

    @property
    def unpaid_months(self) -> list[int]:
        return [e.month.month for e in self.entries if e.unpaid]


@dataclass
class CellBook:
    cell: Org
    year: int
    rows: list[BookRow]
    keep_percent: int
    regimes: list[str] = field(default_factory=list)  # regime name per month

    @property
    def month_collected(self) -> list[int]:
        return [sum(row.entries[i].collected for row in self.rows) for i in range(12)]

    @property
    def collected(self) -> int:
        return sum(row.paid_total for row in self.rows)

    @property
    def due_total(self) -> int:
        return sum(row.due_total for row in self.rows)

    @property
    def arrears(self) -> int:
        return sum(row.arrears for row in self.rows)

    @property
    def pass_up_percent(self) -> int:
        return 100 - self.keep_percent

    @property
    def month_passed_up(self) -> list[int]:
        """Passed up month by month (the cell remits each month's collection), rounded per month."""
        return [rules.split_collected(c, self.keep_percent)[1] for c in self.month_collected]

    @property
    def passed_up(self) -> int:
        return sum(self.month_passed_up)

    @property
    def kept(self) -> int:
        return self.collected - self.passed_up


def _entries(
    year: int, dues: dict[date, rules.FeeDue], paid: dict[date, FeePayment], over: int, cell_id: int | None = None
) -> list[MonthEntry]:
    """The twelve months; with `cell_id`, a payment into another cell's book is marked `elsewhere`."""
    entries = []
    for month in _year_months(year):
        payment = paid.get(month)
        entries.append(
            MonthEntry(
                month=month,
                due=dues.get(month),
                paid=payment.amount if payment else None,
                paid_on=payment.paid_on if payment else None,
                method=payment.method if payment else "",
                reference=payment.reference if payment else "",
                over=month.month <= over,
                elsewhere=payment is not None and cell_id is not None and payment.cell_id != cell_id,
            )
        )
    return entries


def cell_book(cell: Org, year: int, today: date | None = None, settings: rules.FeeSettings | None = None) -> CellBook:
    """The cell's book for `year`: one row per member on its roll or who paid into it that year (by
    name), twelve months each; amounts due only for the members on its roll now (their months paid in a
    former cell are shown as paid there). Six to eight queries whatever the size of the cell."""
    today = today or timezone.localdate()
    settings = settings or load_settings()
    roll = Member.objects.filter(current_org=cell, status__in=ON_ROLL)
    # This book's payments, and those its members made in another cell before they moved here.
    payments = list(FeePayment.objects.filter(Q(cell=cell) | Q(member__in=roll), month__year=year))
    payer_ids = {p.member_id for p in payments if p.cell_id == cell.pk}
    members = list(roll.union(Member.objects.filter(pk__in=payer_ids)))
    members.sort(key=lambda m: (bytes(m.name_sort_key), m.pk))
    by_member: dict[int, dict[date, FeePayment]] = defaultdict(dict)
    on_roll_ids = {m.pk for m in members if m.current_org_id == cell.pk and m.status in ON_ROLL}
    for payment in payments:
        if payment.cell_id == cell.pk or payment.member_id in on_roll_ids:
            by_member[payment.member_id][payment.month] = payment
    # What is due is counted where the member is now: one who moved on shows what they paid here only,
    # so their arrears are not counted in two books.
    dues = fee_inputs(list(on_roll_ids), _year_months(year), settings, today)
    over = months_over(year, today)
    rows = [BookRow(m, _entries(year, dues.get(m.pk, {}), by_member[m.pk], over, cell.pk)) for m in members]
    keep = rules.keep_percent(cell.kind == OrgKind.GRASSROOTS_CELL, settings)
    regimes = [rules.REGIME_NAMES[rules.regime_for(month, settings)] for month in _year_months(year)]
    return CellBook(cell=cell, year=year, rows=rows, keep_percent=keep, regimes=regimes)


@dataclass
class CellYear:
    """One cell's line in the yearly summary."""

    cell: Org
    members: int = 0
    due: int = 0
    collected: int = 0
    arrears: int = 0
    month_collected: list[int] = field(default_factory=lambda: [0] * 12)
    at_risk: int = 0  # members with 3+ unpaid months
    keep_percent: int = 0

    @property
    def passed_up(self) -> int:
        """As in the cell's book: month by month."""
        return sum(rules.split_collected(c, self.keep_percent)[1] for c in self.month_collected)

    @property
    def kept(self) -> int:
        return self.collected - self.passed_up


@dataclass
class OrgYear:
    org: Org
    year: int
    cells: list[CellYear]

    def total(self, name: str) -> int:
        return sum(int(getattr(cell, name)) for cell in self.cells)

    @property
    def month_collected(self) -> list[int]:
        return [sum(c.month_collected[i] for c in self.cells) for i in range(12)]


def org_year(org: Org, year: int, today: date | None = None, settings: rules.FeeSettings | None = None) -> OrgYear:
    """The yearly summary of the cells of `org`'s subtree (a cell is its own subtree): one line per
    cell, by path. Members counted are those on the roll of the cell now."""
    today = today or timezone.localdate()
    settings = settings or load_settings()
    cells = list(Org.objects.subtree(org).cells().filter(dissolved_on__isnull=True).order_by("path"))
    lines = {
        c.pk: CellYear(cell=c, keep_percent=rules.keep_percent(c.kind == OrgKind.GRASSROOTS_CELL, settings))
        for c in cells
    }
    roll_members = Member.objects.filter(
        current_org__path__in_subtree=org.path, current_org__dissolved_on__isnull=True, status__in=ON_ROLL
    )
    roll = list(roll_members.values_list("pk", "current_org_id"))
    paid: dict[int, dict[date, int]] = defaultdict(dict)
    for member_id, cell_id, month, amount in FeePayment.objects.filter(
        cell__path__in_subtree=org.path, month__year=year
    ).values_list("member_id", "cell_id", "month", "amount"):
        paid[member_id][month] = amount
        if cell_id in lines:
            lines[cell_id].collected += amount
            lines[cell_id].month_collected[month.month - 1] += amount
    dues = fee_inputs(roll_members, _year_months(year), settings, today)
    over = months_over(year, today)
    for member_id, cell_id in roll:
        line = lines.get(cell_id)
        if line is None:
            continue
        line.members += 1
        unpaid = 0
        for month, due in dues.get(member_id, {}).items():
            if month.month > over:
                continue
            line.due += due.amount
            got = paid[member_id].get(month)
            line.arrears += max(due.amount - (got or 0), 0)
            if due.amount > 0 and got is None:
                unpaid += 1
        if unpaid >= rules.UNPAID_MONTHS_STRIKE_OFF:
            line.at_risk += 1
    return OrgYear(org=org, year=year, cells=list(lines.values()))


@dataclass(frozen=True)
class Arrear:
    member: Member
    months: list[int]


def fee_defaulters(members: QuerySet[Member], year: int, today: date) -> list[Arrear]:
    """Members (of the given, already scoped, queryset; on the roll) with at least three months of `year`
    over, due and unpaid — the ground for striking off (Điều lệ Đảng: "không đóng đảng phí ba tháng trong
    năm" without reason). Whether a reason was accepted is the cell's judgement, so they are listed, not
    struck off."""
    over = months_over(year, today)
    if over < rules.UNPAID_MONTHS_STRIKE_OFF:
        return []
    months = [date(year, m, 1) for m in range(1, over + 1)]
    # Three unpaid months need at least three months without a payment: the database keeps only the
    # members with at most over - 3 payments (and a profile), the rules run for those alone.
    in_year = Q(fee_payments__month__gte=months[0], fee_payments__month__lte=months[-1])
    candidates = (
        members.filter(status__in=ON_ROLL)
        .filter(Exists(FeeProfile.objects.filter(member=OuterRef("pk"), valid_from__lte=months[-1])))
        .annotate(paid_months=Count("fee_payments", filter=in_year))
        .filter(paid_months__lte=over - rules.UNPAID_MONTHS_STRIKE_OFF)
    )
    roll = {m.pk: m for m in candidates.only("pk", "full_name", "current_org_id")}
    if not roll:
        return []
    dues = fee_inputs(list(roll), months, load_settings(), today)
    paid: dict[int, set[date]] = defaultdict(set)
    for member_id, month in FeePayment.objects.filter(member_id__in=list(roll), month__in=months).values_list(
        "member_id", "month"
    ):
        paid[member_id].add(month)
    result = []
    for member_id, by_month in dues.items():
        unpaid = [m.month for m, due in sorted(by_month.items()) if due.amount > 0 and m not in paid[member_id]]
        if len(unpaid) >= rules.UNPAID_MONTHS_STRIKE_OFF:
            result.append(Arrear(roll[member_id], unpaid))
    result.sort(key=lambda a: (a.member.full_name, a.member.pk))
    return result


@dataclass
class YearHistory:
    year: int
    entries: list[MonthEntry]

    @property
    def paid_total(self) -> int:
        return sum(e.paid or 0 for e in self.entries)

    @property
    def arrears(self) -> int:
        return sum(e.owed for e in self.entries)

    @property
    def unpaid_months(self) -> list[int]:
        return [e.month.month for e in self.entries if e.unpaid]


@dataclass
class MemberFeeHistory:
    member: Member
    years: list[YearHistory]  # newest first
    profile: FeeProfile | None  # in force this month
    due_now: rules.FeeDue | None
    reductions: list[FeeReduction]

    @property
    def arrears(self) -> int:
        return sum(y.arrears for y in self.years)

    @property
    def has_data(self) -> bool:
        """Something to show: a month with a fee due or a payment."""
        return any(e.due is not None or e.paid is not None for y in self.years for e in y.entries)


def member_fee_history(member: Member, year: int | None = None, today: date | None = None) -> MemberFeeHistory:
    """The member's fees month by month: `year` only, or every year from their first profile or payment
    to this one (newest first), months up to the current one. The caller has checked the member is
    visible to the user."""
    today = today or timezone.localdate()
    settings = load_settings()
    this_month = rules.month_start(today)
    if year is not None:
        years = [year]
    else:
        first_profile = FeeProfile.objects.filter(member=member).values_list("valid_from", flat=True)
        first_payment = FeePayment.objects.filter(member=member).values_list("month", flat=True)
        starts = [d for d in (first_profile.order_by("valid_from").first(), first_payment.order_by("month").first())]
        known = [d for d in starts if d is not None]
        first_year = min(known).year if known else today.year
        years = list(range(today.year, first_year - 1, -1))
    months = [date(y, m, 1) for y in years for m in MONTHS]
    dues = fee_inputs([member.pk], [*months, this_month], settings, today).get(member.pk, {})
    payments = {p.month: p for p in FeePayment.objects.filter(member=member, month__year__in=years)}
    history = []
    for y in years:
        entries = [
            e for e in _entries(y, dues, payments, months_over(y, today)) if e.month <= this_month or e.paid is not None
        ]
        history.append(YearHistory(y, list(reversed(entries))))
    profile = FeeProfile.objects.filter(member=member, valid_from__lte=this_month).order_by("-valid_from").first()
    reductions = list(FeeReduction.objects.filter(member=member).order_by("-first_month"))
    return MemberFeeHistory(member, history, profile, dues.get(this_month), reductions)
