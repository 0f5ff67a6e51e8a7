"""The organisation tree of the demo province "Lâm Viên", planned as plain values (no ORM).

The shape follows the 2025 reorganisation: the district committees and the old communes were dissolved
on 01/07/2025 and new, larger communes and wards became upper-level committees (đảng bộ cấp trên cơ
sở) with their villages as chi bộ cơ sở; in 02/2025 the provincial blocks were regrouped into "Đảng bộ
các cơ quan Đảng tỉnh" and "Đảng bộ Ủy ban nhân dân tỉnh". So the history of many nodes shows a move,
a change of kind or a rename, and the dissolved nodes stay in the tree's history.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from dangvu.orgs.kinds import OrgKind, Sector

PROVINCE_NAME = "Lâm Viên"
PROVINCE_CODE = "T99"
REFORM_2025 = date(2025, 7, 1)  # two-tier local government: districts dissolved, communes merged
BLOCKS_2025 = date(2025, 2, 1)  # provincial blocks regrouped
REASON_REFORM = "Sắp xếp tổ chức đảng theo mô hình chính quyền địa phương hai cấp (01/7/2025)"
REASON_BLOCKS = "Sắp xếp lại các đảng bộ khối của tỉnh (02/2025)"
REASON_RENAME = "Đổi tên theo tên thôn mới"
REASON_MERGE = "Sáp nhập thôn"

# Members' "profile" decides ages, sex ratio, occupations: one per kind of workplace.
VILLAGE, AGENCY, SCHOOL, HEALTH, POLICE, MILITARY, ENTERPRISE = (
    "village",
    "agency",
    "school",
    "health",
    "police",
    "military",
    "enterprise",
)


@dataclass
class Segment:
    """One history version: the state an org held from `valid_from` (to the next segment's start)."""

    valid_from: date
    name: str
    kind: str
    parent: int | None
    sector: str
    reason: str = ""


@dataclass
class OrgPlan:
    index: int
    code: str
    founded_on: date
    history: list[Segment]
    dissolved_on: date | None = None
    profile: str = AGENCY
    weight: float = 0.0  # relative number of members, cells only
    commune: str = ""  # "xã Tân Hòa": where the cell's members live
    place: str = ""  # "Thôn Tân Lập" for a village cell
    absorbed: list[int] = field(default_factory=list)  # cells merged into this one (dissolved)

    @property
    def current(self) -> Segment:
        return self.history[-1]

    @property
    def name(self) -> str:
        return self.current.name

    @property
    def kind(self) -> str:
        return self.current.kind

    @property
    def parent(self) -> int | None:
        return self.current.parent

    @property
    def is_cell(self) -> bool:
        return self.kind in {OrgKind.CELL, OrgKind.GRASSROOTS_CELL}


@dataclass(frozen=True)
class CommuneSpec:
    unit: str  # "xã" or "phường"
    name: str
    district: int  # index into OLD_DISTRICTS
    old_communes: tuple[str, str]
    villages: tuple[str, ...]
    highland: bool = False  # many K'Ho members


OLD_DISTRICTS = ("huyện Phú Lạc", "huyện Đạ Lâm", "thành phố Lâm Viên")
COMMUNES = (
    CommuneSpec(
        "xã",
        "Tân Hòa",
        0,
        ("Tân Hòa", "Tân Phước"),
        ("Tân Lập", "Tân Thành", "Tân Phú", "Phước Hưng", "Phước Lộc", "Đồng Tâm", "Hòa Trung", "Suối Tiên"),
    ),
    CommuneSpec(
        "xã",
        "Phú Sơn",
        0,
        ("Phú Sơn", "Phú Hội"),
        ("Phú Thuận", "Phú An", "Sơn Thủy", "Hội Nghĩa", "Hội Xuân", "Đồi Chè", "Bằng Lăng"),
    ),
    CommuneSpec(
        "xã",
        "Lạc Xuân",
        0,
        ("Lạc Xuân", "Xuân Trường"),
        ("Lạc Bình", "Lạc Thiện", "Xuân Sơn", "Xuân Thành", "Trường Xuân", "Đa Quyn", "Kinh Tế Mới"),
    ),
    CommuneSpec(
        "xã",
        "Đạ Tông",
        1,
        ("Đạ Tông", "Đạ Long"),
        ("Đạ Nhar", "Liêng Trang", "Buôn Dơng", "Đạ Sar", "Klong Lanh", "Đưng Kar", "Mơ Dung"),
        highland=True,
    ),
    CommuneSpec(
        "xã",
        "Đông Thạnh",
        1,
        ("Đông Thạnh", "Gia Hiệp"),
        ("Thạnh Nghĩa", "Thạnh Mỹ", "Gia Lâm", "Hiệp Thuận", "Bắc Hội", "Nam Hà", "Lộc Quý", "K'Long"),
    ),
    CommuneSpec(
        "phường",
        "Hòa Bình",
        2,
        ("Phường 1", "Phường 2"),
        tuple(f"Khu phố {n}" for n in range(1, 9)),
    ),
    CommuneSpec(
        "phường",
        "Xuân Hương",
        2,
        ("Phường 3", "Phường 4"),
        tuple(f"Tổ dân phố {n}" for n in range(1, 9)),
    ),
    CommuneSpec(
        "phường",
        "Lâm Viên",
        2,
        ("Phường 8", "Phường 9"),
        tuple(f"Khu phố {n}" for n in range(1, 8)),
    ),
)

# (name, sector, profile, cell names, sub-committees {name: cells}) of the provincial blocks' grassroots.
GrassrootsSpec = tuple[str, str, str, tuple[str, ...], dict[str, tuple[str, ...]]]


def _numbered(prefix: str, count: int) -> tuple[str, ...]:
    return tuple(f"{prefix} {n}" for n in range(1, count + 1))


PARTY_BLOCK: list[GrassrootsSpec] = [
    (
        "Đảng bộ Văn phòng Tỉnh ủy",
        Sector.PARTY_AGENCY,
        AGENCY,
        (
            "Chi bộ Phòng Tổng hợp",
            "Chi bộ Phòng Hành chính - Tổ chức - Quản trị",
            "Chi bộ Phòng Tài chính - Đảng vụ",
            "Chi bộ Phòng Cơ yếu - Công nghệ thông tin",
            "Chi bộ Nhà khách Tỉnh ủy",
        ),
        {},
    ),
    ("Chi bộ Ban Tổ chức Tỉnh ủy", Sector.PARTY_AGENCY, AGENCY, (), {}),
    ("Chi bộ Ủy ban Kiểm tra Tỉnh ủy", Sector.PARTY_AGENCY, AGENCY, (), {}),
    (
        "Đảng bộ Ban Tuyên giáo và Dân vận Tỉnh ủy",
        Sector.PARTY_AGENCY,
        AGENCY,
        ("Chi bộ Phòng Tuyên truyền", "Chi bộ Phòng Dân vận", "Chi bộ Phòng Khoa giáo", "Chi bộ Văn phòng Ban"),
        {},
    ),
    (
        "Đảng bộ Trường Chính trị tỉnh",
        Sector.PARTY_AGENCY,
        SCHOOL,
        (
            "Chi bộ Khoa Lý luận cơ sở",
            "Chi bộ Khoa Xây dựng Đảng",
            "Chi bộ Khoa Nhà nước và Pháp luật",
            "Chi bộ Phòng Đào tạo",
            "Chi bộ Phòng Tổ chức - Hành chính",
        ),
        {},
    ),
    (
        "Đảng bộ Báo và Phát thanh, Truyền hình Lâm Viên",
        Sector.PARTY_AGENCY,
        AGENCY,
        (
            *_numbered("Chi bộ Ban biên tập", 3),
            "Chi bộ Phòng Thời sự",
            "Chi bộ Phòng Kỹ thuật",
            "Chi bộ Báo in",
            "Chi bộ Báo điện tử",
            "Chi bộ Văn phòng",
        ),
        {},
    ),
    (
        "Đảng bộ Cơ quan Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
        Sector.PARTY_AGENCY,
        AGENCY,
        (
            "Chi bộ Văn phòng",
            "Chi bộ Hội Liên hiệp Phụ nữ",
            "Chi bộ Tỉnh đoàn",
            "Chi bộ Hội Nông dân",
            "Chi bộ Hội Cựu chiến binh",
            "Chi bộ Liên đoàn Lao động",
        ),
        {},
    ),
    (
        "Đảng bộ Tòa án nhân dân tỉnh",
        Sector.PARTY_AGENCY,
        AGENCY,
        ("Chi bộ Tòa Hình sự", "Chi bộ Tòa Dân sự", "Chi bộ Tòa Hành chính", "Chi bộ Văn phòng", "Chi bộ Khu vực 1"),
        {},
    ),
    (
        "Đảng bộ Viện Kiểm sát nhân dân tỉnh",
        Sector.PARTY_AGENCY,
        AGENCY,
        (*_numbered("Chi bộ Phòng", 8), "Chi bộ Văn phòng"),
        {},
    ),
]
STATE_BLOCK: list[GrassrootsSpec] = [
    ("Đảng bộ Sở Y tế", Sector.STATE_AGENCY, HEALTH, (*_numbered("Chi bộ Phòng", 4), "Chi bộ Văn phòng Sở"), {}),
    (
        "Đảng bộ Bệnh viện Đa khoa tỉnh Lâm Viên",
        Sector.PUBLIC_SERVICE,
        HEALTH,
        (
            "Chi bộ Phòng Tổ chức cán bộ",
            "Chi bộ Phòng Kế hoạch tổng hợp",
            "Chi bộ Phòng Điều dưỡng",
            "Chi bộ Khoa Dược",
        ),
        {
            "Đảng bộ bộ phận Khối Nội": (
                "Chi bộ Khoa Nội tổng hợp",
                "Chi bộ Khoa Tim mạch",
                "Chi bộ Khoa Nhi",
                "Chi bộ Khoa Truyền nhiễm",
                "Chi bộ Khoa Hồi sức tích cực",
                "Chi bộ Khoa Thận - Lọc máu",
                "Chi bộ Khoa Ung bướu",
                "Chi bộ Khoa Thần kinh",
                "Chi bộ Khoa Lão khoa",
                "Chi bộ Khoa Nội tiết",
                "Chi bộ Khoa Phục hồi chức năng",
            ),
            "Đảng bộ bộ phận Khối Ngoại": (
                "Chi bộ Khoa Ngoại tổng hợp",
                "Chi bộ Khoa Chấn thương chỉnh hình",
                "Chi bộ Khoa Phụ sản",
                "Chi bộ Khoa Gây mê hồi sức",
                "Chi bộ Khoa Mắt - Tai Mũi Họng",
                "Chi bộ Khoa Cấp cứu",
                "Chi bộ Khoa Ngoại thần kinh",
                "Chi bộ Khoa Răng Hàm Mặt",
                "Chi bộ Khoa Bỏng",
            ),
            "Đảng bộ bộ phận Khối Cận lâm sàng": (
                "Chi bộ Khoa Xét nghiệm",
                "Chi bộ Khoa Chẩn đoán hình ảnh",
                "Chi bộ Khoa Giải phẫu bệnh",
                "Chi bộ Khoa Kiểm soát nhiễm khuẩn",
            ),
        },
    ),
    (
        "Đảng bộ Bệnh viện Y dược cổ truyền tỉnh",
        Sector.PUBLIC_SERVICE,
        HEALTH,
        (*_numbered("Chi bộ Khoa", 9), "Chi bộ Hành chính"),
        {},
    ),
    (
        "Đảng bộ Sở Giáo dục và Đào tạo",
        Sector.STATE_AGENCY,
        SCHOOL,
        ("Chi bộ Phòng Giáo dục phổ thông", "Chi bộ Phòng Tổ chức cán bộ", "Chi bộ Văn phòng Sở", "Chi bộ Thanh tra"),
        {},
    ),
    (
        "Đảng bộ Trường Đại học Lâm Viên",
        Sector.PUBLIC_SERVICE,
        SCHOOL,
        ("Chi bộ Phòng Đào tạo", "Chi bộ Phòng Tổ chức - Hành chính", "Chi bộ Thư viện", "Chi bộ Sinh viên"),
        {
            "Đảng bộ bộ phận Khoa Khoa học Tự nhiên": (
                "Chi bộ Bộ môn Toán",
                "Chi bộ Bộ môn Vật lý",
                "Chi bộ Bộ môn Hóa học",
                "Chi bộ Bộ môn Sinh học",
                "Chi bộ Bộ môn Công nghệ thông tin",
                "Chi bộ Bộ môn Môi trường",
            ),
            "Đảng bộ bộ phận Khoa Khoa học Xã hội": (
                "Chi bộ Bộ môn Ngữ văn",
                "Chi bộ Bộ môn Lịch sử",
                "Chi bộ Bộ môn Lý luận chính trị",
                "Chi bộ Bộ môn Ngoại ngữ",
                "Chi bộ Bộ môn Du lịch",
            ),
            "Đảng bộ bộ phận Khoa Nông Lâm": (
                "Chi bộ Bộ môn Nông học",
                "Chi bộ Bộ môn Lâm sinh",
                "Chi bộ Trại thực nghiệm",
            ),
        },
    ),
    (
        "Đảng bộ Trường THPT Chuyên Lâm Viên",
        Sector.PUBLIC_SERVICE,
        SCHOOL,
        ("Chi bộ Tổ Toán - Tin", "Chi bộ Tổ Ngữ văn", "Chi bộ Tổ Khoa học tự nhiên", "Chi bộ Tổ Văn phòng"),
        {},
    ),
    (
        "Đảng bộ Sở Nông nghiệp và Môi trường",
        Sector.STATE_AGENCY,
        AGENCY,
        (
            "Chi bộ Văn phòng Sở",
            "Chi bộ Chi cục Kiểm lâm",
            "Chi bộ Chi cục Thủy lợi",
            "Chi bộ Chi cục Trồng trọt",
            "Chi bộ Trung tâm Khuyến nông",
            "Chi bộ Văn phòng Đăng ký đất đai",
            "Chi bộ Phòng Tài nguyên nước",
        ),
        {},
    ),
    ("Đảng bộ Sở Tài chính", Sector.STATE_AGENCY, AGENCY, _numbered("Chi bộ Phòng", 9), {}),
    ("Đảng bộ Sở Xây dựng", Sector.STATE_AGENCY, AGENCY, (*_numbered("Chi bộ Phòng", 4), "Chi bộ Thanh tra Sở"), {}),
    ("Chi bộ Sở Nội vụ", Sector.STATE_AGENCY, AGENCY, (), {}),
    (
        "Đảng bộ Công ty TNHH MTV Cấp thoát nước Lâm Viên",
        Sector.STATE_ENTERPRISE,
        ENTERPRISE,
        (*_numbered("Chi bộ Xí nghiệp", 9), "Chi bộ Văn phòng Công ty"),
        {},
    ),
    (
        "Đảng bộ Công ty Điện lực Lâm Viên",
        Sector.STATE_ENTERPRISE,
        ENTERPRISE,
        (*tuple(f"Chi bộ Điện lực khu vực {n}" for n in range(1, 17)), "Chi bộ Phòng Kỹ thuật", "Chi bộ Văn phòng"),
        {},
    ),
    (
        "Đảng bộ Công ty Cổ phần Chè Lâm Viên",
        Sector.PRIVATE_ENTERPRISE,
        ENTERPRISE,
        (*tuple(f"Chi bộ Nông trường {n}" for n in range(1, 12)), "Chi bộ Nhà máy chế biến", "Chi bộ Văn phòng"),
        {},
    ),
    ("Chi bộ Công ty TNHH Hoa Xuân Hương", Sector.PRIVATE_ENTERPRISE, ENTERPRISE, (), {}),
    (
        "Đảng bộ Công ty TNHH MTV Cao su Lâm Viên",
        Sector.STATE_ENTERPRISE,
        ENTERPRISE,
        ("Chi bộ Văn phòng Công ty", "Chi bộ Nhà máy chế biến mủ"),
        {
            "Đảng bộ bộ phận Nông trường Đạ Tông": _numbered("Chi bộ Đội sản xuất", 8),
            "Đảng bộ bộ phận Nông trường Phú Sơn": _numbered("Chi bộ Đội sản xuất", 8),
            "Đảng bộ bộ phận Nông trường Lạc Xuân": _numbered("Chi bộ Đội sản xuất", 7),
        },
    ),
    (
        "Đảng bộ Bưu điện tỉnh Lâm Viên",
        Sector.STATE_ENTERPRISE,
        ENTERPRISE,
        (*tuple(f"Chi bộ Bưu điện khu vực {n}" for n in range(1, 12)), "Chi bộ Trung tâm Khai thác - Vận chuyển"),
        {},
    ),
    (
        "Đảng bộ Trung tâm Kiểm soát bệnh tật tỉnh",
        Sector.PUBLIC_SERVICE,
        HEALTH,
        (*_numbered("Chi bộ Khoa", 7), "Chi bộ Phòng Tổ chức - Hành chính"),
        {},
    ),
]
POLICE_BLOCK: list[GrassrootsSpec] = [
    ("Đảng bộ Phòng Cảnh sát giao thông", Sector.POLICE, POLICE, _numbered("Chi bộ Đội", 14), {}),
    (
        "Đảng bộ Phòng Cảnh sát cơ động",
        Sector.POLICE,
        POLICE,
        ("Chi bộ Đội Tham mưu - Hậu cần",),
        {
            "Đảng bộ bộ phận Tiểu đoàn 1": _numbered("Chi bộ Đại đội", 3),
            "Đảng bộ bộ phận Tiểu đoàn 2": tuple(f"Chi bộ Đại đội {n}" for n in range(4, 7)),
            "Đảng bộ bộ phận Tiểu đoàn 3": tuple(f"Chi bộ Đại đội {n}" for n in range(7, 11)),
        },
    ),
    ("Đảng bộ Phòng An ninh chính trị nội bộ", Sector.POLICE, POLICE, _numbered("Chi bộ Đội", 12), {}),
    ("Đảng bộ Phòng Cảnh sát hình sự", Sector.POLICE, POLICE, _numbered("Chi bộ Đội", 14), {}),
    ("Đảng bộ Phòng Tham mưu", Sector.POLICE, POLICE, _numbered("Chi bộ Đội", 12), {}),
    ("Đảng bộ Trại tạm giam", Sector.POLICE, POLICE, (*_numbered("Chi bộ Phân trại", 4), "Chi bộ Hậu cần"), {}),
    (
        "Đảng bộ Phòng Cảnh sát phòng cháy, chữa cháy và cứu nạn, cứu hộ",
        Sector.POLICE,
        POLICE,
        _numbered("Chi bộ Đội", 16),
        {},
    ),
    ("Đảng bộ Phòng Quản lý xuất nhập cảnh", Sector.POLICE, POLICE, _numbered("Chi bộ Đội", 8), {}),
]
MILITARY_BLOCK: list[GrassrootsSpec] = [
    (
        "Đảng bộ Cơ quan Bộ Chỉ huy Quân sự tỉnh",
        Sector.MILITARY,
        MILITARY,
        ("Chi bộ Văn phòng",),
        {
            "Đảng bộ bộ phận Phòng Tham mưu": _numbered("Chi bộ Ban", 4),
            "Đảng bộ bộ phận Phòng Chính trị": _numbered("Chi bộ Ban", 3),
            "Đảng bộ bộ phận Phòng Hậu cần - Kỹ thuật": _numbered("Chi bộ Ban", 4),
        },
    ),
    (
        "Đảng bộ Trung đoàn Bộ binh 994",
        Sector.MILITARY,
        MILITARY,
        ("Chi bộ Cơ quan Trung đoàn", "Chi bộ Đại đội Trinh sát", "Chi bộ Đại đội Thông tin"),
        {
            "Đảng bộ bộ phận Tiểu đoàn 1": _numbered("Chi bộ Đại đội", 4),
            "Đảng bộ bộ phận Tiểu đoàn 2": tuple(f"Chi bộ Đại đội {n}" for n in range(5, 9)),
            "Đảng bộ bộ phận Tiểu đoàn 3": tuple(f"Chi bộ Đại đội {n}" for n in range(9, 13)),
            "Đảng bộ bộ phận Tiểu đoàn 4": tuple(f"Chi bộ Đại đội {n}" for n in range(13, 17)),
        },
    ),
    ("Đảng bộ Ban Chỉ huy Phòng thủ khu vực 1", Sector.MILITARY, MILITARY, _numbered("Chi bộ Ban", 9), {}),
    ("Đảng bộ Ban Chỉ huy Phòng thủ khu vực 2", Sector.MILITARY, MILITARY, _numbered("Chi bộ Ban", 9), {}),
    ("Đảng bộ Tiểu đoàn Huấn luyện - Cơ động", Sector.MILITARY, MILITARY, _numbered("Chi bộ Đại đội", 10), {}),
]
# (upper-level committee name, sector, predecessor block or None, grassroots)
BLOCKS: list[tuple[str, str, str | None, list[GrassrootsSpec]]] = [
    ("Đảng bộ các cơ quan Đảng tỉnh", Sector.PARTY_AGENCY, "Đảng bộ Khối các cơ quan tỉnh", PARTY_BLOCK),
    ("Đảng bộ Ủy ban nhân dân tỉnh", Sector.STATE_AGENCY, "Đảng bộ Khối Doanh nghiệp tỉnh", STATE_BLOCK),
    ("Đảng bộ Công an tỉnh", Sector.POLICE, None, POLICE_BLOCK),
    ("Đảng bộ Quân sự tỉnh", Sector.MILITARY, None, MILITARY_BLOCK),
]
# Relative member counts of one cell, by profile (villages keep many retired members).
WEIGHTS = {VILLAGE: 3.6, AGENCY: 1.0, SCHOOL: 1.1, HEALTH: 1.3, POLICE: 1.3, MILITARY: 1.1, ENTERPRISE: 1.0}


class TreePlanner:
    """Builds the list of `OrgPlan`s; parents always come before their children in the list."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.orgs: list[OrgPlan] = []
        self.communes: list[tuple[CommuneSpec, int]] = []  # (spec, index of the new commune committee)

    def add(
        self,
        code: str,
        name: str,
        kind: str,
        sector: str,
        parent: int | None,
        founded_on: date,
        *,
        profile: str = AGENCY,
        **extra: str,
    ) -> OrgPlan:
        plan = OrgPlan(
            index=len(self.orgs),
            code=code,
            founded_on=founded_on,
            history=[Segment(founded_on, name, kind, parent, sector)],
            profile=profile,
            **extra,  # type: ignore[arg-type]
        )
        if kind in {OrgKind.CELL, OrgKind.GRASSROOTS_CELL}:
            plan.weight = WEIGHTS[profile] * self.rng.uniform(0.55, 1.5)
        self.orgs.append(plan)
        return plan

    def founded(self, start: int, end: int) -> date:
        return date(self.rng.randint(start, end), self.rng.randint(1, 12), self.rng.randint(1, 28))

    @staticmethod
    def move(plan: OrgPlan, on: date, *, parent: int, kind: str | None = None, reason: str) -> None:
        last = plan.current
        plan.history.append(Segment(on, last.name, kind or last.kind, parent, last.sector, reason))

    @staticmethod
    def rename(plan: OrgPlan, on: date, name: str, reason: str) -> None:
        last = plan.current
        plan.history.append(Segment(on, name, last.kind, last.parent, last.sector, reason))

    def build(self) -> list[OrgPlan]:
        province = self.add(
            PROVINCE_CODE, f"Đảng bộ tỉnh {PROVINCE_NAME}", OrgKind.PROVINCE, Sector.OTHER, None, date(1976, 2, 3)
        )
        districts = [
            self.add(
                f"{PROVINCE_CODE}.H{n + 1:02d}",
                f"Đảng bộ {name}",
                OrgKind.UPPER,
                Sector.COMMUNE,
                province.index,
                date(1976, 6, 1),
            )
            for n, name in enumerate(OLD_DISTRICTS)
        ]
        for district in districts:
            district.dissolved_on = REFORM_2025
        for number, spec in enumerate(COMMUNES, start=1):
            self._commune(province, districts[spec.district], number, spec)
        for number, (name, sector, predecessor, grassroots) in enumerate(BLOCKS, start=len(COMMUNES) + 1):
            self._block(province, number, name, sector, predecessor, grassroots)
        return self.orgs

    def _commune(self, province: OrgPlan, district: OrgPlan, number: int, spec: CommuneSpec) -> None:
        rng = self.rng
        title = f"{spec.unit} {spec.name}"
        code = f"{PROVINCE_CODE}.{number:02d}"
        commune = self.add(code, f"Đảng bộ {title}", OrgKind.UPPER, Sector.COMMUNE, province.index, REFORM_2025)
        self.communes.append((spec, commune.index))
        old_unit = spec.unit if spec.unit == "xã" else ""
        olds = [
            self.add(
                f"{district.code}.{number:02d}{letter}",
                f"Đảng bộ {old_unit} {old}".replace("  ", " "),
                OrgKind.GRASSROOTS_COMMITTEE,
                Sector.COMMUNE,
                district.index,
                self.founded(1976, 1985),
            )
            for letter, old in zip("AB", spec.old_communes, strict=True)
        ]
        for old in olds:
            old.dissolved_on = REFORM_2025
        child = 0

        def next_code() -> str:
            nonlocal child
            child += 1
            return f"{code}.{child:02d}"

        village_word = "thôn" if spec.unit == "xã" else ""
        villages: list[OrgPlan] = []
        for place in spec.villages:
            old = olds[len(villages) % 2]
            name = f"Chi bộ {village_word} {place}".replace("  ", " ")
            place_label = f"Thôn {place}" if village_word else place
            cell = self.add(
                next_code(),
                name,
                OrgKind.CELL,
                Sector.COMMUNE,
                old.index,
                self.founded(1976, 1995),
                profile=VILLAGE,
                commune=title,
                place=place_label,
            )
            # A few villages got their present name later ("Chi bộ thôn 3" -> "Chi bộ thôn Tân Lập").
            if rng.random() < 0.2 and village_word:
                cell.history[0].name = f"Chi bộ thôn {len(villages) + 1}"
                self.rename(cell, self.founded(2005, 2015), name, REASON_RENAME)
            self.move(cell, REFORM_2025, parent=commune.index, kind=OrgKind.GRASSROOTS_CELL, reason=REASON_REFORM)
            villages.append(cell)
        # Villages merged in 2019–2020 (Nghị quyết sáp nhập thôn): the old cell is dissolved, its members moved.
        for host in rng.sample(villages, 2 if len(villages) > 6 else 1):
            merged_on = date(rng.choice((2019, 2020)), rng.randint(1, 12), 1)
            gone = self.add(
                f"{host.code}X",
                f"{host.history[0].name} B" if village_word else f"{host.history[0].name}A",
                OrgKind.CELL,
                Sector.COMMUNE,
                host.history[0].parent,
                self.founded(1976, 1990),
                profile=VILLAGE,
                commune=title,
                place=host.place,
            )
            gone.dissolved_on = merged_on
            gone.history[0].reason = ""
            host.absorbed.append(gone.index)
            host.weight *= 1.3

        def grassroots_cell(name: str, sector: str, profile: str) -> None:
            cell = self.add(
                next_code(),
                name,
                OrgKind.GRASSROOTS_CELL,
                sector,
                district.index,
                self.founded(1980, 2010),
                profile=profile,
                commune=title,
            )
            self.move(cell, REFORM_2025, parent=commune.index, reason=REASON_REFORM)

        grassroots_cell(f"Chi bộ các cơ quan Đảng, Mặt trận và đoàn thể {title}", Sector.PARTY_AGENCY, AGENCY)
        for school in ("Trường Mầm non", "Trường Tiểu học", "Trường THCS"):
            grassroots_cell(f"Chi bộ {school} {spec.name}", Sector.PUBLIC_SERVICE, SCHOOL)
        grassroots_cell(f"Chi bộ Công an {title}", Sector.POLICE, POLICE)
        grassroots_cell(f"Chi bộ Quân sự {title}", Sector.MILITARY, MILITARY)
        # The new commune government, created with the commune.
        ubnd = self.add(
            next_code(),
            f"Đảng bộ Ủy ban nhân dân {title}",
            OrgKind.GRASSROOTS_COMMITTEE,
            Sector.STATE_AGENCY,
            commune.index,
            REFORM_2025,
        )
        for n, office in enumerate(
            (
                "Văn phòng HĐND và UBND",
                "Phòng Kinh tế" if spec.unit == "xã" else "Phòng Kinh tế, Hạ tầng và Đô thị",
                "Phòng Văn hóa - Xã hội",
                "Trung tâm Phục vụ hành chính công",
                "Trạm Y tế",
            ),
            start=1,
        ):
            self.add(
                f"{ubnd.code}.{n:02d}",
                f"Chi bộ {office}",
                OrgKind.CELL,
                Sector.STATE_AGENCY,
                ubnd.index,
                REFORM_2025,
                commune=title,
            )
        if spec.unit == "phường":
            high = self.add(
                next_code(),
                f"Đảng bộ Trường THPT {spec.name}",
                OrgKind.GRASSROOTS_COMMITTEE,
                Sector.PUBLIC_SERVICE,
                district.index,
                self.founded(1985, 2000),
                profile=SCHOOL,
            )
            self.move(high, REFORM_2025, parent=commune.index, reason=REASON_REFORM)
            for n, group in enumerate(("Tổ Toán", "Tổ Ngữ văn", "Tổ Ngoại ngữ", "Tổ Khoa học tự nhiên"), start=1):
                self.add(
                    f"{high.code}.{n:02d}",
                    f"Chi bộ {group}",
                    OrgKind.CELL,
                    Sector.PUBLIC_SERVICE,
                    high.index,
                    high.founded_on,
                    profile=SCHOOL,
                    commune=title,
                )
        elif spec.highland:
            grassroots_cell(f"Chi bộ Hợp tác xã Nông nghiệp {spec.name}", Sector.PRIVATE_ENTERPRISE, ENTERPRISE)

    def _block(
        self,
        province: OrgPlan,
        number: int,
        name: str,
        sector: str,
        predecessor: str | None,
        grassroots: list[GrassrootsSpec],
    ) -> None:
        code = f"{PROVINCE_CODE}.{number:02d}"
        if predecessor is not None:
            upper = self.add(code, name, OrgKind.UPPER, sector, province.index, BLOCKS_2025)
            old = self.add(
                f"{PROVINCE_CODE}.K{number:02d}", predecessor, OrgKind.UPPER, sector, province.index, date(1990, 1, 1)
            )
            old.dissolved_on = BLOCKS_2025
            first_parent = old.index
        else:
            upper = self.add(code, name, OrgKind.UPPER, sector, province.index, date(1976, 3, 1))
            first_parent = upper.index
        for g, (g_name, g_sector, profile, cells, subs) in enumerate(grassroots, start=1):
            g_code = f"{code}.{g:02d}"
            is_committee = bool(cells or subs)
            kind = OrgKind.GRASSROOTS_COMMITTEE if is_committee else OrgKind.GRASSROOTS_CELL
            founded = self.founded(1976, 2005)
            top = self.add(g_code, g_name, kind, g_sector, first_parent, founded, profile=profile)
            if first_parent != upper.index:
                self.move(top, BLOCKS_2025, parent=upper.index, reason=REASON_BLOCKS)
            for s, (sub_name, sub_cells) in enumerate(subs.items(), start=1):
                sub = self.add(
                    f"{g_code}.B{s}", sub_name, OrgKind.SUB_COMMITTEE, g_sector, top.index, founded, profile=profile
                )
                for c, cell_name in enumerate(sub_cells, start=1):
                    self.add(
                        f"{sub.code}.{c:02d}", cell_name, OrgKind.CELL, g_sector, sub.index, founded, profile=profile
                    )
            for c, cell_name in enumerate(cells, start=1):
                self.add(f"{g_code}.{c:02d}", cell_name, OrgKind.CELL, g_sector, top.index, founded, profile=profile)


def plan_tree(rng: random.Random) -> tuple[list[OrgPlan], list[tuple[CommuneSpec, int]]]:
    planner = TreePlanner(rng)
    orgs = planner.build()
    return orgs, planner.communes
