"""The sessions of the load benchmark: accounts with their scopes and the pages each one opens.

Used by `bench/load.py` (gunicorn + locust) and `bench/profile_pages.py` (the same pages in-process,
with their SQL). Django must be set up (`_django.setup_django()`) before calling `build_plan`.

Accounts (created once through `dangvu adduser`, audited, kept for the next run): for `n` sessions, a
fifth are staff (cán bộ Ban Tổ chức) scoped to a province, half staff scoped to a commune (đảng bộ xã),
the rest cell secretaries (bí thư chi bộ) — one account per session, scopes spread deterministically.
The page kinds and what each session opens (URLs sampled with a fixed seed from its own scope):

- `tree`:   `/to-chuc/` — the scope's node and its children with their counts (a province: ~100 communes);
- `org`:    `/to-chuc/<id>/` — an organisation of the scope: subtree counts, children, history;
- `list`:   `/dang-vien/?org=<id>` — 50 members in Vietnamese name order of a commune, grassroots
            organisation or cell of the scope (sometimes the second page);
- `search`: `/dang-vien/?q=…` — accent-free name search over the whole scope (family + given name,
            full name, or a given name alone, taken from members of the scope);
- `member`: `/dang-vien/<id>/` — a member's record with timeline, memberships, ratings, party age;
- `report`: `/bao-cao/xep-loai/?org=<id>&nam=<year>` — the rating report page of the scope's own node
            (a third of the time) or of an organisation in it.
"""

from __future__ import annotations

import io
import os
import random
from dataclasses import dataclass, field
from typing import Any

PASSWORD = "dangvu-load-bench-2026"
PREFIX = "load-"
# Page kind -> weight in the mix (the share of requests of that kind).
WEIGHTS: dict[str, int] = {"tree": 10, "org": 15, "list": 20, "search": 20, "member": 25, "report": 10}
SAMPLES = 40  # URLs per kind per session


@dataclass
class Session:
    username: str
    role: str
    scope_code: str
    scope_kind: str
    urls: dict[str, list[str]] = field(default_factory=dict)


def _roles(n: int) -> list[tuple[str, str]]:
    """(role, scope kind) of each session: 1/5 province staff, 1/2 commune staff, the rest secretaries."""
    province = max(1, n // 5)
    commune = max(1, n // 2)
    secretary = max(0, n - province - commune)
    return [("staff", "province")] * province + [("staff", "upper")] * commune + [("secretary", "cell")] * secretary


def ensure_accounts(n: int, seed: int = 2026) -> list[Session]:
    """One account per session, created through `dangvu adduser` (audited) unless it exists already."""
    from django.core.management import call_command

    from dangvu.accounts.models import User
    from dangvu.orgs.models import Org

    rng = random.Random(seed)
    by_kind: dict[str, list[tuple[str, str]]] = {}
    sessions: list[Session] = []
    counters: dict[str, int] = {}
    os.environ["DANGVU_LOAD_PASSWORD"] = PASSWORD
    for role, kind in _roles(n):
        if kind not in by_kind:
            codes = list(Org.objects.active().filter(kind=kind).order_by("code").values_list("code", "kind")[:20000])
            if not codes:
                raise SystemExit(f"no active organisation of kind {kind!r} in this database: load a dataset first")
            rng.shuffle(codes)
            by_kind[kind] = codes
        counters[kind] = counters.get(kind, 0) + 1
        code, _ = by_kind[kind][(counters[kind] - 1) % len(by_kind[kind])]
        username = f"{PREFIX}{ {'province': 'tinh', 'upper': 'xa', 'cell': 'bithu'}[kind] }-{counters[kind]:02d}"
        user = User.objects.filter(username=username).select_related("scope").first()
        if user is None or user.role != role or user.scope is None or user.scope.code != code:
            call_command(
                "adduser", username, role=role, scope=code, password_env="DANGVU_LOAD_PASSWORD", stdout=io.StringIO()
            )
        sessions.append(Session(username=username, role=role, scope_code=code, scope_kind=kind))
    return sessions


def _sample(rng: random.Random, items: list[Any], k: int) -> list[Any]:
    if not items:
        return []
    return [rng.choice(items) for _ in range(k)] if len(items) < k else rng.sample(items, k)


def latest_rated_year() -> int:
    """The latest year with a whole-year evaluation period (the synthetic data closes one per year)."""
    from django.db.models import Max
    from django.utils import timezone

    from dangvu.evaluations.models import Period

    year = Period.objects.filter(quarter=0).aggregate(y=Max("year"))["y"]
    return int(year) if year is not None else timezone.localdate().year - 1


def plan_urls(session: Session, year: int, seed: int = 2026) -> None:
    """Fill `session.urls`: SAMPLES URLs of each page kind, from the session's own scope."""
    from dangvu.accounts.models import User
    from dangvu.lib.text import fold
    from dangvu.members.models import Member
    from dangvu.orgs.models import Org

    rng = random.Random(f"{seed}-{session.username}")
    user = User.objects.select_related("scope").get(username=session.username)
    scope = user.scope
    assert scope is not None
    orgs = list(Org.objects.visible_to(user).active().order_by("pk").values_list("pk", "kind"))
    listable = [pk for pk, kind in orgs if kind in {"upper", "grassroots_committee", "grassroots_cell", "cell"}]
    if session.scope_kind == "province":
        # A province officer lists communes and grassroots organisations rather than single cells.
        listable = [pk for pk, kind in orgs if kind in {"upper", "grassroots_committee", "grassroots_cell"}]
    reportable = [pk for pk, kind in orgs if kind != "cell"] or [scope.pk]
    member_ids = list(Member.objects.visible_to(user).order_by("pk").values_list("pk", flat=True))
    named = _sample(rng, member_ids, SAMPLES)
    names = dict(Member.objects.filter(pk__in=named).values_list("pk", "full_name"))
    searches: list[str] = []
    for i, pk in enumerate(named):
        words = fold(names[pk]).split()
        if i % 3 == 0:
            q = f"{words[0]} {words[-1]}"  # family + given name: "nguyen thuy"
        elif i % 3 == 1:
            q = " ".join(words)  # the full name
        else:
            q = words[-1]  # a given name alone
        searches.append(q.replace(" ", "+"))
    session.urls = {
        "tree": ["/to-chuc/"],
        "org": [f"/to-chuc/{pk}/" for pk in _sample(rng, [pk for pk, _ in orgs], SAMPLES)],
        "list": [
            f"/dang-vien/?org={pk}" + ("&page=2" if rng.random() < 0.2 else "")
            for pk in _sample(rng, listable or [scope.pk], SAMPLES)
        ],
        "search": [f"/dang-vien/?q={q}" for q in searches],
        "member": [f"/dang-vien/{pk}/" for pk in _sample(rng, member_ids, SAMPLES)],
        "report": [
            f"/bao-cao/xep-loai/?org={scope.pk if rng.random() < 1 / 3 else rng.choice(reportable)}&nam={year}"
            for _ in range(SAMPLES)
        ],
    }


def build_plan(n: int, seed: int = 2026) -> list[Session]:
    sessions = ensure_accounts(n, seed)
    year = latest_rated_year()
    for session in sessions:
        plan_urls(session, year, seed)
    return sessions
