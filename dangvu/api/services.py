"""Creating and revoking API tokens; both are written to the audit trail."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from dangvu.accounts.models import User
from dangvu.api.models import ApiToken, new_token, token_hash
from dangvu.audit.models import Action
from dangvu.audit.services import audit_record


@transaction.atomic
def apitoken_create(*, actor: User | None, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`: the stored row and the token itself, which is never stored."""
    token = new_token()
    api_token = ApiToken.objects.create(user=user, name=name.strip()[:100], key_hash=token_hash(token))
    audit_record(actor=actor, action=Action.CREATE, target=api_token, note=f"Mã truy cập API: {name}")
    return api_token, token


@transaction.atomic
def apitoken_revoke(*, actor: User | None, api_token: ApiToken) -> None:
    if api_token.revoked_at is not None:
        return
    api_token.revoked_at = timezone.now()
    api_token.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action=Action.DELETE, target=api_token, note=f"Thu hồi mã truy cập API: {api_token.name}")
