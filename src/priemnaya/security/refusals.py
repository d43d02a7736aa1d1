"""Refused requests in the audit log (issue 9, «Bad input»): who was refused what, and why.

Only the route's pattern is kept (``appeals/<str:number>/``), never the values in the path or the
body, so the entry holds no personal data (LEGAL.md §6 rule 26). Anonymous 404s are not recorded:
they are the web's background noise and name nobody.
"""

from __future__ import annotations

from django.http import HttpRequest

from priemnaya.audit.services import audit_record


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return str(match.route)[:64]
    return ""


def refusal_record(request: HttpRequest, *, reason: str) -> None:
    """Append ``request.refused`` with the caller (if signed in), the route and the reason."""
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    audit_record(
        action="request.refused",
        actor=actor,
        target_type="route",
        target_id=_route(request),
        details={"reason": reason, "method": request.method or ""},
    )


def refusal_record_signed_in(request: HttpRequest, *, reason: str) -> None:
    """The same, only for a signed-in caller (an anonymous 404 is not worth an entry)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        refusal_record(request, reason=reason)
