"""Members: the list page's search, one record (masked, or revealed with a logged `?reveal=`), its
events and its ratings; and the events across members.

Every query starts from `Member.objects.visible_to(user)` (through `member_search` for the list);
a record outside it is a 404, even by id. Sensitive fields (Nghị định 13/2023) are null with
`masked: true` unless the record is the user's own (the member role, as on the page) or the user is a
sensitive reader who asked for them by name in `?reveal=`, which writes one audit row per field.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Path, Query, Router

from dangvu.accounts.models import Role, User
from dangvu.api.auth import current_user
from dangvu.api.errors import ApiError, not_found
from dangvu.api.orgs import org_ref, visible_org
from dangvu.api.ratings import member_rating_out
from dangvu.api.schemas import (
    ERRORS,
    MAX_ID,
    EventOut,
    EventPage,
    EventsIn,
    MemberDetailOut,
    MemberIn,
    MemberOut,
    MemberPage,
    MemberRatingOut,
    MembersIn,
)
from dangvu.evaluations.models import MemberRating
from dangvu.evaluations.periods import YEAR
from dangvu.members import services
from dangvu.members.models import SENSITIVE_FIELDS, Member, MemberEvent, can_reveal
from dangvu.members.queries import STATUS_ON_ROLL, MemberSearch, member_search
from dangvu.orgs.models import Org

router = Router(tags=["Đảng viên"])

MemberId = Path(..., ge=1, le=MAX_ID, description="Mã số hồ sơ đảng viên")

ERR_REVEAL_FIELD = "Trường “{field}” không phải là thông tin nhạy cảm. Các trường có thể hiện: {fields}."
ERR_REVEAL_FORBIDDEN = "Bạn không có quyền xem thông tin nhạy cảm của đảng viên này."
ERR_REVEAL_NEEDS_TOKEN = (
    "Trong trình duyệt, hãy dùng nút “Hiện” trên trang hồ sơ; API chỉ hiện thông tin nhạy cảm cho yêu cầu dùng token."
)
ERR_RATING_NEEDS_YEAR = "Bộ lọc xếp loại (rating) cần năm (year)."


def visible_member(user: User, member_id: int) -> Member:
    member = Member.objects.visible_to(user).select_related("current_org").filter(pk=member_id).first()
    if member is None:
        raise not_found()
    return member


def _own(user: User, member: Member) -> bool:
    return user.role == Role.MEMBER and user.member_id == member.pk


def member_fields(member: Member, shown: set[str]) -> dict[str, Any]:
    """The list fields, sensitive ones None unless in `shown`."""
    hidden = [name for name in SENSITIVE_FIELDS if name not in shown]
    values: dict[str, Any] = {
        "id": member.pk,
        "full_name": member.full_name,
        "sex": member.sex,
        "birth_date": member.birth_date,
        "card_number": member.card_number,
        "status": member.status,
        "status_label": member.status_label(),
        "is_probationary": member.is_probationary,
        "org": org_ref(member.current_org),
        "admitted_on": member.admitted_on,
        "official_on": member.official_on,
        "home_town": member.home_town,
        "masked": bool(hidden),
        "masked_fields": hidden,
    }
    for name in SENSITIVE_FIELDS:
        values[name] = (getattr(member, name) or "") if name in shown else None
    return values


def _search_params(user: User, filters: MembersIn) -> tuple[MemberSearch, Org | None]:
    org = visible_org(user, filters.org) if filters.org else None
    if filters.rating and filters.year is None:
        raise ApiError(400, "rating_needs_year", ERR_RATING_NEEDS_YEAR)
    params = MemberSearch(
        q=(filters.q or "").strip(),
        org=org.pk if org is not None else None,
        status=filters.status or STATUS_ON_ROLL,
        sex=filters.sex or "",
        age=filters.age or "",
        ethnicity=(filters.ethnicity or "").strip(),
        membership=filters.membership or "",
        year=filters.year,
        quarter=filters.quarter if filters.quarter is not None else YEAR,
        rating=filters.rating or "",
        sector=filters.sector or "",
    )
    return params, org


@router.get("/members", response={200: MemberPage, **ERRORS}, summary="Tìm đảng viên (như trang danh sách)")
def member_list(request: HttpRequest, filters: Query[MembersIn]) -> MemberPage:
    """The member list page's search, in Vietnamese name order. Sensitive fields are masked in lists
    (the member role sees its own record only, unmasked)."""
    user = current_user(request)
    params, org = _search_params(user, filters)
    members = member_search(user, params, org=org)
    count = members.count()
    rows = members[filters.offset : filters.offset + filters.limit]
    return MemberPage(
        items=[MemberOut(**member_fields(m, set(SENSITIVE_FIELDS) if _own(user, m) else set())) for m in rows],
        count=count,
        limit=filters.limit,
        offset=filters.offset,
    )


def _reveal_fields(reveal: str | None) -> list[str]:
    fields = [name.strip() for name in (reveal or "").split(",") if name.strip()]
    for name in fields:
        if name not in SENSITIVE_FIELDS:
            raise ApiError(
                400,
                "invalid_reveal",
                ERR_REVEAL_FIELD.format(field=name[:40], fields=", ".join(SENSITIVE_FIELDS)),
            )
    return list(dict.fromkeys(fields))


@router.get("/members/{member_id}", response={200: MemberDetailOut, **ERRORS}, summary="Một hồ sơ đảng viên")
def member_detail(request: HttpRequest, query: Query[MemberIn], member_id: int = MemberId) -> MemberDetailOut:
    """The record. `?reveal=citizen_id,phone` shows those sensitive fields to a sensitive reader and
    writes one audit row per field (as the page's reveal button does)."""
    user = current_user(request)
    member = visible_member(user, member_id)
    wanted = _reveal_fields(query.reveal)
    shown: set[str] = set()
    if _own(user, member):
        shown = set(SENSITIVE_FIELDS)  # one's own record, as on the page
        if wanted:
            raise ApiError(403, "forbidden", ERR_REVEAL_FORBIDDEN)
    elif wanted:
        # A reveal writes audit rows: a GET carrying only the browser's session cookie could be
        # triggered by a link on another site, so reveals through the API need a token.
        if getattr(request, "api_token", None) is None:
            raise ApiError(400, "reveal_needs_token", ERR_REVEAL_NEEDS_TOKEN)
        if not can_reveal(user, member):
            raise ApiError(403, "forbidden", ERR_REVEAL_FORBIDDEN)
        ip = request.META.get("REMOTE_ADDR") or None
        try:
            for name in wanted:
                services.member_reveal(actor=user, member=member, field=name, ip_address=ip)
        except ValidationError as error:  # pragma: no cover - the names were checked above
            raise ApiError(400, "invalid_reveal", " ".join(error.messages)) from error
        shown = set(wanted)
    return MemberDetailOut(
        **member_fields(member, shown),
        ceremony_on=member.ceremony_on,
        status_since=member.status_since,
        education=member.education,
        professional_level=member.professional_level,
        political_theory=member.political_theory,
        occupation=member.occupation,
        position=member.position,
        revealed=[name for name in wanted if name in shown and not _own(user, member)],
    )


def event_out(event: MemberEvent) -> EventOut:
    return EventOut(
        id=event.pk,
        member_id=event.member_id,
        member_name=event.member.full_name,
        kind=event.kind,
        kind_label=event.get_kind_display(),
        on=event.on,
        org=org_ref(event.org),
        external_org=event.external_org,
        ceremony_on=event.ceremony_on,
        expected_end=event.expected_end,
        decision_no=event.decision_no,
        decided_by=event.decided_by,
        note=event.note,
    )


@router.get("/members/{member_id}/events", response={200: list[EventOut], **ERRORS}, summary="Sự kiện của đảng viên")
def member_events(request: HttpRequest, member_id: int = MemberId) -> list[EventOut]:
    """The member's timeline, oldest first (removed events left out)."""
    member = visible_member(current_user(request), member_id)
    events = member.events.live().select_related("member", "org").order_by("on", "pk")
    return [event_out(event) for event in events]


@router.get(
    "/members/{member_id}/ratings", response={200: list[MemberRatingOut], **ERRORS}, summary="Xếp loại của đảng viên"
)
def member_ratings(request: HttpRequest, member_id: int = MemberId) -> list[MemberRatingOut]:
    """The member's ratings, newest year first, the year before its quarters."""
    member = visible_member(current_user(request), member_id)
    ratings = MemberRating.objects.filter(member=member).select_related("member", "org").order_by("-year", "quarter")
    return [member_rating_out(rating) for rating in ratings]


@router.get("/events", response={200: EventPage, **ERRORS}, summary="Sự kiện đảng viên")
def event_list(request: HttpRequest, filters: Query[EventsIn]) -> EventPage:
    """Events of the members in scope, newest first; `org` narrows to the members whose current cell
    lies in that subtree (as the member list does)."""
    user = current_user(request)
    events = MemberEvent.objects.live().filter(member__in=Member.objects.visible_to(user))
    if filters.kind:
        events = events.filter(kind=filters.kind)
    if filters.org:
        events = events.filter(member__current_org__path__in_subtree=visible_org(user, filters.org).path)
    if filters.member is not None:
        events = events.filter(member_id=filters.member)
    if filters.date_from:
        events = events.filter(on__gte=filters.date_from)
    if filters.date_to:
        events = events.filter(on__lte=filters.date_to)
    count = events.count()
    rows = events.select_related("member", "org").order_by("-on", "-pk")[
        filters.offset : filters.offset + filters.limit
    ]
    return EventPage(items=[event_out(e) for e in rows], count=count, limit=filters.limit, offset=filters.offset)
