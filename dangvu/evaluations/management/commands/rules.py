"""`dangvu rules`: the rating regimes and their settings (rules DOMAIN-RULES marks UNCONFIRMED).

    dangvu rules list [--regime CODE]
    dangvu rules set CODE KEY VALUE --note "căn cứ"    (VALUE is JSON: 0.25, true, null, "HTTNV+HTXSNV")
    dangvu rules unset CODE KEY

Every change is written to the audit trail with its note (the document it rests on).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import JSONField, Value

from dangvu.audit.models import Action
from dangvu.audit.services import audit_record
from dangvu.evaluations.models import RuleSetting
from dangvu.evaluations.regimes import REGIMES, regime_by_code
from dangvu.evaluations.regimes.base import RatingInput, Regime, Setting

ERR_REGIME = "Không có quy định đánh giá mã “{code}”. Các mã: {codes}."
ERR_KEY = "Quy định {regime} không có cài đặt “{key}”. Các cài đặt: {keys}."
ERR_NO_KEYS = "Quy định {regime} không có cài đặt nào."
ERR_BOOL = "Cài đặt “{key}” nhận true hoặc false."
ERR_NUMBER = "Cài đặt “{key}” nhận một số (hoặc null nếu bỏ quy tắc)."
ERR_RATIO = "Cài đặt “{key}” là một tỷ lệ từ 0 đến 1 (ví dụ 0.2)."
ERR_CHOICE = "Cài đặt “{key}” nhận một trong: {choices}."
ERR_TEXT = "Cài đặt “{key}” nhận một chuỗi ký tự."
ERR_RULES = "Giá trị “{value}” làm quy tắc của {regime} không tính được: {error}"
ERR_NOT_SET = "Cài đặt {regime}.{key} chưa được đặt (đang dùng mặc định)."

# Settings whose values the rules read as one of a few words.
CHOICES = {"quota_base": ("HTTNV", "HTTNV+HTXSNV")}

UNCONFIRMED = "UNCONFIRMED – chưa xác nhận"


def _regime(code: str) -> Regime:
    try:
        return regime_by_code(code.upper())
    except LookupError:
        raise CommandError(ERR_REGIME.format(code=code, codes=", ".join(r.code for r in REGIMES))) from None


def _setting(regime: Regime, key: str) -> Setting:
    for setting in regime.settings:
        if setting.key == key:
            return setting
    if not regime.settings:
        raise CommandError(ERR_NO_KEYS.format(regime=regime.code))
    keys = ", ".join(s.key for s in regime.settings)
    raise CommandError(ERR_KEY.format(regime=regime.code, key=key, keys=keys))


def _parse(raw: str) -> Any:
    """JSON when it parses (0.25, true, null, "x"), else the raw text (HTTNV+HTXSNV)."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    try:
        Decimal(str(value))
    except InvalidOperation:
        return False
    return isinstance(value, int | float | str)


def validate(regime: Regime, setting: Setting, value: Any) -> None:
    """The value has the setting's kind, and the regime's rules still compute with it."""
    key, default = setting.key, setting.default
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise CommandError(ERR_BOOL.format(key=key))
    elif default is None or isinstance(default, int | float) or (isinstance(default, str) and _is_number(default)):
        if not (value is None or _is_number(value)):
            raise CommandError(ERR_NUMBER.format(key=key))
        if value is not None and key.endswith(("_ratio", "_share")) and not 0 <= Decimal(str(value)) <= 1:
            raise CommandError(ERR_RATIO.format(key=key))
    elif key in CHOICES:
        if value not in CHOICES[key]:
            raise CommandError(ERR_CHOICE.format(key=key, choices=", ".join(CHOICES[key])))
    elif isinstance(default, str) and not isinstance(value, str):
        raise CommandError(ERR_TEXT.format(key=key))
    overrides = {key: value}
    try:
        for subject in ("member", "org"):
            regime.quota(subject, overrides)
            regime.verdict(subject, RatingInput(score=Decimal(75)), overrides)
    except (ArithmeticError, KeyError, TypeError, ValueError) as error:
        raise CommandError(ERR_RULES.format(value=value, regime=regime.code, error=error)) from error


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _until(regime: Regime) -> date | None:
    later = [r.starts for r in REGIMES if r.starts > regime.starts]
    return min(later) - timedelta(days=1) if later else None


