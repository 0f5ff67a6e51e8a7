"""A member's state replayed from the timeline of events (Điều lệ Đảng; QĐ 294-QĐ/TW; HD 06-HD/TW):
status, probationary/full membership, current cell and dates; impossible sequences are errors,
doubtful ones warnings."""

from __future__ import annotations

from datetime import date

import pytest

from dangvu.members.lifecycle import ON_ROLL, EventFact, EventKind, MemberState, Status, derive_state, ordered

E = EventKind
CELL_A, CELL_B, CELL_C = 11, 12, 13


def ev(kind: str, on: date, org_id: int | None = None, ceremony_on: date | None = None, seq: int = 0) -> EventFact:
    return EventFact(kind=kind, on=on, org_id=org_id, ceremony_on=ceremony_on, seq=seq)


ADMIT = ev(E.ADMITTED, date(2020, 3, 1), CELL_A, ceremony_on=date(2020, 3, 20))
CONFIRM = ev(E.CONFIRMED, date(2021, 3, 20))


def replay(*events: EventFact) -> MemberState:
    return derive_state(list(events))


def test_no_events_means_not_admitted() -> None:
    state = replay()
    assert state.status == Status.NONE
    assert state.org_id is None
    assert (state.errors, state.warnings) == ([], [])


def test_admission_makes_an_active_probationary_member_of_the_cell() -> None:
    state = replay(ADMIT)
    assert state.status == Status.ACTIVE
    assert state.is_probationary
    assert state.org_id == CELL_A
    assert (state.admitted_on, state.ceremony_on, state.official_on) == (date(2020, 3, 1), date(2020, 3, 20), None)
    assert state.status_since == date(2020, 3, 1)
    assert (state.errors, state.warnings) == ([], [])


def test_admit_confirm_temporarily_away_and_back() -> None:
    away = ev(E.TEMP_OUT, date(2022, 9, 1))
    back = ev(E.TEMP_END, date(2023, 6, 30))

    state = replay(ADMIT, CONFIRM)
    assert (state.status, state.is_probationary, state.official_on) == (Status.ACTIVE, False, date(2021, 3, 20))

    state = replay(ADMIT, CONFIRM, away)
    assert (state.status, state.status_since, state.org_id) == (Status.AWAY, date(2022, 9, 1), CELL_A)
    assert state.status in ON_ROLL  # still counted in the home cell

    state = replay(ADMIT, CONFIRM, away, back)
    assert (state.status, state.status_since, state.org_id) == (Status.ACTIVE, date(2023, 6, 30), CELL_A)
    assert not state.is_probationary
    assert (state.errors, state.warnings) == ([], [])


def test_events_are_replayed_in_date_order_whatever_order_they_are_given_in() -> None:
    away = ev(E.TEMP_OUT, date(2022, 9, 1))
    back = ev(E.TEMP_END, date(2023, 6, 30))
    assert replay(back, away, CONFIRM, ADMIT) == replay(ADMIT, CONFIRM, away, back)


def test_struck_off_then_readmitted_is_probationary_again_with_the_new_dates() -> None:
    struck = ev(E.STRUCK_OFF, date(2022, 5, 1))
    readmit = ev(E.READMITTED, date(2024, 4, 2), CELL_B, ceremony_on=date(2024, 4, 15))

    state = replay(ADMIT, CONFIRM, struck)
    assert (state.status, state.status_since) == (Status.STRUCK_OFF, date(2022, 5, 1))
    assert state.status not in ON_ROLL

    state = replay(ADMIT, CONFIRM, struck, readmit)
    assert state.status == Status.ACTIVE
    assert state.is_probationary
    assert state.org_id == CELL_B
    assert (state.admitted_on, state.ceremony_on, state.official_on) == (date(2024, 4, 2), date(2024, 4, 15), None)
    assert state.readmissions == 1
    assert (state.errors, state.warnings) == ([], [])


