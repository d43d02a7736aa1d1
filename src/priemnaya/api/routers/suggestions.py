"""The suggested theme of an appeal's text (issue 12 item 7): public, rate-limited per IP."""

from __future__ import annotations

from ninja import Field, Router, Schema

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
