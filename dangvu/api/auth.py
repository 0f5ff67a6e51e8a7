"""How the API knows who is asking: a bearer token (machine clients) or the browser's session.

Token requests need no CSRF token: a browser never adds an Authorization header by itself. Session
requests go through ninja's cookie authentication with its CSRF check (`csrf=True`), so a write
endpoint added later is protected from the first day. Neither: 401.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from dangvu.accounts.models import User
from dangvu.api.errors import ApiError
from dangvu.api.models import ApiToken, token_hash

# `last_used_at` is written at most this often per token: one UPDATE a minute, not one per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)

ERR_BAD_TOKEN = "Mã truy cập (token) không đúng, đã bị thu hồi hoặc tài khoản đã bị khóa."


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; the token's SHA-256 is looked up among the live tokens."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        api_token = (
            ApiToken.objects.live()
            .filter(key_hash=token_hash(token.strip()), user__is_active=True)
            .select_related("user__scope")
            .first()
        )
        if api_token is None:
            # A token that was sent but is wrong is an error of its own, whatever cookie came with it.
            raise ApiError(401, "invalid_token", ERR_BAD_TOKEN)
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        user = api_token.user
        request.user = user  # the same `request.user` for both ways in
        request.api_token = api_token  # type: ignore[attr-defined]  # marks a request made with a token
        return user


class SessionUserAuth(SessionAuth):
    """Django's session (the logged-in browser), CSRF checked on unsafe methods."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if user.is_authenticated and user.is_active:
            return user
        return None


def current_user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user
