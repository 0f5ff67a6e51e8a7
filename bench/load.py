"""The web app under load: gunicorn against DATABASE_URL, N logged-in sessions driven by locust for a
bounded time over a mix of pages; prints requests, rps, p50/p95/p99 per page kind and overall, and
the errors (exit status 1 when there is any).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/dv_load_bench .venv/bin/python bench/load.py
    … bench/load.py --users 50 --run-time 60 --workers 4 --threads 1 --think 1,3

It WRITES to the database (use a copy of a benchmark dataset, e.g. `createdb -T dv_bench1m …`): the
accounts `load-*` once (through `dangvu adduser`, audited), a session row per login and the login
bookkeeping (last_login, django-axes); the page mix itself only GETs.

Steps: migrate; create the accounts and sample each session's URLs from its scope (`load_plan.py`);
empty the page caches (the tree and report of the root and provinces, `dangvu.tallies.cache`; kept with
--warm-cache);
start gunicorn as the README's deployment runs it (`gunicorn dangvu.wsgi`, production settings:
DEBUG off, persistent database connections) on 127.0.0.1:--port; log every session in with a real
login POST carrying the CSRF token; run locust headless (`load_locust.py`, one user per session, all
started at once, statistics reset once every user runs) for --run-time seconds; stop gunicorn.
Client-side latency (locust, includes the time a request waits for a free worker) is the figure;
the gunicorn access log gives the time inside the worker beside it, and the CPU seconds of the server,
the load generator and the whole machine show how much the generator took from the server on a
shared 2-core machine. Locust is installed into this Python's environment from PyPI if missing.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

from _django import setup_django

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
TARGET_P95_MS = 300.0
LOGIN_PATH = "/tai-khoan/dang-nhap/"
ACCESS_FORMAT = "%({x-load-kind}i)s %(s)s %(M)s"


def ensure_locust() -> None:
    try:
        import locust  # noqa: F401
    except ImportError:
        print("locust is not installed: pip install locust (PyPI) …", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "locust>=2.30"], check=True)


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    found = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def login(port: int, username: str, password: str) -> tuple[dict[str, str], float]:
    """A real login: GET the form (CSRF cookie + token), POST it; the session and CSRF cookies, seconds."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", LOGIN_PATH)
    response = conn.getresponse()
    html = response.read().decode()
    cookies = _cookies(response)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if response.status != 200 or match is None or "csrftoken" not in cookies:
        raise RuntimeError(f"login form of {username}: HTTP {response.status}")
    body = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": match.group(1), "next": ""}
    )
    conn.request(
        "POST",
        LOGIN_PATH,
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookies['csrftoken']}"},
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    cookies.update(_cookies(response))
    if response.status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"login of {username}: HTTP {response.status}, no session")
    return cookies, time.perf_counter() - started


