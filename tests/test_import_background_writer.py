"""The member import's second thread (`exchange.bulk.BackgroundWriter`) writes on the caller's connection,
inside its transaction, and a write that fails is raised to the caller, never lost."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from dangvu.audit.models import AuditRecord
from dangvu.exchange.bulk import BackgroundWriter, bulk_insert

pytestmark = pytest.mark.django_db


def audit_row(note: str) -> dict[str, object]:
    return {
        "at": timezone.now(),
        "actor_name": "hệ thống",
        "action": "create",
        "target_type": "member",
        "target_id": 1,
        "changes": {},
        "note": note,
    }


def test_a_write_runs_in_another_thread_inside_the_callers_transaction() -> None:
    threads: list[threading.Thread] = []

    def write(note: str) -> None:
        threads.append(threading.current_thread())
        bulk_insert(AuditRecord, [audit_row(note)])

    writer = BackgroundWriter()
    try:
        writer.submit(write, "một")
        writer.submit(write, "hai")  # waits for the first one
        writer.wait()
    finally:
        writer.close()
    assert threads and all(thread is not threading.current_thread() for thread in threads)
    # The test's transaction (never committed) sees both rows: the thread used this very connection.
    assert sorted(AuditRecord.objects.values_list("note", flat=True)) == ["hai", "một"]
    assert connection.in_atomic_block


def test_a_failed_write_is_raised_by_the_next_wait_and_the_connection_is_released() -> None:
    def write() -> None:
        raise RuntimeError("hỏng")

    writer = BackgroundWriter()
    writer.submit(write)
    with pytest.raises(RuntimeError, match="hỏng"):
        writer.wait()
    writer.close()
    assert connection.allow_thread_sharing is False
    assert AuditRecord.objects.count() == 0
