"""The HTXSNV quota of each regime: excellent ≤ ratio × the number rated good among the regime's peers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dangvu.evaluations.regimes import regime_by_code
from dangvu.evaluations.regimes.base import QuotaRule, quota_check

HD20, HD27, QD132, QD124, QD366 = (regime_by_code(c) for c in ("HD20", "HD27", "QD132", "QD124", "QD366"))


def rule(code: str, subject: str = "member", **overrides: object) -> QuotaRule:
    quota = regime_by_code(code).quota(subject, overrides)  # type: ignore[arg-type]
    assert quota is not None
    return quota


# The rule each regime gives ------------------------------------------------------------------------------


def test_qd132_members_excellent_at_most_20pct_of_good_within_each_grassroots_org() -> None:
    quota = rule("QD132")
    assert (quota.top_level, quota.ratio, quota.exception_ratio) == ("HTXSNV", Decimal("0.20"), None)
    assert quota.base_levels == ("HTTNV",) and quota.peer_group == "grassroots"
    assert quota.article.startswith("QĐ 132-QĐ/TW")


def test_qd124_defaults_to_the_qd132_quota() -> None:
    q124, q132 = rule("QD124"), rule("QD132")
    assert (q124.ratio, q124.exception_ratio, q124.base_levels, q124.peer_group) == (
        q132.ratio,
        q132.exception_ratio,
        q132.base_levels,
        q132.peer_group,
    )
    assert q124.article.startswith("QĐ 124-QĐ/TW, Điều 12")


def test_qd366_quota_has_the_25pct_exception_among_peers_of_similar_role() -> None:
    for subject, peers in (("member", "grassroots"), ("org", "parent")):
        quota = rule("QD366", subject)
        assert (quota.ratio, quota.exception_ratio, quota.peer_group) == (Decimal("0.20"), Decimal("0.25"), peers)
        assert quota.article.startswith("QĐ 366-QĐ/TW, Điều 11")


@pytest.mark.parametrize("code", ["HD20", "HD27"])
def test_before_2018_no_quota_is_known_unless_a_deployment_sets_one(code: str) -> None:
    regime = regime_by_code(code)
    assert regime.quota("member") is None and regime.quota("org") is None
    quota = regime.quota("org", {"org_quota_ratio": "0.3"})
    assert quota is not None and quota.top_level == "TSVM" and quota.ratio == Decimal("0.3")
    member_quota = regime.quota("member", {"member_quota_ratio": 0.2})
    assert member_quota is not None and member_quota.top_level == "HTXSNV" and member_quota.ratio == Decimal("0.2")


def test_qd132_org_quota_is_an_unconfirmed_setting_that_can_be_switched_off() -> None:
    assert rule("QD132", "org").ratio == Decimal("0.20")
    assert next(s for s in QD132.settings if s.key == "org_quota_ratio").unconfirmed
    assert QD132.quota("org", {"org_quota_ratio": None}) is None


# Counting ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["QD132", "QD124", "QD366"])
@pytest.mark.parametrize(
    ("excellent", "good", "exceeded"),
    [(0, 0, False), (2, 10, False), (3, 10, True), (20, 100, False), (21, 100, True), (1, 4, True), (1, 5, False)],
)
def test_excellent_may_be_at_most_20pct_of_good(code: str, excellent: int, good: int, exceeded: bool) -> None:
    top, base, share, limit, over = quota_check(rule(code), {"HTXSNV": excellent, "HTTNV": good, "HTNV": 7})
    assert (top, base, limit, over) == (excellent, good, Decimal("0.20"), exceeded)
    assert share == (Decimal(excellent) / good if good else 0)


def test_qd366_an_outstanding_unit_may_reach_25pct() -> None:
    counts = {"HTXSNV": 25, "HTTNV": 100}
    assert quota_check(rule("QD366"), counts)[4] is True
    assert quota_check(rule("QD366"), counts, outstanding=True)[3:] == (Decimal("0.25"), False)
    assert quota_check(rule("QD366"), {"HTXSNV": 26, "HTTNV": 100}, outstanding=True)[4] is True


@pytest.mark.parametrize("code", ["QD132", "QD124"])
def test_before_qd366_there_is_no_exception_for_an_outstanding_unit(code: str) -> None:
    assert quota_check(rule(code), {"HTXSNV": 25, "HTTNV": 100}, outstanding=True)[3:] == (Decimal("0.20"), True)


def test_qd124_exception_is_a_setting() -> None:
    quota = rule("QD124", quota_exception_ratio="0.25")
    assert quota_check(quota, {"HTXSNV": 25, "HTTNV": 100}, outstanding=True)[4] is False


def test_excellent_with_no_good_at_all_exceeds() -> None:
    top, base, share, _, exceeded = quota_check(rule("QD366"), {"HTXSNV": 1, "HTNV": 9})
    assert (top, base, share, exceeded) == (1, 0, Decimal(0), True)
    assert quota_check(rule("QD366"), {"HTNV": 9})[4] is False


# The denominator ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["QD132", "QD124", "QD366"])
def test_domain_example_9_excellent_vs_43_good_breaches_with_the_literal_denominator(code: str) -> None:
    # DOMAIN.md: a district's 2023 review, 9 grassroots orgs HTXSNV, 43 HTTNV, 11 HTNV.
    counts = {"HTXSNV": 9, "HTTNV": 43, "HTNV": 11}
    top, base, share, limit, exceeded = quota_check(rule(code, "org"), counts)
    assert (top, base, exceeded) == (9, 43, True)
    assert round(share * 100, 1) == Decimal("20.9") and share > limit


@pytest.mark.parametrize("code", ["QD132", "QD124", "QD366"])
def test_domain_example_is_within_the_quota_when_the_denominator_counts_excellent_too(code: str) -> None:
    counts = {"HTXSNV": 9, "HTTNV": 43, "HTNV": 11}
    top, base, share, _, exceeded = quota_check(rule(code, "org", quota_base="HTTNV+HTXSNV"), counts)
    assert (top, base, exceeded) == (9, 52, False)
    assert round(share * 100, 1) == Decimal("17.3")


def test_domain_example_members_524_excellent_vs_3576_good_are_within_the_quota() -> None:
    top, base, share, _, exceeded = quota_check(rule("QD124"), {"HTXSNV": 524, "HTTNV": 3576})
    assert (top, base, exceeded) == (524, 3576, False)
    assert round(share * 100, 1) == Decimal("14.7")


def test_a_ratio_override_changes_the_outcome() -> None:
    counts = {"HTXSNV": 9, "HTTNV": 43}
    assert quota_check(rule("QD366", "org", quota_ratio="0.21"), counts)[4] is False
    assert quota_check(rule("QD132", "member", member_quota_ratio=0.15), {"HTXSNV": 16, "HTTNV": 100})[4] is True
