"""The members of the demo province and their timelines, planned as plain values (no ORM).

Each member gets a record and a list of events; the derived fields (status, cell, dates) are NOT
chosen here but computed later by `lifecycle.derive_state` over these events, as the app does.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from dangvu.demo import names
from dangvu.demo.tree import AGENCY, ENTERPRISE, HEALTH, MILITARY, POLICE, SCHOOL, VILLAGE, OrgPlan
from dangvu.lib.dates import add_months
from dangvu.members.lifecycle import EventKind

# Share of each extra path through the timeline (the rest: admitted, confirmed, still active).
SCENARIOS: list[tuple[str, float]] = [
    ("plain", 860),
    ("internal_transfer", 40),
    ("transfer_in", 25),
    ("transfer_out", 15),
    ("temp_away", 12),
    ("temp_ended", 8),
    ("struck_off", 5),
    ("expelled", 2),
    ("suspended", 2),
    ("died_young", 3),
]
PROBATIONARY_SHARE = 0.03
LONG_PROBATION_SHARE = 0.01
LATE_ADMISSION_SHARE = 0.002  # confirmed after 13–14 months: shown with a warning
# (min age, max age, share of women) of the members of a cell, by profile.
AGES = {
    VILLAGE: (22, 86, 0.30),
    AGENCY: (24, 60, 0.38),
    SCHOOL: (24, 60, 0.70),
    HEALTH: (25, 60, 0.62),
    POLICE: (21, 55, 0.12),
    MILITARY: (20, 50, 0.06),
    ENTERPRISE: (23, 60, 0.30),
}
OCCUPATIONS = {
    VILLAGE: ["Nông dân", "Nông dân", "Nông dân", "Kinh doanh", "Công nhân", "Lao động tự do", "Giáo viên"],
    AGENCY: ["Công chức", "Công chức", "Viên chức"],
    SCHOOL: ["Giáo viên", "Giáo viên", "Giảng viên", "Nhân viên"],
    HEALTH: ["Bác sĩ", "Điều dưỡng", "Điều dưỡng", "Dược sĩ", "Kỹ thuật viên y"],
    POLICE: ["Sĩ quan Công an"],
    MILITARY: ["Sĩ quan Quân đội", "Quân nhân chuyên nghiệp", "Hạ sĩ quan"],
    ENTERPRISE: ["Công nhân", "Công nhân", "Kỹ sư", "Nhân viên văn phòng"],
}
POSITIONS = {
    VILLAGE: ["Trưởng thôn", "Chi hội trưởng Hội Nông dân", "Chi hội trưởng Hội Cựu chiến binh", "Công an viên"],
    AGENCY: ["Trưởng phòng", "Phó Trưởng phòng", "Chuyên viên", "Chuyên viên", "Chuyên viên chính"],
    SCHOOL: ["Hiệu trưởng", "Phó Hiệu trưởng", "Tổ trưởng chuyên môn", "Giáo viên"],
    HEALTH: ["Trưởng khoa", "Phó Trưởng khoa", "Điều dưỡng trưởng"],
    POLICE: ["Đội trưởng", "Phó Đội trưởng", "Cán bộ"],
    MILITARY: ["Chỉ huy trưởng", "Chính trị viên", "Trợ lý"],
    ENTERPRISE: ["Giám đốc", "Phó Giám đốc", "Quản đốc", "Tổ trưởng sản xuất"],
}


def occupation_and_position(
    rng: random.Random, profile: str, age_today: float, position_in_cell: int
) -> tuple[str, str]:
    """A member's occupation and position in the cell: retired past 60 where people retire; the first two of a
    cell are its secretary and deputy; some others hold a post of their unit. (Shared by the demo and synth.)"""
    retired = age_today >= 60 and profile in {VILLAGE, AGENCY, ENTERPRISE}
    occupation = "Hưu trí" if retired else rng.choice(OCCUPATIONS[profile])
    if position_in_cell == 0:
        return occupation, "Bí thư chi bộ"
    if position_in_cell == 1:
        return occupation, "Phó Bí thư chi bộ"
    if rng.random() < 0.15:
        return occupation, rng.choice(POSITIONS[profile])
    return occupation, ""


PROFESSIONAL = {
    VILLAGE: ["", "", "", "so_cap", "trung_cap"],
    AGENCY: ["dai_hoc", "dai_hoc", "dai_hoc", "thac_si", "cao_dang"],
    SCHOOL: ["dai_hoc", "dai_hoc", "thac_si", "cao_dang", "tien_si"],
    HEALTH: ["dai_hoc", "dai_hoc", "cao_dang", "thac_si", "tien_si"],
    POLICE: ["dai_hoc", "dai_hoc", "trung_cap", "thac_si"],
    MILITARY: ["dai_hoc", "trung_cap", "cao_dang", "so_cap"],
    ENTERPRISE: ["trung_cap", "cao_dang", "dai_hoc", "", "so_cap"],
}
THEORY = {
    VILLAGE: ["", "", "so_cap", "so_cap"],
    AGENCY: ["trung_cap", "trung_cap", "cao_cap", "so_cap"],
    SCHOOL: ["so_cap", "trung_cap", ""],
    HEALTH: ["so_cap", "trung_cap", ""],
    POLICE: ["trung_cap", "so_cap", "cao_cap"],
    MILITARY: ["trung_cap", "so_cap", "cao_cap"],
    ENTERPRISE: ["so_cap", "", ""],
}
OTHER_PROVINCES = [
    "Đảng bộ tỉnh Khánh Hòa",
    "Đảng bộ Thành phố Hồ Chí Minh",
    "Đảng bộ tỉnh Gia Lai",
    "Đảng bộ tỉnh Đắk Lắk",
    "Đảng bộ Thành phố Đà Nẵng",
    "Đảng bộ Thành phố Hà Nội",
]
TEMP_PLACES = ["Công ty", "Trường", "Khu phố"]
PHONE_PREFIXES = ["091", "094", "098", "097", "096", "086", "035", "038", "083", "088", "070", "077"]


@dataclass
class PlannedEvent:
    kind: str
    on: date
    org: int | None = None  # index into the tree plan
    external_org: str = ""
    ceremony_on: date | None = None
    expected_end: date | None = None
    decision_no: str = ""
    decided_by: str = ""
    note: str = ""


@dataclass
class PlannedMember:
    full_name: str
    sex: str
    birth_date: date
    home_town: str
    ethnicity: str
    religion: str
    citizen_id: str
    education: str
    professional_level: str
    political_theory: str
    occupation: str
    position: str
    phone: str
    address: str
    cell: int  # index of the cell the member belongs to in the end (or last belonged to)
    events: list[PlannedEvent] = field(default_factory=list)
    card_number: str | None = None


def _day_between(rng: random.Random, start: date, end: date) -> date:
    if end <= start:
        return start
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _years(day: date, years: float) -> date:
    return day + timedelta(days=round(years * 365.25))


class MemberPlanner:
    def __init__(self, rng: random.Random, orgs: list[OrgPlan], today: date, local_units: list[str]) -> None:
        self.rng = rng
        self.orgs = orgs
        self.today = today
        self.local_units = local_units
        self.cells = [o for o in orgs if o.is_cell and o.dissolved_on is None]
        self.scenario = names.Weighted(SCENARIOS)
        self.citizen_ids: set[str] = set()
        self.decision_seq = 0

    def counts(self, total: int, pinned: dict[int, int]) -> dict[int, int]:
        """Members per live cell: proportional to the cells' weights, `pinned` cells at least as given."""
        weight = sum(c.weight for c in self.cells)
        shares = {c.index: total * c.weight / weight for c in self.cells}
        counts = {index: int(share) for index, share in shares.items()}
        left = total - sum(counts.values())
        by_remainder = sorted(shares, key=lambda i: (-(shares[i] - counts[i]), i))
        for index in by_remainder[: max(left, 0)]:
            counts[index] += 1
        for index, minimum in pinned.items():
            need = minimum - counts[index]
            for other in sorted(counts, key=lambda i: -counts[i]):
                if need <= 0:
                    break
                if other != index and counts[other] > 0:
                    counts[other] -= 1
                    counts[index] += 1
                    need -= 1
        return counts

    def plan(self, total: int, *, pinned_cell: int) -> list[PlannedMember]:
        counts = self.counts(total, {pinned_cell: min(6, total)})
        members: list[PlannedMember] = []
        for cell in self.cells:
            for position_in_cell in range(counts[cell.index]):
                keep_plain = cell.index == pinned_cell and position_in_cell < 2
                members.append(self.member(cell, position_in_cell, keep_plain=keep_plain))
        card_numbers = iter(self.rng.sample(range(10_000_000, 100_000_000), len(members)))
        for member in members:
            if any(e.kind == EventKind.CONFIRMED for e in member.events):
                member.card_number = f"{next(card_numbers):08d}"
        return members

    def _citizen_id(self, province: str, birth: date, male: bool) -> str:
        # Thông tư 59/2021/TT-BCA: province of birth (3), century and sex (1), year of birth (2), random (6).
        century = 0 if birth.year < 2000 else 2
        prefix = f"{names.CCCD_PROVINCE_CODES[province]}{century + (0 if male else 1)}{birth.year % 100:02d}"
        while True:
            value = f"{prefix}{self.rng.randrange(1_000_000):06d}"
            if value not in self.citizen_ids:
                self.citizen_ids.add(value)
                return value

    def _decision(self, cell: OrgPlan, on: date) -> tuple[str, str]:
        self.decision_seq += 1
        upper = self.orgs[cell.history[-1].parent or 0]
        for segment in cell.history:
            if segment.valid_from <= on:
                upper = self.orgs[segment.parent or 0]
        body = upper.name.replace("Đảng bộ", "Đảng ủy", 1)
        return f"{self.decision_seq % 900 + 100}-QĐ/ĐU", body

    def member(self, cell: OrgPlan, position_in_cell: int, *, keep_plain: bool) -> PlannedMember:
        rng, today = self.rng, self.today
        min_age, max_age, women = AGES[cell.profile]
        male = rng.random() >= women
        ethnicity = names.ETHNICITY.pick(rng)
        if "Đạ Tông" in cell.commune and rng.random() < 0.5:
            ethnicity = "K'Ho"
        highland = ethnicity in names.HIGHLAND_PEOPLES
        religion = (names.RELIGION_HIGHLAND if highland else names.RELIGION_KINH).pick(rng)
        recent = not keep_plain and rng.random() < PROBATIONARY_SHARE
        scenario = "plain" if keep_plain or recent else self.scenario.pick(rng)

        if recent:
            admitted = _day_between(rng, today - timedelta(days=355), today - timedelta(days=5))
            age_at = rng.triangular(20, 40, 25)
            birth = _years(admitted, -age_at) - timedelta(days=rng.randint(0, 300))
        else:
            age_now = rng.triangular(min_age, max_age, min_age + (max_age - min_age) * 0.35)
            if cell.profile == VILLAGE:
                age_now = rng.triangular(min_age, max_age, 62)
            birth = _years(today, -age_now) - timedelta(days=rng.randint(0, 364))
            latest = min(age_now - 1.3, 60.0)
            # A few admitted at 61–62 (QĐ 294: needs the provincial committee's decision; shown with a warning).
            if age_now > 63 and rng.random() < LATE_ADMISSION_SHARE:
                age_at = rng.uniform(61.05, 62.9)
            elif latest < 18:
                age_at = 18.2 + rng.random() * 0.5
            else:
                age_at = rng.triangular(18, latest, min(max(18.0, latest), 27.0))
            admitted = max(_years(birth, age_at), date(1958, 1, 1), _years(birth, 18.05))
            admitted = min(admitted, today - timedelta(days=400))
        birth = min(birth, date(2006, 12, 31))
        if _years(birth, 18.0) > admitted:  # never below the statutory age
            birth = _years(admitted, -18.2)
        name = names.person_name(rng, male=male, birth_year=birth.year, ethnicity=ethnicity)
        home, province = names.home_town(rng, self.local_units)
        if highland:
            home, province = f"{rng.choice(self.local_units)}, tỉnh Lâm Viên", "Lâm Viên"
        age_today = (today - birth).days / 365.25
        occupation, position = occupation_and_position(rng, cell.profile, age_today, position_in_cell)
        old = birth.year < 1965
        member = PlannedMember(
            full_name=name,
            sex="male" if male else "female",
            birth_date=birth,
            home_town=home,
            ethnicity=ethnicity,
            religion=religion,
            citizen_id=self._citizen_id(province, birth, male),
            education=rng.choice(["10/10", "7/10", "12/12"]) if old else "12/12",
            professional_level=rng.choice(PROFESSIONAL[cell.profile]),
            political_theory=rng.choice(THEORY[cell.profile]),
            occupation=occupation,
            position=position,
            phone="" if old and rng.random() < 0.3 else rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**7):07d}",
            address=self._address(cell),
            cell=cell.index,
        )
        self._timeline(member, cell, admitted, scenario, age_today)
        return member

    def _address(self, cell: OrgPlan) -> str:
        rng = self.rng
        if cell.profile == VILLAGE and cell.place:
            return f"{cell.place}, {cell.commune}, tỉnh Lâm Viên"
        unit = rng.choice(self.local_units)
        unit = unit[0].lower() + unit[1:]  # "Phường Hòa Bình" -> "phường Hòa Bình"
        if unit.startswith("phường"):
            return f"Số {rng.randint(1, 250)} đường {rng.choice(names.STREETS)}, {unit}, tỉnh Lâm Viên"
        return f"Thôn {rng.randint(1, 12)}, {unit}, tỉnh Lâm Viên"

    def _timeline(self, member: PlannedMember, cell: OrgPlan, admitted: date, scenario: str, age_today: float) -> None:
        rng, today, events = self.rng, self.today, member.events
        ceremony: date | None = admitted + timedelta(days=rng.randint(7, 40))
        if ceremony is not None and ceremony > today:
            ceremony = None
        first_cell: OrgPlan | None = cell
        if scenario == "internal_transfer":
            candidates = [c for c in self.cells if c.index != cell.index and c.founded_on < admitted]
            first_cell = rng.choice(candidates) if candidates else cell
        elif cell.absorbed and rng.random() < 0.5:
            gone = self.orgs[rng.choice(cell.absorbed)]
            if gone.dissolved_on and gone.founded_on < admitted < gone.dissolved_on - timedelta(days=60):
                first_cell = gone
        if first_cell is not None and first_cell.founded_on > admitted:
            first_cell = None  # admitted elsewhere, before this cell existed
        if scenario == "transfer_in":
            first_cell = None
        number, body = self._decision(first_cell or cell, admitted)
        events.append(
            PlannedEvent(
                EventKind.ADMITTED,
                admitted,
                org=first_cell.index if first_cell else None,
                external_org="" if first_cell else f"Chi bộ {rng.choice(names.HOME_COMMUNES)}",
                ceremony_on=ceremony,
                decision_no=number,
                decided_by=body if first_cell else "",
            )
        )
        last = ceremony or admitted
        if ceremony is not None:
            months = 12 if rng.random() >= LONG_PROBATION_SHARE else rng.choice((13, 14))
            official = add_months(ceremony, months)
            if official <= today:
                events.append(PlannedEvent(EventKind.CONFIRMED, official, decision_no=f"{rng.randint(100, 999)}-QĐ/ĐU"))
                last = official
        if first_cell is None:
            moved = max(last + timedelta(days=30), cell.founded_on)
            moved = min(moved, today - timedelta(days=1))
            events.append(
                PlannedEvent(
                    EventKind.TRANSFER_IN,
                    moved,
                    org=cell.index,
                    external_org=rng.choice(OTHER_PROVINCES) if scenario == "transfer_in" else "",
                )
            )
            last = moved
        elif first_cell.index != cell.index:
            if first_cell.dissolved_on is not None:
                moved, note = first_cell.dissolved_on, "Sáp nhập chi bộ"
            else:
                start = max(admitted + timedelta(days=30), cell.founded_on)
                moved, note = _day_between(rng, start, today - timedelta(days=1)), "Chuyển sinh hoạt nội bộ"
            moved = min(moved, today - timedelta(days=1))
            events.append(PlannedEvent(EventKind.TRANSFER_OUT, moved, org=cell.index, note=note))
            last = max(last, moved)
        self._ending(member, scenario, last, age_today)

    def _ending(self, member: PlannedMember, scenario: str, last: date, age_today: float) -> None:
        rng, today, events = self.rng, self.today, member.events
        start = last + timedelta(days=90)
        if start >= today - timedelta(days=2):
            return
        some_day = _day_between(rng, max(start, today - timedelta(days=8 * 365)), today - timedelta(days=2))
        if age_today >= 72 and scenario == "plain":
            roll = rng.random()
            if roll < 0.10:  # died
                events.append(PlannedEvent(EventKind.DIED, some_day))
            elif roll < 0.30:  # old members are exempted from work and meetings (Điều lệ, Điều 7)
                exempt = max(start, _years(member.birth_date, rng.uniform(70, min(age_today, 80))))
                events.append(PlannedEvent(EventKind.EXEMPTED, min(exempt, today - timedelta(days=2))))
                if roll < 0.13 and exempt < today - timedelta(days=60):
                    events.append(PlannedEvent(EventKind.DIED, _day_between(rng, exempt, today - timedelta(days=2))))
            return
        if scenario == "transfer_out":
            events.append(PlannedEvent(EventKind.TRANSFER_OUT, some_day, external_org=rng.choice(OTHER_PROVINCES)))
        elif scenario in {"temp_away", "temp_ended"}:
            away = _day_between(rng, max(start, today - timedelta(days=700)), today - timedelta(days=40))
            events.append(
                PlannedEvent(
                    EventKind.TEMP_OUT,
                    away,
                    external_org=f"Chi bộ {rng.choice(TEMP_PLACES)} ({rng.choice(OTHER_PROVINCES)})",
                    expected_end=add_months(away, 12),
                    note=rng.choice(["Đi làm ăn xa", "Đi học tập trung", "Đi điều trị bệnh dài ngày"]),
                )
            )
            if scenario == "temp_ended":
                events.append(PlannedEvent(EventKind.TEMP_END, _day_between(rng, away + timedelta(days=30), today)))
        elif scenario == "struck_off":
            events.append(
                PlannedEvent(EventKind.STRUCK_OFF, some_day, note="Bỏ sinh hoạt đảng 3 tháng không có lý do chính đáng")
            )
        elif scenario == "expelled":
            events.append(PlannedEvent(EventKind.EXPELLED, some_day, decided_by="Ủy ban Kiểm tra Tỉnh ủy"))
        elif scenario == "suspended":
            events.append(
                PlannedEvent(EventKind.SUSPENDED, _day_between(rng, max(start, today - timedelta(days=150)), today))
            )
        elif scenario == "died_young":
            events.append(PlannedEvent(EventKind.DIED, some_day))
