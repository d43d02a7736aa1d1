"""Template helpers of the open-data pages and the console's publishing link (issue 14)."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html

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


@register.simple_tag
def od_footer_link() -> str:
    """The footer's link to open data, only while it is published (PRIEMNAYA_OPEN_DATA)."""
    if not settings.PRIEMNAYA_OPEN_DATA:
        return ""
    return format_html(
        '<p><a href="{}" data-testid="footer-open-data">Открытые данные об обращениях</a></p>',
        reverse("web:opendata"),
    )
