"""Reads of issued answers for their downloads: the same access as the appeal page."""

from __future__ import annotations

from priemnaya.accounts.models import User
from priemnaya.appeals.models import Answer
from priemnaya.appeals.selectors import appeal_get
from priemnaya.core.errors import NotFound

NO_ANSWER = "Ответа на это обращение пока нет."


def answer_for_download(*, user: User, number: str, answer_id: int | None = None) -> Answer:
    """The appeal's current answer (or its earlier one ``answer_id``) if the user sees the appeal.

    Citizens reach their own appeals, staff their departments' ones (appeals_visible_to);
    anyone else, or an appeal without an answer, gets NotFound.
    """
    appeal = appeal_get(user=user, number=number)
    answers = Answer.objects.filter(appeal=appeal).select_related(
        "appeal", "appeal__kind", "appeal__theme", "appeal__department"
    )
    if answer_id is not None:
        answer = answers.filter(pk=answer_id).first()
    else:
        answer = answers.filter(superseded_at__isnull=True).first()
    if answer is None:
        raise NotFound(NO_ANSWER, field="answer" if answer_id is not None else "number")
    return answer