class Command(BaseCommand):
    help = "Xem và đặt các cài đặt của quy định đánh giá, xếp loại (các quy tắc chưa xác nhận)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        listing = actions.add_parser("list", help="Liệt kê các quy định và cài đặt")
        listing.add_argument("--regime", help="Chỉ một quy định (mã, ví dụ QD366)")
        setting = actions.add_parser("set", help="Đặt giá trị một cài đặt")
        setting.add_argument("code")
        setting.add_argument("key")
        setting.add_argument("value", help="Giá trị JSON: 0.25, true, null, HTTNV+HTXSNV")
        setting.add_argument("--note", default="", help="Căn cứ (văn bản, quyết định)")
        unsetting = actions.add_parser("unset", help="Bỏ giá trị đã đặt, trở về mặc định")
        unsetting.add_argument("code")
        unsetting.add_argument("key")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            self.show(options.get("regime"))
        elif action == "set":
            self.store(options["code"], options["key"], options["value"], options["note"])
        else:
            self.remove(options["code"], options["key"])

    def show(self, code: str | None) -> None:
        regimes = [_regime(code)] if code else list(REGIMES)
        stored = {(s.regime, s.key): s for s in RuleSetting.objects.filter(regime__in=[r.code for r in regimes])}
        for regime in regimes:
            until = _until(regime)
            span = f"từ {regime.starts:%d/%m/%Y} đến {until:%d/%m/%Y}" if until else f"từ {regime.starts:%d/%m/%Y}"
            kinds = ["năm, quý" if regime.quarterly else "năm", "chấm điểm" if regime.scored else "không chấm điểm"]
            self.stdout.write(f"{regime.code}  {regime.name}  {span}  ({'; '.join(kinds)})")
            if not regime.settings:
                self.stdout.write("    (không có cài đặt)")
            for setting in regime.settings:
                row = stored.get((regime.code, setting.key))
                current = (
                    f"{_shown(row.value)} (đã đặt" + (f"; căn cứ: {row.note})" if row.note else ")")
                    if row
                    else "mặc định"
                )
                mark = f"  [{UNCONFIRMED}]" if setting.unconfirmed else ""
                self.stdout.write(
                    f"    {setting.key} = {current}; mặc định {_shown(setting.default)}{mark}\n        {setting.label}"
                )

    @transaction.atomic
    def store(self, code: str, key: str, raw: str, note: str) -> None:
        regime = _regime(code)
        setting = _setting(regime, key)
        value = _parse(raw)
        validate(regime, setting, value)
        row = RuleSetting.objects.filter(regime=regime.code, key=key).first()
        before = row.value if row is not None else setting.default
        if row is None:
            row = RuleSetting(regime=regime.code, key=key)
        # JSON null must be stored as a JSON value: a bare None would be SQL NULL.
        row.value = Value(None, JSONField()) if value is None else value
        row.note = note.strip()[:255]
        row.save()
        audit_record(
            actor=None,
            action=Action.UPDATE,
            target_type="rule_setting",
            changes={f"{regime.code}.{key}": [before, value]},
            note=row.note,
        )
        self.stdout.write(f"Đã đặt {regime.code}.{key} = {_shown(value)} (trước: {_shown(before)}).")

    @transaction.atomic
    def remove(self, code: str, key: str) -> None:
        regime = _regime(code)
        setting = _setting(regime, key)
        row = RuleSetting.objects.filter(regime=regime.code, key=key).first()
        if row is None:
            raise CommandError(ERR_NOT_SET.format(regime=regime.code, key=key))
        before = row.value
        row.delete()
        audit_record(
            actor=None,
            action=Action.UPDATE,
            target_type="rule_setting",
            changes={f"{regime.code}.{key}": [before, setting.default]},
            note="Bỏ cài đặt, trở về mặc định",
        )
        self.stdout.write(f"Đã bỏ {regime.code}.{key}; dùng mặc định {_shown(setting.default)}.")