def test_a_second_readmission_is_accepted_with_the_only_once_warning() -> None:
    events = [
        ADMIT,
        CONFIRM,
        ev(E.STRUCK_OFF, date(2022, 5, 1)),
        ev(E.READMITTED, date(2023, 4, 2), CELL_A, ceremony_on=date(2023, 4, 15)),
        ev(E.STRUCK_OFF, date(2024, 1, 10)),
        ev(E.READMITTED, date(2025, 4, 2), CELL_A, ceremony_on=date(2025, 4, 15)),
    ]
    state = derive_state(events)
    assert state.errors == []
    assert state.warnings == ["Điều lệ chỉ cho kết nạp lại một lần; đây là lần kết nạp lại thứ 2 (ngày 02/04/2025)."]
    assert state.readmissions == 2
    assert (state.status, state.is_probationary, state.admitted_on) == (Status.ACTIVE, True, date(2025, 4, 2))


def test_readmitting_a_member_still_on_the_roll_is_refused() -> None:
    state = replay(ADMIT, ev(E.READMITTED, date(2022, 1, 1), CELL_A))
    assert state.errors == ["Đảng viên đang trong danh sách, không thể kết nạp lại (ngày 01/01/2022)."]


def test_readmitting_someone_never_admitted_is_refused() -> None:
    state = replay(ev(E.READMITTED, date(2022, 1, 1), CELL_A))
    assert state.errors == ["“Kết nạp lại” cần có sự kiện kết nạp trước đó."]


def test_a_transfer_within_the_system_changes_the_cell_and_keeps_the_status() -> None:
    move = ev(E.TRANSFER_OUT, date(2023, 2, 1), CELL_B)
    state = replay(ADMIT, CONFIRM, move)
    assert (state.status, state.org_id, state.is_probationary) == (Status.ACTIVE, CELL_B, False)
    assert state.status_since == date(2020, 3, 1)  # the status did not change

    state = replay(ADMIT, CONFIRM, move, ev(E.TRANSFER_OUT, date(2024, 2, 1), CELL_C))
    assert state.org_id == CELL_C
    assert (state.errors, state.warnings) == ([], [])


def test_a_transfer_within_the_system_keeps_a_probationary_member_probationary() -> None:
    state = replay(ADMIT, ev(E.TRANSFER_OUT, date(2020, 9, 1), CELL_B))
    assert (state.org_id, state.is_probationary) == (CELL_B, True)


def test_a_transfer_out_of_the_system_leaves_the_roll_and_remembers_the_last_cell() -> None:
    state = replay(ADMIT, CONFIRM, ev(E.TRANSFER_OUT, date(2023, 2, 1)))
    assert (state.status, state.status_since) == (Status.TRANSFERRED_OUT, date(2023, 2, 1))
    assert state.status not in ON_ROLL
    assert state.org_id == CELL_A
    assert (state.errors, state.warnings) == ([], [])


def test_a_member_who_left_may_transfer_back_in() -> None:
    state = replay(ADMIT, CONFIRM, ev(E.TRANSFER_OUT, date(2023, 2, 1)), ev(E.TRANSFER_IN, date(2024, 2, 1), CELL_C))
    assert (state.status, state.org_id, state.is_probationary) == (Status.ACTIVE, CELL_C, False)
    assert (state.errors, state.warnings) == ([], [])


def test_a_transfer_in_needs_a_cell() -> None:
    state = replay(ADMIT, ev(E.TRANSFER_IN, date(2021, 1, 1)))
    assert state.errors == ["“Chuyển sinh hoạt chính thức đến” cần chọn chi bộ."]


def test_a_temporary_guest_from_outside_needs_no_admission_here() -> None:
    state = replay(ev(E.TEMP_IN, date(2024, 1, 5), CELL_B))
    assert (state.status, state.org_id) == (Status.HOSTED, CELL_B)
    assert state.status not in ON_ROLL  # counted by the home cell, not here
    assert state.errors == []

    state = replay(ev(E.TEMP_IN, date(2024, 1, 5), CELL_B), ev(E.TEMP_END, date(2024, 12, 31)))
    assert (state.status, state.status_since) == (Status.TEMP_ENDED, date(2024, 12, 31))
    assert state.errors == []


