"""The suggested theme and department on the console's appeal page (issue 12 item 7)."""

from __future__ import annotations

from django import template
from django.conf import settings

from priemnaya.appeals.models import Appeal
from priemnaya.core.errors import ValidationFailed
from priemnaya.search.suggest import Suggestion, suggest

register = template.Library()


@register.simple_tag
def staff_theme_suggestion(appeal: Appeal) -> dict | None:
    """The model's first suggestion for the appeal and how it compares with its routing."""
    try:
        found = suggest(appeal.text, appeal.subject, limit=1)
    except ValidationFailed:  # an appeal always has text; a legacy one without gets nothing
        return None
    if not found or found[0].confidence < settings.PRIEMNAYA_SUGGEST_MIN_CONFIDENCE:
        return None
    first: Suggestion = found[0]
    other_theme = first.theme != appeal.theme.code
    other_department = first.department != appeal.department.code
    return {"s": first, "other_theme": other_theme, "other_department": other_department}
