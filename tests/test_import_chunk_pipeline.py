"""The member import writes each chunk one chunk behind on PostgreSQL (`MemberHandler.process`): chunk N is
looked up and checked while the writer thread writes chunk N-1. These tests hold it to what a row-by-row
import would do: a member changed by one chunk and found again by the next is compared with its new values,
the foreign keys are back to deferred afterwards, and the keys drawn ahead are handed out in order."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from dangvu.audit.models import AuditRecord
from dangvu.exchange.bulk import BackgroundWriter, IdPool
from dangvu.exchange.pipeline import run_import
from dangvu.members.models import Member, MemberEvent, Membership
from tests.factories import World
from tests.test_import_pipeline import MEMBER_HEADERS, new_member_row, write_csv

pytestmark = pytest.mark.django_db


def member_row(member: Member, *, card: str, cccd: str, home_town: str) -> list[str]:
    """A row of `MEMBER_HEADERS` repeating the member's name, sex and birth date (required columns)."""
    sex = "Nữ" if member.sex == "female" else "Nam"
    return [card, member.full_name, sex, member.birth_date.strftime("%d/%m/%Y"), cccd, home_town, "", "", "", ""]


@pytest.mark.parametrize("chunk_rows", [1, 2, 5000])
@pytest.mark.parametrize("card_first", [True, False])
def test_one_member_named_by_its_card_in_one_row_and_its_cccd_alone_in_another_is_refused(
    world: World, tmp_path: Path, chunk_rows: int, card_first: bool
) -> None:
    """Two rows for one member would be compared with the same stored values (in one chunk) or with values
    the chunk before has still to write: the second row is refused, as a repeated key is, wherever the
    chunks split the file, and nothing is written."""
    binh = world.binh
    assert binh.citizen_id
    by_card = member_row(binh, card="10000002", cccd="", home_town="Xã Tân Lập")
    by_cccd = member_row(binh, card="", cccd=binh.citizen_id, home_town="Xã Mới")
    first, second = (by_card, by_cccd) if card_first else (by_cccd, by_card)
    other = member_row(world.an, card="10000001", cccd="", home_town="Xã Bình An")
    path = write_csv(tmp_path / "hai-lan.csv", [MEMBER_HEADERS, first, other, second])
    report = run_import(kind="members", path=path, user=world.commune_staff, commit=True, chunk_rows=chunk_rows)
    assert not report.committed
    assert [(p.row, p.column, p.message) for p in report.problems if p.level == "error"] == [
        (
            4,
            "Số thẻ đảng viên" if second is by_card else "Số CCCD",
            "Đảng viên này đã được ghi ở dòng 2 (nhận ra qua số thẻ đảng viên hoặc số CCCD); mỗi đảng viên chỉ"
            " được ghi một dòng.",
        )
    ]
    binh.refresh_from_db()
    world.an.refresh_from_db()
    assert (binh.home_town, world.an.home_town) == ("Xã An Phú", "Xã An Phú")
    assert not AuditRecord.objects.filter(action="update").exists()


@pytest.mark.parametrize("chunk_rows", [1, 2, 5000])
def test_new_and_changed_members_over_several_chunks_are_all_written(
    world: World, tmp_path: Path, chunk_rows: int
) -> None:
    rows = [
        MEMBER_HEADERS,
        new_member_row("0200001", "001090000001", "Lê Văn Một"),
        member_row(world.binh, card="10000002", cccd="", home_town="Xã Tân Lập"),
        new_member_row("0200002", "001090000002", "Lê Văn Hai"),
        new_member_row("0200003", "001090000003", "Lê Văn Ba"),
        member_row(world.an, card="10000001", cccd="", home_town="Xã Bình An"),
    ]
    report = run_import(
        kind="members",
        path=write_csv(tmp_path / "moi.csv", rows),
        user=world.commune_staff,
        commit=True,
        chunk_rows=chunk_rows,
    )
    assert report.committed and (report.new, report.changed) == (3, 2), report.problems
    created = Member.objects.filter(card_number__startswith="02000").order_by("card_number")
    assert [m.full_name for m in created] == ["Lê Văn Một", "Lê Văn Hai", "Lê Văn Ba"]
    assert all(Membership.objects.filter(member=m).count() == 2 for m in created)
    assert (
        AuditRecord.objects.filter(action="create", target_type="member", target_id__in=[m.pk for m in created]).count()
        == 3
    )
    world.binh.refresh_from_db()
    world.an.refresh_from_db()
    assert (world.binh.home_town, world.an.home_town) == ("Xã Tân Lập", "Xã Bình An")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SET CONSTRAINTS: PostgreSQL only")
