"""Members, their events and their ratings for the synthetic tree, as plain tuples (no ORM).

The names, religions, occupations and the shape of a timeline follow the demo (`dangvu.demo`); the
derived fields (status, cell, dates) are not chosen but computed by `lifecycle.derive_state` over the
events, as the services compute them (with the events' ids as the same-day tie-break). A member is
rated for a year when `evaluations.queries.members_of_period` counts them and `exclusion_expr` gives no
reason, in their current cell, as the report counts them; levels come from a latent quality per member.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from dangvu.demo import names
from dangvu.demo.people import AGES, PHONE_PREFIXES, PROFESSIONAL, THEORY, occupation_and_position
from dangvu.evaluations.periods import PeriodKey
from dangvu.evaluations.regimes import regime_for
from dangvu.lib.collation import name_sort_key
from dangvu.lib.dates import add_months
from dangvu.lib.text import fold
from dangvu.members.history import stints_of
from dangvu.members.lifecycle import (
    ON_ROLL,
    EventFact,
    EventKind,
    MemberState,
    Status,
    derive_state,
    derive_timeline,
)
from dangvu.synth.shape import PROVINCES, OrgRow

Row = tuple[object, ...]

# Ethnicity by region (rough shares): the northern mountains, the Central Highlands, the Mekong delta.
NORTH_MOUNTAINS = {"Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên"}
HIGHLANDS = {"Lâm Đồng", "Đắk Lắk", "Gia Lai"}
ETHNICITY_NORTH = names.Weighted(
    [("Kinh", 420), ("Tày", 180), ("Nùng", 120), ("Thái", 140), ("Mường", 60), ("Dao", 60), ("Hoa", 20)]
)
ETHNICITY_HIGHLANDS = names.Weighted(names.ETHNICITIES)
ETHNICITY_PLAINS = names.Weighted([("Kinh", 960), ("Mường", 10), ("Hoa", 15), ("Tày", 8), ("Thái", 7)])
# Timelines beyond "admitted, confirmed, active" (per mille).
SCENARIOS = names.Weighted(
    [
        ("plain", 860),
        ("internal_transfer", 40),
        ("transfer_in", 25),
        ("transfer_out", 15),
        ("temp_away", 12),
        ("temp_ended", 8),
        ("struck_off", 5),
        ("expelled", 2),
        ("suspended", 2),
        ("died", 3),
    ]
)
PROBATIONARY_SHARE = 0.03
NOT_YET_RATED = 0.005  # members of a closed year left without a decided level
MEMBER_LEVELS = ("HTXSNV", "HTTNV", "HTNV", "KHTNV")
ORG_LEVELS = ("HTXSNV", "HTTNV", "HTNV", "KHTNV")
EXEMPLARY_SHARE = 0.25  # of the excellent organisations
OTHER_PLACES = ["Đảng bộ Thành phố Hà Nội", "Đảng bộ Thành phố Hồ Chí Minh", "Đảng bộ tỉnh Nghệ An"]
STREETS = names.STREETS


@dataclass
class Made:
    """One member's rows: the member, their events, memberships and member ratings."""

    member: Row
    events: list[Row] = field(default_factory=list)
    ratings: list[Row] = field(default_factory=list)
    memberships: list[Row] = field(default_factory=list)
    state: MemberState | None = None


@dataclass(frozen=True)
class Year:
    key: PeriodKey
    regime: str
    new_after: date  # admitted after this day: less than the regime's months at the period's end
    end: date  # the period's last day


def rating_years(today: date, years: int = 3) -> list[Year]:
    """The last `years` closed years before `today`'s, each with the regime in force at its end."""
    result = []
    for year in range(today.year - years, today.year):
        key = PeriodKey(year)
        regime = regime_for(key.end)
        result.append(Year(key, regime.code, key.admitted_before_for_rating(regime.new_member_months), key.end))
    return result


def _years(day: date, years: float) -> date:
    return day + timedelta(days=round(years * 365.25))


def _between(rng: random.Random, start: date, end: date) -> date:
    return start if end <= start else start + timedelta(days=rng.randint(0, (end - start).days))


