"""Refuse requests whose parameters carry NUL characters.

PostgreSQL text cannot hold U+0000; such a value reaching a query would be a server error. No real
input contains it, so the request is answered 400 with a Vietnamese message instead.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

ERR_NUL = "Dữ liệu gửi lên có ký tự không hợp lệ (ký tự NUL)."


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return HttpResponseBadRequest(ERR_NUL, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _has_nul(params: object) -> bool:
    lists = getattr(params, "lists", None)
    if lists is None:
        return False
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in lists())
