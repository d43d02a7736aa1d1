"""Transitions that move an appeal through its states (SPEC §4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q

from priemnaya.accounts.models import User
from priemnaya.appeals import events
from priemnaya.appeals.deadlines import local_day, resolution_due, resumed_due
from priemnaya.appeals.lifecycle import Action
from priemnaya.appeals.models import Answer, Appeal, Message
from priemnaya.appeals.permissions import may_review
from priemnaya.appeals.services.journal import appeal_transition, optional_text, required_text
from priemnaya.appeals.states import (
    FORWARD_NOTICE,
    GROUND_CODES,
    GROUND_NOTICES,
    NOTICE_DAYS,
    NOTICE_WITHIN_DAYS,
    OUTCOME_CODES,
    REPLY_CHANNELS,
    Channel,
    MessageKind,
    NoAnswerGround,
    Outcome,
    ReplyChannel,
    Status,
)
from priemnaya.attachments.models import Purpose
from priemnaya.attachments.services import attachments_bind, attachments_bindable
from priemnaya.catalog.models import Department
from priemnaya.core.calendar import CalendarMissing
from priemnaya.core.errors import (
    NotPermitted,
    ServiceUnavailable,
    ValidationFailed,
)

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


def appeal_provide_info(
    *, appeal: Appeal, actor: User, text: str, attachment_ids: Sequence[int] = ()
) -> Appeal:
    """Answer the clarification request: «Требуется уточнение» → «В работе», clock resumes.

    ``attachment_ids``: documents the applicant staged to go with the reply.
    """
    text = required_text(text, field="text", max_length=MESSAGE_MAX)
    with appeal_transition(appeal=appeal, action=Action.PROVIDE_INFO, actor=actor) as t:
        a = t.appeal
        old_due = a.due_at
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
        if a.due_at != old_due:
            # A new deadline gets its own warning; a breach stands unless it is now in time.
            a.due_soon_warned_at = None
            if a.due_at is not None and a.due_at > t.now:
                a.breached_at = None
        reply = Message.objects.create(
            appeal=a, author=actor, kind=MessageKind.REPLY, text=text, created_at=t.now
        )
        files = attachments_bind(
            ids=attachment_ids,
            actor=actor,
            appeal_id=a.pk,
            message_id=reply.pk,
            purpose=Purpose.ADDITION,
        )
        t.journal(events.appeal_info_provided_event, reply=reply, attachments=files)
    return t.appeal


@dataclass(frozen=True)
class AnswerFields:
    """An answer's fields as checked by ``answer_validate``: cleaned texts and the ground."""

    outcome: str
    text: str
    ground: NoAnswerGround | None
    crime_report: bool
    forward_to: str
    contacts_readable: bool
    no_new_arguments: bool
    decision: str


def answer_validate(
    *,
    outcome: str,
    text: str,
    legal_ground: str = "",
    crime_report: bool = False,
    forward_to: str = "",
    contacts_readable: bool = True,
    no_new_arguments: bool = False,
    decision: str = "",
    actor: User | None = None,
    attachment_ids: Sequence[int] = (),
) -> AnswerFields:
    """Check an answer's fields (outcome, ground, forward, text, the actor's staged files) as
    issuing it would.

    Raise ValidationFailed naming every field at fault; shared by ``appeal_answer`` and the
    head's review (``answers.review``), so a draft is refused exactly where an answer would be.
    """
    errors: dict[str, list[str]] = {}
    try:
        attachments_bindable(ids=attachment_ids, actor=actor, for_answer=True)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if outcome not in Outcome.values or outcome == Outcome.FORWARDED:
        errors["outcome"] = ["Выберите результат рассмотрения из списка."]
    no_answer = outcome == Outcome.NO_ANSWER
    if no_answer and legal_ground not in NoAnswerGround.values:
        errors["legal_ground"] = ["Укажите законное основание оставить обращение без ответа."]
    ground = NoAnswerGround(legal_ground) if no_answer and not errors.get("legal_ground") else None
    forward = ""
    if crime_report:
        if ground is not NoAnswerGround.NO_NAME_OR_ADDRESS:
            errors["crime_report"] = [
                "Пересылка по компетенции — для обращения без фамилии или адреса с сообщением "
                "о противоправном деянии."
            ]
        try:
            forward = required_text(
                forward_to,
                field="forward_to",
                max_length=300,
                missing="Укажите орган, куда направляется обращение.",
            )
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if ground is NoAnswerGround.REPEATED:
        if not no_new_arguments:
            errors["no_new_arguments"] = [
                "Подтвердите, что в обращении нет новых доводов или обстоятельств."
            ]
        try:
            decision = required_text(
                decision,
                field="decision",
                max_length=REASON_MAX,
                missing="Приложите решение руководителя о прекращении переписки.",
            )
        except ValidationFailed as exc:
            errors.update(exc.errors)
    try:
        text = required_text(text, field="text", max_length=ANSWER_MAX)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    return AnswerFields(
        outcome=outcome,
        text=text,
        ground=ground,
        crime_report=bool(crime_report),
        forward_to=forward,
        contacts_readable=bool(contacts_readable),
        no_new_arguments=bool(no_new_arguments),
        decision=decision,
    )


# Said when the policy has the head review answers and an executor tries to issue one directly.
REVIEW_REQUIRED = (
    "По правилам этого вида обращений ответ проверяет руководитель отдела: направьте ответ "
    "на проверку руководителю."
)


