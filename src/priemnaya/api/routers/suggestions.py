"""The suggested theme of an appeal's text (issue 12 item 7): public, rate-limited per IP."""

from __future__ import annotations

from ninja import Field, Router, Schema

from priemnaya.knowledge.before_filing import before_filing as knowledge_before_filing
from priemnaya.search import suggest

router = Router(tags=["suggestions"])


class SuggestIn(Schema):
    text: str = Field(description=f"текст обращения, до {suggest.TEXT_MAX} символов")
    subject: str = Field("", description=f"краткое содержание, до {suggest.SUBJECT_MAX} символов")


class SuggestionOut(Schema):
    theme: str
    theme_name: str
    department: str
    department_name: str
    confidence: float
    words: list[str]


class SuggestionsOut(Schema):
    suggestions: list[SuggestionOut]


@router.post("/theme", auth=None, response=SuggestionsOut)
def theme(request, payload: SuggestIn):
    """Suggest up to three themes (with department, confidence and the words that decided).

    An empty list when no model has been trained yet. Empty or too long text → 422.
    """
    found = suggest.suggest(payload.text, payload.subject)
    return {"suggestions": [vars(s) for s in found]}


class BeforeFilingIn(Schema):
    text: str = Field(description=f"текст обращения, до {suggest.TEXT_MAX} символов")
    subject: str = Field("", description=f"краткое содержание, до {suggest.SUBJECT_MAX} символов")
    theme: str = Field("", description="код выбранной темы (подсказка темы — только если другая)")


class ArticleOfferOut(Schema):
    id: int
    title: str
    url: str
    snippet: str


class AppealOfferOut(Schema):
    number: str
    display_number: str
    subject: str
    status: str
    url: str
    words: list[str]


class PartOut(Schema):
    subject: str
    text: str
    theme: str
    theme_name: str
    confidence: float


class BeforeFilingOut(Schema):
    articles: list[ArticleOfferOut]
    appeals: list[AppealOfferOut]
    parts: list[PartOut]
    theme: SuggestionOut | None


@router.post("/before-filing", response=BeforeFilingOut)
def before_filing(request, payload: BeforeFilingIn):
    """Help before filing: help articles, the caller's own similar open appeals («уже есть такая
    проблема»), the text's parts when it asks unrelated questions, and the suggested theme.

    Offers only — nothing is filed or changed. Fewer than 15 characters or a too long text offer
    nothing; a too long text or subject → 422 naming the field.
    """
    # An empty text is not a mistake here: nothing typed yet, nothing to offer.
    suggest.check_input(payload.text or "-", payload.subject)
    found = knowledge_before_filing(
        user=request.user, subject=payload.subject, text=payload.text, theme_code=payload.theme
    )
    return {
        "articles": [vars(a) for a in found.articles],
        "appeals": [
            {
                "number": s.appeal.number,
                "display_number": s.appeal.display_number,
                "subject": s.appeal.subject,
                "status": s.appeal.status,
                "url": f"/api/v1/appeals/{s.appeal.number}",
                "words": s.words,
            }
            for s in found.appeals
        ],
        "parts": [
            {
                "subject": p.subject,
                "text": p.text,
                "theme": p.theme,
                "theme_name": p.theme_name,
                "confidence": p.confidence,
            }
            for p in found.parts
        ],
        "theme": vars(found.theme) if found.theme else None,
    }
