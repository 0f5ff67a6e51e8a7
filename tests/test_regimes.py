"""Each regime's rule table, from the regulation text as DOMAIN-RULES §1 gives it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dangvu.evaluations.periods import PeriodKey
from dangvu.evaluations.regimes import REGIMES, regime_by_code, regime_for
from dangvu.evaluations.regimes.base import RatingInput, Regime, Subordinates, Verdict, findings_for
from dangvu.evaluations.services import RowInput, evaluate

HD20, HD27, QD132, QD124, QD366 = (regime_by_code(c) for c in ("HD20", "HD27", "QD132", "QD124", "QD366"))
ALL_GOOD = {"all_tasks_on_time": True, "exceeded_30pct": True, "shortcomings_fixed": True, "late_within_20pct": True}


def member(regime: Regime, score: str | None = None, overrides: dict | None = None, /, **conditions: bool) -> Verdict:
    return regime.verdict("member", RatingInput(None if score is None else Decimal(score), conditions), overrides)


def org(
    regime: Regime,
    score: str | None = None,
    below: Subordinates | None = None,
    overrides: dict | None = None,
    /,
    **conditions: bool,
) -> Verdict:
    rating = RatingInput(None if score is None else Decimal(score), conditions, below)
    return regime.verdict("org", rating, overrides)


def codes(verdict: Verdict) -> set[str]:
    return {f.code for f in verdict.reasons}


# Regime chosen by date -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (date(2008, 10, 10), "HD20"),
        (date(2008, 12, 31), "HD20"),
        (date(2013, 12, 31), "HD20"),
        (date(2014, 9, 24), "HD20"),
        (date(2014, 9, 25), "HD27"),
        (date(2017, 12, 31), "HD27"),
        # QĐ 132 is dated 08/3/2018: a day before it is still HD 27; the year 2018 (ends 31/12) is QĐ 132.
        (date(2018, 1, 1), "HD27"),
        (date(2018, 3, 7), "HD27"),
        (date(2018, 3, 8), "QD132"),
        (date(2022, 12, 31), "QD132"),
        (date(2023, 10, 3), "QD132"),
        (date(2023, 10, 4), "QD124"),
        (date(2025, 8, 29), "QD124"),
        (date(2025, 8, 30), "QD366"),
        (date(2026, 12, 31), "QD366"),
    ],
)
def test_the_regime_in_force_on_a_day_is_the_latest_started(day: date, code: str) -> None:
    assert regime_for(day).code == code


@pytest.mark.parametrize(
    ("year", "code"),
    [
        (2008, "HD20"),
        (2013, "HD20"),
        (2014, "HD27"),
        (2017, "HD27"),
        (2018, "QD132"),
        (2022, "QD132"),
        (2023, "QD124"),
        (2024, "QD124"),
        (2025, "QD366"),
        (2026, "QD366"),
    ],
)
def test_a_year_is_judged_by_the_regime_in_force_on_its_last_day(year: int, code: str) -> None:
    assert regime_for(PeriodKey(year).end).code == code


def test_quarters_of_2025_straddle_the_change_to_qd366() -> None:
    assert regime_for(PeriodKey(2025, 2).end).code == "QD124"
    assert regime_for(PeriodKey(2025, 3).end).code == "QD366"  # 30/9/2025


def test_a_day_before_the_first_regime_has_no_regime() -> None:
    with pytest.raises(LookupError, match="10/10/2008"):
        regime_for(date(2008, 10, 9))


def test_the_registry_is_oldest_first_with_unique_codes_and_dates() -> None:
    starts = [r.starts for r in REGIMES]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert [r.code for r in REGIMES] == ["HD20", "HD27", "QD132", "QD124", "QD366"]
    with pytest.raises(LookupError):
        regime_by_code("QD999")


def test_each_regime_starts_on_its_documents_date() -> None:
    assert [r.starts for r in REGIMES] == [
        date(2008, 10, 10),
        date(2014, 9, 25),
        date(2018, 3, 8),
        date(2023, 10, 4),
        date(2025, 8, 30),
    ]


def test_quarterly_periods_exist_only_under_qd366() -> None:
    assert {r.code for r in REGIMES if r.quarterly} == {"QD366"}


def test_only_hd27_and_qd366_score_in_points() -> None:
    assert {r.code for r in REGIMES if r.scored} == {"HD27", "QD366"}


# Level codes ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "members", "orgs"),
    [
        ("HD20", ["HTXSNV", "HTTNV", "HTNV", "VPTC"], ["TSVM", "HTTNV", "HTNV", "YK"]),
        ("HD27", ["HTXSNV", "HTTNV", "HTNV", "KHTNV"], ["TSVM", "HTTNV", "HTNV", "YK"]),
        ("QD132", ["HTXSNV", "HTTNV", "HTNV", "KHTNV"], ["HTXSNV", "HTTNV", "HTNV", "KHTNV"]),
        ("QD124", ["HTXSNV", "HTTNV", "HTNV", "KHTNV"], ["HTXSNV", "HTTNV", "HTNV", "KHTNV"]),
        ("QD366", ["HTXSNV", "HTTNV", "HTNV", "KHTNV"], ["HTXSNV", "HTTNV", "HTNV", "KHTNV"]),
    ],
)
def test_every_level_code_is_stable_and_ranked_best_first(code: str, members: list[str], orgs: list[str]) -> None:
    regime = regime_by_code(code)
    assert [lv.code for lv in regime.member_levels] == members
    assert [lv.code for lv in regime.org_levels] == orgs
    assert [lv.rank for lv in regime.member_levels] == [1, 2, 3, 4] == [lv.rank for lv in regime.org_levels]


def test_hd20_uses_the_2008_member_labels() -> None:
    assert [lv.label for lv in HD20.member_levels] == [
        "Đủ tư cách, hoàn thành xuất sắc nhiệm vụ",
        "Đủ tư cách, hoàn thành tốt nhiệm vụ",
        "Đủ tư cách, hoàn thành nhiệm vụ",
        "Vi phạm tư cách hoặc không hoàn thành nhiệm vụ",
    ]
    assert HD20.level("org", "TSVM") is not None and HD20.level("org", "TSVM").label == "Trong sạch, vững mạnh"  # type: ignore[union-attr]
    assert HD27.level("org", "YK").label == "Yếu kém"  # type: ignore[union-attr]


@pytest.mark.parametrize("regime", REGIMES, ids=lambda r: r.code)
def test_every_condition_cites_its_source(regime: Regime) -> None:
    for condition in (*regime.member_conditions, *regime.org_conditions):
        assert condition.article.startswith(("QĐ ", "HD ")), condition
        assert condition.code and condition.label


@pytest.mark.parametrize("regime", REGIMES, ids=lambda r: r.code)
def test_every_setting_has_a_default_the_rules_accept(regime: Regime) -> None:
    defaults = regime.defaults()
    assert len(defaults) == len(regime.settings)
    for subject in ("member", "org"):
        regime.quota(subject)
        regime.verdict(subject, RatingInput(Decimal(80) if regime.scored else None, {}, Subordinates()))


# QĐ 366: the 100-point scheme ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "level"),
    [
        ("0", "KHTNV"),
        ("49", "KHTNV"),
        ("49.99", "KHTNV"),
        ("50", "HTNV"),
        ("69", "HTNV"),
        ("69.99", "HTNV"),
        ("70", "HTTNV"),
        ("89", "HTTNV"),
        ("89.99", "HTTNV"),
        ("90", "HTXSNV"),
        ("100", "HTXSNV"),
    ],
)
def test_qd366_score_bands_with_every_condition_met(score: str, level: str) -> None:
    assert member(QD366, score, **ALL_GOOD).level == level
    assert org(QD366, score, Subordinates(), **ALL_GOOD).level == level


def test_qd366_without_a_score_gives_no_level() -> None:
    assert member(QD366).level is None and org(QD366).level is None


@pytest.mark.parametrize(
    ("missing", "level"),
    [("exceeded_30pct", "HTTNV"), ("shortcomings_fixed", "HTTNV"), ("all_tasks_on_time", "HTNV")],
)
def test_qd366_90_points_without_an_excellent_condition_is_capped(missing: str, level: str) -> None:
    verdict = member(QD366, "95", **{**ALL_GOOD, missing: False})
    assert verdict.level == level
    assert missing in codes(verdict)
    assert all(f.article.startswith("QĐ 366-QĐ/TW, Điều 11") for f in verdict.reasons)


def test_qd366_a_condition_missed_at_two_levels_is_reported_once() -> None:
    verdict = member(QD366, "95", **{**ALL_GOOD, "all_tasks_on_time": False})
    assert verdict.level == "HTNV"
    assert [f.code for f in verdict.reasons] == ["all_tasks_on_time"]
    assert len(findings_for(QD366, "member", "HTXSNV", verdict)) == 1


def test_qd366_good_needs_all_tasks_on_time() -> None:
    assert member(QD366, "80", **ALL_GOOD).level == "HTTNV"
    verdict = member(QD366, "80", **{**ALL_GOOD, "all_tasks_on_time": False})
    assert verdict.level == "HTNV" and {"score_below_90", "all_tasks_on_time"} <= codes(verdict)


def test_qd366_satisfactory_needs_at_most_20pct_late() -> None:
    verdict = member(QD366, "60", **{**ALL_GOOD, "late_within_20pct": False})
    assert verdict.level == "KHTNV"
    assert {"score_below_70", "late_within_20pct"} <= codes(verdict)


@pytest.mark.parametrize("trigger", ["disciplined", "degenerated", "violated_prohibitions", "over_half_tasks_failed"])
def test_qd366_a_member_trigger_fails_whatever_the_score(trigger: str) -> None:
    for score in ("100", "95", "75", "55"):
        verdict = member(QD366, score, **ALL_GOOD, **{trigger: True})
        assert verdict.level == "KHTNV"
        assert codes(verdict) == {trigger}


@pytest.mark.parametrize("trigger", ["disunity", "leader_disciplined", "leader_degenerated", "plan_under_70pct"])
def test_qd366_an_org_trigger_fails_whatever_the_score(trigger: str) -> None:
    verdict = org(QD366, "98", Subordinates(), **ALL_GOOD, **{trigger: True})
    assert verdict.level == "KHTNV" and codes(verdict) == {trigger}


def test_qd366_a_member_trigger_is_not_an_org_condition() -> None:
    assert org(QD366, "95", Subordinates(), **ALL_GOOD, disciplined=True).level == "HTXSNV"


def test_qd366_org_excellence_needs_no_disciplined_member_below_computed_from_the_data() -> None:
    assert org(QD366, "95", Subordinates(disciplined_members=0), **ALL_GOOD).level == "HTXSNV"
    verdict = org(QD366, "95", Subordinates(disciplined_members=1), **ALL_GOOD)
    assert verdict.level == "HTTNV" and codes(verdict) == {"no_disciplined_below"}


def test_qd366_the_computed_condition_cannot_be_typed() -> None:
    # A typed value is overwritten by the data.
    verdict = org(QD366, "95", Subordinates(disciplined_members=2), **ALL_GOOD, no_disciplined_below=True)
    assert verdict.level == "HTTNV"
    assert [c.code for c in QD366.org_conditions if c.computed] == ["no_disciplined_below"]


def test_qd366_the_disciplined_member_rule_is_a_setting() -> None:
    overrides = {"excellent_needs_no_disciplined_member": False}
    assert org(QD366, "95", Subordinates(disciplined_members=1), overrides, **ALL_GOOD).level == "HTXSNV"


def test_qd366_conditions_default_to_met_and_triggers_to_not_fired() -> None:
    assert member(QD366, "92").level == "HTXSNV"
    for condition in QD366.member_conditions:
        assert condition.default is (condition.kind == "requirement")


# QĐ 132 and QĐ 124: criteria, no points ------------------------------------------------------------------


@pytest.mark.parametrize("regime", [QD132, QD124], ids=lambda r: r.code)
def test_a_member_with_every_criterion_met_may_be_excellent(regime: Regime) -> None:
    assert member(regime, task_criteria_excellent=True, other_criteria_good=True).level == "HTXSNV"


@pytest.mark.parametrize("regime", [QD132, QD124], ids=lambda r: r.code)
@pytest.mark.parametrize("missing", ["task_criteria_excellent", "other_criteria_good"])
def test_a_member_missing_an_excellence_criterion_is_at_most_good(regime: Regime, missing: str) -> None:
    verdict = member(regime, **{missing: False})
    assert verdict.level == "HTTNV" and codes(verdict) == {missing}
    article = "QĐ 132-QĐ/TW" if regime is QD132 else "QĐ 124-QĐ/TW, Điều 12"
    assert all(f.article.startswith(article) for f in verdict.reasons)


@pytest.mark.parametrize("regime", [QD132, QD124], ids=lambda r: r.code)
def test_discipline_fails_a_member_only_when_the_setting_says_so(regime: Regime) -> None:
    assert member(regime, disciplined=True).level == "HTXSNV"
    verdict = member(regime, None, {"disciplined_member_fails": True}, disciplined=True)
    assert verdict.level == "KHTNV" and codes(verdict) == {"disciplined"}


def cell(**levels: int) -> Subordinates:
    return Subordinates(members_by_level=levels)


def body(**levels: int) -> Subordinates:
    return Subordinates(members_by_level={"HTTNV": 100}, children_by_level=levels)


@pytest.mark.parametrize("regime", [QD132, QD124], ids=lambda r: r.code)
@pytest.mark.parametrize(
    ("below", "level"),
    [
        (cell(HTXSNV=2, HTTNV=6, HTNV=2), "HTXSNV"),  # 100% ≥ HTNV, exactly 80% ≥ HTTNV
        (cell(HTTNV=80, HTNV=20), "HTXSNV"),
        (cell(HTTNV=79, HTNV=21), "HTTNV"),  # 79% ≥ HTTNV
        (cell(HTXSNV=3, HTTNV=6, KHTNV=1), "HTTNV"),  # 90% good but one member KHTNV: not 100% ≥ HTNV
        (body(HTXSNV=1, HTTNV=3, HTNV=1), "HTXSNV"),  # subordinate bodies counted, not members
        (body(HTTNV=79, HTNV=21), "HTTNV"),
        (body(HTTNV=9, KHTNV=1), "HTTNV"),
        (Subordinates(), "HTXSNV"),  # nothing rated below: not computable, a human decides
    ],
)
def test_org_excellence_is_capped_by_its_subordinates(regime: Regime, below: Subordinates, level: str) -> None:
    verdict = org(regime, None, below, local_bodies_good=True)
    assert verdict.level == level
    if level == "HTTNV":
        assert codes(verdict) == {"subordinates_done_80pct_good"}
        assert "HTTNV trở lên" in verdict.reasons[0].message


def test_qd132_subordinate_bodies_take_precedence_over_members_of_the_subtree() -> None:
    below = Subordinates(members_by_level={"KHTNV": 50}, children_by_level={"HTTNV": 4, "HTNV": 1})
    assert org(QD132, None, below).level == "HTXSNV"


@pytest.mark.parametrize("regime", [QD132, QD124], ids=lambda r: r.code)
def test_org_excellence_needs_government_front_and_mass_organisations_good(regime: Regime) -> None:
    verdict = org(regime, None, cell(HTTNV=10), local_bodies_good=False)
    assert verdict.level == "HTTNV" and codes(verdict) == {"local_bodies_good"}
    both = org(regime, None, cell(HTTNV=7, HTNV=3), local_bodies_good=False)
    assert codes(both) == {"local_bodies_good", "subordinates_done_80pct_good"}


def test_qd132_computed_condition_is_marked_computed_and_the_typed_one_not() -> None:
    assert {c.code: c.computed for c in QD132.org_conditions} == {
        "subordinates_done_80pct_good": True,
        "local_bodies_good": False,
    }


def test_qd124_the_80pct_share_is_a_setting_defaulting_to_qd132() -> None:
    assert QD124.defaults()["org_excellent_min_good_share"] == "0.80"
    below = cell(HTTNV=75, HTNV=25)
    assert org(QD124, None, below).level == "HTTNV"
    assert org(QD124, None, below, {"org_excellent_min_good_share": "0.75"}).level == "HTXSNV"


def test_qd132_and_qd124_compute_nothing_below_good() -> None:
    # No criterion below HTXSNV is on file: the verdict is a cap, never a lower level.
    verdict = org(QD132, None, cell(KHTNV=10), local_bodies_good=False)
    assert verdict.level == "HTTNV"


# HD 27: points for organisations ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "level"),
    [
        ("0", "YK"),
        ("49", "YK"),
        ("49.99", "YK"),
        ("50", "HTNV"),
        ("69", "HTNV"),
        ("70", "HTTNV"),
        ("89", "HTTNV"),
        ("90", "TSVM"),
        ("100", "TSVM"),
    ],
)
def test_hd27_org_points(score: str, level: str) -> None:
    assert org(HD27, score, cell(HTTNV=10)).level == level


def test_hd27_below_50_is_weak_with_its_source() -> None:
    verdict = org(HD27, "49")
    assert verdict.level == "YK" and codes(verdict) == {"score_below_50"}
    assert verdict.reasons[0].article.startswith("HD 27-HD/BTCTW")


@pytest.mark.parametrize("defect", ["disunity", "members_disciplined"])
def test_hd27_50_points_or_more_with_a_defect_is_weak(defect: str) -> None:
    for score in ("50", "75", "95"):
        verdict = org(HD27, score, **{defect: True})
        assert verdict.level == "YK" and codes(verdict) == {defect}


@pytest.mark.parametrize(
    ("below", "level"),
    [
        (cell(HTTNV=4, KHTNV=6), "YK"),  # more than half KHTNV
        (cell(HTTNV=5, KHTNV=5), "TSVM"),  # exactly half: not more than 1/2
        (cell(HTTNV=1, KHTNV=2), "YK"),
        (Subordinates(), "TSVM"),
        (Subordinates(members_by_level={"KHTNV": 9}, children_by_level={"TSVM": 3}), "TSVM"),  # not a cell
    ],
)
def test_hd27_a_cell_with_over_half_its_members_khtnv_is_weak(below: Subordinates, level: str) -> None:
    verdict = org(HD27, "95", below)
    assert verdict.level == level
    if level == "YK":
        assert codes(verdict) == {"over_half_members_khtnv"}


def test_hd27_the_computed_defect_cannot_be_typed() -> None:
    assert org(HD27, "95", cell(HTTNV=10), over_half_members_khtnv=True).level == "TSVM"


def test_hd27_the_unconfirmed_bands_are_settings() -> None:
    assert HD27.defaults() == {
        "tsvm_min_score": 90,
        "httnv_min_score": 70,
        "member_quota_ratio": None,
        "org_quota_ratio": None,
    }
    overrides = {"tsvm_min_score": 95, "httnv_min_score": 75}
    assert org(HD27, "92", None, overrides).level == "HTTNV"
    verdict = org(HD27, "72", None, overrides)
    assert verdict.level == "HTNV" and codes(verdict) == {"score_below_tsvm", "score_below_httnv"}
    assert all(s.unconfirmed for s in HD27.settings)


def test_hd27_gives_no_level_without_a_score_nor_for_members() -> None:
    assert org(HD27).level is None
    assert member(HD27, "95").level is None


def test_hd20_computes_no_level_a_human_decides() -> None:
    assert member(HD20).level is None and org(HD20).level is None
    assert findings_for(HD20, "org", "TSVM", org(HD20)) == []
    assert findings_for(HD20, "member", "VPTC", member(HD20)) == []


# findings_for --------------------------------------------------------------------------------------------


def test_a_decided_level_above_the_allowed_one_is_flagged_with_the_article() -> None:
    verdict = member(QD366, "95", **ALL_GOOD, disciplined=True)
    findings = findings_for(QD366, "member", "HTXSNV", verdict)
    assert [(f.code, f.article) for f in findings] == [("disciplined", "QĐ 366-QĐ/TW, Điều 11")]
    assert "cao hơn mức quy định cho phép “Không hoàn thành nhiệm vụ”" in findings[0].message


def test_a_decided_level_at_or_below_the_allowed_one_is_not_flagged() -> None:
    verdict = member(QD366, "80", **ALL_GOOD)
    assert findings_for(QD366, "member", "HTTNV", verdict) == []
    assert findings_for(QD366, "member", "HTNV", verdict) == []
    assert findings_for(QD366, "member", "", verdict) == []


def test_an_org_above_its_subordinates_cap_is_flagged_with_the_qd132_article() -> None:
    verdict = org(QD132, None, cell(HTTNV=79, HTNV=21))
    findings = findings_for(QD132, "org", "HTXSNV", verdict)
    assert [f.code for f in findings] == ["subordinates_done_80pct_good"]
    assert findings[0].article.startswith("QĐ 132-QĐ/TW")


def test_hd27_tsvm_for_a_weak_org_is_flagged() -> None:
    findings = findings_for(HD27, "org", "TSVM", org(HD27, "95", cell(KHTNV=6, HTNV=4)))
    assert [f.code for f in findings] == ["over_half_members_khtnv"]


def test_a_level_of_another_regime_is_flagged_as_unknown() -> None:
    assert [f.code for f in findings_for(QD132, "org", "TSVM", Verdict("HTXSNV"))] == ["unknown_level"]
    assert [f.code for f in findings_for(HD20, "member", "KHTNV", Verdict(None))] == ["unknown_level"]
    assert [f.code for f in findings_for(HD27, "org", "HTXSNV", Verdict(None))] == ["unknown_level"]


@pytest.mark.parametrize(
    ("regime", "subject", "top", "second"),
    [
        (HD20, "org", "TSVM", "HTTNV"),
        (HD20, "member", "HTXSNV", "HTTNV"),
        (HD27, "org", "TSVM", "HTTNV"),
        (QD132, "org", "HTXSNV", "HTTNV"),
        (QD124, "member", "HTXSNV", "HTTNV"),
        (QD366, "org", "HTXSNV", "HTTNV"),
    ],
    ids=lambda v: getattr(v, "code", v),
)
def test_the_exemplary_mark_goes_only_with_the_top_level(regime: Regime, subject: str, top: str, second: str) -> None:
    assert findings_for(regime, subject, top, Verdict(None), exemplary=True) == []  # type: ignore[arg-type]
    flagged = findings_for(regime, subject, second, Verdict(None), exemplary=True)  # type: ignore[arg-type]
    assert [f.code for f in flagged] == ["exemplary_level"]


# Settings overrides change the outcome -----------------------------------------------------------------------


def test_an_override_of_an_unknown_key_is_ignored() -> None:
    assert QD366.resolved({"no_such_key": 1}) == QD366.defaults()


@pytest.mark.parametrize("regime", [QD132, QD124, QD366], ids=lambda r: r.code)
def test_the_quota_base_override_changes_the_denominator(regime: Regime) -> None:
    assert regime.quota("member").base_levels == ("HTTNV",)  # type: ignore[union-attr]
    rule = regime.quota("member", {"quota_base": "HTTNV+HTXSNV"})
    assert rule is not None and rule.base_levels == ("HTTNV", "HTXSNV")


@pytest.mark.parametrize("regime", REGIMES, ids=lambda r: r.code)
def test_unconfirmed_rules_are_marked_as_such(regime: Regime) -> None:
    confirmed = {s.key for s in regime.settings if not s.unconfirmed}
    expected = {
        "HD20": set(),
        "HD27": set(),
        "QD132": {"member_quota_ratio", "member_peer_group"},
        "QD124": set(),
        "QD366": {"quota_ratio", "quota_exception_ratio"},
    }
    assert confirmed == expected[regime.code]


# Through the grid's evaluation -----------------------------------------------------------------------------


def test_the_grid_refuses_a_score_under_a_regime_without_points() -> None:
    for regime in (HD20, QD132, QD124):
        result = evaluate(regime, "member", RowInput(1, score=Decimal(80)), {})
        assert "score" in result.errors


def test_the_grid_flags_an_org_above_its_computed_cap_whatever_was_typed_for_it() -> None:
    row = RowInput(1, level="HTXSNV", conditions={"subordinates_done_80pct_good": True, "local_bodies_good": True})
    result = evaluate(QD132, "org", row, {}, Subordinates(members_by_level={"HTTNV": 7, "HTNV": 3}))
    assert result.allowed_level == "HTTNV"
    assert [f["code"] for f in result.findings] == ["subordinates_done_80pct_good"]


def test_the_grid_stores_no_allowed_level_where_the_regime_computes_none() -> None:
    result = evaluate(HD20, "org", RowInput(1, level="TSVM", exemplary=True), {})
    assert result.allowed_level == "" and result.findings == [] and not result.errors
