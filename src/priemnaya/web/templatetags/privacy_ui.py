"""Filters of the personal-data pages."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

from priemnaya.appeals.presenters import format_date

register = template.Library()


@register.filter
def moment(value: str | None) -> str:
    """Format an ISO date or instant of the export as the reader's local «ДД.ММ.ГГГГ ЧЧ:ММ»."""
    if not value:
        return "—"
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    if len(value) == 10:
        return format_date(value)
    if timezone.is_aware(parsed):
        parsed = timezone.localtime(parsed)
    return f"{parsed:%d.%m.%Y %H:%M}"
