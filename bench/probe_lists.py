"""Every member list and search URL of a load plan, in-process, the slow ones printed: the tail that
`bench/load.py` shows only as a percentile (one list or search in a few hundred taking seconds).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/dv_national .venv/bin/python bench/probe_lists.py \\
        /tmp/dangvu-load-XXXX/plan.json [--over 500]

The plan is the `plan.json` that `bench/load.py` leaves in its files folder (the sessions' accounts and
URLs). Read-only: each session's account is logged in through Django's test client (no request, no
session row written to the database's sessions table beyond the test client's own).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from _django import setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("plan", help="plan.json of a bench/load.py run")
    parser.add_argument("--over", type=float, default=500.0, help="print the URLs slower than this (ms)")
    parser.add_argument("--kinds", default="list,search", help="page kinds of the plan to probe")
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.test import Client

    from dangvu.accounts.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    plan = json.loads(Path(args.plan).read_text(encoding="utf-8"))
    kinds = args.kinds.split(",")
    slow: list[tuple[float, int, str, str]] = []
    times: list[float] = []
    for session in plan["sessions"]:
        client = Client()
        client.force_login(User.objects.get(username=session["username"]))
        for kind in kinds:
            for url in session["urls"].get(kind, []):
                started = time.perf_counter()
                status = client.get(url).status_code
                ms = (time.perf_counter() - started) * 1000
                times.append(ms)
                if ms > args.over or status != 200:
                    slow.append((ms, status, session["username"], url))
    times.sort()
    print(f"{len(times)} URLs ({', '.join(kinds)}); median {times[len(times) // 2]:.0f} ms, max {times[-1]:.0f} ms")
    print(f"{len(slow)} over {args.over:.0f} ms or not 200:")
    for ms, status, username, url in sorted(slow, reverse=True):
        print(f"  {ms:8.0f} ms  {status}  {username:16} {url}")


if __name__ == "__main__":
    main()
