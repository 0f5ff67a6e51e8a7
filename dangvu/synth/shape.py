"""The shape of a national synthetic tree, planned as plain values (no ORM).

At full size (5.6 million members) the tree has the real Party's shape: one national root, 34 provinces,
about 3,300 communes (đảng bộ cấp trên cơ sở of a xã/phường), about 55,000 grassroots organisations
(đảng bộ cơ sở and chi bộ cơ sở) and about 270,000 cells that hold members (chi bộ cơ sở and chi bộ trực
thuộc), some of them under a đảng bộ bộ phận. `--members N` scales every count by N / 5.6 million
(at least one of each). Ids are given here (1, 2, …, parents first), so paths are known before writing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from dangvu.orgs.kinds import OrgKind, Sector

FULL_MEMBERS = 5_600_000
FULL_SHAPE = {"provinces": 34, "communes": 3_300, "grassroots": 55_000, "cells": 270_000}
GRASSROOTS_CELL_SHARE = 0.45  # of the grassroots organisations, those that are a chi bộ cơ sở
SUB_COMMITTEE_SHARE = 0.10  # of the đảng bộ cơ sở with at least 4 cells, those with a đảng bộ bộ phận
NATIONAL_FOUNDED = date(1930, 2, 3)
LATEST_FOUNDED = date(2019, 12, 31)

# The 34 provinces and cities since 12/6/2025 (Nghị quyết 202/2025/QH15) with their CCCD codes
# (Thông tư 59/2021/TT-BCA; a merged province keeps the code of the province it is named after).
PROVINCES: list[tuple[str, str, bool]] = [  # (name, CCCD code, is a city)
    ("Hà Nội", "001", True),
    ("Huế", "046", True),
    ("Lai Châu", "012", False),
    ("Điện Biên", "011", False),
    ("Sơn La", "014", False),
    ("Lạng Sơn", "020", False),
    ("Quảng Ninh", "022", False),
    ("Thanh Hóa", "038", False),
    ("Nghệ An", "040", False),
    ("Hà Tĩnh", "042", False),
    ("Cao Bằng", "004", False),
    ("Tuyên Quang", "008", False),
    ("Lào Cai", "010", False),
    ("Thái Nguyên", "019", False),
    ("Phú Thọ", "025", False),
    ("Bắc Ninh", "027", False),
    ("Hưng Yên", "033", False),
    ("Hải Phòng", "031", True),
    ("Ninh Bình", "037", False),
    ("Quảng Trị", "044", False),
    ("Đà Nẵng", "048", True),
    ("Quảng Ngãi", "051", False),
    ("Gia Lai", "052", False),
    ("Khánh Hòa", "056", False),
    ("Lâm Đồng", "068", False),
    ("Đắk Lắk", "066", False),
    ("Hồ Chí Minh", "079", True),
    ("Đồng Nai", "075", False),
    ("Tây Ninh", "072", False),
    ("Cần Thơ", "092", True),
    ("Vĩnh Long", "086", False),
    ("Đồng Tháp", "087", False),
    ("Cà Mau", "096", False),
    ("An Giang", "089", False),
]
SYLLABLES_1 = [
    "An", "Bình", "Châu", "Đông", "Gia", "Hòa", "Hưng", "Hải", "Kim", "Long", "Minh", "Mỹ", "Nam", "Ngọc",
    "Phú", "Phước", "Quang", "Quảng", "Tân", "Thanh", "Thạnh", "Thuận", "Tiên", "Trung", "Vĩnh", "Xuân",
    "Yên", "Đại", "Hồng", "Lạc", "Sơn", "Tam",
]  # fmt: skip
SYLLABLES_2 = [
    "An", "Bình", "Cường", "Điền", "Định", "Đức", "Giang", "Hà", "Hiệp", "Hòa", "Hội", "Khánh", "Lâm",
    "Lộc", "Lợi", "Lương", "Mỹ", "Nghĩa", "Ninh", "Phong", "Phú", "Phúc", "Sơn", "Tây", "Thành", "Thịnh",
    "Thủy", "Tiến", "Trạch", "Trung", "Tường", "Xuyên",
]  # fmt: skip
# Grassroots organisations by sector: (weight, members' profile, name of a grassroots org, of its cells).
SECTORS: list[tuple[str, float, str, str, str]] = [
    (Sector.COMMUNE, 46, "village", "khu dân cư", "thôn"),
    (Sector.PARTY_AGENCY, 5, "agency", "Cơ quan Đảng, đoàn thể", "cơ quan"),
    (Sector.STATE_AGENCY, 9, "agency", "Cơ quan hành chính", "phòng"),
    (Sector.PUBLIC_SERVICE, 13, "school", "Trường học", "tổ"),
    (Sector.PUBLIC_SERVICE, 6, "health", "Trung tâm Y tế", "khoa"),
    (Sector.STATE_ENTERPRISE, 4, "enterprise", "Công ty nhà nước", "phân xưởng"),
    (Sector.PRIVATE_ENTERPRISE, 9, "enterprise", "Doanh nghiệp", "bộ phận"),
    (Sector.MILITARY, 4, "military", "Ban Chỉ huy quân sự", "đơn vị"),
    (Sector.POLICE, 4, "police", "Công an", "đội"),
]


@dataclass(frozen=True)
class Shape:
    members: int
    provinces: int
    communes: int
    grassroots: int
    cells: int


@dataclass
class OrgRow:
    id: int
    code: str
    name: str
    kind: str
    sector: str
    parent_id: int | None
    path: str
    depth: int
    founded_on: date
    profile: str = ""  # members' profile (cells only)
    province: int = 0  # index into PROVINCES
    place: str = ""  # "xã Tân Hòa, tỉnh Nghệ An": where the members live


def shape_for(members: int, provinces: int | None = None) -> Shape:
    """Every count of the full shape times members / 5.6 million, rounded, at least one of each and
    never fewer children than parents."""
    factor = members / FULL_MEMBERS

    def scaled(name: str, floor: int) -> int:
        return max(floor, round(FULL_SHAPE[name] * factor))

    p = provinces if provinces else scaled("provinces", 1)
    communes = scaled("communes", p)
    grassroots = scaled("grassroots", communes)
    cells = scaled("cells", grassroots)
    return Shape(members=members, provinces=p, communes=communes, grassroots=grassroots, cells=cells)


def split(rng: random.Random, total: int, parts: int, spread: float = 0.4) -> list[int]:
    """`total` split into `parts` counts of random size (weights 1 ± spread), each at least 1 when
    total ≥ parts; largest remainder, so the counts add up exactly."""
    if parts <= 0:
        return []
    base = 1 if total >= parts else 0
    rest = total - base * parts
    weights = [rng.uniform(1 - spread, 1 + spread) for _ in range(parts)]
    scale = rest / sum(weights)
    shares = [w * scale for w in weights]
    counts = [int(s) for s in shares]
    left = rest - sum(counts)
    for i in sorted(range(parts), key=lambda i: (counts[i] - shares[i], i))[:left]:
        counts[i] += 1
    return [base + c for c in counts]


def _founded(rng: random.Random, after: date) -> date:
    start = max(after, date(1975, 4, 30))
    return start + timedelta(days=rng.randint(0, max((LATEST_FOUNDED - start).days, 0) // 3))


def _commune_names(rng: random.Random, count: int) -> list[str]:
    pairs = [f"{a} {b}" for a in SYLLABLES_1 for b in SYLLABLES_2 if a != b]
    chosen = rng.sample(pairs, min(count, len(pairs)))
    while len(chosen) < count:  # more communes than pairs: number them
        chosen.append(f"{pairs[len(chosen) % len(pairs)]} {len(chosen) // len(pairs) + 1}")
    return chosen


def plan_tree(rng: random.Random, shape: Shape) -> list[OrgRow]:
    """The organisations, parents before children, ids 1… in this order."""
    rows: list[OrgRow] = []

    def add(
        code: str, name: str, kind: str, sector: str, parent: OrgRow | None, founded: date, **extra: str | int
    ) -> OrgRow:
        row_id = len(rows) + 1
        path = f"{parent.path if parent else '/'}{row_id}/"
        row = OrgRow(
            id=row_id,
            code=code,
            name=name,
            kind=kind,
            sector=sector,
            parent_id=parent.id if parent else None,
            path=path,
            depth=parent.depth + 1 if parent else 0,
            founded_on=founded,
            **extra,  # type: ignore[arg-type]
        )
        rows.append(row)
        return row

    root = add("TW", "Đảng Cộng sản Việt Nam", OrgKind.NATIONAL, Sector.OTHER, None, NATIONAL_FOUNDED)
    communes_per_province = split(rng, shape.communes, shape.provinces, 0.5)
    grassroots_per_commune = split(rng, shape.grassroots, shape.communes, 0.5)
    grassroots_cells = min(shape.grassroots, round(shape.grassroots * GRASSROOTS_CELL_SHARE))
    if shape.cells == shape.grassroots:
        grassroots_cells = shape.grassroots  # one cell per grassroots organisation: all are chi bộ cơ sở
    committees = shape.grassroots - grassroots_cells
    is_cell = [True] * grassroots_cells + [False] * committees
    rng.shuffle(is_cell)
    attached = split(rng, shape.cells - grassroots_cells, committees, 0.6)
    sector_pick = [s for s in SECTORS]
    sector_weights = [s[1] for s in SECTORS]
    g_index = c_index = committee_index = 0
    for p in range(shape.provinces):
        p_name, _, city = PROVINCES[p % len(PROVINCES)]
        if p >= len(PROVINCES):
            p_name = f"{p_name} {p // len(PROVINCES) + 1}"
        place_of_province = f"thành phố {p_name}" if city else f"tỉnh {p_name}"
        province = add(
            f"T{p + 1:02d}",
            f"Đảng bộ {place_of_province}",
            OrgKind.PROVINCE,
            Sector.OTHER,
            root,
            _founded(rng, root.founded_on),
            province=p,
        )
        names = _commune_names(rng, communes_per_province[p])
        for x in range(communes_per_province[p]):
            unit = "phường" if (city and rng.random() < 0.6) or rng.random() < 0.15 else "xã"
            place = f"{unit} {names[x]}"
            commune = add(
                f"{province.code}-{x + 1:03d}",
                f"Đảng bộ {place}",
                OrgKind.UPPER,
                Sector.COMMUNE,
                province,
                _founded(rng, province.founded_on),
                province=p,
                place=f"{place}, {place_of_province}",
            )
            ordinal: dict[str, int] = {}
            for g in range(grassroots_per_commune[c_index]):
                sector, _, profile, org_label, cell_label = rng.choices(sector_pick, weights=sector_weights)[0]
                ordinal[org_label] = number = ordinal.get(org_label, 0) + 1
                founded = _founded(rng, commune.founded_on)
                code = f"{commune.code}-{g + 1:02d}"
                if is_cell[g_index]:
                    noun = f"thôn {number}" if profile == "village" else f"{org_label} số {number}"
                    add(
                        code,
                        f"Chi bộ {noun}",
                        OrgKind.GRASSROOTS_CELL,
                        sector,
                        commune,
                        founded,
                        profile=profile,
                        province=p,
                        place=commune.place,
                    )
                else:
                    noun = f"khu dân cư số {number}" if profile == "village" else f"{org_label} số {number}"
                    committee = add(
                        code,
                        f"Đảng bộ {noun}",
                        OrgKind.GRASSROOTS_COMMITTEE,
                        sector,
                        commune,
                        founded,
                        province=p,
                    )
                    n_cells = attached[committee_index]
                    committee_index += 1
                    under_sub = 0
                    if n_cells >= 4 and rng.random() < SUB_COMMITTEE_SHARE:
                        under_sub = n_cells // 2
                    parent = committee
                    for k in range(n_cells):
                        if k == n_cells - under_sub and under_sub:
                            parent = add(
                                f"{code}-B",
                                f"Đảng bộ bộ phận {cell_label} khối {k + 1}",
                                OrgKind.SUB_COMMITTEE,
                                sector,
                                committee,
                                _founded(rng, founded),
                                province=p,
                            )
                        add(
                            f"{code}-{k + 1:02d}",
                            f"Chi bộ {cell_label} {k + 1}",
                            OrgKind.CELL,
                            sector,
                            parent,
                            _founded(rng, parent.founded_on),
                            profile=profile,
                            province=p,
                            place=commune.place,
                        )
                g_index += 1
            c_index += 1
    return rows
