"""The knowledge base's suggestions on the staff appeal page (issue 12)."""

from __future__ import annotations

from django import template

from priemnaya.knowledge.selectors import ArticleHit, article_suggestions

register = template.Library()


@register.simple_tag
def kb_suggestions(appeal, limit: int = 3) -> list[ArticleHit]:
    """Up to ``limit`` articles relevant to the appeal's subject and text (its theme boosted)."""
    theme = getattr(appeal, "theme", None)
    return article_suggestions(
        f"{appeal.subject}\n{appeal.text}",
        theme_code=theme.code if theme is not None else None,
        limit=limit,
    )
