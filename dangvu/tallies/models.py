"""Pre-aggregated counts behind the rating report (see `dangvu.tallies` README section and `build.py`).

For each kept period (`TallyPeriod`) three tables describe the period's last day:

- `TallyNode`: the tree of that day (one row per organisation that existed then: parent, path, depth,
  code, name, kind, sector), the same as `orgs.history.tree_as_of(end)`;
- `Tally`: each organisation's own counts (what lies directly in it, not below it): itself as a
  grassroots organisation or cell, its decided ratings, the members on its roll that day, the member
  ratings given in it; grouped by (source, kind, sector, level, has_rating, reason) → n, exemplary;
- `TallyRollup`: the same rows summed over each subtree, for the organisations down to ROLLUP_DEPTH.

`TallyDirty` is the queue the database triggers fill on every write to the tables the counts come from;
`build.sync` applies it before a report reads. Nothing here is typed by a user: everything can be
rebuilt from the raw data (`dangvu tallies rebuild`), and `dangvu tallies check` compares the two.
"""

from __future__ import annotations

from django.db import models

# Sources of a tally row (the four groups `reports.report.Sources` holds).
ORGS, ORG_RATINGS, MEMBERS, MEMBER_RATINGS = 1, 2, 3, 4


class TallyPeriod(models.Model):
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(default=0)
    built_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "quarter"], name="tallyperiod_unique")]

    def __str__(self) -> str:
        return f"{self.year}/{self.quarter}"


class TallyNode(models.Model):
    period = models.ForeignKey(TallyPeriod, on_delete=models.CASCADE, related_name="+", db_index=False)
    org_id = models.BigIntegerField()
    parent_id = models.BigIntegerField(null=True)
    path = models.CharField(max_length=255)
    depth = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=24)
    sector = models.CharField(max_length=24)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "org_id"], name="tallynode_unique")]
        indexes = [
            models.Index(fields=["period", "parent_id"], name="tallynode_parent_idx"),
            models.Index(fields=["period", "path"], name="tallynode_path_idx", opclasses=["", "varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.period_id}: {self.path}"


class TallyRow(models.Model):
    period = models.ForeignKey(TallyPeriod, on_delete=models.CASCADE, related_name="+", db_index=False)
    org_id = models.BigIntegerField()
    source = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=24, default="")
    sector = models.CharField(max_length=24, default="")
    level = models.CharField(max_length=16, default="")
    has_rating = models.BooleanField(default=False)
    reason = models.CharField(max_length=16, default="")
    n = models.IntegerField(default=0)
    exemplary = models.IntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.period_id}: {self.org_id} {self.source} {self.n}"


class Tally(TallyRow):
    class Meta:
        indexes = [models.Index(fields=["period", "org_id"], name="tally_org_idx")]


class TallyRollup(TallyRow):
    class Meta:
        indexes = [models.Index(fields=["period", "org_id"], name="tallyrollup_org_idx")]


class TallyDirty(models.Model):
    """One changed row of a source table, written by the triggers (`triggers.py`): which organisation or
    member it touches, and for which period (year, quarter) or stretch of days (valid_from, valid_to)."""

    org_id = models.BigIntegerField(null=True)
    member_id = models.BigIntegerField(null=True)
    year = models.IntegerField(null=True)
    quarter = models.IntegerField(null=True)
    valid_from = models.DateField(null=True)
    valid_to = models.DateField(null=True)
    structural = models.BooleanField(default=False)  # an organisation's version: its place in the tree
    rebuild = models.BooleanField(default=False)  # everything: rebuild all periods

    def __str__(self) -> str:
        return f"{self.org_id or ''}/{self.member_id or ''} {self.year or ''} {self.valid_from or ''}"


class TallyGeneration(models.Model):
    """One row (pk 1): a number `build.sync` and `build.rebuild` add one to, in their own transaction,
    whenever they apply changes. With the queue empty it names the state of the raw data the tallies are
    counted from, so page caches key on it (`tallies.cache`)."""

    n = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.n)
