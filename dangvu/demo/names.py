"""Name and place data for the demo province, with rough real-world frequencies.

Family-name shares follow the usual published estimates for Vietnam (Nguyễn about 38%, Trần 11%,
Lê 9.5%, Phạm 7% …); middle and given names are common ones, weighted so that "Văn" and "Thị" dominate
among older people. Everything here is fictional data for a demonstration; no real person is meant.
"""

from __future__ import annotations

import random
from itertools import accumulate

# (family name, weight in per mille)
FAMILY_NAMES: list[tuple[str, float]] = [
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 31),
    ("Huỳnh", 20),
    ("Phan", 45),
    ("Vũ", 21),
    ("Võ", 20),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
    ("Đào", 6),
    ("Đinh", 6),
    ("Mai", 5),
    ("Trương", 6),
    ("Lâm", 4),
    ("Tạ", 2),
    ("Cao", 4),
    ("Hà", 5),
    ("Lương", 4),
    ("Đoàn", 4),
    ("Tô", 2),
    ("Châu", 2),
    ("Kiều", 1),
    ("Lại", 1),
    ("Thái", 2),
    ("Triệu", 2),
    ("Nông", 2),
    ("La", 1),
    ("Khổng", 1),
    ("Quách", 1),
    ("Tôn", 1),
]

MALE_MIDDLE_OLD: list[tuple[str, float]] = [
    ("Văn", 55),
    ("Hữu", 8),
    ("Đức", 7),
    ("Đình", 7),
    ("Công", 5),
    ("Xuân", 5),
    ("Quang", 4),
    ("Ngọc", 4),
    ("Minh", 3),
    ("Thanh", 3),
    ("Trọng", 3),
]
MALE_MIDDLE_YOUNG: list[tuple[str, float]] = [
    ("Văn", 20),
    ("Minh", 12),
    ("Đức", 10),
    ("Quang", 8),
    ("Hữu", 6),
    ("Thanh", 6),
    ("Ngọc", 5),
    ("Duy", 6),
    ("Tuấn", 4),
    ("Quốc", 6),
    ("Anh", 4),
    ("Hoàng", 4),
    ("Trung", 3),
    ("Công", 3),
    ("Gia", 3),
]
FEMALE_MIDDLE_OLD: list[tuple[str, float]] = [
    ("Thị", 80),
    ("Ngọc", 5),
    ("Thanh", 4),
    ("Kim", 4),
    ("Minh", 2),
    ("Hồng", 3),
    ("Thu", 2),
]
FEMALE_MIDDLE_YOUNG: list[tuple[str, float]] = [
    ("Thị", 45),
    ("Ngọc", 10),
    ("Thanh", 8),
    ("Thu", 8),
    ("Phương", 5),
    ("Minh", 5),
    ("Kim", 4),
    ("Hồng", 4),
    ("Khánh", 4),
    ("Mai", 3),
    ("Bảo", 3),
    ("Diệu", 2),
]
# A second middle name for some younger women ("Nguyễn Thị Thu Hà").
FEMALE_SECOND_MIDDLE = ["Thu", "Thanh", "Ngọc", "Kim", "Hồng", "Minh", "Bích", "Mỹ", "Thùy", "Phương"]
MALE_SECOND_MIDDLE = ["Minh", "Quốc", "Anh", "Hoàng", "Đức", "Thanh"]

MALE_GIVEN = [
    "An",
    "Anh",
    "Bảo",
    "Bình",
    "Cường",
    "Chiến",
    "Chính",
    "Công",
    "Dũng",
    "Duy",
    "Dương",
    "Đạt",
    "Đại",
    "Định",
    "Đông",
    "Đức",
    "Giang",
    "Hải",
    "Hào",
    "Hiếu",
    "Hiệp",
    "Hòa",
    "Hoàng",
    "Học",
    "Hùng",
    "Huy",
    "Hưng",
    "Hữu",
    "Khải",
    "Khang",
    "Khánh",
    "Khoa",
    "Kiên",
    "Lâm",
    "Lộc",
    "Long",
    "Luân",
    "Lực",
    "Mạnh",
    "Minh",
    "Nam",
    "Nghĩa",
    "Ngọc",
    "Nhân",
    "Ninh",
    "Phát",
    "Phong",
    "Phú",
    "Phúc",
    "Phương",
    "Quang",
    "Quân",
    "Quý",
    "Sáng",
    "Sơn",
    "Tài",
    "Tâm",
    "Tân",
    "Thắng",
    "Thành",
    "Thạch",
    "Thiện",
    "Thịnh",
    "Thông",
    "Tiến",
    "Tín",
    "Toàn",
    "Trí",
    "Trung",
    "Trường",
    "Tú",
    "Tuấn",
    "Tùng",
    "Tường",
    "Việt",
    "Vinh",
    "Vũ",
    "Vương",
    "Xuân",
]
FEMALE_GIVEN = [
    "An",
    "Anh",
    "Ánh",
    "Bích",
    "Châu",
    "Chi",
    "Cúc",
    "Diệp",
    "Dung",
    "Duyên",
    "Đào",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hiền",
    "Hoa",
    "Hòa",
    "Hồng",
    "Huệ",
    "Hương",
    "Hường",
    "Huyền",
    "Khánh",
    "Lan",
    "Liên",
    "Liễu",
    "Linh",
    "Loan",
    "Lụa",
    "Ly",
    "Mai",
    "Mến",
    "My",
    "Nga",
    "Ngân",
    "Nguyệt",
    "Nhàn",
    "Nhung",
    "Oanh",
    "Phương",
    "Phượng",
    "Quyên",
    "Quỳnh",
    "Sen",
    "Tâm",
    "Thảo",
    "Thắm",
    "Thơ",
    "Thu",
    "Thúy",
    "Thủy",
    "Thư",
    "Trang",
    "Trâm",
    "Tuyết",
    "Uyên",
    "Vân",
    "Vy",
    "Xuân",
    "Yến",
]

