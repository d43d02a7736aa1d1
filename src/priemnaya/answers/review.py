"""The department head's review of an answer before it is issued (SPEC §12, issue 10 item 2).

When the appeal's policy sets ``answer_review``, an executor does not issue the answer: they send
it to review (``answer_submit_for_review``) and the head approves it — which issues it, with the
author recorded as executor — or returns it with remarks. Who counts as «head» is
``appeals.permissions.may_review``: a head (``Membership.is_head``) of the appeal's department,
or quality control (roles that see every department). The applicant never reads of drafts: the
journal's ``answer_submitted`` and ``answer_returned`` events are internal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from priemnaya.accounts.models import User
from priemnaya.answers.models import AnswerDraft, DraftState
from priemnaya.appeals import events
from priemnaya.appeals.lifecycle import Action
from priemnaya.appeals.models import Answer, Appeal
from priemnaya.appeals.permissions import (
    head_department_ids,
    is_working_staff,
    may_review,
    require_staff,
)
from priemnaya.appeals.services.journal import (
    NOT_FOUND,
    appeal_transition,
    optional_text,
    required_text,
)
from priemnaya.appeals.services.workflow import (
    REASON_MAX,
    answer_validate,
    appeal_answer,
    review_required,
)
from priemnaya.appeals.states import Status
from priemnaya.attachments.models import Attachment
from priemnaya.attachments.services import attachments_bind, attachments_move_to_answer
from priemnaya.audit.services import audit_record
from priemnaya.core import clock
from priemnaya.core.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed

HEADS_ONLY = "Проверяет ответ руководитель отдела или контроль качества."
NOT_PENDING = "Этот проект ответа уже рассмотрен руководителем."
ALREADY_PENDING = "Проект ответа уже на проверке у руководителя: дождитесь решения."
NO_REVIEW = "Для этого обращения проверка ответа руководителем не требуется: выдайте ответ сами."
NOT_IN_WORK = "Направить ответ на проверку можно, пока обращение в работе."


def answer_submit_for_review(
    *,
    appeal: Appeal,
    actor: User,
    outcome: str,
    text: str,
    legal_ground: str = "",
    crime_report: bool = False,
    forward_to: str = "",
    contacts_readable: bool = True,
    no_new_arguments: bool = False,
    decision: str = "",
    attachment_ids: Sequence[int] = (),
) -> AnswerDraft:
    """Send an answer to the head's review; checked exactly as issuing it would be.

    Files of the author's last returned draft go with the new one (the author revises, not
    re-uploads), with any the author staged now. One draft at a time waits for review.
    """
    fields = answer_validate(
        outcome=outcome,
        text=text,
        legal_ground=legal_ground,
        crime_report=crime_report,
        forward_to=forward_to,
        contacts_readable=contacts_readable,
        no_new_arguments=no_new_arguments,
        decision=decision,
        actor=actor,
        attachment_ids=attachment_ids,
    )
    # The review's steps change no state of the appeal and are internal acts of its staff: they
    # pass the gate of an internal note (staff who work the appeal, under the appeal's lock).
    with appeal_transition(appeal=appeal, action=Action.NOTE, actor=actor) as t:
        a = t.appeal
        if a.status != Status.IN_PROGRESS:
            raise InvalidTransition(NOT_IN_WORK, field="status")
        if not review_required(a):
            raise InvalidTransition(NO_REVIEW, field="outcome")
        if AnswerDraft.objects.filter(appeal=a, state=DraftState.PENDING).exists():
            raise InvalidTransition(ALREADY_PENDING, field="draft")
        returned = (
            AnswerDraft.objects.filter(appeal=a, state=DraftState.RETURNED)
            .order_by("-reviewed_at", "-id")
            .first()
        )
        draft = AnswerDraft.objects.create(
            appeal=a,
            author=actor,
            outcome=fields.outcome,
            legal_ground=fields.ground.value if fields.ground else "",
            text=fields.text,
            crime_report=fields.crime_report,
            forward_to=fields.forward_to,
            contacts_readable=fields.contacts_readable,
            no_new_arguments=fields.no_new_arguments,
            decision=fields.decision,
            submitted_at=t.now,
        )
        if returned is not None:
            Attachment.objects.filter(answer_draft=returned, answer__isnull=True).update(
                answer_draft=draft
            )
        attachments_bind(ids=attachment_ids, actor=actor, appeal_id=a.pk, answer_draft_id=draft.pk)
        t.journal(
            events.appeal_answer_submitted_event,
            draft_id=draft.pk,
            outcome=draft.outcome,
            resubmitted=returned is not None,
        )
    return draft


def _lock_pending(draft: AnswerDraft, actor: User) -> AnswerDraft:
    """Re-read the draft under a write lock and check the actor reviews it (404/403/409)."""
    locked = AnswerDraft.objects.select_for_update(of=("self",)).select_related(
        "appeal__department", "appeal__policy", "author"
    )
    found = locked.get(pk=draft.pk)
    if not is_working_staff(actor, found.appeal):
        raise NotFound(NOT_FOUND, field="number")
    if not may_review(actor, found.appeal):
        raise NotPermitted(HEADS_ONLY)
    if found.state != DraftState.PENDING:
        raise InvalidTransition(NOT_PENDING, field="draft")
    return found


def answer_review_approve(*, draft: AnswerDraft, actor: User, comment: str = "") -> Answer:
    """Approve the draft and issue it: the author is the answer's executor, its files move."""
    comment = optional_text(comment, field="comment", max_length=REASON_MAX)
    with transaction.atomic():
        draft = _lock_pending(draft, actor)
        appeal = appeal_answer(
            appeal=draft.appeal,
            actor=actor,
            executor=draft.author,
            outcome=draft.outcome,
            text=draft.text,
            legal_ground=draft.legal_ground,
            crime_report=draft.crime_report,
            forward_to=draft.forward_to,
            contacts_readable=draft.contacts_readable,
            no_new_arguments=draft.no_new_arguments,
            decision=draft.decision,
        )
        # appeal_answer has just created it: the newest answer of the appeal.
        answer = appeal.answers.order_by("-issued_at", "-id")[0]
        attachments_move_to_answer(answer_draft_id=draft.pk, answer_id=answer.pk)
        draft.state = DraftState.APPROVED
        draft.reviewer = actor
        draft.reviewed_at = clock.now()
        draft.review_comment = comment
        draft.answer = answer
        draft.save(update_fields=["state", "reviewer", "reviewed_at", "review_comment", "answer"])
        audit_record(
            action="answer.review_approved",
            actor=actor,
            target_type="appeal",
            target_id=appeal.pk,
            details={"draft": draft.pk, "answer": answer.pk},
        )
    return answer


