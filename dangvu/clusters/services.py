"""Writing clusters: the memberships and the year's leader and deputy, as one keyword-only function."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from dangvu.clusters.models import Cluster, ClusterMembership, ClusterYear
from dangvu.orgs.models import Org


@transaction.atomic
def cluster_set_members(
    *, cluster: Cluster, orgs: Iterable[Org], year: int, leader: Org | None = None, deputy: Org | None = None
) -> None:
    """Make `orgs` the cluster's members from `year` on: new ones join that year, the others leave at the
    end of the year before (a membership that starts that year or later is removed)."""
    wanted = {org.pk for org in orgs}
    current = {m.org_id: m for m in cluster.memberships.filter(from_year__lte=year).exclude(to_year__lt=year)}
    for org_id, membership in current.items():
        if org_id in wanted:
            continue
        if membership.from_year >= year:
            membership.delete()
        else:
            membership.to_year = year - 1
            membership.save(update_fields=["to_year"])
    ClusterMembership.objects.bulk_create(
        [ClusterMembership(cluster=cluster, org_id=pk, from_year=year) for pk in wanted - current.keys()]
    )
    if leader is not None:
        ClusterYear.objects.update_or_create(cluster=cluster, year=year, defaults={"leader": leader, "deputy": deputy})
