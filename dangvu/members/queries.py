"""Finding members: the one query behind the member list, and later the CLI and the JSON API.

`MemberSearch` is a plain value parsed from a query string (or built by hand); `member_search` turns it
into a queryset restricted to what the user may see, in Vietnamese name order. Invalid filter values
are dropped, not guessed at: an unknown status or age band means "no such filter".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import BinaryField, Exists, Func, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from dangvu.accounts.models import SENSITIVE_READERS, TREE_READERS, User
from dangvu.evaluations.models import MemberRating
from dangvu.evaluations.periods import YEAR, PeriodKey
from dangvu.evaluations.queries import EXCLUDED, NotRatedReason, exclusion_expr, members_of_period
from dangvu.evaluations.regimes import regime_for
from dangvu.evaluations.regimes.base import HTNV, HTTNV, HTXSNV, KHTNV, TSVM, VPTC, YK
from dangvu.lib.dates import add_months
from dangvu.lib.text import clean, fold
from dangvu.members import name_index
from dangvu.members.lifecycle import Status
from dangvu.members.models import Member, MemberQuerySet, Sex
from dangvu.orgs.kinds import Sector
from dangvu.orgs.models import Org
from dangvu.orgs.paths import below_area

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

# Rating filters (`nam`, `quy`, `xep_loai`), the lists behind the figures of the rating report. With a
# year, the list is the members of that period (`members_of_period`); `xep_loai` then narrows it to a
# decided level (stable code, counted in the cell the member was rated in, like the report), any level,
# "tiêu biểu", or the members without a rating (all, not yet rated, or one reason not to be rated).
LEVEL_CODES = (HTXSNV, HTTNV, HTNV, KHTNV, TSVM, YK, VPTC)
RATING_RATED = "da"
RATING_EXEMPLARY = "tieu-bieu"
RATING_NONE = "khong"
RATING_NOT_YET = "chua"
RATING_REASONS = {reason.value: str(reason.label) for reason in EXCLUDED}
RATING_LABELS = {
    RATING_RATED: "Đã xếp loại (mọi mức)",
    RATING_EXEMPLARY: "Tiêu biểu",
    RATING_NONE: "Không được xếp loại (mọi lý do)",
    RATING_NOT_YET: str(NotRatedReason.NOT_YET.label),
    **RATING_REASONS,
}
# Filters answered from the ratings (by the rated cell); the others from the members of the period.
RATING_BY_RATING = frozenset({*LEVEL_CODES, RATING_RATED, RATING_EXEMPLARY})


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
    year: int | None = None
    quarter: int = YEAR
    rating: str = ""
    sector: str = ""
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
        year = number("nam")
        quarter = number("quy")
        rating = text("xep_loai", 16)
        sector = text("loai_hinh", 24)
        return cls(
            q=text("q"),
            org=number("org"),
            status=status,
            sex=sex if sex in Sex.values else "",
            age=age if age in AGE_BANDS else "",
            ethnicity=text("ethnicity", 40),
            membership=membership if membership in MEMBERSHIP_LABELS else "",
            year=year if year is not None and 1930 <= year <= 2200 else None,
            quarter=quarter if quarter is not None and 0 <= quarter <= 4 else YEAR,
            rating=rating if rating in RATING_LABELS or rating in LEVEL_CODES else "",
            sector=sector if sector in Sector.values else "",
            page=max(number("page") or 1, 1),
        )

    @property
    def period(self) -> PeriodKey | None:
        return PeriodKey(self.year, self.quarter) if self.year is not None else None

    def rating_label(self) -> str:
        return RATING_LABELS.get(self.rating, self.rating)

    # For the list template (the view passes `params` only).
    @property
    def rating_by_cell(self) -> bool:
        return self.rating in RATING_BY_RATING

    @property
    def rating_choices(self) -> list[tuple[str, str]]:
        return [*((code, code) for code in LEVEL_CODES), *RATING_LABELS.items()]

    @property
    def quarter_choices(self) -> list[tuple[int, str]]:
        return [(YEAR, "Cả năm"), *((q, f"Quý {q}") for q in range(1, 5))]

    def get_sector_display(self) -> str:
        return str(Sector(self.sector).label) if self.sector else ""

    def without_page(self) -> MemberSearch:
        return replace(self, page=1)

    def is_filtered(self) -> bool:
        return self.without_page() != MemberSearch()


class Unindexed(Func):
    """A column's own value, written so that the database does not read it in order off an index (same
    bytes, same order): `name_sort_key || ''::bytea` on PostgreSQL, SQLite's documented `+name_sort_key`."""

    output_field = BinaryField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="(%(expressions)s || ''::bytea)", **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="(+%(expressions)s)", **extra)


def birth_range(band: str, today: date) -> Q:
    """Birth dates of the people whose age on `today`, in full years, is within the band."""
    low, high = AGE_BANDS[band]
    condition = Q()
    if low is not None:  # at least `low` years old: born on or before today minus `low` years
        condition &= Q(birth_date__lte=add_months(today, -12 * low))
    if high is not None:  # at most `high` years old: born after today minus `high + 1` years
        condition &= Q(birth_date__gt=add_months(today, -12 * (high + 1)))
    return condition


