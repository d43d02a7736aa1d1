"""Signed-in browsers: recorded at login, seen once a minute, ended by their owner or at logout.

Each login makes a ``UserSession`` row and keeps its id in the session. The middleware looks at
the row at most once a minute (the pages' query counts stay as they are): a row that is gone or
ended logs the browser out. Ending a session also deletes Django's session, so its cookie stops
working at once with the database and cache engines.
"""

from __future__ import annotations

import re
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db.models import QuerySet

from priemnaya.accounts.models import SignInEvent, User, UserSession
from priemnaya.audit.services import audit_record
from priemnaya.core import clock
from priemnaya.core.errors import NotFound
from priemnaya.core.requests import client_ip, user_agent

SESSION_ID_KEY = "priemnaya_session_id"
SEEN_KEY = "priemnaya_session_seen"
SEEN_EVERY = timedelta(minutes=1)
HISTORY_SIZE = 50


def remember_days() -> int:
    return int(getattr(settings, "PRIEMNAYA_REMEMBER_DAYS", 30))


def _session_store(session_key: str):
    engine = import_module(settings.SESSION_ENGINE)
    return engine.SessionStore(session_key=session_key)


def _remembered(session) -> bool:
    try:
        return not session.get_expire_at_browser_close()
    except Exception:  # an engine without expiry control
        return False


def session_started(request, user: User) -> UserSession | None:
    """Record the browser that has just logged in (``user_logged_in``)."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    if session.session_key is None:
        session.save()
    now = clock.now()
    # login() gives the session a new key, so the row is usually new; a person signing in again
    # in a browser already signed in as them keeps the key, and its row starts over.
    row, _created = UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "created_at": now,
            "last_seen_at": now,
            "ip": client_ip(request),
            "user_agent": user_agent(request),
            "remember": _remembered(session),
            "ended_at": None,
        },
    )
    session[SESSION_ID_KEY] = row.pk
    session[SEEN_KEY] = now.timestamp()
    return row


def session_remember(request, remember: bool) -> None:
    """The sign-in chose «Запомнить меня» (or not) after the login made the row."""
    row_id = request.session.get(SESSION_ID_KEY)
    if row_id:
        UserSession.objects.filter(pk=row_id).update(remember=remember)


def session_logged_out(request) -> None:
    """Logout ends the row (``user_logged_out``)."""
    session = getattr(request, "session", None)
    row_id = session.get(SESSION_ID_KEY) if session is not None else None
    if row_id:
        UserSession.objects.filter(pk=row_id, ended_at__isnull=True).update(ended_at=clock.now())


def session_still_valid(request) -> bool:
    """For the middleware: False when this browser's session was ended (log it out).

    Looks at the database at most once a minute per session; a session from before this
    feature gets its row then.
    """
    session = request.session
    user_id = session.get(SESSION_KEY)
    if user_id is None:
        return True
    now = clock.now()
    seen = session.get(SEEN_KEY)
    if isinstance(seen, int | float) and 0 <= now.timestamp() - seen < SEEN_EVERY.total_seconds():
        return True
    row_id = session.get(SESSION_ID_KEY)
    if row_id is None:
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            return False
        session_started(request, user)
        return True
    row = UserSession.objects.filter(pk=row_id).first()
    if row is None or row.ended_at is not None or str(row.user_id) != str(user_id):
        return False
    fields = {"last_seen_at": now, "ip": client_ip(request), "remember": _remembered(session)}
    if session.session_key and session.session_key != row.session_key:
        # The key was cycled (e.g. a password change kept this browser signed in).
        fields["session_key"] = session.session_key
    UserSession.objects.filter(pk=row.pk).update(**fields)
    session[SEEN_KEY] = now.timestamp()
    return True


def sessions_active(user: User) -> QuerySet[UserSession]:
    """The user's sessions that may still be alive, last seen first."""
    horizon = clock.now() - timedelta(
        seconds=max(settings.SESSION_COOKIE_AGE, remember_days() * 86400)
    )
    return UserSession.objects.filter(
        user=user, ended_at__isnull=True, last_seen_at__gte=horizon
    ).order_by("-last_seen_at", "-pk")


def _end(row: UserSession, *, actor: User, reason: str) -> None:
    _session_store(row.session_key).delete()
    row.ended_at = clock.now()
    row.save(update_fields=["ended_at"])
    audit_record(
        action="session.ended",
        actor=actor,
        target_type="session",
        target_id=row.pk,
        details={"reason": reason},
    )


def session_end(*, user: User, session_id: int) -> UserSession:
    """End one of the user's own sessions; another's or an ended one is NotFound."""
    row = UserSession.objects.filter(pk=session_id, user=user, ended_at__isnull=True).first()
    if row is None:
        raise NotFound("Такого сеанса нет или он уже завершён.", field="session")
    _end(row, actor=user, reason="ended_by_owner")
    return row


def sessions_end_others(*, user: User, keep_id: int | None) -> int:
    """End every session of the user but ``keep_id`` (this browser); return how many."""
    rows = UserSession.objects.filter(user=user, ended_at__isnull=True)
    if keep_id is not None:
        rows = rows.exclude(pk=keep_id)
    ended = 0
    for row in rows:
        _end(row, actor=user, reason="ended_others")
        ended += 1
    return ended


def sessions_end_all(*, user: User, actor: User | None = None, reason: str = "password") -> int:
    """End every session of the user (after a password change or reset, or by an operator)."""
    ended = 0
    for row in UserSession.objects.filter(user=user, ended_at__isnull=True):
        _end(row, actor=actor or user, reason=reason)
        ended += 1
    return ended


def sign_in_history(user: User) -> list[SignInEvent]:
    return list(SignInEvent.objects.filter(user=user).order_by("-at", "-pk")[:HISTORY_SIZE])


# ---- the device, in a few words -----------------------------------------------------------------

_BROWSERS = [
    ("YaBrowser/", "Яндекс Браузер"),
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
]
_SYSTEMS = [
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Windows", "Windows"),
    ("CrOS", "ChromeOS"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
]
_TOOL = re.compile(r"^([A-Za-z][\w.-]{0,30})/")


def device_label(agent: str) -> str:
    """«Chrome, Linux» from a User-Agent; a tool's own name (curl, python-httpx) otherwise."""
    agent = agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in agent), "")
    system = next((name for marker, name in _SYSTEMS if marker in agent), "")
    if browser or system:
        return ", ".join(part for part in (browser or "Браузер", system) if part)
    match = _TOOL.match(agent)
    if match and match.group(1) != "Mozilla":
        return match.group(1)
    return "Неизвестное устройство"
