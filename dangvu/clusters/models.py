"""Emulation clusters (cụm thi đua) and their quarterly briefings (giao ban).

A cluster is owned by a committee and groups grassroots organisations from anywhere in the tree, each for
a span of years; every year it elects a leader (cụm trưởng) and a deputy (cụm phó) organisation. A
briefing holds only what the committees write themselves: the figures are read from live data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from dangvu.orgs.models import Org

if TYPE_CHECKING:
    from dangvu.accounts.models import User

ERR_SAME_LEADER = "Cụm trưởng và cụm phó phải là hai tổ chức khác nhau."
ERR_YEARS = "Năm kết thúc không thể trước năm bắt đầu."


class ClusterQuerySet(models.QuerySet["Cluster"]):
    def visible_to(self, user: User) -> ClusterQuerySet:
        """Clusters whose owning committee the user may see (default deny)."""
        return self.filter(owner__in=Org.objects.visible_to(user))

    def editable_by(self, user: User) -> ClusterQuerySet:
        """Clusters whose owning committee is in the scope of an org editor (staff, admin)."""
        return self.filter(owner__in=Org.objects.editable_by(user))


class Cluster(models.Model):
    name = models.CharField("tên cụm", max_length=255)
    owner = models.ForeignKey(
        Org, verbose_name="cấp ủy quản lý", on_delete=models.PROTECT, related_name="owned_clusters"
    )
    note = models.CharField("ghi chú", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClusterQuerySet.as_manager()

    class Meta:
        verbose_name = "cụm thi đua"
        verbose_name_plural = "cụm thi đua"
        ordering = ["owner", "name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="cluster_unique_name_per_owner")]

    def __str__(self) -> str:
        return self.name

    def member_orgs(self, year: int) -> models.QuerySet[Org]:
        """The organisations in the cluster during `year`, in code order."""
        return (
            Org.objects.filter(cluster_memberships__cluster=self, cluster_memberships__from_year__lte=year)
            .filter(Q(cluster_memberships__to_year__isnull=True) | Q(cluster_memberships__to_year__gte=year))
            .order_by("code")
            .distinct()
        )


class ClusterMembership(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="memberships")
    org = models.ForeignKey(
        Org, verbose_name="tổ chức cơ sở đảng", on_delete=models.PROTECT, related_name="cluster_memberships"
    )
    from_year = models.PositiveSmallIntegerField("từ năm")
    to_year = models.PositiveSmallIntegerField(
        "đến năm", null=True, blank=True, help_text="Bỏ trống: đang là thành viên."
    )

    class Meta:
        verbose_name = "thành viên cụm"
        verbose_name_plural = "thành viên cụm"
        ordering = ["cluster", "org__code"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "org", "from_year"], name="cluster_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.org} ({self.from_year}–{self.to_year or ''})"

    def clean(self) -> None:
        if self.to_year is not None and self.to_year < self.from_year:
            raise ValidationError({"to_year": ERR_YEARS})


class ClusterYear(models.Model):
    """The leader and deputy organisations the cluster elected for a year."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField("năm")
    leader = models.ForeignKey(Org, verbose_name="cụm trưởng", on_delete=models.PROTECT, related_name="+")
    deputy = models.ForeignKey(
        Org, verbose_name="cụm phó", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "cụm trưởng, cụm phó theo năm"
        verbose_name_plural = "cụm trưởng, cụm phó theo năm"
        ordering = ["cluster", "-year"]
        constraints = [models.UniqueConstraint(fields=["cluster", "year"], name="cluster_year_unique")]

    def __str__(self) -> str:
        return f"{self.cluster} {self.year}"

    def clean(self) -> None:
        if self.deputy_id is not None and self.deputy_id == self.leader_id:
            raise ValidationError({"deputy": ERR_SAME_LEADER})


class Briefing(models.Model):
    """The committees' own text of one quarterly briefing; the figures are assembled from live data."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="briefings")
    year = models.PositiveSmallIntegerField("năm")
    quarter = models.PositiveSmallIntegerField("quý", validators=[MinValueValidator(1), MaxValueValidator(4)])
    summary = models.TextField("đánh giá chung", blank=True)
    notable_events = models.TextField("sự kiện nổi bật", blank=True, help_text="Mỗi dòng một sự kiện.")
    directions = models.TextField("phương hướng quý tới", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "giao ban cụm"
        verbose_name_plural = "giao ban cụm"
        ordering = ["cluster", "-year", "-quarter"]
        constraints = [models.UniqueConstraint(fields=["cluster", "year", "quarter"], name="briefing_unique_quarter")]

    def __str__(self) -> str:
        return f"{self.cluster} — quý {self.quarter}/{self.year}"

    def event_lines(self) -> list[str]:
        return [line.strip() for line in self.notable_events.splitlines() if line.strip()]