def appeal_answer(
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
    executor: User | None = None,
    attachment_ids: Sequence[int] = (),
) -> Appeal:
    """Issue the answer: «В работе» → «Ответ готов». An issued answer never changes.

    «Оставлено без ответа» needs a ground of 59-FZ art. 11 (LEGAL.md §6 rules 8, 10–12), and the
    applicant reads that ground's standard notice with the answer. A crime report without name
    or address is forwarded to the competent body instead (``crime_report``, ``forward_to``).
    Stopping correspondence is a head's decision after two answers on the same question.
    When the appeal's policy asks for the head's review, only a head (or quality control) issues
    the answer; ``executor`` is then the draft's author, recorded as the answer's executor.
    ``attachment_ids``: files the actor staged for this answer (purpose «answer»).
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
    text, ground, forward, decision = fields.text, fields.ground, fields.forward_to, fields.decision
    executor = executor or actor
    with appeal_transition(appeal=appeal, action=Action.ANSWER, actor=actor) as t:
        a = t.appeal
        if review_required(a) and not may_review(actor, a):
            raise NotPermitted(REVIEW_REQUIRED, field="outcome")
        if ground is NoAnswerGround.REPEATED:
            _check_stop_correspondence(a, actor)
        notice_due = in_time = None
        if crime_report:
            final, code = Outcome.FORWARDED, OUTCOME_CODES[Outcome.FORWARDED]
            notice = FORWARD_NOTICE.format(body=forward)
        elif ground is not None:
            final, code, notice = Outcome.NO_ANSWER, GROUND_CODES[ground], GROUND_NOTICES[ground]
            if ground in NOTICE_WITHIN_DAYS and contacts_readable and a.registered_at:
                notice_due = local_day(a.department, a.registered_at) + timedelta(NOTICE_DAYS)
                in_time = local_day(a.department, t.now) <= notice_due
        else:
            final, code, notice = Outcome(outcome), OUTCOME_CODES[Outcome(outcome)], ""
        answer = Answer.objects.create(
            appeal=a,
            outcome=final,
            result_code=code,
            legal_ground=ground.value if ground else "",
            text=text,
            issued_at=t.now,
            executor=executor,
            executor_name=executor.full_name,
            executor_position=executor.position,
            executor_phone=executor.work_phone,
            reply_channel=REPLY_CHANNELS.get(Channel(a.channel), ReplyChannel.ELECTRONIC),
            notice=notice,
            forward_to=forward,
            notice_due_on=notice_due,
            notice_in_time=in_time,
            no_new_arguments=bool(no_new_arguments) and ground is NoAnswerGround.REPEATED,
            decision=decision if ground is NoAnswerGround.REPEATED else "",
        )
        files = attachments_bind(
            ids=attachment_ids, actor=actor, appeal_id=a.pk, answer_id=answer.pk
        )
        a.answered_at = t.now
        a.first_response_at = a.first_response_at or t.now
        a.assignee = a.assignee or executor
        if crime_report:
            t.journal(events.appeal_forwarded_event, answer=answer)
        else:
            t.journal(events.appeal_answered_event, answer=answer, attachments=files)
    return t.appeal


def review_required(appeal: Appeal) -> bool:
    """Return True if the appeal's policy has the department head review answers before issue."""
    return bool(appeal.policy_id and appeal.policy and appeal.policy.answer_review)


# Stopping correspondence needs at least this many earlier answers on the same question.
STOP_AFTER_ANSWERS = 2


def _department_tree(department_id: int) -> set[int]:
    """Return the ids of every department under the same top-level body as this one."""
    parents = dict(Department.objects.values_list("pk", "parent_id"))

    def root(pk: int) -> int:
        seen: set[int] = set()
        while parents.get(pk) and pk not in seen:
            seen.add(pk)
            pk = parents[pk]
        return pk

    top = root(department_id)
    return {pk for pk in parents if root(pk) == top}


def earlier_answered_count(appeal: Appeal) -> int:
    """Return how many earlier appeals of the same applicant on the same theme the same body
    (its department tree) answered: the premise of stopping correspondence (59-FZ art. 11 p.5)."""
    same_applicant = (
        Q(applicant_id=appeal.applicant_id)
        if appeal.applicant_id
        else Q(applicant__isnull=True, applicant_name__iexact=appeal.applicant_name)
    )
    return (
        Appeal.objects.filter(
            same_applicant,
            theme_id=appeal.theme_id,
            department_id__in=_department_tree(appeal.department_id),
            status__in=[Status.ANSWERED, Status.CLOSED],
            answered_at__isnull=False,
        )
        .exclude(pk=appeal.pk)
        .count()
    )


def _check_stop_correspondence(appeal: Appeal, actor: User) -> None:
    if not may_review(actor, appeal):
        raise NotPermitted(
            "Прекратить переписку может только руководитель отдела или контроль качества.",
            field="legal_ground",
        )
    found = earlier_answered_count(appeal)
    if found < STOP_AFTER_ANSWERS:
        raise ValidationFailed.single(
            "legal_ground",
            "Прекратить переписку можно, только если заявителю уже дважды отвечали по существу "
            f"на этот вопрос в этом ведомстве; найдено ответов: {found}.",
        )


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
    """Close answered appeals left without reaction for the policy's days; return how many."""
    from priemnaya.appeals.sweeps import sweep_autoclose  # the sweeps build on these services

    return sweep_autoclose(now=now)
