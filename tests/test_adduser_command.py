from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from dangvu.accounts.models import Role, User
from dangvu.audit.models import AuditRecord
from tests.factories import World


def test_it_creates_a_staff_account_scoped_to_an_org_code(world: World, monkeypatch) -> None:
    monkeypatch.setenv("NEW_PASSWORD", "Mot-mat-khau-dai-2026")
    call_command("adduser", "canbo", role="staff", scope="x01", password_env="NEW_PASSWORD")
    user = User.objects.get(username="canbo")
    assert user.role == Role.STAFF and user.scope == world.commune
    assert user.check_password("Mot-mat-khau-dai-2026")
    assert AuditRecord.objects.filter(target_type="user", target_id=user.pk).exists()


def test_it_refuses_an_unknown_org_code(world: World, monkeypatch) -> None:
    monkeypatch.setenv("NEW_PASSWORD", "Mot-mat-khau-dai-2026")
    with pytest.raises(CommandError, match="Không có tổ chức mã"):
        call_command("adduser", "canbo", role="staff", scope="KHONGCO", password_env="NEW_PASSWORD")


def test_it_refuses_a_weak_password(world: World, monkeypatch) -> None:
    monkeypatch.setenv("NEW_PASSWORD", "123")
    with pytest.raises(CommandError):
        call_command("adduser", "canbo", role="viewer", scope="X01", password_env="NEW_PASSWORD")
    assert not User.objects.filter(username="canbo").exists()


def test_a_member_account_is_linked_by_card_number(world: World, monkeypatch) -> None:
    monkeypatch.setenv("NEW_PASSWORD", "Mot-mat-khau-dai-2026")
    call_command("adduser", "dvbinh", role="member", card="10000002", password_env="NEW_PASSWORD")
    assert User.objects.get(username="dvbinh").member == world.binh
