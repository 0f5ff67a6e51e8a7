from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dangvu.audit.models import AuditRecord
from dangvu.evaluations.models import RuleSetting
from dangvu.evaluations.regimes import REGIMES, regime_by_code
from dangvu.evaluations.services import rule_overrides

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("rules", *args, stdout=out)
    return out.getvalue()


def test_list_shows_every_regime_with_its_dates_and_settings() -> None:
    out = run("list")
    for regime in REGIMES:
        assert regime.code in out
        for setting in regime.settings:
            assert setting.key in out
    assert "HD20  HD 20-HD/BTCTW (2008)  từ 10/10/2008 đến 24/09/2014" in out
    assert "QD124  QĐ 124-QĐ/TW (2023)  từ 04/10/2023 đến 29/08/2025" in out
    assert "từ 30/08/2025  (năm, quý; chấm điểm)" in out
    assert "UNCONFIRMED – chưa xác nhận" in out


def test_list_of_one_regime_marks_unconfirmed_settings_only() -> None:
    out = run("list", "--regime", "qd132")
    assert "QD366" not in out and "QD132" in out
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("    ") and "=" in line}
    assert "chưa xác nhận" in lines["quota_base"]
    assert "chưa xác nhận" not in lines["member_quota_ratio"]
    assert 'quota_base = mặc định; mặc định "HTTNV"' in out


def test_set_stores_the_json_value_with_its_note_and_audits_it() -> None:
    out = run("set", "QD366", "quota_base", "HTTNV+HTXSNV", "--note", "CV 10072-CV/BTCTW")
    assert "Đã đặt QD366.quota_base" in out
    row = RuleSetting.objects.get(regime="QD366", key="quota_base")
    assert row.value == "HTTNV+HTXSNV" and row.note == "CV 10072-CV/BTCTW"
    assert rule_overrides(regime_by_code("QD366")) == {"quota_base": "HTTNV+HTXSNV"}
    record = AuditRecord.objects.get(target_type="rule_setting")
    assert record.changes == {"QD366.quota_base": ["HTTNV", "HTTNV+HTXSNV"]}
    assert record.note == "CV 10072-CV/BTCTW" and record.actor is None
    assert '"HTTNV+HTXSNV" (đã đặt; căn cứ: CV 10072-CV/BTCTW)' in run("list", "--regime", "QD366")


def test_set_parses_numbers_booleans_and_null() -> None:
    run("set", "HD27", "tsvm_min_score", "95")
    run("set", "QD124", "disciplined_member_fails", "true")
    run("set", "QD124", "org_quota_ratio", "null")
    values = dict(RuleSetting.objects.values_list("key", "value"))
    assert values == {"tsvm_min_score": 95, "disciplined_member_fails": True, "org_quota_ratio": None}
    assert regime_by_code("QD124").quota("org", rule_overrides(regime_by_code("QD124"))) is None


def test_set_twice_updates_the_same_row_and_audits_the_old_value() -> None:
    run("set", "QD366", "quota_ratio", "0.2")
    run("set", "QD366", "quota_ratio", "0.15", "--note", "Kế hoạch tỉnh")
    assert RuleSetting.objects.get().value == 0.15
    last = AuditRecord.objects.filter(target_type="rule_setting").order_by("pk").last()
    assert last is not None and last.changes == {"QD366.quota_ratio": [0.2, 0.15]}


def test_unset_returns_to_the_default_and_audits_it() -> None:
    run("set", "QD132", "quota_base", "HTTNV+HTXSNV")
    out = run("unset", "QD132", "quota_base")
    assert 'dùng mặc định "HTTNV"' in out
    assert not RuleSetting.objects.exists()
    assert AuditRecord.objects.filter(target_type="rule_setting").count() == 2


def test_unset_of_a_setting_never_set_is_an_error() -> None:
    with pytest.raises(CommandError, match="chưa được đặt"):
        run("unset", "QD132", "quota_base")


def test_an_unknown_key_is_refused_in_vietnamese() -> None:
    with pytest.raises(CommandError, match=r"Quy định QD366 không có cài đặt “quota_rate”\. Các cài đặt: quota_ratio"):
        run("set", "QD366", "quota_rate", "0.3")
    assert not RuleSetting.objects.exists() and not AuditRecord.objects.exists()


def test_an_unknown_regime_is_refused_in_vietnamese() -> None:
    with pytest.raises(CommandError, match="Không có quy định đánh giá mã “QD999”"):
        run("set", "QD999", "quota_ratio", "0.3")
    with pytest.raises(CommandError, match="Không có quy định đánh giá mã"):
        run("list", "--regime", "QD999")


@pytest.mark.parametrize(
    ("code", "key", "value", "message"),
    [
        ("QD366", "excellent_needs_no_disciplined_member", "1", "true hoặc false"),
        ("QD366", "quota_ratio", "nhiều", "một số"),
        ("QD366", "quota_ratio", "true", "một số"),
        ("QD366", "quota_ratio", "1.5", "tỷ lệ từ 0 đến 1"),
        ("QD132", "quota_base", "HTXSNV", r"HTTNV, HTTNV\+HTXSNV"),
        ("QD366", "member_peer_group", "3", "chuỗi ký tự"),
        ("QD366", "quota_ratio", "null", "không tính được"),
    ],
)
def test_a_value_of_the_wrong_kind_is_refused(code: str, key: str, value: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run("set", code, key, value)
    assert not RuleSetting.objects.exists()
