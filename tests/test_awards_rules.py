"""Award rules and streaks: the HD 06-HD/TW (2025) §19 catalogue as seeded, "N năm liền" across the
rating regimes (TSVM before 2018, QĐ 124 → QĐ 366 in 2025), streaks that break, and the equivalence a
province may change."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from dangvu.audit.models import AuditRecord
from dangvu.awards.models import AwardKind, AwardRule, SubjectKind
from dangvu.awards.queries import equivalence
from dangvu.awards.streaks import (
    DEFAULT_EQUIVALENCE,
    RuleSpec,
    YearLevel,
    equivalence_from_settings,
    streak,
    years_text,
)

FIVE = RuleSpec("HTXSNV", False, 5)
FIVE_EXEMPLARY = RuleSpec("HTXSNV", True, 5)
ONE_EXEMPLARY = RuleSpec("HTXSNV", True, 1)
ONE = RuleSpec("HTXSNV", False, 1)


def levels(**by_year: str) -> dict[int, YearLevel]:
    """levels(y2018="HTXSNV", y2019="TSVM*") — a trailing * marks "tiêu biểu"."""
    return {int(k[1:]): YearLevel(v.rstrip("*"), v.endswith("*")) for k, v in by_year.items()}


def run(first: int, last: int, level: str = "HTXSNV", exemplary: bool = False) -> dict[int, YearLevel]:
    return {year: YearLevel(level, exemplary) for year in range(first, last + 1)}


# The seeded catalogue ---------------------------------------------------------------------------------

# (subject, tiêu biểu, years, award, body contains)
HD06 = [
    (SubjectKind.CELL, True, 1, AwardKind.CERTIFICATE, "Cấp ủy cấp trên trực tiếp của chi bộ"),
    (SubjectKind.CELL, True, 5, AwardKind.CERTIFICATE, "cấp trên trực tiếp của tổ chức cơ sở đảng"),
    (SubjectKind.CELL, True, 5, AwardKind.MERIT, "Tỉnh ủy"),
    (SubjectKind.GRASSROOTS, True, 1, AwardKind.CERTIFICATE, "cấp trên trực tiếp của tổ chức cơ sở đảng"),
    (SubjectKind.GRASSROOTS, True, 5, AwardKind.MERIT, "Tỉnh ủy"),
    (SubjectKind.GRASSROOTS, True, 5, AwardKind.BANNER, "Tỉnh ủy"),
    (SubjectKind.MEMBER, False, 1, AwardKind.CERTIFICATE, "Đảng ủy cơ sở, chi bộ cơ sở"),
    (SubjectKind.MEMBER, False, 5, AwardKind.CERTIFICATE, "cấp trên trực tiếp của tổ chức cơ sở đảng"),
    (SubjectKind.MEMBER, False, 5, AwardKind.MERIT, "Tỉnh ủy"),
]


@pytest.mark.django_db
def test_the_hd06_table_is_seeded_as_nine_active_rules() -> None:
    rules = list(AwardRule.objects.active())
    assert len(rules) == 9
    seen = {(r.subject_kind, r.exemplary_required, r.years, r.award) for r in rules}
    assert seen == {(s, e, y, a) for s, e, y, a, _ in HD06}
    for subject, exemplary, years, award, body in HD06:
        rule = AwardRule.objects.get(subject_kind=subject, exemplary_required=exemplary, years=years, award=award)
        assert body in rule.body
        assert rule.level == "HTXSNV"
        assert rule.source.startswith("HD 06-HD/TW")


@pytest.mark.django_db
@pytest.mark.parametrize(("subject", "exemplary", "years", "award", "body"), HD06)
def test_every_hd06_rule_is_met_by_its_streak_and_not_one_year_short(subject, exemplary, years, award, body) -> None:
    rule = AwardRule.objects.get(subject_kind=subject, exemplary_required=exemplary, years=years, award=award)
    final = 2025
    assert streak(run(final - years + 1, final, exemplary=exemplary), rule, final) == (
        True,
        tuple(range(final - years + 1, final + 1)),
    )
    # One year short (the first year of the window is missing).
    assert streak(run(final - years + 2, final, exemplary=exemplary), rule, final)[0] is False
    # A lower level in the final year fails it.
    short = run(final - years + 1, final, exemplary=exemplary)
    short[final] = YearLevel("HTTNV")
    assert streak(short, rule, final) == (False, ())
    if exemplary:
        # Without the "tiêu biểu" mark, HTXSNV is not enough.
        assert streak(run(final - years + 1, final), rule, final)[0] is False


@pytest.mark.django_db
def test_the_achievement_reads_as_the_report_sentence() -> None:
    rule = AwardRule.objects.get(subject_kind=SubjectKind.MEMBER, years=5, award=AwardKind.MERIT)
    assert rule.achievement() == "hoàn thành xuất sắc nhiệm vụ 5 năm liên tục"
    assert rule.title(2022) == "Hoàn thành xuất sắc nhiệm vụ 5 năm liên tục (2018–2022)"
    one = AwardRule.objects.get(subject_kind=SubjectKind.CELL, years=1)
    assert one.achievement() == "hoàn thành xuất sắc nhiệm vụ tiêu biểu trong năm"


# Streaks ----------------------------------------------------------------------------------------------


def test_a_five_year_streak_shows_its_years() -> None:
    assert streak(run(2018, 2022), FIVE, 2022) == (True, (2018, 2019, 2020, 2021, 2022))
    assert years_text((2018, 2019, 2020, 2021, 2022)) == "2018–2022"


def test_longer_runs_count_only_the_last_n_years() -> None:
    assert streak(run(2010, 2025), FIVE, 2025) == (True, (2021, 2022, 2023, 2024, 2025))


def test_a_missing_year_breaks_the_streak() -> None:
    data = run(2018, 2022)
    del data[2020]
    assert streak(data, FIVE, 2022) == (False, (2021, 2022))


def test_a_lower_year_breaks_the_streak() -> None:
    data = run(2018, 2022)
    data[2019] = YearLevel("HTTNV")
    assert streak(data, FIVE, 2022) == (False, (2020, 2021, 2022))


def test_an_unrated_final_year_gives_no_streak() -> None:
    data = run(2018, 2022)
    data[2022] = YearLevel("")
    assert streak(data, FIVE, 2022) == (False, ())
    assert streak(run(2018, 2021), FIVE, 2022) == (False, ())


def test_a_streak_crosses_2017_2018_with_tsvm_counting_as_htxsnv() -> None:
    data = levels(y2015="TSVM", y2016="TSVM", y2017="TSVM", y2018="HTXSNV", y2019="HTXSNV")
    assert streak(data, FIVE, 2019) == (True, (2015, 2016, 2017, 2018, 2019))


def test_tsvm_tieu_bieu_counts_as_htxsnv_tieu_bieu() -> None:
    data = levels(y2014="TSVM*", y2015="TSVM*", y2016="TSVM*", y2017="TSVM*", y2018="HTXSNV*")
    assert streak(data, FIVE_EXEMPLARY, 2018) == (True, (2014, 2015, 2016, 2017, 2018))
    data[2016] = YearLevel("TSVM")  # TSVM without the mark breaks a "tiêu biểu" streak
    assert streak(data, FIVE_EXEMPLARY, 2018) == (False, (2017, 2018))


def test_old_lower_levels_break_the_streak() -> None:
    data = levels(y2015="TSVM", y2016="YK", y2017="TSVM", y2018="HTXSNV", y2019="HTXSNV")
    assert streak(data, FIVE, 2019) == (False, (2017, 2018, 2019))
    members = levels(y2011="HTXSNV", y2012="VPTC", y2013="HTXSNV")
    assert streak(members, RuleSpec("HTXSNV", False, 3), 2013) == (False, (2013,))


def test_members_2008_2013_count_by_code() -> None:
    data = levels(y2009="HTXSNV", y2010="HTXSNV", y2011="HTXSNV", y2012="HTXSNV", y2013="HTXSNV")
    assert streak(data, FIVE, 2013) == (True, (2009, 2010, 2011, 2012, 2013))


def test_a_streak_crosses_2025_from_qd124_to_qd366() -> None:
    data = levels(y2022="HTXSNV", y2023="HTXSNV", y2024="HTXSNV", y2025="HTXSNV", y2026="HTXSNV")
    assert streak(data, FIVE, 2026) == (True, (2022, 2023, 2024, 2025, 2026))
    data[2025] = YearLevel("HTNV")
    assert streak(data, FIVE, 2026) == (False, (2026,))


def test_a_better_level_meets_a_lower_requirement() -> None:
    three_good = RuleSpec("HTTNV", False, 3)
    data = levels(y2023="HTXSNV", y2024="HTTNV", y2025="TSVM")
    assert streak(data, three_good, 2025) == (True, (2023, 2024, 2025))
    data[2024] = YearLevel("HTNV")
    assert streak(data, three_good, 2025)[0] is False


def test_a_one_year_rule_needs_only_the_final_year() -> None:
    assert streak(levels(y2025="HTXSNV"), ONE, 2025) == (True, (2025,))
    assert streak(levels(y2025="HTXSNV"), ONE_EXEMPLARY, 2025) == (False, ())
    assert streak(levels(y2025="HTXSNV*"), ONE_EXEMPLARY, 2025) == (True, (2025,))


def test_an_unknown_level_code_breaks_the_streak() -> None:
    assert streak(levels(y2025="XYZ"), ONE, 2025) == (False, ())


# The equivalence is configurable ---------------------------------------------------------------------


def test_a_province_can_read_tsvm_as_a_lower_level() -> None:
    data = levels(y2015="TSVM", y2016="TSVM", y2017="TSVM", y2018="HTXSNV", y2019="HTXSNV")
    strict = equivalence_from_settings({"TSVM": "HTTNV"})
    assert strict["HTXSNV"] == "HTXSNV"
    assert streak(data, FIVE, 2019, strict) == (False, (2018, 2019))


def test_a_province_can_make_an_old_level_not_count() -> None:
    data = levels(y2017="TSVM", y2018="HTXSNV")
    assert streak(data, RuleSpec("HTXSNV", False, 2), 2018, equivalence_from_settings({"TSVM": ""}))[0] is False


def test_the_default_equivalence_is_used_without_a_setting(settings) -> None:
    assert equivalence() == dict(DEFAULT_EQUIVALENCE)
    settings.AWARD_LEVEL_EQUIVALENCE = {"TSVM": "HTTNV"}
    assert equivalence()["TSVM"] == "HTTNV"
    assert equivalence()["YK"] == "KHTNV"


# The command -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_province_adds_and_disables_a_rule_from_the_command_line() -> None:
    out = StringIO()
    call_command(
        "awardrules",
        "add",
        "--subject",
        "grassroots",
        "--years",
        "3",
        "--exemplary",
        "--award",
        "bang_khen",
        "--body",
        "Ban Thường vụ Tỉnh ủy",
        "--source",
        "Quy định của Tỉnh ủy (TSVM tiêu biểu 3 năm liền)",
        stdout=out,
    )
    rule = AwardRule.objects.get(years=3)
    assert rule.achievement() == "hoàn thành xuất sắc nhiệm vụ tiêu biểu 3 năm liên tục"
    assert AwardRule.objects.active().count() == 10
    call_command("awardrules", "disable", str(rule.pk), stdout=out)
    rule.refresh_from_db()
    assert not rule.active
    listing = StringIO()
    call_command("awardrules", "list", stdout=listing)
    assert "3 năm liên tục" not in listing.getvalue()
    call_command("awardrules", "list", "--all", stdout=listing)
    assert "3 năm liên tục" in listing.getvalue()
    assert AuditRecord.objects.filter(target_type="awardrule", target_id=rule.pk).count() == 2
