"""Deferred requests and the second line's call-backs (SPEC §16, the ЕКЦ rules).

What the first line cannot answer becomes a deferred request due within 8 *working* hours:
the service's working time (``catalog.calendars.service_hours``, 09:00–18:00 in the service's
zone) on the federal production calendar — weekends and holidays do not count, a shortened
pre-holiday day counts its shorter hours, as appeals' hour terms do (core.deadlines).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from priemnaya.accounts.models import User
from priemnaya.accounts.roles import Role
from priemnaya.appeals.models import Appeal
from priemnaya.audit.services import audit_record
from priemnaya.catalog.calendars import service_hours, work_calendar
from priemnaya.core import clock
from priemnaya.core.calendar import CalendarMissing
from priemnaya.core.deadlines import add_working_time
from priemnaya.core.errors import ApplicationError, Conflict, NotPermitted, ValidationFailed
from priemnaya.hotline.calls import call_check_open, call_close, caller_phone, topic_of
from priemnaya.hotline.models import (
    Call,
    CallbackAttempt,
    CallOutcome,
    DeferredRequest,
    DeferredResult,
    DeferredStatus,
)

DEFERRED_WORKING_HOURS = 8
# After «не дозвонился» without a time given: try again one working hour later.
RETRY_WORKING_MINUTES = 60
SECOND_LINE = frozenset({Role.SPECIALIST, Role.SUPERVISOR, Role.ADMINISTRATOR})
NOT_SECOND_LINE = "Обратные звонки делает второй уровень: специалисты и контроль качества."
TAKEN_BY_OTHER = "Запрос уже взял другой сотрудник второго уровня."
DONE_ALREADY = "Отложенное обращение уже закрыто."


def is_second_line(user: User) -> bool:
    """Specialists, supervisors and administrators are the second line (docs/hotline.md)."""
    return user.is_authenticated and user.is_active and user.role in SECOND_LINE


def working_time_after(start: datetime, minutes: int) -> datetime:
    """Return the moment ``minutes`` of the service's working time after ``start``."""
    try:
        return add_working_time(work_calendar(), service_hours(), start, minutes)
    except CalendarMissing as exc:
        raise ApplicationError(str(exc), code="calendar_missing") from exc


def deferred_due(start: datetime) -> datetime:
    """When a deferred request taken at ``start`` must be answered: 8 working hours later."""
    return working_time_after(start, DEFERRED_WORKING_HOURS * 60)


@transaction.atomic
def call_defer(
    *,
    actor: User,
    call: Call,
    question: str,
    topic: str,
    callback_at: datetime | None = None,
    caller_name: str = "",
    phone: str = "",
) -> DeferredRequest:
    """«Отложенное обращение»: close the call and queue a call-back for the second line."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    call_check_open(actor, call)
    errors: dict[str, list[str]] = {}
    question = (question or "").strip()
    if not question:
        errors["question"] = ["Запишите вопрос, на который нужно ответить."]
    number = phone.strip() or call.caller
    if not number:
        errors["phone"] = ["Номер звонящего скрыт: укажите, куда перезвонить."]
    try:
        theme = topic_of(topic)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    now = clock.now()
    if callback_at is not None and callback_at < now - timedelta(minutes=1):
        errors["callback_at"] = ["Время обратного звонка уже прошло."]
    if errors:
        raise ValidationFailed(errors)
    if phone.strip():
        number = caller_phone(phone) or ""
        if not number:
            raise ValidationFailed.single("phone", "Номер указывается в формате +7XXXXXXXXXX.")
    due = deferred_due(now)
    request = DeferredRequest.objects.create(
        call=call,
        phone=number,
        caller_name=caller_name.strip()[:200],
        question=question,
        topic=theme,
        created_at=now,
        created_by=actor,
        due_at=due,
        callback_at=callback_at or due,
    )
    call_close(actor, call, CallOutcome.DEFERRED, theme, "")
    return request


def _second_line(actor: User) -> None:
    if not is_second_line(actor):
        raise NotPermitted(NOT_SECOND_LINE)


def _locked_open(actor: User, request: DeferredRequest) -> DeferredRequest:
    _second_line(actor)
    request = DeferredRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == DeferredStatus.DONE:
        raise Conflict(DONE_ALREADY)
    if (
        request.status == DeferredStatus.TAKEN
        and request.taken_by_id != actor.pk
        and not actor.sees_all_departments
    ):
        raise Conflict(TAKEN_BY_OTHER)
    return request


def _take(actor: User, request: DeferredRequest) -> None:
    if request.status == DeferredStatus.WAITING or request.taken_by_id != actor.pk:
        request.status, request.taken_by, request.taken_at = (
            DeferredStatus.TAKEN,
            actor,
            clock.now(),
        )
        request.save(update_fields=["status", "taken_by", "taken_at"])


@transaction.atomic
def deferred_take(*, actor: User, request: DeferredRequest) -> DeferredRequest:
    """«Взять»: the request is this second-line member's to call back."""
    request = _locked_open(actor, request)
    _take(actor, request)
    audit_record(
        action="hotline.deferred.taken",
        actor=actor,
        target_type="hotline.deferred",
        target_id=request.pk,
    )
    return request


@transaction.atomic
def deferred_callback(
    *,
    actor: User,
    request: DeferredRequest,
    reached: bool,
    note: str = "",
    next_at: datetime | None = None,
) -> DeferredRequest:
    """Log a call-back: reached — the request is resolved; not reached — the next try is set."""
    request = _locked_open(actor, request)
    now = clock.now()
    if reached and not note.strip():
        raise ValidationFailed.single("note", "Запишите, что ответили звонящему.")
    if not reached and next_at is not None and next_at < now - timedelta(minutes=1):
        raise ValidationFailed.single("next_at", "Время следующего звонка уже прошло.")
    _take(actor, request)
    CallbackAttempt.objects.create(
        request=request, at=now, by=actor, reached=reached, note=note.strip()
    )
    if reached:
        request.status, request.result, request.done_at = (
            DeferredStatus.DONE,
            DeferredResult.RESOLVED,
            now,
        )
        request.save(update_fields=["status", "result", "done_at"])
    else:
        request.callback_at = next_at or working_time_after(now, RETRY_WORKING_MINUTES)
        request.save(update_fields=["callback_at"])
    audit_record(
        action="hotline.deferred.callback",
        actor=actor,
        target_type="hotline.deferred",
        target_id=request.pk,
        details={"reached": reached},
    )
    return request


@transaction.atomic
def deferred_attach_appeal(
    *, actor: User, request: DeferredRequest, appeal: Appeal
) -> DeferredRequest:
    """The second line registered an appeal from the request: it is done with that result."""
    request = _locked_open(actor, request)
    _take(actor, request)
    request.status, request.result, request.done_at, request.appeal = (
        DeferredStatus.DONE,
        DeferredResult.APPEAL,
        clock.now(),
        appeal,
    )
    request.save(update_fields=["status", "result", "done_at", "appeal"])
    audit_record(
        action="hotline.deferred.appeal",
        actor=actor,
        target_type="hotline.deferred",
        target_id=request.pk,
        details={"appeal": appeal.pk},
    )
    return request


__all__ = [
    "DEFERRED_WORKING_HOURS",
    "SECOND_LINE",
    "call_defer",
    "deferred_attach_appeal",
    "deferred_callback",
    "deferred_due",
    "deferred_take",
    "is_second_line",
    "working_time_after",
]
