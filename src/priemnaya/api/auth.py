from __future__ import annotations

from ninja.security import HttpBearer, SessionAuth

from priemnaya.accounts.selectors import user_for_api_token


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>` from POST /api/v1/auth/token."""

    def authenticate(self, request, token: str):
        user = user_for_api_token(key=token)
        if user is not None:
            request.user = user
        return user


class Session(SessionAuth):
    """The browser's session cookie; unsafe methods need the CSRF token."""

    def authenticate(self, request, key):
        user = request.user
        return user if user.is_authenticated and user.is_active else None


API_AUTH = [BearerToken(), Session()]
