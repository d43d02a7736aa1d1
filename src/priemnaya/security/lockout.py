"""The account lockout of django-axes, keyed on the normalised login.

Axes counts failed sign-ins per *login key*: the account's own key for any of its logins, else
the e-mail or phone normalised with core.contacts, so «+7 916 123-45-67» and «89161234567» are one
key; a login that belongs to no account is counted and locked just the same (no enumeration).
5 failures in 30 minutes lock the key for 30 minutes from the 5th failure (settings AXES_*); a
right password is refused while locked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from priemnaya.accounts.models import User
from priemnaya.accounts.selectors import user_find_by_login
from priemnaya.core.contacts import ContactInvalid, normalize_email, normalize_phone


def identify(login: str | None) -> tuple[str | None, User | None]:
    """The key a login is counted under, and its account if it has one (one query).

    Every login of one account (its e-mail, its phone in any spelling) shares the account's key,
    so guesses cannot be spread over them; a login without an account is counted by itself.
    """
    text = " ".join((login or "").split())
    if not text:
        return None, None
    if (user := user_find_by_login(login=text)) is not None:
        return f"account:{user.pk}", user
    try:
        if "@" in text:
            return normalize_email(text).lower(), None
        return normalize_phone(text), None
    except ContactInvalid:
        return text.casefold()[:255], None


def login_key(login: str | None) -> str | None:
    """The key a login is counted under: the account's, else the normalised e-mail or phone."""
    return identify(login)[0]


# A sign-in names its login and key on the request, so that axes does not look it up again.
_REQUEST_KEY = "_priemnaya_login_key"


def remember_key(request: HttpRequest, login: str, key: str | None) -> None:
    setattr(request, _REQUEST_KEY, (login, key))


def login_key_of(request: HttpRequest | None, credentials: dict | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the login key of an authenticate() call or a posted form."""
    login = None
    if credentials:
        login = credentials.get("username") or credentials.get("login")
    if login is None and request is not None:
        login = request.POST.get("login") or request.POST.get("username")
    known = getattr(request, _REQUEST_KEY, None)
    if known is not None and known[0] == login:
        return known[1]
    return login_key(login)


@dataclass(frozen=True)
class LockState:
    locked: bool
    until: datetime | None = None

    @property
    def retry_after(self) -> int:
        """Whole seconds until the lock ends (at least 1 while locked)."""
        if not self.locked or self.until is None:
            return 0
        return max(1, math.ceil((self.until - timezone.now()).total_seconds()))

    @property
    def minutes_left(self) -> int:
        return max(1, math.ceil(self.retry_after / 60)) if self.locked else 0


def lock_state(login: str | None = None, *, key: str | None = None) -> LockState:
    """Whether this login (or key) is locked now, and until when (axes' count, from its table)."""
    key = key or login_key(login)
    if key is None:
        return LockState(False)
    cool_off = settings.AXES_COOLOFF_TIME
    found = AccessAttempt.objects.filter(
        username=key, attempt_time__gte=timezone.now() - cool_off
    ).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    if (found["failures"] or 0) < settings.AXES_FAILURE_LIMIT or found["last"] is None:
        return LockState(False)
    return LockState(True, found["last"] + cool_off)


def lock_reset(login: str | None = None, *, key: str | None = None) -> int:
    """Forget the failures of this login or key (unlock); returns how many records went."""
    key = key or login_key(login)
    if key is None or not AccessAttempt.objects.filter(username=key).exists():
        return 0
    return axes_reset(username=key)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | dict | None = None, credentials=None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the page or JSON of a locked login, 429 with Retry-After.

    The sign-in page and the token endpoint answer a lockout themselves; under WSGI axes keeps
    their 429. Under ASGI axes' middleware calls this as (request, credentials) and replaces the
    answer, so the same page or JSON is made again here; other callers of authenticate() (the
    admin's sign-in) get it too.
    """
    if isinstance(original_response, dict):  # axes' async middleware: (request, credentials)
        credentials, original_response = original_response, None
    if original_response is not None and original_response.status_code == 429:
        return original_response
    from priemnaya.security.signin import locked_response  # the page lives with the sign-in

    return locked_response(request, lock_state(key=login_key_of(request, credentials)))
