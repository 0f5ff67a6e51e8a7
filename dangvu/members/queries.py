"""Finding members: the one query behind the member list, and later the CLI and the JSON API.

`MemberSearch` is a plain value parsed from a query string (or built by hand); `member_search` turns it
into a queryset restricted to what the user may see, in Vietnamese name order. Invalid filter values
are dropped, not guessed at: an unknown status or age band means "no such filter".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from django.db.models import Q
from django.utils import timezone

from dangvu.accounts.models import SENSITIVE_READERS, User
from dangvu.lib.dates import add_months
from dangvu.lib.text import clean, fold
from dangvu.members.lifecycle import Status
from dangvu.members.models import Member, MemberQuerySet, Sex
from dangvu.orgs.models import Org

PAGE_SIZE = 50

# `status` values besides the Status choices. Empty means the default: members on the roll.
STATUS_ON_ROLL = ""
STATUS_ALL = "all"

# Age bands (`tuoi`): name -> (lowest age, highest age) in full years, both included.
AGE_BANDS: dict[str, tuple[int | None, int | None]] = {
    "duoi-30": (None, 29),
    "30-45": (30, 45),
    "46-60": (46, 60),
    "tren-60": (61, None),
}
AGE_BAND_LABELS = {
    "duoi-30": "Dưới 30 tuổi",
    "30-45": "Từ 30 đến 45 tuổi",
    "46-60": "Từ 46 đến 60 tuổi",
    "tren-60": "Trên 60 tuổi",
}

MEMBERSHIP_PROBATIONARY = "du-bi"
MEMBERSHIP_FULL = "chinh-thuc"
MEMBERSHIP_LABELS = {MEMBERSHIP_PROBATIONARY: "Dự bị", MEMBERSHIP_FULL: "Chính thức"}


@dataclass(frozen=True)
class MemberSearch:
    """What the user asked for; every field empty means "on the roll, anyone, anywhere in scope"."""

    q: str = ""
    org: int | None = None
    status: str = STATUS_ON_ROLL
    sex: str = ""
    age: str = ""
    ethnicity: str = ""
    membership: str = ""
    page: int = 1

    @classmethod
    def parse(cls, data: Mapping[str, str]) -> MemberSearch:
        """From a query string (`request.GET`), dropping values that are not valid choices."""

        def text(name: str, limit: int = 100) -> str:
            return clean(str(data.get(name, "") or ""))[:limit]

        def number(name: str) -> int | None:
            value = text(name)
            return int(value) if value.isdigit() and len(value) < 19 else None

        status = text("status")
        if status not in {STATUS_ALL, *Status.values}:
            status = STATUS_ON_ROLL
        sex = text("sex")
        age = text("tuoi")
        membership = text("membership")
        return cls(
            q=text("q"),
            org=number("org"),
            status=status,
            sex=sex if sex in Sex.values else "",
            age=age if age in AGE_BANDS else "",
            ethnicity=text("ethnicity", 40),
            membership=membership if membership in MEMBERSHIP_LABELS else "",
            page=max(number("page") or 1, 1),
        )

    def without_page(self) -> MemberSearch:
        return replace(self, page=1)

    def is_filtered(self) -> bool:
        return self.without_page() != MemberSearch()


def birth_range(band: str, today: date) -> Q:
    """Birth dates of the people whose age on `today`, in full years, is within the band."""
    low, high = AGE_BANDS[band]
    condition = Q()
    if low is not None:  # at least `low` years old: born on or before today minus `low` years
        condition &= Q(birth_date__lte=add_months(today, -12 * low))
    if high is not None:  # at most `high` years old: born after today minus `high + 1` years
        condition &= Q(birth_date__gt=add_months(today, -12 * (high + 1)))
    return condition


def name_condition(query: str, *, with_citizen_id: bool) -> Q | None:
    """Every accent-free word of the query contained in the folded name; a number also matches the
    party card number exactly, and the CCCD exactly when the user may read it. None: no condition."""
    folded = fold(query)
    if not folded:
        return None
    condition = Q()
    for word in folded.split(" "):
        condition &= Q(name_search__contains=word)
    digits = query.replace(" ", "").replace(".", "")
    if digits.isdigit():
        condition |= Q(card_number=digits)
        if with_citizen_id:
            condition |= Q(citizen_id=digits)
    return condition


def member_search(
    user: User, params: MemberSearch, *, org: Org | None = None, today: date | None = None
) -> MemberQuerySet:
    """Members visible to `user` matching `params`, in Vietnamese name order (given name first), with
    their current cell joined: one query per page however many rows.

    `org` is the org of `params.org` when the caller has already loaded it; otherwise it is loaded
    here among the orgs visible to the user, and `Org.DoesNotExist` is raised when it is not one.
    """
    members = Member.objects.visible_to(user)
    if params.org is not None:
        if org is None or org.pk != params.org:
            org = Org.objects.visible_to(user).get(pk=params.org)
        members = members.in_subtree(org.path)
    if params.status == STATUS_ON_ROLL:
        members = members.on_roll()
    elif params.status != STATUS_ALL:
        members = members.filter(status=params.status)
    if params.sex:
        members = members.filter(sex=params.sex)
    if params.age:
        members = members.filter(birth_range(params.age, today or timezone.localdate()))
    sensitive = user.role in SENSITIVE_READERS
    if params.ethnicity and sensitive:
        members = members.filter(ethnicity__iexact=params.ethnicity)
    if params.membership == MEMBERSHIP_PROBATIONARY:
        members = members.filter(is_probationary=True)
    elif params.membership == MEMBERSHIP_FULL:
        members = members.filter(is_probationary=False)
    if params.q and (condition := name_condition(params.q, with_citizen_id=sensitive)) is not None:
        members = members.filter(condition)
    return members.select_related("current_org").order_by("name_sort_key", "pk")