# Ethnicities seen in a Central Highlands province, with a weight each (per mille of members).
ETHNICITIES: list[tuple[str, float]] = [
    ("Kinh", 860),
    ("K'Ho", 55),
    ("Mạ", 12),
    ("Chu Ru", 10),
    ("Tày", 18),
    ("Nùng", 15),
    ("Hoa", 8),
    ("Mường", 7),
    ("Thái", 6),
    ("Dao", 5),
    ("Ê Đê", 4),
]
# Peoples of the Highlands whose names follow their own pattern (K' / Ka prefixes, no Kinh family name).
HIGHLAND_PEOPLES = frozenset({"K'Ho", "Mạ", "Chu Ru", "Ê Đê"})
HIGHLAND_MALE_PREFIX = ["K'", "Ha", "Điểu", "Kră Jăn", "Bon Niêng", "Liêng Hót", "Cil", "Rơ Ông"]
HIGHLAND_FEMALE_PREFIX = ["Ka", "Ka", "Nai", "Kră Jăn", "Bon Niêng", "Liêng Jrang", "Cil", "Rơ Ông"]
HIGHLAND_GIVEN = [
    "Brèo",
    "Điểu",
    "Ha",
    "Sơn",
    "Ơn",
    "Bình",
    "Yên",
    "Hồng",
    "Gôl",
    "Thanh",
    "Nhân",
    "Dũng",
    "Hiệp",
    "Tiếp",
    "Phin",
    "Lơng",
    "Dình",
    "Xuân",
    "Thu",
    "Bằng",
    "Tuân",
]
# Family names that go with the northern peoples of the list.
NORTHERN_FAMILY = {
    "Tày": ["Hoàng", "Nông", "Lương", "Hà", "Đàm", "Lục"],
    "Nùng": ["Hoàng", "Nông", "Lương", "Vi", "Lăng", "Hứa"],
    "Hoa": ["Lý", "Trương", "Lâm", "Quách", "Châu", "Tăng"],
    "Mường": ["Bùi", "Đinh", "Quách", "Hà", "Xa"],
    "Thái": ["Lò", "Lường", "Cầm", "Vi", "Hà"],
    "Dao": ["Triệu", "Bàn", "Đặng", "Lý"],
}

RELIGIONS_KINH: list[tuple[str, float]] = [
    ("Không", 900),
    ("Phật giáo", 55),
    ("Công giáo", 35),
    ("Cao Đài", 6),
    ("Tin Lành", 4),
]
RELIGIONS_HIGHLAND: list[tuple[str, float]] = [
    ("Không", 650),
    ("Công giáo", 150),
    ("Tin Lành", 200),
]

