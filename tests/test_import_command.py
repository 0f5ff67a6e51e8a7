"""`dangvu import FILE --kind … [--dry-run] [--user …]`: exit codes, counts, problems, progress."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from dangvu.exchange.models import ImportJob, JobStatus
from dangvu.members.models import Member
from tests.factories import World

HEADERS = ["Số thẻ đảng viên", "Họ và tên", "Giới tính", "Ngày sinh", "Mã chi bộ", "Ngày vào Đảng", "Ngày lễ kết nạp"]
GOOD = ["0300001", "Đỗ Văn Nhập", "Nam", "02/03/1988", "X01-01-01", "01/03/2015", "20/03/2015"]

pytestmark = pytest.mark.django_db


def write(path: Path, *rows: list[Any]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([HEADERS, *rows])
    return path


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"


def test_a_dry_run_prints_counts_and_writes_nothing(world: World, tmp_path: Path) -> None:
    code, out, err = run(str(write(tmp_path / "a.csv", GOOD)), "--kind", "members", "--dry-run")
    assert code == 0 and "thêm mới 1" in out and "--dry-run" in out
    assert "Kiểm tra: 1 dòng" in err
    assert not Member.objects.filter(card_number="0300001").exists()
    assert ImportJob.objects.get().status == JobStatus.DRY_RUN_DONE


def test_a_commit_writes_and_a_second_run_changes_nothing(world: World, tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", GOOD)
    code, out, _ = run(str(path), "--kind", "members", "--user", "commune_staff")
    assert code == 0 and "Đã ghi vào cơ sở dữ liệu" in out
    assert Member.objects.get(card_number="0300001").current_org == world.office_cell
    code, out, _ = run(str(path), "--kind", "members")
    assert code == 0 and "thêm mới 0, thay đổi 0, không đổi 1" in out


def test_a_rejected_file_exits_1_and_prints_every_problem(world: World, tmp_path: Path) -> None:
    bad = [*GOOD[:4], "KHONG-CO", *GOOD[5:]]
    bad[0] = "0300003"
    outside = [*GOOD[:4], "X02-01", *GOOD[5:]]
    outside[0] = "0300002"
    path = write(tmp_path / "b.csv", GOOD, bad, outside)
    code, out, _ = run(str(path), "--kind", "members", "--user", "commune_staff")
    assert code == 1 and "KHÔNG GHI" in out
    assert "LỖI dòng 3, cột “Mã chi bộ”: Không có tổ chức mã “KHONG-CO” trong hệ thống." in out
    assert "LỖI dòng 4, cột “Mã chi bộ”" in out
    assert not Member.objects.filter(card_number="0300001").exists()
    assert ImportJob.objects.get().status == JobStatus.REJECTED


def test_a_wrong_file_exits_1_with_its_message(world: World, tmp_path: Path) -> None:
    path = tmp_path / "rong.csv"
    path.write_bytes(b"")
    code, out, _ = run(str(path), "--kind", "orgs")
    assert code == 1 and "Tệp bị từ chối: Tệp rỗng" in out


def test_unknown_user_or_file_is_a_command_error(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("import", str(tmp_path / "khong-co.csv"), "--kind", "orgs")
    with pytest.raises(CommandError):
        call_command("import", str(write(tmp_path / "a.csv", GOOD)), "--kind", "members", "--user", "ai-do")
