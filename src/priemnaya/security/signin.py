"""Signing in with a password: the page and the token endpoint share these rules.

Order of checks: the per-IP failure limit, the login's lockout (no password is hashed while
locked), the password (authenticate(), which axes watches), then the second factor. Every try is
a ``SignInEvent`` and an audit entry (``signin.ok``, ``signin.failed`` with its reason;
``account.locked`` from axes' signal). Unknown logins are counted and locked like real ones and
get the same answers.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import authenticate, login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from priemnaya.accounts.models import CodePurpose, SignInEvent, User
from priemnaya.accounts.selectors import user_find_by_login
from priemnaya.accounts.services import AuthenticationFailed, api_token_create
from priemnaya.audit.services import audit_record
from priemnaya.core.errors import TooManyRequests, ValidationFailed
from priemnaya.core.requests import client_ip, user_agent
from priemnaya.security import lockout, ratelimit
from priemnaya.security.delivery import code_send_sms
from priemnaya.security.second_factor import (
    PENDING_KEY,
    has_authenticator,
    second_factor_required,
    second_factor_verify,
)

BAD_CREDENTIALS = "Неверный логин или пароль."
LOCKED = (
    "Слишком много неудачных попыток входа: вход по этому логину заблокирован "
    "ещё на {minutes} мин. Разблокировать раньше можно с картинкой-проверкой и кодом из SMS."
)
TOO_MANY_FAILURES = "Слишком много неудачных попыток входа с вашего адреса. Повторите через {wait}."
OTP_REQUIRED = "Нужен код второго фактора: из приложения, SMS или код восстановления."
OTP_INVALID = "Неверный код второго фактора."
BACKEND = "priemnaya.accounts.backends.LoginBackend"
# The login a locked browser wants to unlock early (pre-fills the unlock page).
UNLOCK_LOGIN_KEY = "priemnaya_unlock_login"


class Locked(TooManyRequests):
    """The login is locked out; ``retry_after`` is the time left."""

    code = "locked"


def _event(request: HttpRequest, *, user: User | None, method: str, outcome: str) -> None:
    SignInEvent.objects.create(
        user=user if user is not None and user.pk else None,
        at=timezone.now(),
        method=method,
        outcome=outcome,
        ip=client_ip(request),
        user_agent=user_agent(request),
    )


def _failed(request: HttpRequest, *, user: User | None, method: str, reason: str) -> None:
    outcome = {
        "locked": SignInEvent.Outcome.LOCKED,
        "rate_limited": SignInEvent.Outcome.RATE_LIMITED,
        "bad_code": SignInEvent.Outcome.BAD_CODE,
    }.get(reason, SignInEvent.Outcome.BAD_PASSWORD)
    _event(request, user=user, method=method, outcome=outcome)
    audit_record(
        action="signin.failed",
        target_type="user" if user is not None else "",
        target_id=user.pk if user is not None else "",
        details={"reason": reason, "method": method},
    )


def locked_error(state: lockout.LockState) -> Locked:
    return Locked(
        LOCKED.format(minutes=state.minutes_left), retry_after=state.retry_after, field="login"
    )


def password_check(request: HttpRequest, *, login: str, password: str, method: str) -> User:
    """Return the user if ``password`` is right for ``login`` and nothing forbids trying.

    Raises TooManyRequests (the IP's failures), Locked (the login is locked, even for the right
    password) or AuthenticationFailed (wrong password or unknown login: one message).
    """
    key, known = lockout.identify(login)
    lockout.remember_key(request, login, key)
    wait = ratelimit.peek(request, "signin_failures")
    if wait:
        _failed(request, user=known, method=method, reason="rate_limited")
        raise TooManyRequests(
            TOO_MANY_FAILURES.format(wait=ratelimit.wait_text(wait)),
            retry_after=wait,
            code="rate_limited",
        )
    # The axes backend refuses a locked login before any password is hashed, and its handler
    # marks the request when this failure is the one that locks it.
    user = authenticate(request, username=login, password=password)
    if user is None:
        locked_before = getattr(request, "axes_locked_out", False) and not getattr(
            request, "axes_failures_since_start", None
        )
        if not locked_before:
            ratelimit.count_ip(request, "signin_failures")
        _failed(
            request, user=known, method=method, reason="locked" if locked_before else "bad_password"
        )
        if getattr(request, "axes_locked_out", False):
            raise locked_error(lockout.lock_state(key=key))
        raise AuthenticationFailed(BAD_CREDENTIALS, field="login")
    # The right password ends the count (AXES_RESET_ON_SUCCESS sees only a session sign-in).
    lockout.lock_reset(key=key)
    return user


def session_start(
    request: HttpRequest, user: User, *, remember: bool, method: str = "password"
) -> None:
    """Sign ``user`` in on this browser: the session, its lifetime, the event and the audit entry.

    The second-factor page calls this too, once the code is right (method "second_factor").
    """
    login(request, user, backend=BACKEND)
    if remember:
        request.session.set_expiry(settings.PRIEMNAYA_REMEMBER_DAYS * 86_400)
    else:
        request.session.set_expiry(0)  # ends when the browser closes
    _event(request, user=user, method=method, outcome=SignInEvent.Outcome.OK)
    audit_record(
        action="signin.ok", actor=user, target_type="user", target_id=user.pk,
        details={"method": method},
    )  # fmt: skip


@dataclass(frozen=True)
class PageSignIn:
    """What the sign-in page does next: "ok" (signed in) or "second_factor" (code owed)."""

    outcome: str
    user: User


def page_sign_in(
    request: HttpRequest, *, login: str, password: str, remember: bool, next_url: str
) -> PageSignIn:
    """Check the password; sign in, or park the sign-in until the second factor is given."""
    user = password_check(request, login=login, password=password, method="password")
    if second_factor_required(user):
        request.session.cycle_key()
        request.session[PENDING_KEY] = {
            "user_id": user.pk,
            "remember": remember,
            "next": next_url,
            "at": timezone.now().isoformat(),
        }
        return PageSignIn("second_factor", user)
    session_start(request, user, remember=remember)
    return PageSignIn("ok", user)


def uses_sms_codes(user: User) -> bool:
    """The person gets the second factor by SMS (chosen, or staff with a phone and no app)."""
    if user.second_factor_sms:
        return True
    return (
        not user.is_citizen and user.phone_confirmed_at is not None and not has_authenticator(user)
    )


def token_issue(
    request: HttpRequest, *, login: str, password: str, otp: str | None = None, device: str = ""
) -> str:
    """POST /api/v1/auth/token: the password rules, then the second factor, then a token."""
    user = password_check(request, login=login, password=password, method="token")
    if second_factor_required(user):
        if not (otp or "").strip():
            if uses_sms_codes(user) and user.phone and user.phone_confirmed_at:
                # A code that went out a moment ago is still good: no new one, same answer.
                with contextlib.suppress(TooManyRequests):
                    code_send_sms(user=user, purpose=CodePurpose.SECOND_FACTOR, phone=user.phone)
            raise AuthenticationFailed(OTP_REQUIRED, field="otp", code="otp_required")
        try:
            second_factor_verify(user, otp or "", field="otp")
        except ValidationFailed as exc:
            _failed(request, user=user, method="token", reason="bad_code")
            raise AuthenticationFailed(OTP_INVALID, field="otp", code="otp_invalid") from exc
    key = api_token_create(user, name=device or user_agent(request), ip=client_ip(request))
    _event(request, user=user, method="token", outcome=SignInEvent.Outcome.OK)
    audit_record(
        action="signin.ok", actor=user, target_type="user", target_id=user.pk,
        details={"method": "token"},
    )  # fmt: skip
    return key


def _posted_login(request: HttpRequest) -> str:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return ""
        return str(data.get("login", "")) if isinstance(data, dict) else ""
    return request.POST.get("login", "")


def record_rate_limited(request: HttpRequest) -> None:
    """A sign-in refused by the rate limiter before any check: history and audit."""
    method = "token" if request.path_info.startswith("/api/") else "password"
    _failed(
        request,
        user=user_find_by_login(login=_posted_login(request)),
        method=method,
        reason="rate_limited",
    )


def locked_response(request: HttpRequest, state: lockout.LockState) -> HttpResponse:
    """429 with Retry-After for a locked login: the API's error body for /api/, else the Russian
    page with the time left and the way to unlock early."""
    response: HttpResponse
    if request.path_info.startswith("/api/"):
        error = locked_error(state)
        response = JsonResponse(
            {"detail": error.message, "errors": [error.as_dict()]},
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = render(
            request,
            "web/security/locked.html",
            {"minutes": state.minutes_left, "until": state.until},
            status=429,
        )
    response["Retry-After"] = str(max(1, state.retry_after))
    return response


@receiver(user_locked_out)
def _audit_locked(sender, request=None, username=None, **kwargs) -> None:
    # Sent when a failure reaches the limit (axes' database handler); tries while locked never
    # reach authenticate() here, so this is once per lock.
    if request is not None and getattr(request, "axes_failures_since_start", None) is None:
        return
    # The key is "account:<id>" for a login of an account (security.lockout.login_key).
    account = (
        (username or "").removeprefix("account:") if (username or "").startswith("account:") else ""
    )
    audit_record(
        action="account.locked",
        target_type="user" if account else "",
        target_id=account,
        details={"failures": settings.AXES_FAILURE_LIMIT},
    )