# Where people come from (quê quán): the demo province itself and the provinces that sent settlers.
HOME_PROVINCES: list[tuple[str, float]] = [
    ("Lâm Viên", 520),
    ("Nghệ An", 60),
    ("Hà Tĩnh", 40),
    ("Thanh Hóa", 50),
    ("Hưng Yên", 40),
    ("Ninh Bình", 40),
    ("Quảng Ngãi", 40),
    ("Đà Nẵng", 40),
    ("Huế", 30),
    ("Hà Nội", 30),
    ("Thành phố Hồ Chí Minh", 25),
    ("Khánh Hòa", 25),
    ("Gia Lai", 20),
    ("Đắk Lắk", 20),
]
# CCCD province codes (Thông tư 59/2021/TT-BCA, Phụ lục I), with a fictional "068" for Lâm Viên.
CCCD_PROVINCE_CODES = {
    "Lâm Viên": "068",
    "Nghệ An": "040",
    "Hà Tĩnh": "042",
    "Thanh Hóa": "038",
    "Hưng Yên": "033",
    "Ninh Bình": "037",
    "Quảng Ngãi": "051",
    "Đà Nẵng": "048",
    "Huế": "046",
    "Hà Nội": "001",
    "Thành phố Hồ Chí Minh": "079",
    "Khánh Hòa": "056",
    "Gia Lai": "064",
    "Đắk Lắk": "066",
}
HOME_COMMUNES = [
    "An Bình",
    "Bình Minh",
    "Cẩm Xuyên",
    "Diễn Châu",
    "Đông Sơn",
    "Hải Hậu",
    "Hòa Lạc",
    "Hưng Phú",
    "Kim Liên",
    "Lộc Hà",
    "Nam Đàn",
    "Nghĩa Hưng",
    "Phú Lộc",
    "Quảng Phú",
    "Quỳnh Lưu",
    "Tam Kỳ",
    "Thạch Hà",
    "Thanh Chương",
    "Tiên Lãng",
    "Triệu Phong",
    "Vĩnh Linh",
    "Xuân Trường",
    "Yên Thành",
    "Điện Bàn",
    "Đức Phổ",
    "Tư Nghĩa",
    "Hoằng Hóa",
    "Thiệu Hóa",
]


class Weighted:
    """Draws from a list of (value, weight) pairs with one random call."""

    def __init__(self, pairs: list[tuple[str, float]]) -> None:
        self.values = [value for value, _ in pairs]
        self.cumulative = list(accumulate(weight for _, weight in pairs))

    def pick(self, rng: random.Random) -> str:
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


_FAMILY = Weighted(FAMILY_NAMES)
_MALE_OLD, _MALE_YOUNG = Weighted(MALE_MIDDLE_OLD), Weighted(MALE_MIDDLE_YOUNG)
_FEMALE_OLD, _FEMALE_YOUNG = Weighted(FEMALE_MIDDLE_OLD), Weighted(FEMALE_MIDDLE_YOUNG)
ETHNICITY = Weighted(ETHNICITIES)
RELIGION_KINH, RELIGION_HIGHLAND = Weighted(RELIGIONS_KINH), Weighted(RELIGIONS_HIGHLAND)
HOME_PROVINCE = Weighted(HOME_PROVINCES)


def person_name(rng: random.Random, *, male: bool, birth_year: int, ethnicity: str) -> str:
    """A plausible full name for a person of this sex, generation and people."""
    if ethnicity in HIGHLAND_PEOPLES:
        prefix = rng.choice(HIGHLAND_MALE_PREFIX if male else HIGHLAND_FEMALE_PREFIX)
        given = rng.choice(HIGHLAND_GIVEN)
        return f"{prefix}{given}" if prefix.endswith("'") else f"{prefix} {given}"
    family = rng.choice(NORTHERN_FAMILY[ethnicity]) if ethnicity in NORTHERN_FAMILY else _FAMILY.pick(rng)
    young = birth_year >= 1975
    if male:
        middle = (_MALE_YOUNG if young else _MALE_OLD).pick(rng)
        given = rng.choice(MALE_GIVEN)
        if young and rng.random() < 0.05:
            middle = f"{middle} {rng.choice(MALE_SECOND_MIDDLE)}"
    else:
        middle = (_FEMALE_YOUNG if young else _FEMALE_OLD).pick(rng)
        given = rng.choice(FEMALE_GIVEN)
        if young and middle == "Thị" and rng.random() < 0.25:
            middle = f"{middle} {rng.choice(FEMALE_SECOND_MIDDLE)}"
    if given in middle.split():
        given = rng.choice(MALE_GIVEN if male else FEMALE_GIVEN)
    return f"{family} {middle} {given}"


def home_town(rng: random.Random, local_units: list[str]) -> tuple[str, str]:
    """(quê quán, province) — `local_units` are the demo province's own communes ("Xã Tân Hòa")."""
    province = HOME_PROVINCE.pick(rng)
    if province == "Lâm Viên":
        return f"{rng.choice(local_units)}, tỉnh Lâm Viên", province
    prefix = "" if province.startswith("Thành phố") else "tỉnh "
    return f"Xã {rng.choice(HOME_COMMUNES)}, {prefix}{province}", province


STREETS = [
    "Trần Phú",
    "Phan Đình Phùng",
    "Hai Bà Trưng",
    "Lê Lợi",
    "Nguyễn Trãi",
    "Hùng Vương",
    "Bùi Thị Xuân",
    "Yersin",
    "Ba Tháng Hai",
    "Phan Chu Trinh",
    "Nguyễn Văn Cừ",
    "Lê Hồng Phong",
    "Quang Trung",
    "Hoàng Văn Thụ",
    "Nguyễn Du",
]
