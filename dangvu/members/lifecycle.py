"""A member's state derived from the timeline of events (Điều lệ Đảng; QĐ 294-QĐ/TW; HD 06-HD/TW).

Status, membership (probationary or full), current cell and the key dates are never typed: they are
the result of replaying the events in date order. Pure code over plain values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import models


class EventKind(models.TextChoices):
    ADMITTED = "admitted", "Kết nạp"
    CONFIRMED = "confirmed", "Chuyển đảng chính thức"
    TRANSFER_IN = "transfer_in", "Chuyển sinh hoạt chính thức đến"
    TRANSFER_OUT = "transfer_out", "Chuyển sinh hoạt chính thức đi"
    TEMP_IN = "temp_in", "Sinh hoạt tạm thời đến"
    TEMP_OUT = "temp_out", "Chuyển sinh hoạt tạm thời đi"
    TEMP_END = "temp_end", "Kết thúc sinh hoạt tạm thời"
    EXEMPTED = "exempted", "Miễn công tác và sinh hoạt đảng"
    SUSPENDED = "suspended", "Đình chỉ sinh hoạt"
    REINSTATED = "reinstated", "Hết đình chỉ / trở lại sinh hoạt"
    STRUCK_OFF = "struck_off", "Xóa tên"
    EXPELLED = "expelled", "Khai trừ"
    DIED = "died", "Từ trần"
    READMITTED = "readmitted", "Kết nạp lại"


class Status(models.TextChoices):
    ACTIVE = "active", "Đang sinh hoạt"
    AWAY = "away", "Sinh hoạt tạm thời nơi khác"
    HOSTED = "hosted", "Sinh hoạt tạm thời tại đây"
    EXEMPT = "exempt", "Miễn sinh hoạt"
    SUSPENDED = "suspended", "Đình chỉ sinh hoạt"
    TRANSFERRED_OUT = "transferred_out", "Đã chuyển đi"
    TEMP_ENDED = "temp_ended", "Hết sinh hoạt tạm thời"
    STRUCK_OFF = "struck_off", "Đã xóa tên"
    EXPELLED = "expelled", "Đã khai trừ"
    DECEASED = "deceased", "Từ trần"
    NONE = "none", "Chưa kết nạp"


# Members on the roll of their cell (counted as the cell's members).
ON_ROLL = frozenset({Status.ACTIVE, Status.AWAY, Status.EXEMPT, Status.SUSPENDED})
# Events that need a cell inside the system.
# (An admission may have happened in a cell outside this system: then the cell is given by a transfer in.)
NEEDS_ORG = frozenset({EventKind.TRANSFER_IN, EventKind.TEMP_IN})
# Statuses after which the member is no longer in any cell of ours.
GONE = frozenset({Status.TRANSFERRED_OUT, Status.TEMP_ENDED, Status.STRUCK_OFF, Status.EXPELLED, Status.DECEASED})
# Statuses that end membership itself: the way back is a re-admission (Điều lệ, Điều 4), not a transfer.
REMOVED = frozenset({Status.STRUCK_OFF, Status.EXPELLED})

# Same-day events are replayed in this order (an admission before a transfer on the same date). A temporary
# stay that ends on the day the next one begins ends first, or the member would be left "back home".
_SAME_DAY_KINDS = [kind for kind in EventKind.values if kind != EventKind.TEMP_END]
_SAME_DAY_KINDS.insert(_SAME_DAY_KINDS.index(EventKind.TEMP_IN), EventKind.TEMP_END)
_SAME_DAY_ORDER = {kind: index for index, kind in enumerate(_SAME_DAY_KINDS)}
_LABELS = {kind.value: kind.label for kind in EventKind}

ERR_AFTER_DEATH = "Đảng viên đã từ trần ngày {day}; không thể ghi thêm sự kiện sau ngày đó."
ERR_NOT_ADMITTED = "“{event}” cần có sự kiện kết nạp trước đó."
ERR_CONFIRM_NOT_PROBATIONARY = "Chỉ đảng viên dự bị mới được chuyển chính thức (ngày {day})."
ERR_READMIT_ACTIVE = "Đảng viên đang trong danh sách, không thể kết nạp lại (ngày {day})."
ERR_NEEDS_ORG = "“{event}” cần chọn chi bộ."
ERR_REMOVED_RETURN = "Đảng viên đã bị {removal} ngày {day}; chỉ có thể kết nạp lại, không thể ghi “{event}”."
WARN_GONE_EVENT = "Sự kiện “{event}” ngày {day} ghi sau khi đảng viên đã rời danh sách ({status})."
WARN_SECOND_READMISSION = "Điều lệ chỉ cho kết nạp lại một lần; đây là lần kết nạp lại thứ {count} (ngày {day})."
WARN_TEMP_END_WITHOUT_TEMP = "“Kết thúc sinh hoạt tạm thời” ngày {day} nhưng đảng viên không sinh hoạt tạm thời."
WARN_REINSTATE_WITHOUT_SUSPENSION = (
    "“Trở lại sinh hoạt” ngày {day} nhưng đảng viên không bị đình chỉ hay miễn sinh hoạt."
)


@dataclass(frozen=True)
class EventFact:
    kind: str
    on: date
    org_id: int | None = None
    ceremony_on: date | None = None
    seq: int = 0  # tie-break for events of one kind on one day: creation order


@dataclass
class MemberState:
    status: str = Status.NONE
    is_probationary: bool = False
    org_id: int | None = None
    admitted_on: date | None = None
    ceremony_on: date | None = None
    official_on: date | None = None
    status_since: date | None = None
    readmissions: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def ordered(events: Iterable[EventFact]) -> list[EventFact]:
    return sorted(events, key=lambda e: (e.on, _SAME_DAY_ORDER[e.kind], e.seq))


def derive_state(events: Iterable[EventFact]) -> MemberState:
    """Replay events in order. Impossible sequences are reported in `errors` (the caller refuses
    them); doubtful ones in `warnings` (accepted, shown to the user)."""
    state = MemberState()
    for _ in _replay(events, state):
        pass
    return state


@dataclass(frozen=True)
class Moment:
    """The member's cell and status at the end of `on` (after all that day's events)."""

    on: date
    status: str
    is_probationary: bool
    org_id: int | None


def derive_timeline(events: Iterable[EventFact]) -> list[Moment]:
    """The state at the end of every day that has events, oldest first: the state held from that day
    until the next moment (the membership history, `members.history`)."""
    return derive_history(events)[1]


def derive_history(events: Iterable[EventFact]) -> tuple[MemberState, list[Moment]]:
    """`derive_state` and `derive_timeline` of the same events from one replay (the bulk import derives
    both for every new member)."""
    state = MemberState()
    moments: list[Moment] = []
    for event in _replay(events, state):
        moment = Moment(event.on, state.status, state.is_probationary, state.org_id)
        if moments and moments[-1].on == event.on:
            moments[-1] = moment
        else:
            moments.append(moment)
    return state, moments


def _replay(events: Iterable[EventFact], state: MemberState) -> Iterable[EventFact]:
    """Apply the events to `state` in order, yielding each event after it was taken into account."""
    for event in ordered(events):
        label = _LABELS.get(event.kind) or EventKind(event.kind).label
        if state.status == Status.DECEASED:
            state.errors.append(ERR_AFTER_DEATH.format(day=_fmt(state.status_since or event.on)))
            break
        if event.kind in NEEDS_ORG and event.org_id is None:
            state.errors.append(ERR_NEEDS_ORG.format(event=label))
        hosted_only = event.kind == EventKind.TEMP_IN or state.status == Status.HOSTED
        if event.kind != EventKind.ADMITTED and state.admitted_on is None and not hosted_only:
            state.errors.append(ERR_NOT_ADMITTED.format(event=label))
            continue
        returns = event.kind in {EventKind.TRANSFER_IN, EventKind.TEMP_IN} or (
            event.kind == EventKind.TRANSFER_OUT and event.org_id is not None
        )
        if state.status in REMOVED and returns:
            state.errors.append(
                ERR_REMOVED_RETURN.format(
                    removal=EventKind(state.status).label.lower(), day=_fmt(state.status_since or event.on), event=label
                )
            )
            continue
        if state.status in GONE and event.kind not in {EventKind.READMITTED, EventKind.TRANSFER_IN, EventKind.TEMP_IN}:
            state.warnings.append(
                WARN_GONE_EVENT.format(event=label, day=_fmt(event.on), status=Status(state.status).label.lower())
            )
        _apply(state, event)
        yield event


def _apply(state: MemberState, event: EventFact) -> None:
    kind, day = event.kind, event.on
    new_status = state.status
    if kind == EventKind.ADMITTED:
        state.admitted_on, state.ceremony_on, state.official_on = day, event.ceremony_on, None
        state.is_probationary, state.org_id, new_status = True, event.org_id, Status.ACTIVE
    elif kind == EventKind.READMITTED:
        if state.status in ON_ROLL or state.status == Status.HOSTED:
            state.errors.append(ERR_READMIT_ACTIVE.format(day=_fmt(day)))
        state.readmissions += 1
        if state.readmissions > 1:
            state.warnings.append(WARN_SECOND_READMISSION.format(count=state.readmissions, day=_fmt(day)))
        state.admitted_on, state.ceremony_on, state.official_on = day, event.ceremony_on, None
        state.is_probationary, state.org_id, new_status = True, event.org_id, Status.ACTIVE
    elif kind == EventKind.CONFIRMED:
        if not state.is_probationary:
            state.errors.append(ERR_CONFIRM_NOT_PROBATIONARY.format(day=_fmt(day)))
        state.is_probationary, state.official_on = False, day
    elif kind == EventKind.TRANSFER_IN:
        state.org_id, new_status = event.org_id, Status.ACTIVE
    elif kind == EventKind.TRANSFER_OUT:
        if event.org_id is not None:  # a move between two cells of this deployment
            state.org_id, new_status = event.org_id, Status.ACTIVE if state.status in GONE else state.status
        else:
            new_status = Status.TRANSFERRED_OUT
    elif kind == EventKind.TEMP_IN:
        state.org_id, new_status = event.org_id, Status.HOSTED
    elif kind == EventKind.TEMP_OUT:
        new_status = Status.AWAY
    elif kind == EventKind.TEMP_END:
        if state.status == Status.AWAY:
            new_status = Status.ACTIVE
        elif state.status == Status.HOSTED:
            new_status = Status.TEMP_ENDED
        else:
            state.warnings.append(WARN_TEMP_END_WITHOUT_TEMP.format(day=_fmt(day)))
    elif kind == EventKind.EXEMPTED:
        new_status = Status.EXEMPT
    elif kind == EventKind.SUSPENDED:
        new_status = Status.SUSPENDED
    elif kind == EventKind.REINSTATED:
        if state.status not in {Status.SUSPENDED, Status.EXEMPT}:  # back from suspension or exemption
            state.warnings.append(WARN_REINSTATE_WITHOUT_SUSPENSION.format(day=_fmt(day)))
        new_status = Status.ACTIVE
    elif kind == EventKind.STRUCK_OFF:
        new_status = Status.STRUCK_OFF
    elif kind == EventKind.EXPELLED:
        new_status = Status.EXPELLED
    elif kind == EventKind.DIED:
        new_status = Status.DECEASED
    if new_status != state.status:
        state.status, state.status_since = new_status, day