def answer_review_return(*, draft: AnswerDraft, actor: User, comment: str) -> AnswerDraft:
    """Return the draft to its author with the head's remarks (staff read them in the journal)."""
    comment = required_text(
        comment,
        field="comment",
        max_length=REASON_MAX,
        missing="Напишите, что исполнителю доработать в ответе.",
    )
    with transaction.atomic():
        draft = _lock_pending(draft, actor)
        with appeal_transition(appeal=draft.appeal, action=Action.NOTE, actor=actor) as t:
            draft.state = DraftState.RETURNED
            draft.reviewer = actor
            draft.reviewed_at = t.now
            draft.review_comment = comment
            draft.save(update_fields=["state", "reviewer", "reviewed_at", "review_comment"])
            t.journal(
                events.appeal_answer_returned_event,
                draft_id=draft.pk,
                author=draft.author,
                comment=comment,
            )
        audit_record(
            action="answer.review_returned",
            actor=actor,
            target_type="appeal",
            target_id=draft.appeal_id,
            details={"draft": draft.pk},
        )
    return draft


class Decision:
    APPROVE = "approve"
    RETURN = "return"


def review_applies(*, appeal: Appeal, user: User) -> bool:
    """Return True if this user's answer goes to the head's review rather than straight out."""
    return review_required(appeal) and not may_review(user, appeal)


