"""Template helpers of the open-data pages and the console's publishing link (issue 14)."""

from __future__ import annotations

from django import template

from priemnaya.appeals.presenters import format_date
from priemnaya.opendata.services import may_publish

register = template.Library()


@register.filter
def od_date(value) -> str:
    """ДД.ММ.ГГГГ in the service's zone (the presenter's format_date)."""
    return format_date(value)


@register.filter
def od_may_publish(appeal, user) -> bool:
    """May this user publish the appeal's answer (heads, quality control, administrators)?"""
    return may_publish(user, appeal)


@register.filter
def od_item(mapping, key):
    """mapping[key] for a template (the monthly report's columns)."""
    return mapping.get(key, "")
