"""The naive-SQL baseline of the rating report: one straightforward join and GROUP BY over the ratings
of a node's subtree, no pre-aggregation. `bench/run.py` times it side by side with `ratings_report`
and the test suite checks that both count the same (tests/test_synth.py)."""

from __future__ import annotations

from django.db import connection, transaction

from dangvu.lib.parallel import allow_parallel
from dangvu.orgs.kinds import GRASSROOTS_KINDS, OrgKind
from dangvu.orgs.models import Org

ORG_BLOCK_KINDS = (*sorted(GRASSROOTS_KINDS), OrgKind.CELL.value)


def naive_rating_counts(org: Org, year: int, quarter: int = 0) -> dict[str, dict[str, int]]:
    """Decided levels in the subtree of `org` for the period: {"members": {level: n}, "orgs": {level: n}}
    ("orgs": grassroots organisations and attached cells, the report's two organisation blocks)."""
    prefix = org.path + "%"
    result: dict[str, dict[str, int]] = {"members": {}, "orgs": {}}
    with transaction.atomic(), connection.cursor() as cursor:
        allow_parallel(cursor, connection)  # the straightforward query at its best, as a psql session runs it
        cursor.execute(
            "SELECT r.level, COUNT(*) FROM evaluations_memberrating r JOIN orgs_org o ON o.id = r.org_id "
            "WHERE o.path LIKE %s AND r.year = %s AND r.quarter = %s AND r.level <> '' GROUP BY r.level",
            [prefix, year, quarter],
        )
        result["members"] = {level: n for level, n in cursor.fetchall()}
        marks = ", ".join(["%s"] * len(ORG_BLOCK_KINDS))
        cursor.execute(
            "SELECT r.level, COUNT(*) FROM evaluations_orgrating r JOIN orgs_org o ON o.id = r.org_id "
            f"WHERE o.path LIKE %s AND o.kind IN ({marks}) AND r.year = %s AND r.quarter = %s AND r.level <> '' "
            "GROUP BY r.level",
            [prefix, *ORG_BLOCK_KINDS, year, quarter],
        )
        result["orgs"] = {level: n for level, n in cursor.fetchall()}
    return result


def report_rating_counts(report: dict[str, object]) -> dict[str, dict[str, int]]:
    """The same figures read from a `ratings_report` dict (levels with a count only)."""
    members = report["members"]["levels"]  # type: ignore[index]
    orgs: dict[str, int] = {}
    for block in ("grassroots_orgs", "attached_cells"):
        for level, n in report[block]["levels"].items():  # type: ignore[index]
            orgs[level] = orgs.get(level, 0) + n
    return {
        "members": {level: n for level, n in members.items() if n},
        "orgs": {level: n for level, n in orgs.items() if n},
    }