@pytest.mark.parametrize(
    "kind", [k for k in EventKind.values if k not in {E.ADMITTED, E.TEMP_IN, E.TRANSFER_IN, E.READMITTED}]
)
def test_any_event_but_an_admission_needs_an_admission_before_it(kind: str) -> None:
    state = replay(ev(kind, date(2021, 1, 1), CELL_B))
    assert state.errors == [f"“{EventKind(kind).label}” cần có sự kiện kết nạp trước đó."]


@pytest.mark.parametrize("kind", EventKind.values)
def test_after_death_any_event_is_refused(kind: str) -> None:
    died = ev(E.DIED, date(2023, 8, 8))
    state = replay(ADMIT, CONFIRM, died, ev(kind, date(2023, 9, 1), CELL_B, ceremony_on=date(2023, 9, 1)))
    assert state.errors == ["Đảng viên đã từ trần ngày 08/08/2023; không thể ghi thêm sự kiện sau ngày đó."]
    assert state.status == Status.DECEASED


def test_death_ends_the_membership() -> None:
    state = replay(ADMIT, CONFIRM, ev(E.DIED, date(2023, 8, 8)))
    assert (state.status, state.status_since, state.org_id) == (Status.DECEASED, date(2023, 8, 8), CELL_A)
    assert (state.errors, state.warnings) == ([], [])


def test_confirming_a_full_member_is_refused() -> None:
    state = replay(ADMIT, CONFIRM, ev(E.CONFIRMED, date(2022, 1, 1)))
    assert state.errors == ["Chỉ đảng viên dự bị mới được chuyển chính thức (ngày 01/01/2022)."]


def test_same_day_admission_and_transfer_are_replayed_admission_first() -> None:
    state = replay(ev(E.TRANSFER_OUT, date(2020, 3, 1), CELL_B), ADMIT)
    assert (state.org_id, state.status, state.errors) == (CELL_B, Status.ACTIVE, [])


def test_same_day_strike_off_and_readmission_are_replayed_strike_off_first() -> None:
    day = date(2023, 5, 5)
    state = replay(ADMIT, ev(E.READMITTED, day, CELL_B), ev(E.STRUCK_OFF, day))
    assert state.errors == []
    assert (state.status, state.org_id, state.readmissions) == (Status.ACTIVE, CELL_B, 1)


def test_same_day_events_of_one_kind_keep_their_creation_order() -> None:
    day = date(2023, 5, 5)
    first, second = ev(E.TRANSFER_OUT, day, CELL_B, seq=1), ev(E.TRANSFER_OUT, day, CELL_C, seq=2)
    assert replay(ADMIT, second, first).org_id == CELL_C
    assert ordered([second, first]) == [first, second]


def test_a_member_who_died_on_the_day_of_another_event_is_not_refused() -> None:
    day = date(2023, 8, 8)
    state = replay(ADMIT, CONFIRM, ev(E.DIED, day), ev(E.EXEMPTED, day))
    assert (state.status, state.errors) == (Status.DECEASED, [])


def test_suspension_and_reinstatement() -> None:
    state = replay(ADMIT, CONFIRM, ev(E.SUSPENDED, date(2022, 1, 1)))
    assert state.status == Status.SUSPENDED
    assert state.status in ON_ROLL
    state = replay(ADMIT, CONFIRM, ev(E.SUSPENDED, date(2022, 1, 1)), ev(E.REINSTATED, date(2022, 7, 1)))
    assert (state.status, state.status_since, state.warnings) == (Status.ACTIVE, date(2022, 7, 1), [])


def test_reinstating_someone_not_suspended_is_a_warning() -> None:
    state = replay(ADMIT, ev(E.REINSTATED, date(2020, 7, 1)))
    assert state.errors == []
    assert state.warnings == [
        "“Trở lại sinh hoạt” ngày 01/07/2020 nhưng đảng viên không bị đình chỉ hay miễn sinh hoạt."
    ]


