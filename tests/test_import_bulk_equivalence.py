"""The member import writes in bulk (COPY on PostgreSQL, bulk_create on SQLite) and derives the events, the
membership history and the cached state itself: this compares every row it writes with the rows the
per-record services (`member_create`, `member_update`, which the forms use) write for the same file.

The oracle is independent of the import's writer: each data row is read from the file with the csv module
or openpyxl and passed to the services one by one. Ids and timestamps differ between two runs and are left
out; everything else must be equal: members (every stored field), events, memberships, and the audit row
of each created or changed member."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.db import transaction

from dangvu.audit.models import Action, AuditRecord
from dangvu.exchange.kinds import KINDS
from dangvu.exchange.pipeline import run_import
from dangvu.members.models import Member, MemberEvent, Membership
from dangvu.members.services import member_create, member_update
from dangvu.orgs.models import Org
from tests.factories import World

pytestmark = pytest.mark.django_db

KEYS = [
    "card_number",
    "full_name",
    "sex",
    "birth_date",
    "citizen_id",
    "ethnicity",
    "religion",
    "home_town",
    "cell_code",
    "admitted_on",
    "ceremony_on",
    "official_on",
    "occupation",
    "phone",
]
# The import's own headers for those columns.
HEADERS = [{c.key: c.header for c in KINDS["members"].columns}[key] for key in KEYS]
CELLS = ["X01-01-01", "X01-01-02", "X01-02"]
NAMES = ["Nguyễn Văn An", "Trần Thị Hoà", "Lê Minh Đức", "Phạm Thu Hà", "Hoàng Thị Lan", "Vũ Quang Hải"]


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def file_rows(n: int) -> list[list[str]]:
    """n new members (with and without ceremony, official date, ethnicity, religion, phone) and two changes
    to members of the world (a new phone; a new name and occupation)."""
    rng = random.Random(8)
    rows: list[list[str]] = []
    for i in range(n):
        birth = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 50))
        admitted = min(birth + timedelta(days=365 * rng.randint(19, 40)), date(2025, 6, 1))
        ceremony = admitted + timedelta(days=rng.randint(5, 30)) if i % 5 else None
        start = ceremony or admitted
        official = (
            start.replace(year=start.year + 1)
            if i % 3 and start.replace(year=start.year + 1) < date(2026, 1, 1)
            else None
        )
        rows.append(
            [
                f"03{i:06d}",
                rng.choice(NAMES),
                rng.choice(["Nam", "Nữ"]),
                _day(birth),
                f"0010{birth.year % 100:02d}{i:06d}",
                "Tày" if i % 7 == 0 else ("" if i % 2 else "Kinh"),
                "Phật giáo" if i % 11 == 0 else "",
                "Xã An Phú" if i % 4 else "",
                CELLS[i % len(CELLS)],
                _day(admitted),
                _day(ceremony),
                _day(official),
                "Giáo viên" if i % 6 == 0 else "",
                f"09{rng.randint(10_000_000, 99_999_999)}" if i % 2 else "",
            ]
        )
    rows.append(["10000001", "Nguyễn Văn An", "Nam", "17/05/1980", "", "", "", "", "", "", "", "", "", "0987654321"])
    rows.append(["10000004", "Phạm Văn Dũng Em", "Nam", "17/05/1980", "", "", "", "", "", "", "", "", "Kỹ sư", ""])
    return rows


def write_file(path: Path, rows: list[list[str]]) -> Path:
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows([HEADERS, *rows])
    else:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["DANH SÁCH ĐẢNG VIÊN"])
        sheet.append(HEADERS)
        for row in rows:
            sheet.append(row)
        book.save(path)
    return path


def through_services(world: World, rows: list[list[str]]) -> None:
    """The per-record path: each row to member_create (new) or member_update (known card number)."""

    def parse(text: str) -> date | None:
        if not text:
            return None
        day, month, year = (int(part) for part in text.split("/"))
        return date(year, month, day)

    sexes = {"Nam": "male", "Nữ": "female"}
    for row in rows:
        v = dict(zip(KEYS, row, strict=True))
        data: dict[str, Any] = {
            k: v[k] for k in ("card_number", "full_name", "citizen_id", "ethnicity", "religion", "home_town") if v[k]
        }
        data.update({k: v[k] for k in ("occupation", "phone") if v[k]})
        data["sex"], data["birth_date"] = sexes[v["sex"]], parse(v["birth_date"])
        existing = Member.objects.filter(card_number=v["card_number"]).first()
        if existing is not None:
            member_update(actor=world.commune_staff, member=existing, data=data)
            continue
        member_create(
            actor=world.commune_staff,
            data=data,
            cell=Org.objects.get(code=v["cell_code"]),
            admitted_on=parse(v["admitted_on"]),  # type: ignore[arg-type]
            ceremony_on=parse(v["ceremony_on"]),
            official_on=parse(v["official_on"]),
        )


def written(since_audit: int) -> dict[str, Any]:
    """Every row about members, keyed by card number instead of ids; timestamps left out."""
    codes: dict[Any, Any] = dict(Org.objects.values_list("pk", "code"))
    cards: dict[Any, Any] = dict(Member.objects.values_list("pk", "card_number"))
    members: dict[Any, dict[str, Any]] = {}
    for stored in Member.objects.values():
        values: dict[str, Any] = dict(stored)
        card = values.pop("card_number")
        for name in ("id", "created_at", "updated_at"):
            values.pop(name)
        values["current_org_id"] = codes.get(values["current_org_id"])
        values["name_sort_key"] = bytes(values["name_sort_key"])
        members[card] = values
    events: dict[Any, list[tuple[Any, ...]]] = {}
    for e in MemberEvent.objects.order_by("member_id", "pk").values():
        events.setdefault(cards[e["member_id"]], []).append(
            (
                e["kind"],
                e["on"],
                codes.get(e["org_id"]),
                e["ceremony_on"],
                e["external_org"],
                e["expected_end"],
                e["decision_no"],
                e["decided_by"],
                e["created_by_id"],
                e["deleted_at"],
            )
        )
    memberships: dict[Any, list[tuple[Any, ...]]] = {}
    for m in Membership.objects.order_by("member_id", "pk").values():
        memberships.setdefault(cards[m["member_id"]], []).append(
            (codes[m["org_id"]], m["status"], m["is_probationary"], m["valid_from"], m["valid_to"])
        )
    audits: dict[Any, list[tuple[Any, ...]]] = {}
    for a in AuditRecord.objects.filter(pk__gt=since_audit, target_type="member").order_by("pk").values():
        changes = dict(a["changes"])
        changes.pop("current_org", None)  # the services write the cell's name, the import its code
        audits.setdefault(cards[a["target_id"]], []).append(
            (a["action"], a["actor_id"], a["actor_name"], a["target_repr"], changes)
        )
    return {"members": members, "events": events, "memberships": memberships, "audits": audits}


class _Rollback(Exception):
    pass


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_bulk_import_writes_exactly_what_the_services_write_row_by_row(
    world: World, tmp_path: Path, suffix: str
) -> None:
    rows = file_rows(60)
    path = write_file(tmp_path / f"dang-vien{suffix}", rows)
    last_audit = AuditRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    try:
        with transaction.atomic():
            report = run_import(kind="members", path=path, user=world.commune_staff, commit=True, chunk_rows=7)
            assert report.committed and (report.new, report.changed, report.errors) == (60, 2, 0)
            imported = written(last_audit)
            notes = set(
                AuditRecord.objects.filter(pk__gt=last_audit, target_type="member").values_list("note", flat=True)
            )
            admissions = MemberEvent.objects.filter(member__card_number__startswith="03", kind="admitted")
            admission_notes = set(admissions.values_list("note", flat=True))
            cells = dict(admissions.values_list("member__card_number", "org__code"))
            import_orgs = {
                a.target_id: a.changes.get("current_org")
                for a in AuditRecord.objects.filter(pk__gt=last_audit, action=Action.CREATE)
            }
            card_of: dict[Any, Any] = dict(Member.objects.values_list("pk", "card_number"))
            raise _Rollback
    except _Rollback:
        pass
    assert not Member.objects.filter(card_number__startswith="03").exists()

    through_services(world, rows)
    expected = written(last_audit)

    for table in ("members", "events", "memberships", "audits"):
        assert imported[table] == expected[table], table
    # What only the import writes: the file named on every audit row and admission, the cell's code.
    assert notes == admission_notes == {f"Nhập từ tệp dang-vien{suffix} (job #—)"}
    assert {card_of[pk]: change for pk, change in import_orgs.items()} == {c: [None, code] for c, code in cells.items()}
    assert len(imported["audits"]) == 62 and all(len(a) == 1 for a in imported["audits"].values())
