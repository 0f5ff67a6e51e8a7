"""The demo's 2025 reform, made by restructuring decisions: today's tree is the planned one, the history holds both
shapes, and the members are the same before and after, member for member."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from dangvu.audit.models import AuditRecord
from dangvu.demo.generator import DEFAULT_SEED
from dangvu.demo.tree import BLOCKS_2025, REFORM_2025, plan_tree
from dangvu.members.models import MemberEvent
from dangvu.orgs.history import member_cells_as_of, tree_as_of
from dangvu.orgs.kinds import OrgKind
from dangvu.orgs.models import Org, OrgVersion
from dangvu.restructure.models import Decision, DecisionStatus
from dangvu.restructure.services import undo_problems

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


@pytest.fixture
def demo(db: None) -> None:
    call_command("demo", members=300, seed=DEFAULT_SEED, today=TODAY, no_ratings=True, stdout=StringIO())


def tree_on(day: date) -> dict[int, tuple[str, str, int | None]]:
    """org id -> (code, kind, parent id) of every organisation existing on `day` (h7a's `tree_as_of`)."""
    return {pk: (state.code, state.kind, state.parent_id) for pk, state in tree_as_of(day).items()}


def cells_on(day: date) -> dict[int, int]:
    """member id -> cell on whose roll the member was at the end of `day` (h7a's `member_cells_as_of`)."""
    return member_cells_as_of(day)


def test_the_reform_is_four_applied_decisions_and_today_is_the_planned_tree(demo: None) -> None:
    decisions = list(Decision.objects.order_by("effective_on", "pk"))
    assert [(d.effective_on, d.status) for d in decisions] == [
        (BLOCKS_2025, DecisionStatus.APPLIED),
        *[(REFORM_2025, DecisionStatus.APPLIED)] * 3,
    ]
    assert all(d.issued_by == "Ban Thường vụ Tỉnh ủy Lâm Viên" for d in decisions)
    plans, _ = plan_tree(random.Random(DEFAULT_SEED))
    orgs = {o.code: o for o in Org.objects.select_related("parent")}
    by_index = {p.index: p for p in plans}
    for plan in plans:
        org = orgs[plan.code]
        parent = by_index[plan.parent].code if plan.parent is not None else None
        assert (org.name, org.kind, org.parent.code if org.parent else None, org.dissolved_on) == (
            plan.name,
            plan.kind,
            parent,
            plan.dissolved_on,
        )
        # The history is the planned one, segment for segment.
        versions = list(org.versions.order_by("valid_from", "pk").select_related("parent"))
        assert [(v.valid_from, v.name, v.kind, v.parent.code if v.parent else None) for v in versions] == [
            (s.valid_from, s.name, s.kind, by_index[s.parent].code if s.parent is not None else None)
            for s in plan.history
        ], plan.code
    # The 2025 versions carry the decision that made them; the load stays one audit row.
    reform_versions = OrgVersion.objects.filter(valid_from=REFORM_2025, org__founded_on__lt=REFORM_2025)
    assert reform_versions.exists() and all(v.reason.startswith("QĐ số ") for v in reform_versions)
    assert AuditRecord.objects.count() == 1


def test_the_day_before_and_the_day_of_the_reform(demo: None) -> None:
    before, after = tree_on(REFORM_2025 - timedelta(days=1)), tree_on(REFORM_2025)
    kinds_before = Counter(kind for _, kind, _ in before.values())
    kinds_after = Counter(kind for _, kind, _ in after.values())
    districts = {pk for pk, (code, _, _) in before.items() if ".H" in code and code.count(".") == 1}
    assert len(districts) == 3 and not districts & set(after)
    # 16 old communes became 8 new ones directly under the province.
    old_communes = {
        pk
        for pk, (code, kind, parent) in before.items()
        if parent in districts and kind == "grassroots_committee" and code.endswith(("A", "B"))
    }
    assert len(old_communes) == 16 and not old_communes & set(after)
    province = next(pk for pk, (_, kind, _) in after.items() if kind == OrgKind.PROVINCE)
    communes = {pk for pk, (code, kind, parent) in after.items() if parent == province and kind == OrgKind.UPPER}
    assert len(communes) == 12 and kinds_before[OrgKind.UPPER] == 3 + 4  # districts + blocks
    assert kinds_after[OrgKind.CELL] < kinds_before[OrgKind.CELL]  # village cells became chi bộ cơ sở
    assert kinds_after[OrgKind.GRASSROOTS_CELL] > kinds_before[OrgKind.GRASSROOTS_CELL]


def test_members_are_the_same_before_and_after_the_reform_member_for_member(demo: None) -> None:
    before, after = cells_on(REFORM_2025 - timedelta(days=1)), cells_on(REFORM_2025)
    assert before and set(before) <= set(after)
    # No member changed cell on the day: the cells moved with their members.
    assert {m for m in before if before[m] != after[m]} == set()
    # Those who appear on the day joined the cells of the new communes' People's Committees, founded that day.
    arrivals = set(after) - set(before)
    founded = set(Org.objects.filter(founded_on=REFORM_2025).values_list("pk", flat=True))
    assert arrivals and {after[m] for m in arrivals} <= founded
    assert not MemberEvent.objects.filter(on=REFORM_2025, kind="transfer_out").exists()
    # Counted per new commune (by the tree of the day after), the sums equal the old communes' sums.
    tree_after, tree_before = tree_on(REFORM_2025), tree_on(REFORM_2025 - timedelta(days=1))

    def top(tree: dict[int, tuple[str, str, int | None]], org: int, kinds: set[str]) -> int:
        while tree[org][1] not in kinds:
            parent = tree[org][2]
            assert parent is not None
            org = parent
        return org

    new_counts = Counter(top(tree_after, after[m], {OrgKind.UPPER}) for m in before)
    old_counts = Counter(top(tree_before, cell, {OrgKind.UPPER}) for cell in before.values())
    assert sum(new_counts.values()) == sum(old_counts.values()) == len(before)


def test_a_reform_decision_of_the_demo_cannot_be_undone_once_the_new_communes_have_data(demo: None) -> None:
    decision = Decision.objects.filter(effective_on=REFORM_2025).order_by("pk").first()
    assert decision is not None
    problems = undo_problems(decision=decision, actor=None)
    assert problems and "không thể hoàn tác" in problems[0]
