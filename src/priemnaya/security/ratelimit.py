"""Rate limits on the public doors: one middleware, one table of method + path (django-ratelimit).

Each rule names a rate in ``settings.PRIEMNAYA_RATE_LIMITS`` ("count/period", e.g. "30/m") and
counts requests per client IP; rules with a ``user_rate`` count per signed-in person too (the
session's user, or the bearer token's hash for the API, whose user is known only later). Counters
live in the default cache (Redis in production). A request over a limit gets 429 with
Retry-After: JSON for /api/, a Russian page otherwise; the view never runs.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django_ratelimit import ALL
from django_ratelimit.core import (
    EXPIRATION_FUDGE,
    _get_window,
    _make_cache_key,
    _split_rate,
    get_usage,
)

from priemnaya.core.requests import client_ip


@dataclass(frozen=True)
class Rule:
    method: str
    path: str
    rate: str  # a key of PRIEMNAYA_RATE_LIMITS, counted per IP
    user_rate: str | None = None  # a key counted per signed-in person as well
    exact: bool = False  # the path itself (with or without a trailing slash), not a prefix

    def matches(self, request: HttpRequest) -> bool:
        if request.method != self.method:
            return False
        if self.exact:
            return request.path_info.rstrip("/") == self.path.rstrip("/")
        return request.path_info.startswith(self.path)


RULES: tuple[Rule, ...] = (
    # Sign-in: the page and the token endpoint share one budget per IP.
    Rule("POST", "/accounts/login/", "signin"),
    Rule("POST", "/api/v1/auth/token", "signin"),
    # Registration and sending of confirmation codes.
    Rule("POST", "/accounts/register", "codes"),
    Rule("POST", "/accounts/confirm", "codes"),
    Rule("POST", "/api/v1/auth/register", "codes"),
    Rule("POST", "/api/v1/auth/confirm-phone", "codes"),
    Rule("POST", "/api/v1/account/phone/code", "codes", user_rate="codes"),
    Rule("POST", "/api/v1/account/email/link", "codes", user_rate="codes"),
    # Password reset.
    Rule("POST", "/accounts/reset", "reset"),
    Rule("POST", "/api/v1/auth/password-reset", "reset"),
    # Early unlock (captcha, then an SMS code).
    Rule("POST", "/accounts/unlock", "unlock"),
    # Filing appeals (not the actions on existing ones).
    Rule("POST", "/cabinet/new/", "appeals", user_rate="appeals_user", exact=True),
    Rule("POST", "/api/v1/appeals", "appeals", user_rate="appeals_user", exact=True),
    Rule("POST", "/api/v1/staff/appeals", "appeals", user_rate="appeals_user", exact=True),
    # Verification of signed answers (public: each check hashes and verifies up to 10 MB).
    Rule("POST", "/api/v1/verify", "verify", exact=True),
    Rule("POST", "/verify/", "verify", exact=True),
    # The theme suggester (public, called while typing).
    Rule("POST", "/api/v1/suggestions/theme", "suggest", exact=True),
    Rule("POST", "/api/v1/suggestions/before-filing", "suggest", exact=True),
    Rule("POST", "/cabinet/new/help/", "suggest", exact=True),
    # Issue 12: «Помогла ли статья?» (the only POST under /help/), per IP.
    Rule("POST", "/help/", "feedback"),
    # Issue 13 — status without an account: asking for codes and typing them (page and API).
    Rule("POST", "/status/", "status", exact=True),
    Rule("POST", "/api/v1/status", "status"),
    # Issue 13 — chat: the chat page's POSTs (the form without JavaScript, files, rating).
    Rule("POST", "/chat/", "chat"),
    # Issue 14 — open data: public reads (page, exports, API), per IP; the answer is cached.
    Rule("GET", "/open-data/", "open_data"),
    Rule("GET", "/api/v1/open-data/summary", "open_data"),
)

RATE_LIMITED = "Слишком много запросов. Повторите попытку через {wait}."


def wait_text(seconds: int) -> str:
    """«N мин» or «N с» for a message."""
    if seconds >= 60:
        return f"{math.ceil(seconds / 60)} мин"
    return f"{max(1, seconds)} с"


def _ip_key(group: str, request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def _user_key(group: str, request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.lower().startswith("bearer "):
        return "token:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()
    return ""


def hit(request: HttpRequest, name: str, key: Callable[[str, HttpRequest], str]) -> int:
    """Count one request against the rate ``name``; return seconds to wait if over it, else 0."""
    rate = settings.PRIEMNAYA_RATE_LIMITS.get(name)
    if not rate or not key(name, request):
        return 0
    usage = get_usage(request, group=f"priemnaya:{name}", key=key, rate=rate, increment=True)
    if usage is None or not usage["should_limit"]:
        return 0
    return max(1, int(usage["time_left"]))


def _hit_in_redis(
    request: HttpRequest, cache: RedisCache, limits: list[tuple[str, Callable]]
) -> int:
    """``hit`` for several rates in one Redis round trip instead of three per rate.

    The counters are django-ratelimit's own (same keys, windows and expiry: ``peek`` and
    ``get_usage`` read them): SET NX creates one at 0 with its expiry, INCR counts.
    """
    counters = []
    for name, key in limits:
        rate = settings.PRIEMNAYA_RATE_LIMITS.get(name)
        group = f"priemnaya:{name}"
        value = key(group, request) if rate else ""
        if not rate or not value:
            continue
        limit, period = _split_rate(rate)
        window = _get_window(value, period)
        raw = _make_cache_key(group, window, rate, value, ALL)
        counters.append((cache.make_and_validate_key(raw), limit, window, period))
    if not counters:
        return 0
    client = cache._cache.get_client(write=True)
    pipe = client.pipeline(transaction=False)
    for cache_key, _limit, _window, period in counters:
        pipe.set(cache_key, 0, nx=True, ex=period + EXPIRATION_FUDGE)
        pipe.incr(cache_key)
    counts = pipe.execute()[1::2]
    for i, ((_key, limit, window, _period), count) in enumerate(zip(counters, counts, strict=True)):
        if count > limit:
            # As when counted one by one: a request refused by one rate is not counted by the
            # rates after it (a rare second round trip, only on refusal).
            if later := [c[0] for c in counters[i + 1 :]]:
                undo = client.pipeline(transaction=False)
                for cache_key in later:
                    undo.decr(cache_key)
                undo.execute()
            return max(1, window - int(time.time()))
    return 0


def hit_rule(request: HttpRequest, rule: Rule) -> int:
    """Count one request against the rule's rates, in order; return seconds to wait, else 0."""
    limits: list[tuple[str, Callable]] = [(rule.rate, _ip_key)]
    if rule.user_rate:
        limits.append((rule.user_rate, _user_key))
    cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
    if isinstance(cache, RedisCache) and getattr(settings, "RATELIMIT_ENABLE", True):
        return _hit_in_redis(request, cache, limits)
    for name, key in limits:
        if wait := hit(request, name, key):
            return wait
    return 0


