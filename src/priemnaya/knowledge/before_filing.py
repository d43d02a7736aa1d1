"""Help before filing (issue 12 item 5, SPEC §6): what a citizen is offered before sending.

Everything here is an offer, never a gate: help articles that may already answer the question,
the citizen's own open appeals about the same problem («уже есть такая проблема — посмотреть»),
splitting a text that asks unrelated questions into one appeal per question, and the suggested
theme. The filing form shows it as a step before submit (without JavaScript) or live (with it).
"""

from __future__ import annotations

from dataclasses import dataclass

from priemnaya.accounts.models import User
from priemnaya.knowledge.selectors import ArticleHit, article_suggestions
from priemnaya.search import suggest
from priemnaya.search.earlier import SimilarAppeal, similar_open_appeals
from priemnaya.search.split import Part, question_parts

# Below this many characters there is too little to go on: nothing is offered.
TEXT_MIN = 15


@dataclass(frozen=True)
class BeforeFiling:
    articles: list[ArticleHit]
    appeals: list[SimilarAppeal]
    parts: list[Part]
    theme: suggest.Suggestion | None  # only when it differs from the theme chosen

    @property
    def offers(self) -> bool:
        """Whether there is anything worth a look before sending (the theme alone is not)."""
        return bool(self.articles or self.appeals or self.parts)


NOTHING = BeforeFiling([], [], [], None)


def before_filing(
    *, user: User | None, subject: str, text: str, theme_code: str = ""
) -> BeforeFiling:
    """Return the offers for a text being typed; anonymous callers get no appeals (never raises).

    A text too short or too long, or without words, offers nothing.
    """
    subject, text = (subject or "")[: suggest.SUBJECT_MAX], text or ""
    if len(text.strip()) < TEXT_MIN or len(text) > suggest.TEXT_MAX:
        return NOTHING
    both = f"{subject}\n{text}"
    theme = suggest.best(text, subject)
    appeals = (
        similar_open_appeals(user=user, subject=subject, text=text)
        if user is not None and user.is_authenticated
        else []
    )
    return BeforeFiling(
        articles=article_suggestions(both, theme_code=theme_code or None),
        appeals=appeals,
        parts=question_parts(text),
        theme=theme if theme is not None and theme.theme != theme_code else None,
    )
