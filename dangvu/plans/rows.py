"""The plans' figures as flat rows: what the `plans` command writes and the API returns."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from dangvu.orgs.models import Org
from dangvu.plans.progress import inspection_progress, targets_progress


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return str(value) if hasattr(value, "label") else value


def target_rows(org: Org, year: int) -> list[dict[str, Any]]:
    rows = []
    for p in targets_progress(org, year, timezone.localdate()):
        t = p["target"]
        for row in p["rows"]:
            rows.append(
                {
                    "target": t.get_kind_display(),
                    "goal": t.goal.text(t.unit),
                    "years": t.years_text,
                    "org_code": t.org.code if row["is_self"] else "",
                    "org": row["name"],
                    "numerator": row["numerator"],
                    "denominator": row["denominator"],
                    "actual": _plain(row["actual"]),
                    "status": str(row["status"].value) if row["status"] else "",
                    "status_label": str(row["status"].label) if row["status"] else "",
                }
            )
    return rows


def inspection_rows(org: Org, year: int) -> list[dict[str, Any]]:
    rows = []
    for k in inspection_progress(org, year):
        for q in k["quarters"]:
            rows.append(
                {
                    "kind": k["kind"],
                    "quarter": q["quarter"],
                    "planned_orgs": q["planned_orgs"],
                    "done_orgs": q["done_orgs"],
                    "planned_members": q["planned_members"],
                    "done_members": q["done_members"],
                    "ytd_orgs": q["ytd_orgs"],
                    "ytd_members": q["ytd_members"],
                    "ytd_orgs_share": _plain(q["ytd_orgs_share"]),
                    "ytd_members_share": _plain(q["ytd_members_share"]),
                    "sentence": q["sentence"],
                }
            )
    return rows