def test_the_foreign_keys_are_deferred_again_after_an_import(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "moi.csv", [MEMBER_HEADERS, new_member_row()])
    report = run_import(kind="members", path=path, user=world.commune_staff, commit=True)
    assert report.committed, report.problems
    # Deferred: an event pointing at no member is accepted until the transaction ends (this savepoint is then
    # rolled back). Left immediate, the insert itself would fail.
    cell = world.office_cell
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberEvent.objects.create(member_id=-1, kind="admitted", on="2020-01-01", org=cell)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the check, now: the failure the mode deferred
    assert Member.objects.filter(card_number="0200001").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="keys drawn from a sequence: PostgreSQL only")
def test_keys_reserved_ahead_are_handed_out_in_order_and_never_twice() -> None:
    pool = IdPool(Member)
    pool.reserve(3)
    pool.reserve(2)  # already at hand: no query, no key skipped
    first = pool.take(2)
    pool.reserve(4)
    rest = pool.take(4)
    assert first == sorted(first) and rest == sorted(rest) and first[-1] < rest[0]
    assert len(set(first + rest)) == 6
    with pytest.raises(RuntimeError):
        pool.take(1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SET CONSTRAINTS: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_the_keys_are_made_immediate_inside_the_imports_own_transaction(world: World, tmp_path: Path) -> None:
    """The web job and the `import` command run in autocommit: the import opens its transaction after the
    handler is made. Outside a transaction PostgreSQL ignores SET CONSTRAINTS (a warning), so it must run
    inside, and be undone there."""
    seen: list[tuple[str, bool]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.startswith("SET CONSTRAINTS"):
            seen.append((sql, connection.in_atomic_block))
        return execute(sql, params, many, context)

    path = write_csv(tmp_path / "moi.csv", [MEMBER_HEADERS, new_member_row()])
    assert not connection.in_atomic_block
    with connection.execute_wrapper(record):
        report = run_import(kind="members", path=path, user=world.commune_staff, commit=True)
    assert report.committed, report.problems
    assert seen == [("SET CONSTRAINTS ALL IMMEDIATE", True), ("SET CONSTRAINTS ALL DEFERRED", True)]
    assert Member.objects.filter(card_number="0200001").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the writer thread: PostgreSQL only")
def test_the_main_thread_never_queries_while_a_chunk_is_handed_to_the_writer(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between `submit` and the next `wait` the connection is the writer's: a query from the main thread
    there (a lazy queryset read after the hand-over) would queue behind the writer's COPY on psycopg's
    connection lock, and the two threads would no longer work at the same time."""
    handed_over = threading.Event()
    stray: list[str] = []
    submit, wait = BackgroundWriter.submit, BackgroundWriter.wait

    def tracked_submit(self: BackgroundWriter, *args: Any) -> None:
        submit(self, *args)
        handed_over.set()

    def tracked_wait(self: BackgroundWriter) -> None:
        wait(self)
        handed_over.clear()

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if threading.current_thread() is threading.main_thread() and handed_over.is_set():
            stray.append(sql)
        return execute(sql, params, many, context)

    monkeypatch.setattr(BackgroundWriter, "submit", tracked_submit)
    monkeypatch.setattr(BackgroundWriter, "wait", tracked_wait)
    rows = [MEMBER_HEADERS, *(new_member_row(f"02000{i:02d}", f"0010900000{i:02d}", "Lê Văn Mới") for i in range(6))]
    path = write_csv(tmp_path / "moi.csv", rows)
    with connection.execute_wrapper(record):
        report = run_import(kind="members", path=path, user=world.commune_staff, commit=True, chunk_rows=2)
    assert report.committed and report.new == 6, report.problems
    assert stray == []


def test_a_new_members_audit_written_as_text_is_the_same_value_as_the_dict() -> None:
    """On PostgreSQL a new member's audit changes are written out as JSON text field by field
    (`_created_text`); elsewhere they go as the dict `_created` builds. Both must be one value, whatever the
    field's type (text with quotes, backslashes, control characters and Vietnamese, dates, a datetime,
    booleans, numbers, a choice, missing and empty values)."""
    from dangvu.exchange.kinds import KINDS
    from dangvu.exchange.pipeline import Context, MemberHandler, Report
    from dangvu.members.lifecycle import Status

    handler = MemberHandler(Context(kind=KINDS["members"], user=None, commit=False, note="", report=Report()))
    stored: dict[str, Any] = {
        "full_name": 'Nguyễn "Văn" \\ A\tB\u0001',
        "sex": "male",
        "birth_date": date(1970, 1, 31),
        "home_town": "",
        "citizen_id": "001070000001",
        "status": Status.ACTIVE,
        "is_probationary": False,
        "admitted_on": date(2000, 5, 19),
        "official_on": None,
        "status_since": datetime(2001, 5, 19, 7, 30, tzinfo=UTC),
        "position": 12,
        "phone": True,
    }
    for cell_code in ("CB-01", "Chi bộ “Mới”"):
        text = handler._created_text(stored, cell_code)
        assert json.loads(text) == handler._created(stored, cell_code)
    assert "ceremony_on" not in json.loads(text) and json.loads(text)["home_town"] == [None, ""]
