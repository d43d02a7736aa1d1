from __future__ import annotations

from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from priemnaya.accounts.selectors import user_for_api_token
from priemnaya.accounts.tokens import token_touch
from priemnaya.core.errors import NotPermitted
from priemnaya.core.requests import client_ip

CSRF_MESSAGE = (
    "Запрос из браузера без CSRF-токена: передайте заголовок X-CSRFToken "
    "со значением cookie csrftoken."
)


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>` from POST /api/v1/auth/token."""

    def authenticate(self, request, token: str):
        user = user_for_api_token(key=token)
        if user is not None:
            request.user = user
            # POST /auth/logout revokes the very token of the call; last use kept once a minute.
            request.api_token_key = token
            token_touch(key=token, ip=client_ip(request))
        return user


class Session(SessionAuth):
    """The browser's session cookie; unsafe methods need the CSRF token."""

    def _get_key(self, request):
        # CSRF protects a logged-in session from other sites. Without one there is nothing to
        # protect, and the caller needs to hear "log in" (401), not a CSRF refusal (403).
        if not request.user.is_authenticated:
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not exempt and check_csrf(request):
            raise NotPermitted(CSRF_MESSAGE, field="X-CSRFToken", code="csrf_failed")
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        user = request.user
        return user if user.is_authenticated and user.is_active else None


API_AUTH = [BearerToken(), Session()]
