"""Start Django for a benchmark script: the project's settings, a local secret key and the database
DATABASE_URL names, migrated. Every script in bench/ starts with `setup_django()`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvu.settings")
    from dangvu.cli import _ensure_local_secret

    _ensure_local_secret()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
