"""Per-request security checks: ended sessions are logged out; staff without a second factor
are sent to set up an authenticator app before any other page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from priemnaya.security.second_factor import has_authenticator
from priemnaya.security.sessions import session_still_valid

# What a staff member without a second factor may still open: the enrolment itself, signing out,
# the code step of the sign-in, static files, the API (tokens have their own rules) and demo tools.
_OPEN_PREFIXES = (
    "/account/security/",
    "/accounts/",
    "/static/",
    "/api/",
    "/dev/",
    "/push-sw.js",
    "/favicon",
)


def staff_lacks_second_factor(user) -> bool:
    """Staff (when the setting is on) with neither a confirmed phone nor an authenticator app."""
    if not settings.PRIEMNAYA_STAFF_SECOND_FACTOR or user.is_citizen:
        return False
    return user.phone_confirmed_at is None and not has_authenticator(user)


class AccountSecurity:
    """After AuthenticationMiddleware and MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and not session_still_valid(request):
            logout(request)
        user = getattr(request, "user", None)
        if (
            settings.PRIEMNAYA_STAFF_SECOND_FACTOR
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and staff_lacks_second_factor(user)
        ):
            messages.warning(
                request,
                "Сотрудникам нужен второй фактор: подключите приложение-аутентификатор, "
                "чтобы продолжить работу.",
            )
            return redirect(reverse("web:security_totp"))
        return self.get_response(request)
