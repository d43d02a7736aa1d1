from django import template

from priemnaya.appeals.lifecycle import APPLICANT_VIEW
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
    return APPLICANT_VIEW[status][0] if status in APPLICANT_VIEW else status


@register.filter
def isodate(value: str) -> str:
    """Format an ISO date-time stored in event data as ДД.ММ.ГГГГ in local time."""
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    parsed = parse_datetime(value or "")
    if parsed is None:
        return value or ""
    if timezone.is_aware(parsed):
        parsed = timezone.localtime(parsed)
    return parsed.strftime("%d.%m.%Y")
