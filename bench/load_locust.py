"""The locust user of `bench/load.py` (not run on its own): one logged-in session per simulated user.

`bench/load.py` logs the sessions in (a real login POST with the CSRF token) and writes a plan
(JSON, path in DANGVU_LOAD_PLAN): per session its cookies and the URLs of each page kind, the kinds'
weights, the think time. Each user takes the next session of the plan and loops: pick a page kind by
weight, one of its URLs, GET it (the session's cookies, no redirects followed), then think. Every
answer but 200 is a failure: each page of the mix answers 200 when healthy, and a redirect here would
mean the session was lost (sent to the login page).
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path
from typing import Any

from locust import FastHttpUser, task
from locust.exception import StopUser

PLAN: dict[str, Any] = json.loads(Path(os.environ["DANGVU_LOAD_PLAN"]).read_text())
KINDS: list[str] = list(PLAN["weights"])
WEIGHTS: list[int] = [PLAN["weights"][k] for k in KINDS]
THINK_MIN, THINK_MAX = PLAN["think"]
_next_session = itertools.count()


class Session(FastHttpUser):
    connection_timeout = 30.0
    network_timeout = 60.0

    def on_start(self) -> None:
        index = next(_next_session)
        if index >= len(PLAN["sessions"]):
            raise StopUser
        session = PLAN["sessions"][index]
        self.cookie = f"sessionid={session['sessionid']}; csrftoken={session['csrftoken']}"
        self.urls: dict[str, list[str]] = session["urls"]
        self.rng = random.Random(PLAN["seed"] * 1000 + index)

    def wait_time(self) -> float:
        # Concurrent sessions, not a request storm: each one reads a page for a moment before the next.
        return self.rng.uniform(THINK_MIN, THINK_MAX) if THINK_MAX > 0 else 0.0

    @task
    def page(self) -> None:
        kind = self.rng.choices(KINDS, WEIGHTS)[0]
        url = self.rng.choice(self.urls[kind])
        headers = {"Cookie": self.cookie, "X-Load-Kind": kind}
        with self.client.get(url, name=kind, headers=headers, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code} {url} {response.headers.get('Location', '')}")
