from django import template

from priemnaya.appeals.lifecycle import APPLICANT_VIEW
from priemnaya.appeals.permissions import (
    EXPIRED,
    EXTENSION_APPROVERS,
    extension_approver,
    may_extend,
    redirect_last_day,
    redirect_window_closed,
)
from priemnaya.appeals.presenters import Audience, due_date, format_date, status_label
from priemnaya.appeals.states import OPEN_STATUSES
from priemnaya.appeals.status_links import status_link
from priemnaya.catalog.models import Approver
from priemnaya.core import clock
from priemnaya.core.numbering import EXAMPLE_NUMBER, format_number

register = template.Library()


@register.filter
def accessible(bound_field):
    """Render the widget with aria-invalid and aria-describedby tied to its error and help."""
    attrs = {}
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.id_for_label}_help")
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
        described.append(f"{bound_field.id_for_label}_error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return bound_field.as_widget(attrs=attrs)


@register.filter
def number(value: str) -> str:
    return format_number(value or "")


@register.simple_tag
def number_example() -> str:
    """Return a well-formed appeal number to show as an example (it passes the check digit)."""
    return EXAMPLE_NUMBER


@register.filter
def applicant_label(status: str) -> str:
    """Return the plain-language label the applicant reads for a state."""
    return status_label(status, Audience.APPLICANT) if status in APPLICANT_VIEW else status


@register.filter
def isodate(value) -> str:
    """Format a date, an instant or an ISO string as ДД.ММ.ГГГГ in local time."""
    return format_date(value)


@register.filter
def due(appeal) -> str:
    """The appeal's deadline as the local day it ends on (the one presenter of SPEC §5 dates)."""
    return format_date(due_date(appeal))


@register.filter
def region_name(code: str) -> str:
    """Return «77 — Москва» for a region code (the code alone if unknown)."""
    from priemnaya.catalog.regions import REGIONS

    return f"{code} — {REGIONS[code]}" if code in REGIONS else code


@register.filter
def redirect_note(appeal) -> str:
    """Say until when an open appeal may be redirected, or since when it may not (59-FZ art. 8)."""
    if appeal.status not in OPEN_STATUSES:
        return ""
    if (closed := redirect_window_closed(appeal)) is not None:
        return (
            f"Переадресовать нельзя: {appeal.policy.redirect_days} дней после регистрации "
            f"истекли {format_date(closed)} (59-ФЗ, ст. 8 ч. 3)."
        )
    last = redirect_last_day(appeal)
    return f"Переадресовать можно до {format_date(last)}." if last else ""


@register.simple_tag
def extension_note(appeal, user) -> str:
    """Tell staff who cannot extend the open appeal's term why: who may, or that it has passed."""
    if appeal.status not in OPEN_STATUSES or appeal.due_at is None:
        return ""
    if not may_extend(user, appeal):
        return f"Продлить срок может {EXTENSION_APPROVERS[Approver(extension_approver(appeal))]}."
    if clock.now() > appeal.due_at:
        return EXPIRED
    return ""


@register.filter
def unread_label(count: int) -> str:
    """Say what the bell shows: «Уведомления, 3 непрочитанных» (site.js says the same)."""
    if not count:
        return "Уведомления, нет непрочитанных"
    one = count % 10 == 1 and count % 100 != 11
    return f"Уведомления, {count} {'непрочитанное' if one else 'непрочитанных'}"


# Issue 13 — status without an account: the link staff tell the caller or print in the letter.
@register.filter
def status_link_of(appeal) -> str:
    """The appeal's status link with its key (absolute), for the console's card."""
    return status_link(appeal) if appeal.number else ""
