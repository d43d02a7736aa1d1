"""Transitions that move an appeal through its states (SPEC §4)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction

from priemnaya.accounts.models import User
from priemnaya.appeals.lifecycle import Side
from priemnaya.appeals.models import Answer, Appeal, Message
from priemnaya.appeals.permissions import is_department_head
from priemnaya.appeals.services.journal import begin, record, required_text
from priemnaya.appeals.states import (
    OUTCOME_CODES,
    EventType,
    MessageKind,
    NoAnswerGround,
    Outcome,
    Status,
)
from priemnaya.core import clock
from priemnaya.core.errors import (
    ApplicationError,
    InvalidTransition,
    NotPermitted,
    ValidationFailed,
)

ANSWER_MAX = 20_000


@transaction.atomic
def appeal_take(*, appeal: Appeal, actor: User) -> Appeal:
    """Start work: «Получено» → «В работе», the actor becomes the assignee."""
    appeal, _ = begin(appeal=appeal, action="take", actor=actor)
    now = clock.now()
    from_status = appeal.status
    appeal.status = Status.IN_PROGRESS
    appeal.assignee = actor
    appeal.first_response_at = appeal.first_response_at or now
    appeal.save()
    record(appeal=appeal, type=EventType.TAKEN, actor=actor, from_status=from_status)
    return appeal


@transaction.atomic
def appeal_request_info(*, appeal: Appeal, actor: User, question: str) -> Appeal:
    """Ask the applicant for details; the resolution clock stops until they answer."""
    question = required_text(question, field="question", max_length=5000)
    appeal, _ = begin(appeal=appeal, action="request_info", actor=actor)
    from_status = appeal.status
    appeal.status = Status.NEEDS_INFO
    appeal.paused_at = clock.now()
    appeal.save()
    message = Message.objects.create(
        appeal=appeal, author=actor, kind=MessageKind.QUESTION, text=question
    )
    record(
        appeal=appeal,
        type=EventType.INFO_REQUESTED,
        actor=actor,
        from_status=from_status,
        text=question,
        message=message,
    )
    return appeal


def _resume_clock(appeal: Appeal, now) -> None:
    if appeal.paused_at and appeal.due_at:
        appeal.due_at += now - appeal.paused_at
    appeal.paused_at = None


@transaction.atomic
def appeal_provide_info(*, appeal: Appeal, actor: User, text: str) -> Appeal:
    """Answer the clarification request: «Требуется уточнение» → «В работе», clock resumes."""
    text = required_text(text, field="text", max_length=5000)
    appeal, _ = begin(appeal=appeal, action="provide_info", actor=actor)
    from_status = appeal.status
    appeal.status = Status.IN_PROGRESS
    _resume_clock(appeal, clock.now())
    appeal.save()
    message = Message.objects.create(appeal=appeal, author=actor, kind=MessageKind.REPLY, text=text)
    record(
        appeal=appeal,
        type=EventType.INFO_PROVIDED,
        actor=actor,
        from_status=from_status,
        text=text,
        message=message,
        data={"due_at": appeal.due_at.isoformat() if appeal.due_at else None},
    )
    return appeal


@transaction.atomic
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
    appeal, _ = begin(appeal=appeal, action="answer", actor=actor)
    now = clock.now()
    from_status = appeal.status
    answer = Answer.objects.create(
        appeal=appeal,
        outcome=outcome,
        result_code=OUTCOME_CODES[Outcome(outcome)],
        legal_ground=legal_ground if outcome == Outcome.NO_ANSWER else "",
        text=text,
        issued_at=now,
        executor=actor,
        executor_name=actor.full_name,
        executor_position=actor.position,
        executor_phone=actor.work_phone,
    )
    appeal.status = Status.ANSWERED
    appeal.answered_at = now
    appeal.first_response_at = appeal.first_response_at or now
    appeal.assignee = appeal.assignee or actor
    appeal.save()
    record(
        appeal=appeal,
        type=EventType.ANSWERED,
        actor=actor,
        from_status=from_status,
        data={"answer_id": answer.pk, "outcome": outcome},
    )
    return appeal


@transaction.atomic
def appeal_close(*, appeal: Appeal, actor: User | None) -> Appeal:
    """Close an answered appeal: by the applicant («Завершить») or by the timer (actor None)."""
    appeal, side = begin(appeal=appeal, action="close", actor=actor)
    from_status = appeal.status
    appeal.status = Status.CLOSED
    appeal.closed_at = clock.now()
    appeal.save()
    record(
        appeal=appeal,
        type=EventType.CLOSED,
        actor=actor,
        from_status=from_status,
        data={"by": "timer" if side is Side.SYSTEM else "applicant"},
    )
    return appeal


@transaction.atomic
def appeal_withdraw(*, appeal: Appeal, actor: User, reason: str = "") -> Appeal:
    """Withdraw the appeal before the answer."""
    appeal, _ = begin(appeal=appeal, action="withdraw", actor=actor)
    from_status = appeal.status
    appeal.status = Status.WITHDRAWN
    appeal.closed_at = clock.now()
    appeal.paused_at = None
    appeal.save()
    record(
        appeal=appeal,
        type=EventType.WITHDRAWN,
        actor=actor,
        from_status=from_status,
        text=reason.strip()[:2000],
    )
    return appeal


@transaction.atomic
def appeal_reopen(*, appeal: Appeal, actor: User, reason: str) -> Appeal:
    """Return an answered appeal to work after review; the issued answer is kept as superseded."""
    reason = required_text(reason, field="reason", max_length=2000)
    appeal, _ = begin(appeal=appeal, action="reopen", actor=actor)
    if not _may_review(actor, appeal):
        raise NotPermitted(
            "Вернуть ответ в работу может руководитель отдела или контроль качества."
        )
    from_status = appeal.status
    now = clock.now()
    appeal.answers.filter(superseded_at__isnull=True).update(superseded_at=now)
    appeal.status = Status.IN_PROGRESS
    appeal.answered_at = None
    appeal.review_requested_at = None
    appeal.save()
    record(
        appeal=appeal, type=EventType.REOPENED, actor=actor, from_status=from_status, text=reason
    )
    return appeal


# A rating this low means «Не удовлетворён»: it needs a reason and sends the answer to re-review.
DISSATISFIED_MAX = 2


def _may_review(actor: User, appeal: Appeal) -> bool:
    return actor.sees_all_departments or is_department_head(actor, appeal.department_id)


@transaction.atomic
def appeal_rate(*, appeal: Appeal, actor: User, rating: int, comment: str = "") -> Appeal:
    """Record the applicant's rating of the answer (1–5) with a comment.

    A rating of 1–2 («Не удовлетворён») needs the reason and asks for a review of the answer.
    """
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationFailed.single("rating", "Оценка — целое число от 1 до 5.")
    appeal, _ = begin(appeal=appeal, action="rate", actor=actor)
    dissatisfied = rating <= DISSATISFIED_MAX
    if dissatisfied:
        comment = required_text(
            comment,
            field="comment",
            max_length=2000,
            missing="Напишите, с чем вы не согласны: ответ проверит руководитель.",
        )
    else:
        comment = comment.strip()[:2000]
    appeal.rating = rating
    appeal.rating_comment = comment
    appeal.review_requested_at = clock.now() if dissatisfied else None
    appeal.save()
    record(
        appeal=appeal,
        type=EventType.RATED,
        actor=actor,
        from_status=appeal.status,
        text=comment,
        data={"rating": rating, "review": dissatisfied},
    )
    return appeal


@transaction.atomic
def appeal_confirm(*, appeal: Appeal, actor: User, comment: str = "") -> Appeal:
    """Close a review the applicant asked for by confirming the issued answer."""
    comment = comment.strip()[:2000]
    appeal, _ = begin(appeal=appeal, action="confirm", actor=actor)
    if not _may_review(actor, appeal):
        raise NotPermitted("Подтвердить ответ может руководитель отдела или контроль качества.")
    if appeal.review_requested_at is None:
        raise InvalidTransition("Заявитель не просил пересмотреть этот ответ.", field="review")
    appeal.review_requested_at = None
    appeal.save()
    record(
        appeal=appeal,
        type=EventType.ANSWER_CONFIRMED,
        actor=actor,
        from_status=appeal.status,
        text=comment,
    )
    return appeal


def appeals_autoclose(*, now=None) -> int:
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
            appeal_close(appeal=appeal, actor=None)
        except ApplicationError:
            continue  # the applicant closed or it was reopened meanwhile
        closed += 1
    return closed
