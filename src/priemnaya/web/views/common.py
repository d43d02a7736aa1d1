"""Helpers shared by the page views: access decorators and service-error mapping."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404
from django.shortcuts import render

from priemnaya.core.errors import ApplicationError, NotFound, ValidationFailed
from priemnaya.security.refusals import refusal_record


def _require(predicate):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(request.user):
                refusal_record(request, reason="role")
                return render(request, "web/errors/403.html", status=403)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


citizen_required = _require(lambda user: user.is_citizen)
staff_required = _require(lambda user: user.works_appeals)


def apply_errors(form, exc: ApplicationError) -> None:
    """Put a service's refusal onto the form: per field where the field exists, else on top."""
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    field_map = getattr(form, "FIELD_MAP", {})
    errors = exc.errors if isinstance(exc, ValidationFailed) else {exc.field: [exc.message]}
    for field, messages in errors.items():
        name = field_map.get(field, field)
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


def add_problems(form, problems: dict[str, list[str]]) -> None:
    """Add the rules' findings to a form that failed its shape check, without saying twice.

    A field the form already flagged keeps its own message: the rule would only restate it.
    """
    field_map = getattr(form, "FIELD_MAP", {})
    for field, messages in problems.items():
        name = field_map.get(field, field)
        target = name if name in form.fields else None
        shown = form.errors.get(target or NON_FIELD_ERRORS, [])
        if target and shown:
            continue
        for message in messages:
            if message not in shown:
                form.add_error(target, message)


def get_or_404(selector, **kwargs):
    """Call a selector; turn NotFound and a malformed number into a 404 page."""
    try:
        return selector(**kwargs)
    except (NotFound, ValidationFailed) as exc:
        raise Http404(exc.message) from exc


def home_for(user) -> str:
    """Where a signed-in person starts: the audit log, the console or the cabinet (URL name)."""
    if user.role == "auditor":
        return "web:audit"
    return "web:console" if user.works_appeals else "web:cabinet"
