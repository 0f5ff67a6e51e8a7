"""Party age (QĐ 24 §4.5, kept by QĐ 294): from the first admission decision, minus the gaps, once official."""

from __future__ import annotations

from datetime import date

from dangvu.lifecycle.party_age import AgeEvent, party_age
from dangvu.members.lifecycle import EventKind as K

TODAY = date(2026, 11, 23)


def career(*extra: AgeEvent) -> list[AgeEvent]:
    return [AgeEvent(K.ADMITTED, date(1990, 3, 1), 1), AgeEvent(K.CONFIRMED, date(1991, 3, 20)), *extra]


def test_it_counts_from_the_admission_decision_without_gaps() -> None:
    age = party_age(career(), today=TODAY)
    assert age is not None and age.official and not age.gaps
    assert age.years_on(TODAY) == 36
    assert age.reached_on(30) == date(2020, 3, 1)
    assert age.years_on(date(2020, 2, 29)) == 29 and age.years_on(date(2020, 3, 1)) == 30


def test_it_does_not_count_before_the_member_is_official() -> None:
    age = party_age([AgeEvent(K.ADMITTED, date(2026, 3, 2), 1)], today=TODAY)
    assert age is not None and not age.official and age.years_on(TODAY) == 0
    assert party_age([], today=TODAY) is None


def test_a_strike_off_and_a_readmission_leave_a_gap_and_count_from_the_first_decision() -> None:
    events = career(
        AgeEvent(K.STRUCK_OFF, date(2000, 1, 10)),
        AgeEvent(K.READMITTED, date(2003, 1, 10), 1),
        AgeEvent(K.CONFIRMED, date(2004, 2, 1)),
    )
    age = party_age(events, today=TODAY)
    assert age is not None and age.official
    assert age.first_admitted_on == date(1990, 3, 1)
    assert age.gaps == [(date(2000, 1, 10), date(2003, 1, 10))]
    # 30 years pushed by the 3-year gap (1096 days, 2000 being a leap year).
    assert age.reached_on(30) == date(2023, 3, 2)
    assert age.years_on(TODAY) == 33


def test_a_readmitted_member_on_probation_has_no_age_counted_yet() -> None:
    events = career(AgeEvent(K.EXPELLED, date(2010, 5, 5)), AgeEvent(K.READMITTED, date(2026, 5, 5), 1))
    age = party_age(events, today=TODAY)
    assert age is not None and not age.official and age.years_on(TODAY) == 0


def test_a_member_wrongly_expelled_and_cleared_keeps_a_continuous_age() -> None:
    expelled = AgeEvent(K.EXPELLED, date(2005, 6, 1), cleared=True)
    events = career(expelled, AgeEvent(K.READMITTED, date(2007, 6, 1), 1), AgeEvent(K.CONFIRMED, date(2007, 6, 2)))
    age = party_age(events, today=TODAY)
    assert age is not None and not age.gaps and age.years_on(TODAY) == 36
    not_cleared = party_age(career(AgeEvent(K.EXPELLED, date(2005, 6, 1)), *events[3:]), today=TODAY)
    assert not_cleared is not None and not_cleared.years_on(TODAY) == 34


def test_an_expelled_member_not_readmitted_has_an_open_gap_and_no_age() -> None:
    age = party_age(career(AgeEvent(K.EXPELLED, date(2020, 1, 1))), today=TODAY)
    assert age is not None and not age.official and age.gaps == [(date(2020, 1, 1), TODAY)]


def test_a_transfer_gap_counts_only_after_the_30_working_days_to_present_the_letter() -> None:
    on_time = career(AgeEvent(K.TRANSFER_OUT, date(2015, 3, 2)), AgeEvent(K.TRANSFER_IN, date(2015, 4, 1), 2))
    age = party_age(on_time, today=TODAY)
    assert age is not None and not age.gaps
    late = career(AgeEvent(K.TRANSFER_OUT, date(2015, 3, 2)), AgeEvent(K.TRANSFER_IN, date(2016, 4, 13), 2))
    age = party_age(late, today=TODAY)
    assert age is not None and age.gaps == [(date(2015, 4, 13), date(2016, 4, 13))]
    assert age.reached_on(30) == date(2021, 3, 2)  # one year (366 days, 2016 is leap) later


def test_lost_contact_is_a_gap_given_by_the_caller() -> None:
    age = party_age(career(), today=TODAY, extra_gaps=[(date(1995, 1, 1), date(1996, 1, 1))])
    assert age is not None and age.reached_on(30) == date(2021, 3, 1)


def test_a_leap_day_admission_reaches_its_milestones_on_the_28th_in_common_years() -> None:
    age = party_age([AgeEvent(K.ADMITTED, date(1996, 2, 29), 1), AgeEvent(K.CONFIRMED, date(1997, 3, 1))], today=TODAY)
    assert age is not None
    assert age.reached_on(30) == date(2026, 2, 28)
    assert age.reached_on(40) == date(2036, 2, 29)
