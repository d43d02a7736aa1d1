"""Transitions that move an appeal through its states (SPEC §4)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from priemnaya.accounts.models import User
from priemnaya.appeals import events
from priemnaya.appeals.deadlines import resolution_due, resumed_due
from priemnaya.appeals.lifecycle import Action
from priemnaya.appeals.models import Answer, Appeal, Message
from priemnaya.appeals.services.journal import appeal_transition, optional_text, required_text
from priemnaya.appeals.states import OUTCOME_CODES, MessageKind, NoAnswerGround, Outcome, Status
from priemnaya.core import clock
from priemnaya.core.calendar import CalendarMissing
from priemnaya.core.errors import ApplicationError, ServiceUnavailable, ValidationFailed

ANSWER_MAX = 20_000
MESSAGE_MAX = 5000
REASON_MAX = 2000


def appeal_take(*, appeal: Appeal, actor: User) -> Appeal:
    """Start work: «Получено» → «В работе», the actor becomes the assignee."""
    with appeal_transition(appeal=appeal, action=Action.TAKE, actor=actor) as t:
        t.appeal.assignee = actor
        t.appeal.first_response_at = t.appeal.first_response_at or t.now
        t.journal(events.appeal_taken_event)
    return t.appeal


def appeal_request_info(*, appeal: Appeal, actor: User, question: str) -> Appeal:
    """Ask the applicant for details; the resolution clock stops until they answer."""
    question = required_text(question, field="question", max_length=MESSAGE_MAX)
    with appeal_transition(appeal=appeal, action=Action.REQUEST_INFO, actor=actor) as t:
        # The policy says whether the resolution clock stops while the applicant is asked.
        if t.appeal.policy is None or t.appeal.policy.pause_on_needs_info:
            t.appeal.paused_at = t.now
        message = Message.objects.create(
            appeal=t.appeal,
            author=actor,
            kind=MessageKind.QUESTION,
            text=question,
            created_at=t.now,
        )
        t.journal(events.appeal_info_requested_event, question=message)
    return t.appeal


def appeal_provide_info(*, appeal: Appeal, actor: User, text: str) -> Appeal:
    """Answer the clarification request: «Требуется уточнение» → «В работе», clock resumes."""
    text = required_text(text, field="text", max_length=MESSAGE_MAX)
    with appeal_transition(appeal=appeal, action=Action.PROVIDE_INFO, actor=actor) as t:
        a = t.appeal
        if a.paused_at and a.due_at and a.policy is not None:
            before = a.due_at
            a.due_at = resumed_due(
                policy=a.policy,
                department=a.department,
                due_at=a.due_at,
                paused_at=a.paused_at,
                now=t.now,
            )
            if a.original_due_at is not None:
                # The waiting time is not part of the term: an extension counts from the term's
                # end as moved by the pause, not from the end it had before (SPEC §5).
                a.original_due_at += a.due_at - before
        a.paused_at = None
        reply = Message.objects.create(
            appeal=a, author=actor, kind=MessageKind.REPLY, text=text, created_at=t.now
        )
        t.journal(events.appeal_info_provided_event, reply=reply)
    return t.appeal


def appeal_answer(
    *, appeal: Appeal, actor: User, outcome: str, text: str, legal_ground: str = ""
) -> Appeal:
    """Issue the answer: «В работе» → «Ответ готов». An issued answer never changes."""
    errors: dict[str, list[str]] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = ["Выберите результат рассмотрения из списка."]
    if outcome == Outcome.NO_ANSWER and legal_ground not in NoAnswerGround.values:
        errors["legal_ground"] = ["Укажите законное основание оставить обращение без ответа."]
    try:
        text = required_text(text, field="text", max_length=ANSWER_MAX)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    with appeal_transition(appeal=appeal, action=Action.ANSWER, actor=actor) as t:
        answer = Answer.objects.create(
            appeal=t.appeal,
            outcome=outcome,
            result_code=OUTCOME_CODES[Outcome(outcome)],
            legal_ground=legal_ground if outcome == Outcome.NO_ANSWER else "",
            text=text,
            issued_at=t.now,
            executor=actor,
            executor_name=actor.full_name,
            executor_position=actor.position,
            executor_phone=actor.work_phone,
        )
        t.appeal.answered_at = t.now
        t.appeal.first_response_at = t.appeal.first_response_at or t.now
        t.appeal.assignee = t.appeal.assignee or actor
        t.journal(events.appeal_answered_event, answer=answer)
    return t.appeal


def appeal_close(*, appeal: Appeal, actor: User | None) -> Appeal:
    """Close an answered appeal: by the applicant («Завершить») or by the timer (actor None)."""
    with appeal_transition(appeal=appeal, action=Action.CLOSE, actor=actor) as t:
        t.appeal.closed_at = t.now
        t.journal(events.appeal_closed_event)
    return t.appeal


def appeal_withdraw(*, appeal: Appeal, actor: User, reason: str = "") -> Appeal:
    """Withdraw the appeal before the answer."""
    reason = optional_text(reason, field="reason", max_length=REASON_MAX)
    with appeal_transition(appeal=appeal, action=Action.WITHDRAW, actor=actor) as t:
        t.appeal.closed_at = t.now
        t.appeal.paused_at = None
        t.journal(events.appeal_withdrawn_event, reason=reason)
    return t.appeal


def appeal_reopen(*, appeal: Appeal, actor: User, reason: str) -> Appeal:
    """Return an answered appeal to work after review; the issued answer is kept as superseded.

    If the due date has passed, the reopened appeal gets a fresh term of its policy counted from
    now — never earlier than the old one — so the work it needs is not overdue from the start.
    """
    reason = required_text(reason, field="reason", max_length=REASON_MAX)
    with appeal_transition(appeal=appeal, action=Action.REOPEN, actor=actor) as t:
        a = t.appeal
        a.answers.filter(superseded_at__isnull=True).update(superseded_at=t.now)
        a.answered_at = None
        a.review_requested_at = None
        old_due = a.due_at
        if old_due is not None and a.policy is not None and t.now > old_due:
            try:
                fresh = resolution_due(
                    policy=a.policy, department=a.department, registered_at=t.now
                )
            except CalendarMissing as exc:
                raise ServiceUnavailable(str(exc)) from exc
            a.due_at = a.original_due_at = max(fresh, old_due)
            a.due_soon_warned_at = a.breached_at = None
        t.journal(
            events.appeal_reopened_event,
            reason=reason,
            old_due=old_due if a.due_at != old_due else None,
            new_due=a.due_at if a.due_at != old_due else None,
        )
    return t.appeal


# A rating this low means «Не удовлетворён»: it needs a reason and sends the answer to re-review.
DISSATISFIED_MAX = 2


def appeal_rate(*, appeal: Appeal, actor: User, rating: int, comment: str = "") -> Appeal:
    """Record the applicant's rating of the answer (1–5) with a comment.

    A rating of 1–2 («Не удовлетворён») needs the reason and asks for a review of the answer.
    """
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationFailed.single("rating", "Оценка — целое число от 1 до 5.")
    dissatisfied = rating <= DISSATISFIED_MAX
    with appeal_transition(appeal=appeal, action=Action.RATE, actor=actor) as t:
        # Checked once the state allows rating: «not now» says more than «missing reason».
        if dissatisfied:
            comment = required_text(
                comment,
                field="comment",
                max_length=REASON_MAX,
                missing="Напишите, с чем вы не согласны: ответ проверит руководитель.",
            )
        else:
            comment = optional_text(comment, field="comment", max_length=REASON_MAX)
        t.appeal.rating = rating
        t.appeal.rating_comment = comment
        t.appeal.review_requested_at = t.now if dissatisfied else None
        t.journal(events.appeal_rated_event, rating=rating, comment=comment, review=dissatisfied)
    return t.appeal


def appeal_confirm(*, appeal: Appeal, actor: User, comment: str = "") -> Appeal:
    """Close a review the applicant asked for by confirming the issued answer."""
    comment = optional_text(comment, field="comment", max_length=REASON_MAX)
    with appeal_transition(appeal=appeal, action=Action.CONFIRM, actor=actor) as t:
        t.appeal.review_requested_at = None
        t.journal(events.appeal_answer_confirmed_event, comment=comment)
    return t.appeal


def appeals_autoclose(*, now: datetime | None = None) -> int:
    """Close answered appeals the applicant left open for AUTOCLOSE_DAYS; return how many."""
    now = now or clock.now()
    cutoff = now - timedelta(days=settings.PRIEMNAYA["AUTOCLOSE_DAYS"])
    closed = 0
    # An answer under review waits for the reviewer's decision rather than closing by itself.
    due = Appeal.objects.filter(
        status=Status.ANSWERED, answered_at__lt=cutoff, review_requested_at__isnull=True
    )
    for appeal in due.only("pk").iterator():
        try:
            with transaction.atomic():
                appeal_close(appeal=appeal, actor=None)
        except ApplicationError:
            continue  # the applicant closed or it was reopened meanwhile
        closed += 1
    return closed
