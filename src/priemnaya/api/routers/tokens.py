"""The caller's own API tokens: list, revoke, and log out (revoke the token of the call)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import logout
from ninja import Router, Schema, Status

from priemnaya.accounts.tokens import token_id_for_key, token_revoke, token_state, tokens_of
from priemnaya.api.schemas import ErrorOut

router = Router(tags=["auth"])


class ApiTokenOut(Schema):
    id: int
    name: str
    created_at: datetime
    created_ip: str | None
    last_used_at: datetime | None
    last_used_ip: str | None
    expires_at: datetime
    revoked_at: datetime | None
    state: str  # "active", "revoked" or "expired"
    current: bool  # the token this very call came with


def _current_key(request) -> str | None:
    return getattr(request, "api_token_key", None)


@router.get("/tokens", response={200: list[ApiTokenOut], 401: ErrorOut})
def token_list(request):
    """The caller's tokens, newest first; never the secrets."""
    key = _current_key(request)
    current_id = token_id_for_key(key) if key else None
    return [
        {
            "id": token.pk,
            "name": token.name,
            "created_at": token.created_at,
            "created_ip": token.created_ip,
            "last_used_at": token.last_used_at,
            "last_used_ip": token.last_used_ip,
            "expires_at": token.expires_at,
            "revoked_at": token.revoked_at,
            "state": token_state(token),
            "current": token.pk == current_id,
        }
        for token in tokens_of(request.auth)
    ]


@router.api_operation(
    ["DELETE"], "/tokens/{token_id}", response={204: None, 401: ErrorOut, 404: ErrorOut}
)
def token_delete(request, token_id: int):
    """Revoke one of the caller's tokens; another person's id answers 404."""
    token_revoke(user=request.auth, token_id=token_id)
    return Status(204, None)


@router.post("/logout", response={204: None, 401: ErrorOut})
def auth_logout(request):
    """Revoke the bearer token of this call (a browser session is logged out instead)."""
    key = _current_key(request)
    token_id = token_id_for_key(key) if key else None
    if token_id is not None:
        token_revoke(user=request.auth, token_id=token_id, reason="logout")
    else:
        logout(request)
    return Status(204, None)
