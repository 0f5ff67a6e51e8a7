"""Time `dangvu demo` (15,000 members by default) on the database DATABASE_URL names.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/demo_load.py [members] [runs]

Migrates the database first; every run replaces the data (the second run includes the reset).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    members = int(sys.argv[1]) if len(sys.argv) > 1 else 15_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvu.settings")
    from dangvu.cli import _ensure_local_secret

    _ensure_local_secret()
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0)
    from dangvu.demo.generator import demo_load

    for run in range(1, runs + 1):
        started = time.perf_counter()
        summary = demo_load(members=members)
        elapsed = time.perf_counter() - started
        print(
            f"{connection.vendor} run {run}: {summary.members} members, {summary.orgs} orgs, "
            f"{summary.events} events in {elapsed:.1f} s"
        )


if __name__ == "__main__":
    main()
