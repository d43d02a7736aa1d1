"""What a request says about its sender: the client's address and device."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str | None:
    """The caller's IP: X-Forwarded-For's first hop behind a TLS proxy, else the peer."""
    if request is None:
        return None
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def user_agent(request: HttpRequest | None) -> str:
    """The browser's User-Agent, cut to what the models keep."""
    if request is None:
        return ""
    return request.META.get("HTTP_USER_AGENT", "")[:300]
