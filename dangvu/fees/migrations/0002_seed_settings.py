"""Seed the fee settings with the documented values (rules.SETTINGS); an admin edits them later."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from dangvu.fees.rules import SETTINGS

    FeeSetting = apps.get_model("fees", "FeeSetting")
    for spec in SETTINGS:
        value = spec.default.isoformat() if isinstance(spec.default, date) else spec.default
        FeeSetting.objects.get_or_create(key=spec.key, defaults={"value": value})


class Migration(migrations.Migration):
    dependencies = [("fees", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