def test_ending_a_temporary_transfer_that_never_began_is_a_warning() -> None:
    state = replay(ADMIT, ev(E.TEMP_END, date(2020, 7, 1)))
    assert state.status == Status.ACTIVE
    assert state.warnings == ["“Kết thúc sinh hoạt tạm thời” ngày 01/07/2020 nhưng đảng viên không sinh hoạt tạm thời."]


def test_exemption_keeps_the_member_on_the_roll() -> None:
    state = replay(ADMIT, CONFIRM, ev(E.EXEMPTED, date(2024, 1, 1)))
    assert (state.status, state.org_id) == (Status.EXEMPT, CELL_A)
    assert state.status in ON_ROLL


def test_expulsion_leaves_the_roll() -> None:
    state = replay(ADMIT, CONFIRM, ev(E.EXPELLED, date(2024, 1, 1)))
    assert state.status == Status.EXPELLED
    assert state.status not in ON_ROLL


def test_an_event_recorded_after_the_member_left_is_a_warning() -> None:
    state = replay(ADMIT, CONFIRM, ev(E.EXPELLED, date(2024, 1, 1)), ev(E.EXEMPTED, date(2024, 3, 1)))
    assert state.errors == []
    assert state.warnings == [
        "Sự kiện “Miễn công tác và sinh hoạt đảng” ngày 01/03/2024 "
        "ghi sau khi đảng viên đã rời danh sách (đã khai trừ)."
    ]


def test_a_struck_off_member_does_not_come_back_by_a_transfer_between_our_cells() -> None:
    state = replay(ADMIT, CONFIRM, ev(E.STRUCK_OFF, date(2024, 1, 1)), ev(E.TRANSFER_OUT, date(2024, 3, 1), CELL_B))
    assert state.errors == [
        "Đảng viên đã bị xóa tên ngày 01/01/2024; chỉ có thể kết nạp lại, "
        "không thể ghi “Chuyển sinh hoạt chính thức đi”."
    ]
    assert (state.status, state.org_id) == (Status.STRUCK_OFF, CELL_A)


@pytest.mark.parametrize("kind", [E.TRANSFER_IN, E.TEMP_IN])
def test_an_expelled_member_does_not_come_back_by_a_transfer_in(kind: str) -> None:
    state = replay(ADMIT, CONFIRM, ev(E.EXPELLED, date(2024, 1, 1)), ev(kind, date(2024, 3, 1), CELL_B))
    assert state.errors == [
        f"Đảng viên đã bị khai trừ ngày 01/01/2024; chỉ có thể kết nạp lại, không thể ghi “{EventKind(kind).label}”."
    ]
    assert state.status == Status.EXPELLED


def test_a_struck_off_member_recorded_as_transferred_out_of_the_system_is_only_a_warning() -> None:
    state = replay(ADMIT, CONFIRM, ev(E.STRUCK_OFF, date(2024, 1, 1)), ev(E.TRANSFER_OUT, date(2024, 3, 1)))
    assert state.errors == []
    assert len(state.warnings) == 1


def test_a_temporary_stay_that_ends_on_the_day_another_begins_leaves_the_member_away() -> None:
    day = date(2023, 6, 30)
    state = replay(ADMIT, CONFIRM, ev(E.TEMP_OUT, date(2022, 9, 1)), ev(E.TEMP_OUT, day), ev(E.TEMP_END, day))
    assert (state.status, state.status_since) == (Status.AWAY, day)
    assert state.warnings == []


def test_a_guest_who_moves_on_to_another_host_cell_the_same_day_is_hosted_there() -> None:
    day = date(2024, 6, 30)
    state = replay(ev(E.TEMP_IN, date(2024, 1, 5), CELL_B), ev(E.TEMP_IN, day, CELL_C), ev(E.TEMP_END, day))
    assert (state.status, state.org_id) == (Status.HOSTED, CELL_C)


def test_returning_to_activity_after_an_exemption_is_not_a_warning() -> None:
    state = replay(ADMIT, ev(E.EXEMPTED, date(2020, 7, 1)), ev(E.REINSTATED, date(2021, 7, 1)))
    assert state.errors == [] and state.warnings == []
    assert state.status == Status.ACTIVE