def check_port_free(port: int) -> None:
    """Refuse to start when something already listens on the port: gunicorn would keep retrying the bind
    while `wait_ready` got its answer from that other server, and the run would measure it instead."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As gunicorn binds: the connections of an earlier run waiting out TIME_WAIT do not count, a
        # listening server does (Linux refuses that bind even with SO_REUSEADDR).
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            raise SystemExit(f"port {port} is in use ({error}): choose another with --port") from None


def wait_ready(port: int, server: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", LOGIN_PATH)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer in time")


def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and its waited-for children."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(int(v) for v in fields[11:15]) / ticks


def _tree_cpu(root: int) -> float:
    """CPU seconds of a process and its live children (gunicorn: the master and its workers)."""
    total = _proc_cpu(root)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == root:
            total += _proc_cpu(int(stat.parent.name))
    return total


def _machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def server_times(access_log: Path) -> dict[str, list[float]]:
    """Milliseconds inside gunicorn by page kind (the `X-Load-Kind` header locust sends)."""
    by_kind: dict[str, list[float]] = {}
    for line in access_log.read_text().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] != "-":
            by_kind.setdefault(parts[0], []).append(float(parts[2]))
    return by_kind


def load_plan_weights() -> dict[str, int]:
    import load_plan  # no Django needed for the weights

    return load_plan.WEIGHTS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50, help="concurrent sessions (default 50)")
    parser.add_argument("--run-time", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (default 4)")
    parser.add_argument(
        "--warm-cache", action="store_true", help="keep the page caches of the last run (default: emptied first)"
    )
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (>1: gthread; default 1)")
    parser.add_argument("--think", default="1,3", help="think time between a session's pages, MIN,MAX s")
    parser.add_argument("--mix", default="", help="page weights, e.g. report=0,tree=20 (default: load_plan.WEIGHTS)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", help="directory for the plan, locust CSVs and logs (default: a temp dir)")
    args = parser.parse_args()
    check_port_free(args.port)
    think = tuple(float(v) for v in args.think.split(","))
    if len(think) != 2 or not 0 <= think[0] <= think[1]:
        parser.error("--think MIN,MAX")

    weights = dict(load_plan_weights())
    for item in filter(None, args.mix.split(",")):
        kind, _, weight = item.partition("=")
        if kind not in weights or not weight.isdigit():
            parser.error(f"--mix: {item}")
        weights[kind] = int(weight)
    weights = {kind: weight for kind, weight in weights.items() if weight}
    ensure_locust()
    setup_django()
    import load_plan
    from django.conf import settings
    from django.db import connection

    if not Path(settings.STATIC_ROOT).is_dir():  # as the deployment does: WhiteNoise serves the collected files
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
    database = settings.DATABASES["default"]
    print(f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}", flush=True)
    started = time.perf_counter()
    sessions = load_plan.build_plan(args.users, args.seed)
    if not args.warm_cache:
        # Each run starts as after a change: the page caches (`dangvu.tallies.cache`) empty.
        from django.core.cache import cache

        cache.clear()
    connection.close()
    print(f"plan: {len(sessions)} sessions, accounts and URLs in {time.perf_counter() - started:.1f} s", flush=True)

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="dangvu-load-"))
    work.mkdir(parents=True, exist_ok=True)
    access_log, error_log = work / "access.log", work / "gunicorn.log"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "dangvu.settings", "DANGVU_DEBUG": "0"}
    command = [
        sys.executable, "-m", "gunicorn", "dangvu.wsgi",
        "--bind", f"127.0.0.1:{args.port}",
        "--workers", str(args.workers),
        "--threads", str(args.threads),
        "--access-logfile", str(access_log),
        "--access-logformat", ACCESS_FORMAT,
        "--error-logfile", str(error_log),
        "--graceful-timeout", "5",
    ]  # fmt: skip
    print("server: " + " ".join(command[2:]), flush=True)
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        wait_ready(args.port, server)
        logins: list[float] = []

        def one(session: load_plan.Session) -> dict[str, object]:
            cookies, seconds = login(args.port, session.username, load_plan.PASSWORD)
            logins.append(seconds)
            return {**asdict(session), "sessionid": cookies["sessionid"], "csrftoken": cookies["csrftoken"]}

        with ThreadPoolExecutor(4) as pool:
            planned = list(pool.map(one, sessions))
        print(
            f"logins: {len(planned)} sessions, login p50 {_pct(logins, 0.5) * 1000:.0f} ms, "
            f"max {max(logins) * 1000:.0f} ms (GET form + POST, 4 at a time)",
            flush=True,
        )
        plan_file = work / "plan.json"
        plan_file.write_text(json.dumps({"sessions": planned, "weights": weights, "think": think, "seed": args.seed}))
        access_log.write_text("")  # the logins are not part of the measurement
        prefix = work / "locust"
        locust_cmd = [
            sys.executable, "-m", "locust", "-f", str(HERE / "load_locust.py"), "--headless",
            "--users", str(args.users), "--spawn-rate", str(args.users),
            "--run-time", f"{args.run_time}s", "--stop-timeout", "10", "--reset-stats",
            "--host", f"http://127.0.0.1:{args.port}", "--csv", str(prefix), "--only-summary",
            "--loglevel", "WARNING", "--exit-code-on-error", "0",
        ]  # fmt: skip
        print(
            f"load: {args.users} sessions for {args.run_time} s, think {think[0]:g}–{think[1]:g} s, mix {weights}",
            flush=True,
        )
        busy0, total0 = _machine_cpu()
        server_cpu0 = _tree_cpu(server.pid)
        load0 = os.getloadavg()[0]
        children0 = os.times()
        with open(work / "locust.out", "w") as out:
            generator = subprocess.Popen(
                locust_cmd, env={**env, "DANGVU_LOAD_PLAN": str(plan_file)}, stdout=out, stderr=subprocess.STDOUT
            )
            database_cpu = DatabaseCpu()
            deadline = time.monotonic() + args.run_time + 120
            while generator.poll() is None:
                if time.monotonic() > deadline:
                    generator.kill()
                    print("locust did not stop in time: killed", file=sys.stderr)
                    break
                database_cpu.sample()
                time.sleep(1)
            generator.wait()
            database_cpu.sample()
        children1 = os.times()  # the generator is the only child waited for in between
        generator_cpu = (children1.children_user + children1.children_system) - (
            children0.children_user + children0.children_system
        )
        busy1, total1 = _machine_cpu()
        server_cpu = _tree_cpu(server.pid) - server_cpu0
        load1 = os.getloadavg()[0]
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    busy = (busy1 - busy0) / max(1, total1 - total0)
    return report(prefix, access_log, (server_cpu, database_cpu.seconds(), generator_cpu), busy, (load0, load1), work)


class DatabaseCpu:
    """CPU seconds of the PostgreSQL backends serving this database during the load, from /proc: sampled
    every second (a backend replaced when its connection reaches CONN_MAX_AGE loses at most a second),
    less what each had used when first seen. None on SQLite or when /proc does not show them."""

    def __init__(self) -> None:
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.enabled = True

    def sample(self) -> None:
        from django.db import connection

        if not self.enabled or connection.vendor != "postgresql":
            self.enabled = False
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            pids = [pid for (pid,) in cursor.fetchall()]
        for pid in pids:
            used = _proc_cpu(pid)
            self.first.setdefault(pid, used)
            self.last[pid] = max(self.last.get(pid, 0.0), used)

    def seconds(self) -> float | None:
        if not self.enabled or not self.last:
            return None
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def report(
    prefix: Path,
    access_log: Path,
    cpu: tuple[float, float | None, float],
    machine_busy: float,
    loads: tuple[float, float],
    work: Path,
) -> int:
    stats_file = Path(f"{prefix}_stats.csv")
    if not stats_file.exists():
        print(f"no statistics from locust: see {work / 'locust.out'}", file=sys.stderr)
        return 1
    rows = list(csv.DictReader(stats_file.open()))
    inside = server_times(access_log)
    print()
    header = (
        f"{'page':<10} {'requests':>8} {'rps':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} "
        f"{'errors':>6}   server p50/p95 ms"
    )
    print(header)
    print("-" * len(header))
    errors = 0
    overall_p95 = 0.0
    for row in rows:
        name = "overall" if row["Name"] == "Aggregated" else row["Name"]
        failures = int(row["Failure Count"])
        errors += failures if name != "overall" else 0
        times = [t for v in inside.values() for t in v] if name == "overall" else inside.get(name, [])
        side = f"{_pct(times, 0.5):.0f} / {_pct(times, 0.95):.0f}" if times else ""
        print(
            f"{name:<10} {int(row['Request Count']):>8} {float(row['Requests/s']):>6.1f} {row['50%']:>7} "
            f"{row['95%']:>7} {row['99%']:>7} {float(row['Max Response Time']):>7.0f} {failures:>6}   {side}"
        )
        if name == "overall":
            overall_p95 = float(row["95%"])
    exceptions = Path(f"{prefix}_exceptions.csv")
    exception_rows = list(csv.DictReader(exceptions.open())) if exceptions.exists() else []
    failures_file = Path(f"{prefix}_failures.csv")
    for row in list(csv.DictReader(failures_file.open())) if failures_file.exists() else []:
        print(f"  error ×{row['Occurrences']}: {row['Name']}: {row['Error'][:200]}")
    for row in exception_rows:
        print(f"  exception ×{row['Count']}: {row['Message'][:200]}")
        errors += int(row["Count"])
    verdict = "ok" if overall_p95 <= TARGET_P95_MS else "MISS"
    print()
    print(f"overall p95 {overall_p95:.0f} ms (target ≤ {TARGET_P95_MS:.0f} ms: {verdict}); errors {errors}")
    server_cpu, database_cpu, generator_cpu = cpu
    requests = sum(int(row["Request Count"]) for row in rows if row["Name"] != "Aggregated")
    database = f", PostgreSQL backends {database_cpu:.1f} s" if database_cpu is not None else ""
    print(
        f"CPU during the load: gunicorn {server_cpu:.1f} s{database}, locust {generator_cpu:.1f} s; whole machine "
        f"{machine_busy * 100:.0f}% busy of {os.cpu_count()} cores; load average {loads[0]:.1f} → {loads[1]:.1f}"
    )
    if requests and database_cpu is not None:
        per_request = (server_cpu + database_cpu) / requests
        print(
            f"server CPU per request (gunicorn + PostgreSQL): {per_request * 1000:.0f} ms, i.e. at most "
            f"{(os.cpu_count() or 1) / per_request:.0f} requests/s on {os.cpu_count()} idle cores"
        )
    print(f"files: {work}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
