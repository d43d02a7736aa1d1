"""The head's review of answers in the API (issue 10 item 2; docs/answers.md).

``POST /staff/appeals/{number}/answer`` (staff.py) answers 202 with the draft when the policy
has the head review answers; here are the draft itself, the head's decision and the queue.
"""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Router, Schema

from priemnaya.answers.models import AnswerDraft
from priemnaya.answers.review import answer_draft_current, answer_drafts_pending, answer_review
from priemnaya.api.routers.appeals import ERRORS, appeal_body
from priemnaya.api.schemas import AppealOut
from priemnaya.appeals.permissions import may_review
from priemnaya.appeals.selectors import staff_appeal_get
from priemnaya.appeals.services.workflow import review_required

router = Router(tags=["staff"])
drafts_router = Router(tags=["staff"])


class AnswerDraftOut(Schema):
    id: int
    number: str = Field(description="номер обращения")
    state: str = Field(description="pending (на проверке), returned (возвращён), approved")
    state_label: str
    outcome: str
    outcome_label: str
    legal_ground: str
    text: str
    crime_report: bool
    forward_to: str
    contacts_readable: bool
    no_new_arguments: bool
    decision: str
    author_name: str = Field(description="исполнитель, подготовивший ответ")
    submitted_at: datetime
    reviewer_name: str = Field(description="кто проверил (пусто, пока на проверке)")
    reviewed_at: datetime | None
    review_comment: str = Field(description="замечания руководителя")

    @staticmethod
    def of(draft: AnswerDraft) -> dict:
        return {
            "id": draft.pk,
            "number": draft.appeal.display_number,
            "state": draft.state,
            "state_label": draft.get_state_display(),
            "outcome": draft.outcome,
            "outcome_label": draft.get_outcome_display(),
            "legal_ground": draft.legal_ground,
            "text": draft.text,
            "crime_report": draft.crime_report,
            "forward_to": draft.forward_to,
            "contacts_readable": draft.contacts_readable,
            "no_new_arguments": draft.no_new_arguments,
            "decision": draft.decision,
            "author_name": draft.author.full_name,
            "submitted_at": draft.submitted_at,
            "reviewer_name": draft.reviewer.full_name if draft.reviewer else "",
            "reviewed_at": draft.reviewed_at,
            "review_comment": draft.review_comment,
        }


class DraftStateOut(Schema):
    review_required: bool = Field(description="политика требует проверки ответа руководителем")
    you_review: bool = Field(description="вы утверждаете ответы по этому обращению")
    draft: AnswerDraftOut | None = Field(
        description="проект на проверке или последний возвращённый, иначе null"
    )


class ReviewIn(Schema):
    decision: str = Field(description="approve (утвердить и выдать) или return (вернуть)")
    comment: str = Field("", description="замечания; обязательны при return")


class ReviewOut(Schema):
    decision: str
    draft: AnswerDraftOut
    appeal: AppealOut


@router.get("/{number}/answer/draft", response={200: DraftStateOut} | ERRORS)
def draft(request, number: str):
    """The appeal's answer under review (or returned for revision) and whether review applies."""
    user = request.auth
    appeal = staff_appeal_get(user=user, number=number)
    current = answer_draft_current(appeal=appeal)
    return {
        "review_required": review_required(appeal),
        "you_review": may_review(user, appeal),
        "draft": AnswerDraftOut.of(current) if current else None,
    }


@router.post("/{number}/answer/review", response={200: ReviewOut} | ERRORS)
def review(request, number: str, payload: ReviewIn):
    """The head's decision on the pending draft: approve (the answer is issued) or return."""
    user = request.auth
    appeal = staff_appeal_get(user=user, number=number)
    decided = answer_review(
        appeal=appeal, actor=user, decision=payload.decision, comment=payload.comment
    )
    return {
        "decision": payload.decision,
        "draft": AnswerDraftOut.of(decided),
        "appeal": appeal_body(decided.appeal, user),
    }


@drafts_router.get("", response={200: list[AnswerDraftOut]} | ERRORS)
def pending(request):
    """Answers waiting for the caller's review, oldest first (empty for those who review none)."""
    return [AnswerDraftOut.of(d) for d in answer_drafts_pending(user=request.auth)]