def peek(request: HttpRequest, name: str) -> int:
    """Seconds to wait if the per-IP rate ``name`` is used up (nothing counted), else 0."""
    rate = settings.PRIEMNAYA_RATE_LIMITS.get(name)
    if not rate:
        return 0
    usage = get_usage(request, group=f"priemnaya:{name}", key=_ip_key, rate=rate)
    if usage is None or usage["count"] < usage["limit"]:
        return 0
    return max(1, int(usage["time_left"]))


def count_ip(request: HttpRequest, name: str) -> int:
    """Count one event (e.g. a failed sign-in) against the per-IP rate ``name``."""
    return hit(request, name, _ip_key)


def rate_limited_response(
    request: HttpRequest, retry_after: int, *, message: str = ""
) -> HttpResponse:
    """429 with Retry-After: the API's error body for /api/, else the Russian page."""
    message = message or RATE_LIMITED.format(wait=wait_text(retry_after))
    response: HttpResponse
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            {
                "detail": message,
                "errors": [{"field": None, "message": message, "code": "rate_limited"}],
            },
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = render(
            request,
            "web/security/rate_limited.html",
            {"message": message, "retry_after": retry_after},
            status=429,
        )
    response["Retry-After"] = str(retry_after)
    return response


class RateLimitMiddleware:
    """Refuse a request over any limit of the first rule its method and path match."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rule = next((rule for rule in RULES if rule.matches(request)), None)
        if rule is not None and (wait := hit_rule(request, rule)):
            if rule.rate == "signin":
                from priemnaya.security.signin import record_rate_limited

                record_rate_limited(request)
            return rate_limited_response(request, wait)
        return self.get_response(request)