def level_for(quality: float, draw: float) -> str:
    """A level from a member's latent quality (0…1, persistent) and this year's draw."""
    score = 0.7 * quality + 0.3 * draw
    if score > 0.80:
        return MEMBER_LEVELS[0]
    if score > 0.17:
        return MEMBER_LEVELS[1]
    if score > 0.045:
        return MEMBER_LEVELS[2]
    return MEMBER_LEVELS[3]


class MemberMaker:
    """Draws members one after the other from one random stream; ids are handed out in order."""

    def __init__(self, rng: random.Random, today: date, years: list[Year], timestamp: str, iso: bool) -> None:
        self.rng = rng
        self.today = today
        self.years = years
        self.timestamp = timestamp
        self.day = date.isoformat if iso else (lambda d: d)  # SQLite and COPY both take ISO text
        self.member_id = 0
        self.event_id = 0
        self.rating_id = 0
        self.membership_id = 0
        self.names: dict[str, tuple[str, bytes]] = {}
        self.cccd_serials: dict[str, int] = {}
        self.decision_seq = 0

    def _name(self, full_name: str) -> tuple[str, bytes]:
        found = self.names.get(full_name)
        if found is None:
            found = self.names[full_name] = (fold(full_name), name_sort_key(full_name))
        return found

    def _citizen_id(self, province_code: str, birth: date, male: bool) -> str:
        # Thông tư 59/2021/TT-BCA: province (3), century and sex (1), year (2), serial (6). The serial is a
        # bijection of a counter per prefix, so ids never repeat.
        century = 0 if birth.year < 2000 else 2
        prefix = f"{province_code}{century + (0 if male else 1)}{birth.year % 100:02d}"
        n = self.cccd_serials.get(prefix, 0)
        self.cccd_serials[prefix] = n + 1
        return f"{prefix}{(n * 7919 + 104_729) % 1_000_000:06d}"

    def _card_number(self, serial: int) -> str:
        return f"{(serial * 48_271 + 7_654_321) % 90_000_000 + 10_000_000:08d}"

    def make(self, cell: OrgRow, position_in_cell: int, neighbours: list[OrgRow]) -> Made:
        rng, today = self.rng, self.today
        self.member_id += 1
        member_id = self.member_id
        province_name, province_code, _ = PROVINCES[cell.province % len(PROVINCES)]
        min_age, max_age, women = AGES[cell.profile]
        male = rng.random() >= women
        if province_name in NORTH_MOUNTAINS:
            ethnicity = ETHNICITY_NORTH.pick(rng)
        elif province_name in HIGHLANDS:
            ethnicity = ETHNICITY_HIGHLANDS.pick(rng)
        else:
            ethnicity = ETHNICITY_PLAINS.pick(rng)
        highland = ethnicity in names.HIGHLAND_PEOPLES
        religion = (names.RELIGION_HIGHLAND if highland else names.RELIGION_KINH).pick(rng)
        recent = rng.random() < PROBATIONARY_SHARE
        scenario = "plain" if recent or position_in_cell < 2 else SCENARIOS.pick(rng)
        if recent:
            admitted = _between(rng, today - timedelta(days=355), today - timedelta(days=5))
            birth = _years(admitted, -rng.triangular(20, 40, 25)) - timedelta(days=rng.randint(0, 300))
        else:
            mode = 62 if cell.profile == "village" else min_age + (max_age - min_age) * 0.35
            age_now = rng.triangular(min_age, max_age, mode)
            birth = _years(today, -age_now) - timedelta(days=rng.randint(0, 364))
            latest = min(age_now - 1.3, 60.0)
            age_at = 18.2 + rng.random() * 0.5 if latest < 18 else rng.triangular(18, latest, min(latest, 27.0))
            admitted = max(_years(birth, age_at), date(1958, 1, 1), _years(birth, 18.05))
            admitted = min(admitted, today - timedelta(days=400))
        if _years(birth, 18.0) > admitted:  # never below the statutory age
            birth = _years(admitted, -18.2)
        full_name = names.person_name(rng, male=male, birth_year=birth.year, ethnicity=ethnicity)
        name_search, sort_key = self._name(full_name)
        if rng.random() < 0.75:
            home_town = f"{cell.place[0].upper()}{cell.place[1:]}"
            home_code = province_code
        else:
            other, home_code, city = PROVINCES[rng.randrange(len(PROVINCES))]
            home_town = f"Xã {rng.choice(names.HOME_COMMUNES)}, {'thành phố' if city else 'tỉnh'} {other}"
        age_today = (today - birth).days / 365.25
        occupation, position = occupation_and_position(rng, cell.profile, age_today, position_in_cell)
        old = birth.year < 1965
        if cell.profile == "village":
            address = f"Thôn {rng.randint(1, 12)}, {cell.place}"
        else:
            address = f"Số {rng.randint(1, 250)} đường {rng.choice(STREETS)}, {cell.place}"
        phone = "" if old and rng.random() < 0.3 else rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**7):07d}"
        citizen_id = self._citizen_id(home_code, birth, male)
        education = rng.choice(["10/10", "7/10", "12/12"]) if old else "12/12"
        professional = rng.choice(PROFESSIONAL[cell.profile])
        theory = rng.choice(THEORY[cell.profile])

        events = self._timeline(cell, admitted, scenario, birth, age_today, neighbours)
        facts = []
        event_rows: list[Row] = []
        day = self.day
        for kind, on, org_id, external, ceremony, expected_end, decision_no, decided_by, note in events:
            self.event_id += 1
            facts.append(EventFact(kind=kind, on=on, org_id=org_id, ceremony_on=ceremony, seq=self.event_id))
            event_rows.append(
                (
                    self.event_id,
                    member_id,
                    kind,
                    day(on),
                    org_id,
                    external,
                    day(ceremony) if ceremony else None,
                    day(expected_end) if expected_end else None,
                    decision_no,
                    decided_by,
                    note,
                    self.timestamp,
                )
            )
        state = derive_state(facts)
        if state.errors:  # a bug in the planning: never write an impossible timeline
            raise RuntimeError(f"Synthetic timeline of {full_name} is invalid: {state.errors}")
        card = self._card_number(member_id) if state.official_on else None
        member = (
            member_id,
            full_name,
            name_search,
            sort_key,
            "male" if male else "female",
            day(birth),
            home_town,
            ethnicity,
            religion,
            citizen_id,
            card,
            education,
            professional,
            theory,
            occupation,
            position,
            phone,
            address,
            state.status,
            state.is_probationary,
            state.org_id,
            day(state.admitted_on) if state.admitted_on else None,
            day(state.ceremony_on) if state.ceremony_on else None,
            day(state.official_on) if state.official_on else None,
            day(state.status_since) if state.status_since else None,
            self.timestamp,
            self.timestamp,
        )
        made = Made(member=member, events=event_rows, state=state)
        # The membership history exactly as `members.history` derives it from the events.
        for org_id, status, probationary, start, end in stints_of(derive_timeline(facts)):
            self.membership_id += 1
            made.memberships.append(
                (self.membership_id, member_id, org_id, status, probationary, day(start), day(end) if end else None)
            )
        self._rate(made, member_id, state)
        return made

    def _decision(self) -> str:
        self.decision_seq += 1
        return f"{self.decision_seq % 900 + 100}-QĐ/ĐU"

    def _timeline(
        self, cell: OrgRow, admitted: date, scenario: str, birth: date, age_today: float, neighbours: list[OrgRow]
    ) -> list[tuple[str, date, int | None, str, date | None, date | None, str, str, str]]:
        rng, today = self.rng, self.today
        ceremony: date | None = admitted + timedelta(days=rng.randint(7, 40))
        if ceremony is not None and ceremony > today:
            ceremony = None
        first: OrgRow | None = cell
        if scenario == "internal_transfer" and len(neighbours) > 1:
            other = neighbours[rng.randrange(len(neighbours))]
            if other.id != cell.id:
                first = other
        if first is not None and first.founded_on > admitted:
            first = None  # admitted elsewhere, before the cell existed
        if scenario == "transfer_in":
            first = None
        out: list[tuple[str, date, int | None, str, date | None, date | None, str, str, str]] = []
        external = "" if first else f"Chi bộ {rng.choice(names.HOME_COMMUNES)}"
        out.append(
            (
                EventKind.ADMITTED,
                admitted,
                first.id if first else None,
                external,
                ceremony,
                None,
                self._decision(),
                "",
                "",
            )
        )
        last = ceremony or admitted
        if ceremony is not None:
            official = add_months(ceremony, 12)
            if official <= today:
                out.append((EventKind.CONFIRMED, official, None, "", None, None, self._decision(), "", ""))
                last = official
        if first is None:
            moved = min(max(last + timedelta(days=30), cell.founded_on), today - timedelta(days=1))
            came_from = rng.choice(OTHER_PLACES) if scenario == "transfer_in" else ""
            out.append((EventKind.TRANSFER_IN, moved, cell.id, came_from, None, None, "", "", ""))
            last = max(last, moved)
        elif first.id != cell.id:
            start = max(admitted + timedelta(days=30), cell.founded_on)
            moved = min(_between(rng, start, today - timedelta(days=1)), today - timedelta(days=1))
            out.append((EventKind.TRANSFER_OUT, moved, cell.id, "", None, None, "", "", "Chuyển sinh hoạt nội bộ"))
            last = max(last, moved)
        start = last + timedelta(days=90)
        if start >= today - timedelta(days=2):
            return out
        some_day = _between(rng, max(start, today - timedelta(days=8 * 365)), today - timedelta(days=2))
        if age_today >= 72 and scenario == "plain":
            roll = rng.random()
            if roll < 0.10:
                out.append((EventKind.DIED, some_day, None, "", None, None, "", "", ""))
            elif roll < 0.30:  # old members exempted from work and meetings (Điều lệ, Điều 7)
                exempt = min(max(start, _years(birth, rng.uniform(70, min(age_today, 80)))), today - timedelta(days=2))
                out.append((EventKind.EXEMPTED, exempt, None, "", None, None, "", "", ""))
            return out
        if scenario == "transfer_out":
            out.append((EventKind.TRANSFER_OUT, some_day, None, rng.choice(OTHER_PLACES), None, None, "", "", ""))
        elif scenario in {"temp_away", "temp_ended"}:
            away = _between(rng, max(start, today - timedelta(days=700)), today - timedelta(days=40))
            out.append((EventKind.TEMP_OUT, away, None, "Chi bộ Khu phố 3", None, add_months(away, 12), "", "", ""))
            if scenario == "temp_ended":
                back = _between(rng, away + timedelta(days=30), today)
                out.append((EventKind.TEMP_END, back, None, "", None, None, "", "", ""))
        elif scenario == "struck_off":
            out.append((EventKind.STRUCK_OFF, some_day, None, "", None, None, "", "", "Bỏ sinh hoạt 3 tháng"))
        elif scenario == "expelled":
            out.append((EventKind.EXPELLED, some_day, None, "", None, None, "", "Ủy ban Kiểm tra Tỉnh ủy", ""))
        elif scenario == "suspended":
            suspended = _between(rng, max(start, today - timedelta(days=150)), today)
            out.append((EventKind.SUSPENDED, suspended, None, "", None, None, "", "", ""))
        elif scenario == "died":
            out.append((EventKind.DIED, some_day, None, "", None, None, "", "", ""))
        return out

    def _rate(self, made: Made, member_id: int, state: MemberState) -> None:
        """A rating for every year in which the report counts the member and has no reason to skip them."""
        if state.org_id is None or state.admitted_on is None:
            return
        rng = self.rng
        quality = rng.random()
        on_roll = state.status in ON_ROLL
        for year in self.years:
            end = year.end
            draw = rng.random()
            if state.admitted_on > end:
                continue
            since = state.status_since
            if not on_roll and not (since is not None and since > end):
                continue
            if state.status in {Status.EXEMPT, Status.SUSPENDED} and since is not None and since <= end:
                continue
            if state.admitted_on > year.new_after or draw < NOT_YET_RATED:
                continue
            level = level_for(quality, draw)
            self.rating_id += 1
            made.ratings.append(
                (
                    self.rating_id,
                    member_id,
                    state.org_id,
                    year.key.year,
                    year.key.quarter,
                    year.regime,
                    level,
                    level,
                    level == MEMBER_LEVELS[0] and draw > 0.9,
                    level,
                    self.timestamp,
                )
            )