# A word shorter than this matches the start of a word of the name ("an" finds Ân, An Nhiên, not Hoàng or
# Lan); a longer one matches anywhere in the name ("thuy" finds Thuỷ and Thuyên).
SUBSTRING_LENGTH = 3


def word_condition(word: str) -> Q:
    """The folded names containing the folded word (as above). A short word anywhere would match most names
    (two letters: "an" is in 63 % of them) and no trigram index can narrow it; at the start of a word it is
    a name, and PostgreSQL's trigram index narrows `LIKE '% an%'` by the word-start trigram " an"."""
    if len(word) >= SUBSTRING_LENGTH:
        return Q(name_search__contains=word)
    return Q(name_search__startswith=word) | Q(name_search__contains=f" {word}")


def name_condition(query: str, *, with_citizen_id: bool) -> Q | None:
    """Every accent-free word of the query in the folded name (`word_condition`); a number also matches
    the party card number exactly, and the CCCD exactly when the user may read it. None: no condition."""
    folded = fold(query)
    if not folded:
        return None
    condition = Q()
    words = folded.split(" ")
    for word in words:
        condition &= word_condition(word)
    if connection.vendor == "sqlite" and (match := name_index.match_expression(words)) is not None:
        # The same members, found through the FTS5 trigram table instead of reading every name.
        fts = f"SELECT rowid FROM {name_index.TABLE} WHERE {name_index.TABLE} MATCH %s"
        condition &= Q(pk__in=RawSQL(fts, [match]))
    digits = query.replace(" ", "").replace(".", "")
    if digits.isdigit():
        condition |= Q(card_number=digits)
        if with_citizen_id:
            condition |= Q(citizen_id=digits)
    return condition


def _rating_filter(members: MemberQuerySet, params: MemberSearch, key: PeriodKey, org: Org | None) -> MemberQuerySet:
    """The rating filters, counted as `reports.report.ratings_report` counts them."""
    ratings = MemberRating.objects.filter(member=OuterRef("pk"), year=key.year, quarter=key.quarter).exclude(level="")
    if params.rating in RATING_BY_RATING:
        if org is not None:
            ratings = ratings.filter(org__path__in_subtree=org.path)
        if params.sector:
            ratings = ratings.filter(org__sector=params.sector)
        if params.rating == RATING_EXEMPLARY:
            ratings = ratings.filter(exemplary=True)
        elif params.rating != RATING_RATED:
            ratings = ratings.filter(level=params.rating)
        return members.filter(Exists(ratings))
    members = members_of_period(members, key)
    if not params.rating:
        return members
    members = members.filter(~Exists(ratings))
    if params.rating == RATING_NONE:
        return members
    try:
        regime = regime_for(key.end)
    except LookupError:
        return members.none()
    wanted = "" if params.rating == RATING_NOT_YET else params.rating
    return members.alias(not_rated_reason=exclusion_expr(key, regime)).filter(not_rated_reason=wanted)


def member_search(
    user: User, params: MemberSearch, *, org: Org | None = None, today: date | None = None
) -> MemberQuerySet:
    """Members visible to `user` matching `params`, in Vietnamese name order (given name first), with
    their current cell joined: one query per page however many rows.

    `org` is the org of `params.org` when the caller has already loaded it; otherwise it is loaded
    here among the orgs visible to the user, and `Org.DoesNotExist` is raised when it is not one.
    """
    if params.org is not None and (org is None or org.pk != params.org):
        org = Org.objects.visible_to(user).get(pk=params.org)
    key = params.period
    by_rating = key is not None and params.rating in RATING_BY_RATING
    within: str | None  # the subtree every member found lies in, when it is narrower than the tree
    if org is not None and not by_rating:
        members = Member.objects.visible_in(user, org)
        within = org.path
    else:
        members = Member.objects.visible_to(user)
        within = user.scope.path if user.role in TREE_READERS and user.scope is not None else None
    if params.sector and not by_rating:
        members = members.filter(current_org__sector=params.sector)
    if key is not None:
        members = _rating_filter(members, params, key, org)
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
    condition = name_condition(params.q, with_citizen_id=sensitive) if params.q else None
    if condition is not None:
        members = members.filter(condition)
        if within is not None and (area := name_index.area_condition(within)) is not None:
            members = members.filter(area)
    # Sorted after reading the matches, or read in order off the name index:
    # - a name search: every match is read for the count anyway and sorting them is cheap, whereas walking
    #   the name index until a page of matches turns up can read most of it (the matches of a name cluster
    #   in name order, "thuy" near the end, which no planner estimate foresees);
    # - below an area (a commune, an organisation, a cell: thousands of members at most): read by their
    #   cells. Left free, PostgreSQL misjudges how few members a deep path holds and walks the name index:
    #   1.3 million rows read, 5.5 s, for an organisation of 192 members among 5.6 million.
    # An area or the whole tree without a name: walking the name index finds a page at once.
    if condition is not None or (within is not None and below_area(within)):
        return members.select_related("current_org").order_by(Unindexed("name_sort_key"), "pk")
    return members.select_related("current_org").order_by("name_sort_key", "pk")