def answer_review(*, appeal: Appeal, actor: User, decision: str, comment: str = "") -> AnswerDraft:
    """Decide on the appeal's pending draft: «approve» issues it, «return» sends it back.

    The caller reaches the appeal already (staff of it); a refused reviewer hears 403 before
    anything is said about drafts, a missing pending draft is 409.
    """
    if not may_review(actor, appeal):
        raise NotPermitted(HEADS_ONLY)
    if decision not in (Decision.APPROVE, Decision.RETURN):
        raise ValidationFailed.single("decision", "Решение — approve (утвердить) или return.")
    draft = AnswerDraft.objects.filter(appeal=appeal, state=DraftState.PENDING).first()
    if draft is None:
        raise InvalidTransition("Проекта ответа на проверке нет.", field="draft")
    if decision == Decision.APPROVE:
        answer_review_approve(draft=draft, actor=actor, comment=comment)
    else:
        answer_review_return(draft=draft, actor=actor, comment=comment)
    draft.refresh_from_db()
    return draft


def answer_give(*, appeal: Appeal, actor: User, **fields: Any) -> Appeal | AnswerDraft:
    """The faces' «Ответить»: issue the answer, or send it to review when the policy asks.

    While a draft waits for review nobody answers past it: the head approves or returns it.
    """
    # One read for both facts: the policy's setting and a draft waiting for review.
    pending = AnswerDraft.objects.filter(appeal=OuterRef("pk"), state=DraftState.PENDING)
    review, waiting = (
        Appeal.objects.filter(pk=appeal.pk)
        .values_list("policy__answer_review", Exists(pending))
        .first()
    ) or (False, False)
    if waiting:
        raise InvalidTransition(ALREADY_PENDING, field="draft")
    if review and not may_review(actor, appeal):
        return answer_submit_for_review(appeal=appeal, actor=actor, **fields)
    return appeal_answer(appeal=appeal, actor=actor, **fields)


def draft_initial(draft: AnswerDraft | None) -> dict[str, Any]:
    """Return the answer form's initial values from a returned draft (the author revises it)."""
    if draft is None or draft.state != DraftState.RETURNED:
        return {}
    return {
        "outcome": draft.outcome,
        "legal_ground": draft.legal_ground,
        "text": draft.text,
        "crime_report": draft.crime_report,
        "forward_to": draft.forward_to,
        "contacts_readable": draft.contacts_readable,
        "no_new_arguments": draft.no_new_arguments,
        "decision": draft.decision,
    }


# ---- reads --------------------------------------------------------------------------------------


def answer_draft_current(*, appeal: Appeal) -> AnswerDraft | None:
    """Return the appeal's pending draft, else its last returned one not yet resubmitted."""
    last = (
        AnswerDraft.objects.filter(appeal=appeal)
        .select_related("author", "reviewer")
        .order_by("-submitted_at", "-id")
        .first()
    )
    if last is None or last.state == DraftState.APPROVED:
        return None
    return last


def answer_drafts_pending(*, user: User) -> QuerySet[AnswerDraft]:
    """Return the drafts waiting for review that the user may approve, oldest first.

    Quality control reviews everywhere; a head reviews the departments they head (and works).
    """
    require_staff(user)
    # A draft of an appeal withdrawn (or moved on) meanwhile can no longer be issued.
    drafts = AnswerDraft.objects.filter(
        state=DraftState.PENDING, appeal__status=Status.IN_PROGRESS
    ).select_related("appeal__department", "author")
    if not user.sees_all_departments:
        drafts = drafts.filter(appeal__department_id__in=head_department_ids(user))
    return drafts.order_by("submitted_at", "id")


def answer_drafts_pending_count(*, user: User) -> int:
    """Return how many drafts wait for this user's review (0 for staff who review none)."""
    if not (user.sees_all_departments or head_department_ids(user)):
        return 0
    return answer_drafts_pending(user=user).count()
