"""Default deny for the member role: a member may reach the handbook, their account pages and their own
record; every other page, list and export answers 404 (a member cannot even learn which pages exist).

Pages keep their own scoping (`visible_to`); this is the second lock, and it also covers pages added
later by other apps. The JSON API is left to its own scoping: it authenticates bearer tokens itself,
gives a member their own record only and answers 404 for any other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from dangvu.accounts.models import Role
from dangvu.members.models import MemberEvent

# URL namespaces a member may use; the views inside still check what the member may do.
MEMBER_NAMESPACES = frozenset({"accounts", "handbook"})
# Top-level URL names a member may use.
MEMBER_URL_NAMES = frozenset({"home"})
# Pages that send a member with a record straight to their own (the fee book's start page).
OWN_START_PAGES = frozenset({"fees:index"})
# Pages of one member record, reachable for their own record only (the views still refuse a member
# what the role may not do there, with a 403): URL name -> the keyword holding the record's id.
OWN_RECORD_PAGES = {
    "members:detail": "pk",
    "members:edit": "pk",
    "members:reveal": "pk",
    "members:event_add": "pk",
    "fees:member": "pk",
    "fees:profile": "pk",
    "fees:reduction": "pk",
    "fees:payment": "pk",
}
# Pages of one event of a record: URL name -> the keyword holding the event's id.
OWN_EVENT_PAGES = {"members:event_edit": "event_id", "members:event_delete": "event_id"}
API_PREFIX = "/api/"


def member_may_reach(request: HttpRequest, member_id: int | None, view_kwargs: dict[str, Any]) -> bool:
    if request.path_info.startswith(API_PREFIX):
        return True
    match = request.resolver_match
    if match is None:
        return False
    namespace = match.namespaces[0] if match.namespaces else ""
    if not namespace:
        return match.url_name in MEMBER_URL_NAMES
    if namespace in MEMBER_NAMESPACES:
        return True
    if member_id is None:
        return False
    if match.view_name in OWN_START_PAGES:
        return True
    if (record_kwarg := OWN_RECORD_PAGES.get(match.view_name)) is not None:
        return str(view_kwargs.get(record_kwarg, "")) == str(member_id)
    if (event_kwarg := OWN_EVENT_PAGES.get(match.view_name)) is not None:
        event_id = view_kwargs.get(event_kwarg)
        return event_id is not None and MemberEvent.objects.filter(pk=event_id, member_id=member_id).exists()
    return False


class MemberConfinementMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or getattr(user, "role", None) != Role.MEMBER:
            return None
        if not member_may_reach(request, user.member_id, view_kwargs):
            raise Http404("Không tìm thấy trang.")
        return None
