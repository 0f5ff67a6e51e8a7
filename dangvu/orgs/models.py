"""The organisation tree.

Each node stores a materialised path of ids ("/1/7/42/"), so a whole subtree is one indexed prefix
query (`path LIKE '/1/7/%'`) at any depth and any size. The current name, parent and kind live on the
node; every state it has held, with the dates it held it, lives in `OrgVersion`, and a dissolved node
keeps its row with `dissolved_on` set.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from dangvu.accounts.models import ORG_EDITORS, TREE_READERS, Role
from dangvu.orgs.kinds import CELL_KINDS, KIND_ORDER, OrgKind, Sector
from dangvu.orgs.paths import in_subtree

if TYPE_CHECKING:
    from dangvu.accounts.models import User


class OrgQuerySet(models.QuerySet["Org"]):
    def visible_to(self, user: User) -> OrgQuerySet:
        """Organisations the user may see: their scope's subtree; everything for an admin; else none."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.ADMIN:
            return self.all()
        if user.role in TREE_READERS and user.scope is not None:
            return self.filter(in_subtree("path", user.scope.path))
        return self.none()

    def editable_by(self, user: User) -> OrgQuerySet:
        if user.role not in ORG_EDITORS:
            return self.none()
        return self.visible_to(user)

    def subtree(self, org: Org) -> OrgQuerySet:
        """The node and all its descendants."""
        return self.filter(in_subtree("path", org.path))

    def active(self) -> OrgQuerySet:
        return self.filter(dissolved_on__isnull=True)

    def cells(self) -> OrgQuerySet:
        return self.filter(kind__in=CELL_KINDS)

    def search(self, query: str) -> OrgQuerySet:
        """Accent- and case-insensitive: every typed word starts a word of the name ("an phu" finds
        "xã An Phú" but not "phường Bình Minh"), or the query is the start of the code."""
        from dangvu.lib.text import fold

        folded = fold(query)
        if not folded:
            return self.none()
        words = Q()
        for word in folded.split(" "):
            words &= Q(name_search__startswith=word) | Q(name_search__contains=f" {word}")
        return self.filter(words | Q(code__istartswith=query.strip()))


class Org(models.Model):
    code = models.CharField("mã tổ chức", max_length=32, unique=True)
    name = models.CharField("tên tổ chức", max_length=255)
    name_search = models.CharField(max_length=255, editable=False, default="")
    kind = models.CharField("loại tổ chức", max_length=24, choices=OrgKind.choices)
    sector = models.CharField("loại hình", max_length=24, choices=Sector.choices, default=Sector.OTHER)
    parent = models.ForeignKey(
        "self",
        verbose_name="tổ chức cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    founded_on = models.DateField("ngày thành lập", null=True, blank=True)
    dissolved_on = models.DateField("ngày giải thể", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = "tổ chức đảng"
        verbose_name_plural = "tổ chức đảng"
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], condition=Q(dissolved_on__isnull=True), name="org_unique_live_name_in_parent"
            ),
        ]
        indexes = [
            # varchar_pattern_ops lets PostgreSQL use the index for `LIKE 'prefix%'` under any collation.
            models.Index(fields=["path"], name="org_path_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["parent", "kind"], name="org_parent_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_dissolved(self) -> bool:
        return self.dissolved_on is not None

    @property
    def is_cell(self) -> bool:
        return self.kind in CELL_KINDS

    @property
    def kind_order(self) -> int:
        return KIND_ORDER[self.kind]

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]

    def ancestors(self) -> list[Org]:
        """Root first, for breadcrumbs; one query."""
        ids = self.ancestor_ids()
        by_id = {org.pk: org for org in Org.objects.filter(pk__in=ids)}
        return [by_id[i] for i in ids if i in by_id]

    def is_descendant_of(self, other: Org) -> bool:
        return self.path.startswith(other.path)


class OrgVersion(models.Model):
    """One state of an organisation (name, code, kind, sector, parent) and the dates it held it."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="versions")
    code = models.CharField("mã tổ chức", max_length=32)
    name = models.CharField("tên tổ chức", max_length=255)
    kind = models.CharField("loại tổ chức", max_length=24, choices=OrgKind.choices)
    sector = models.CharField("loại hình", max_length=24, choices=Sector.choices)
    parent = models.ForeignKey(
        Org, verbose_name="tổ chức cấp trên", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField("từ ngày")
    valid_to = models.DateField("đến ngày", null=True, blank=True, help_text="Bỏ trống: đang hiệu lực.")
    reason = models.CharField("căn cứ / lý do", max_length=255, blank=True)

    class Meta:
        verbose_name = "lịch sử tổ chức"
        verbose_name_plural = "lịch sử tổ chức"
        ordering = ["org", "valid_from", "pk"]
        indexes = [
            models.Index(fields=["org", "valid_from"], name="orgversion_org_from_idx"),
            # "what changed after this day" (the report's history probe): a handful of closed versions
            models.Index(fields=["valid_to"], name="orgversion_to_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.valid_from}–{self.valid_to or ''}"

    def held_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)
