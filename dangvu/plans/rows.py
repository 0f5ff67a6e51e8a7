"""The plans' figures as flat rows: what the `plans` command writes and the API returns."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from dangvu.orgs.models import Org
from dangvu.plans.models import Registration
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


def registration_rows(org: Org, year: int) -> list[dict[str, Any]]:
    """The year's registrations of the organisations and members of `org`'s subtree, as on the page."""
    rows = (
        Registration.objects.filter(
            Q(org__path__in_subtree=org.path) | Q(member__current_org__path__in_subtree=org.path), year=year
        )
        .select_related("org", "member__current_org")
        .order_by("kind", "pk")
    )
    return [
        {
            "year": r.year,
            "kind": r.kind,
            "kind_label": r.get_kind_display(),
            "org_code": r.org.code
            if r.org
            else (r.member.current_org.code if r.member and r.member.current_org else ""),
            "org": r.org.name if r.org else "",
            "card_number": (r.member.card_number or "") if r.member else "",
            "member": r.member.full_name if r.member else "",
            "text": r.text,
            "registered_on": r.registered_on.isoformat(),
            "assessment": r.assessment,
            "assessment_label": r.get_assessment_display(),
            "level": r.level,
            "has_product": r.has_product,
        }
        for r in rows
    ]
