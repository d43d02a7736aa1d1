from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse

from priemnaya.appeals.lifecycle import APPLICANT_VIEW
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.presenters import next_step
from priemnaya.appeals.selectors import appeal_get, appeal_overdue_event, parse_number
from priemnaya.appeals.status_access import GRANT_TTL, public_status, status_get
from priemnaya.catalog.selectors import kinds_active, theme_tree
from priemnaya.core import clock
from priemnaya.core.errors import NotFound, TooManyRequests, ValidationFailed
from priemnaya.core.numbering import format_number
from priemnaya.security.status_lookup import (
    sent_message,
    status_code_send,
    status_code_verify,
    status_key_open,
)


def home(request):
    return render(request, "web/public/home.html", {"kinds": kinds_active(), "tree": theme_tree()})


def status_lookup(request):
    """Look up an appeal by number: its owner and staff see it at once; anyone else with the
    number and a second factor — a one-time code sent to the appeal's contact, or the key of the
    status link — sees its public status (issue 13). The number alone shows nothing."""
    if request.method == "POST":
        return _status_post(request)
    number = request.GET.get("number", "").strip()
    context: dict = {"number": number}
    if not number:
        return render(request, "web/public/status.html", context)
    try:
        digits = parse_number(number)
        appeal = _openable(request.user, digits)
    except ValidationFailed as exc:
        context["error"] = exc.message
        return render(request, "web/public/status.html", context)
    if appeal is not None:
        label = APPLICANT_VIEW[appeal.status][0]
        overdue = appeal_overdue_event(appeal=appeal)
        context.update(appeal=appeal, label=label, next_step=next_step(appeal, overdue=overdue))
        return render(request, "web/public/status.html", context)
    found = None
    if key := request.GET.get("key", ""):
        found = status_key_open(number=digits, key=key)
    if found is None and _granted(request, digits):
        found = status_get(number=digits)
    if found is not None:
        context["public"] = public_status(found)
    else:
        context["offer_code"] = True
    return render(request, "web/public/status.html", context)


def _openable(user, digits: str) -> Appeal | None:
    """The appeal if this person may open it (its owner, staff); None: a second factor decides."""
    try:
        return appeal_get(user=user, number=digits)
    except NotFound:
        return None


# The browser's grants of the public status: {digits: until (POSIX seconds)}.
STATUS_GRANTS = "status_grants"


def _granted(request, digits: str) -> bool:
    until = (request.session.get(STATUS_GRANTS) or {}).get(digits)
    return isinstance(until, int | float) and until > clock.now().timestamp()


def _grant(request, digits: str) -> None:
    now = clock.now().timestamp()
    grants = {
        number: until
        for number, until in (request.session.get(STATUS_GRANTS) or {}).items()
        if isinstance(until, int | float) and until > now
    }
    grants[digits] = now + GRANT_TTL.total_seconds()
    request.session[STATUS_GRANTS] = grants


def _status_post(request):
    """«Получить код» (action=send) and «Показать статус» (action=check, with the code)."""
    number = request.POST.get("number", "").strip()
    context: dict = {"number": number, "offer_code": True}
    try:
        if request.POST.get("action") == "check":
            appeal = status_code_verify(number=number, code=request.POST.get("code", ""))
            _grant(request, appeal.number or "")
            query = urlencode({"number": format_number(appeal.number or "")})
            return redirect(f"{reverse('web:status')}?{query}")
        context["sent"] = sent_message(status_code_send(number=number))
    except TooManyRequests as exc:
        context["refusal"] = exc.message
        response = render(request, "web/public/status.html", context, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    except ValidationFailed as exc:
        if exc.field == "code":
            context["code_error"] = exc.message
        else:
            context.update(error=exc.message, offer_code=False)
        return render(request, "web/public/status.html", context, status=400)
    return render(request, "web/public/status.html", context)
