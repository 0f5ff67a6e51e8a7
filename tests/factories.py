"""Plain `make_*` helpers and the small fixed world every test file shares.

The world (built through the real service functions, so history and audit rows exist):

    T01  Đảng bộ tỉnh Mẫu (province)
    ├── X01  Đảng bộ xã An Phú (upper)
    │   ├── X01-01  Đảng bộ Cơ quan xã An Phú (grassroots committee)
    │   │   ├── X01-01-01  Chi bộ Văn phòng (cell)       — An, Bình, Châu (the member persona: Nguyễn Văn An)
    │   │   └── X01-01-02  Chi bộ Kinh tế (cell)          — Dũng
    │   └── X01-02  Chi bộ thôn Đông (grassroots cell)    — Đức (probationary)
    └── X02  Đảng bộ phường Bình Minh (upper)
        └── X02-01  Chi bộ khu phố 1 (grassroots cell)    — Giang (the outsider's member)

Personas: sysadmin (admin), province_staff (staff of T01), commune_staff (staff of X01), secretary
(secretary of X01-01-01), viewer (viewer of X01), member (Nguyễn Văn An), outsider (staff of X02).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

from dangvu.accounts.models import Role, User
from dangvu.members.models import Member
from dangvu.members.services import member_create
from dangvu.orgs.kinds import OrgKind, Sector
from dangvu.orgs.models import Org
from dangvu.orgs.services import org_create

PASSWORD = "mat-khau-thu-nghiem-2026"
_cccd = itertools.count(1)


def make_org(
    code: str, name: str, kind: str, parent: Org | None, sector: str = Sector.COMMUNE, since: date = date(2020, 1, 1)
) -> Org:
    return org_create(
        actor=None, code=code, name=name, kind=kind, sector=sector, parent=parent, founded_on=since, effective_on=since
    )


def make_member(
    cell: Org,
    full_name: str,
    *,
    sex: str = "male",
    birth_date: date = date(1980, 5, 17),
    admitted_on: date = date(2010, 3, 1),
    ceremony_on: date | None = date(2010, 3, 20),
    official_on: date | None = date(2011, 3, 20),
    **extra: Any,
) -> Member:
    data = {
        "full_name": full_name,
        "sex": sex,
        "birth_date": birth_date,
        "home_town": "Xã An Phú",
        "ethnicity": "Kinh",
        "religion": "Không",
        "citizen_id": f"0012800{next(_cccd):05d}",
        "phone": "0912345678",
        "address": "Thôn Đông, xã An Phú",
        **extra,
    }
    return member_create(
        actor=None, data=data, cell=cell, admitted_on=admitted_on, ceremony_on=ceremony_on, official_on=official_on
    ).member


def make_user(username: str, role: str, scope: Org | None = None, member: Member | None = None) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, role=role, scope=scope, member=member)
    return user


@dataclass
class World:
    province: Org
    commune: Org
    agency: Org
    office_cell: Org
    economy_cell: Org
    village_cell: Org
    other_commune: Org
    other_cell: Org
    an: Member
    binh: Member
    chau: Member
    dung: Member
    duc: Member
    giang: Member
    sysadmin: User
    province_staff: User
    commune_staff: User
    secretary: User
    viewer: User
    member: User
    outsider: User


def build_world() -> World:
    province = make_org("T01", "Đảng bộ tỉnh Mẫu", OrgKind.PROVINCE, None, Sector.OTHER)
    commune = make_org("X01", "Đảng bộ xã An Phú", OrgKind.UPPER, province)
    agency = make_org("X01-01", "Đảng bộ Cơ quan xã An Phú", OrgKind.GRASSROOTS_COMMITTEE, commune, Sector.STATE_AGENCY)
    office_cell = make_org("X01-01-01", "Chi bộ Văn phòng", OrgKind.CELL, agency, Sector.STATE_AGENCY)
    economy_cell = make_org("X01-01-02", "Chi bộ Kinh tế", OrgKind.CELL, agency, Sector.STATE_AGENCY)
    village_cell = make_org("X01-02", "Chi bộ thôn Đông", OrgKind.GRASSROOTS_CELL, commune)
    other_commune = make_org("X02", "Đảng bộ phường Bình Minh", OrgKind.UPPER, province)
    other_cell = make_org("X02-01", "Chi bộ khu phố 1", OrgKind.GRASSROOTS_CELL, other_commune)
    an = make_member(office_cell, "Nguyễn Văn An", card_number="10000001")
    binh = make_member(office_cell, "Trần Thị Bình", sex="female", card_number="10000002", ethnicity="Tày")
    chau = make_member(office_cell, "Lê Minh Châu", card_number="10000003")
    dung = make_member(economy_cell, "Phạm Văn Dũng", card_number="10000004")
    duc = make_member(
        village_cell,
        "Hoàng Đức",
        admitted_on=date(2026, 3, 2),
        ceremony_on=date(2026, 3, 20),
        official_on=None,
        birth_date=date(2000, 1, 1),
    )
    giang = make_member(other_cell, "Võ Thị Giang", sex="female", card_number="10000006")
    return World(
        province=province,
        commune=commune,
        agency=agency,
        office_cell=office_cell,
        economy_cell=economy_cell,
        village_cell=village_cell,
        other_commune=other_commune,
        other_cell=other_cell,
        an=an,
        binh=binh,
        chau=chau,
        dung=dung,
        duc=duc,
        giang=giang,
        sysadmin=make_user("sysadmin", Role.ADMIN),
        province_staff=make_user("province_staff", Role.STAFF, province),
        commune_staff=make_user("commune_staff", Role.STAFF, commune),
        secretary=make_user("secretary", Role.SECRETARY, office_cell),
        viewer=make_user("viewer", Role.VIEWER, commune),
        member=make_user("member", Role.MEMBER, member=an),
        outsider=make_user("outsider", Role.STAFF, other_commune),
    )
