"""Subjects' requests (152-FZ arts. 14, 20; LEGAL.md §6 rule 24).

A request is due 10 working days after the day it was filed (the federal production calendar);
the operator may extend it once, by 5 working days, with a reason, before the term runs out, and
the subject is told of the extension. A second extension is refused.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse

from priemnaya.accounts.models import Consent, User
from priemnaya.appeals.presenters import format_date
from priemnaya.audit.services import audit_record
from priemnaya.catalog.calendars import work_calendar
from priemnaya.core import clock
from priemnaya.core.calendar import CalendarMissing
from priemnaya.core.deadlines import add_working_days
from priemnaya.core.errors import (
    Conflict,
    NotFound,
    NotPermitted,
    ServiceUnavailable,
    ValidationFailed,
)
from priemnaya.privacy.access import require_officer
from priemnaya.privacy.models import RequestKind, RequestState, SubjectRequest
from priemnaya.privacy.notices import site_url, subject_notify

TERM_WORKING_DAYS = 10
EXTENSION_WORKING_DAYS = 5
TEXT_MAX = 2000


def working_days_after(start: date, days: int) -> date:
    """Return the day ``days`` working days after ``start`` by the federal calendar."""
    try:
        return add_working_days(work_calendar(), start, days)
    except CalendarMissing as exc:
        raise ServiceUnavailable(str(exc), code="calendar_missing") from exc


def _clean_text(value: str, field: str, *, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed.single(field, "Заполните поле.")
    if len(text) > TEXT_MAX:
        raise ValidationFailed.single(field, f"Не длиннее {TEXT_MAX} символов.")
    return text


@transaction.atomic
def subject_request_file(*, user: User, kind: str, text: str = "") -> SubjectRequest:
    """File a subject's request; a withdrawal of consent takes effect at once."""
    if not user.is_authenticated or not user.is_citizen or user.anonymised_at is not None:
        raise NotPermitted("Запрос о персональных данных подаёт заявитель из своего кабинета.")
    if kind not in RequestKind.values:
        raise ValidationFailed.single("kind", "Выберите вид запроса.")
    required = kind == RequestKind.RECTIFY
    text = _clean_text(text, "text", required=required)
    now = clock.now()
    due = working_days_after(clock.today(), TERM_WORKING_DAYS)
    request = SubjectRequest.objects.create(
        user=user, kind=kind, text=text, created_at=now, original_due_on=due, due_on=due
    )
    audit_record(
        action="subject_request.filed",
        actor=user,
        target_type="subject_request",
        target_id=request.pk,
        details={"kind": kind, "due_on": due.isoformat()},
    )
    if kind == RequestKind.WITHDRAW:
        withdrawn = Consent.objects.filter(user=user, withdrawn_at__isnull=True).update(
            withdrawn_at=now
        )
        if withdrawn:
            audit_record(
                action="consent.withdrawn",
                actor=user,
                target_type="user",
                target_id=user.pk,
                details={"consents": withdrawn, "request": request.pk},
            )
    return request


def _locked(request_id: int) -> SubjectRequest:
    request = (
        SubjectRequest.objects.select_for_update().select_related("user").filter(pk=request_id)
    ).first()
    if request is None:
        raise NotFound("Запрос не найден.")
    return request


@transaction.atomic
def subject_request_extend(*, actor: User, request_id: int, reason: str) -> SubjectRequest:
    """Extend the term once by 5 working days, with a reason, and tell the subject."""
    require_officer(actor)
    request = _locked(request_id)
    if request.state != RequestState.OPEN:
        raise Conflict("На запрос уже дан ответ: продлевать нечего.", field="reason")
    if request.extended_at is not None:
        raise Conflict(
            "Срок ответа уже продлевался: закон допускает только одно продление на 5 рабочих дней.",
            field="reason",
            code="already_extended",
        )
    reason = _clean_text(reason, "reason", required=True)
    if request.due_on < clock.today():
        raise Conflict(
            "Срок ответа уже истёк: продлить его можно было только до окончания срока.",
            field="reason",
            code="term_expired",
        )
    request.due_on = working_days_after(request.due_on, EXTENSION_WORKING_DAYS)
    request.extended_at = clock.now()
    request.extension_reason = reason
    request.extended_by = actor
    link = site_url(reverse("web:privacy"))
    due = format_date(request.due_on)
    request.extension_notice = subject_notify(
        user=request.user,
        subject=f"Срок ответа на ваш запрос №{request.pk} продлён",
        body=(
            "Здравствуйте!\n\n"
            f"Срок ответа на ваш запрос о персональных данных №{request.pk} "
            f"({request.get_kind_display().lower()}) продлён на 5 рабочих дней, до {due}.\n"
            f"Причина: {reason}\n\nСостояние запроса: {link}\n"
        ),
        sms=f"Приёмная: срок ответа на запрос о ПДн №{request.pk} продлён до {due}. {link}",
    )
    request.save(
        update_fields=[
            "due_on",
            "extended_at",
            "extension_reason",
            "extended_by",
            "extension_notice",
        ]
    )
    audit_record(
        action="subject_request.extended",
        actor=actor,
        target_type="subject_request",
        target_id=request.pk,
        details={"due_on": request.due_on.isoformat(), "notice": request.extension_notice},
    )
    return request


@transaction.atomic
def subject_request_answer(*, actor: User, request_id: int, answer: str) -> SubjectRequest:
    """Record the answer, close the request and tell the subject that it is ready."""
    require_officer(actor)
    request = _locked(request_id)
    if request.state != RequestState.OPEN:
        raise Conflict("На запрос уже дан ответ.", field="answer")
    request.answer = _clean_text(answer, "answer", required=True)
    request.state = RequestState.ANSWERED
    request.answered_at = clock.now()
    request.answered_by = actor
    request.save(update_fields=["answer", "state", "answered_at", "answered_by"])
    link = site_url(reverse("web:privacy"))
    subject_notify(
        user=request.user,
        subject=f"Ответ на ваш запрос №{request.pk} о персональных данных",
        body=(
            f"Здравствуйте!\n\nНа ваш запрос о персональных данных №{request.pk} дан ответ. "
            f"Прочитать его можно в личном кабинете: {link}\n"
        ),
        sms=f"Приёмная: на запрос о ПДн №{request.pk} дан ответ. {link}",
    )
    audit_record(
        action="subject_request.answered",
        actor=actor,
        target_type="subject_request",
        target_id=request.pk,
        details={"in_time": clock.today() <= request.due_on},
    )
    return request


# ---- reads --------------------------------------------------------------------------------------


def subject_requests_of(*, user: User) -> QuerySet[SubjectRequest]:
    """A citizen's own requests, newest first; staff file none and are refused (403)."""
    if not user.is_authenticated or not user.is_citizen:
        raise NotPermitted("Запросы о персональных данных ведёт заявитель в своём кабинете.")
    return SubjectRequest.objects.filter(user=user).order_by("-created_at", "-id")


def subject_requests_for_officer(
    *, actor: User, open_only: bool = True
) -> QuerySet[SubjectRequest]:
    require_officer(actor)
    qs = SubjectRequest.objects.select_related("user")
    if open_only:
        return qs.filter(state=RequestState.OPEN).order_by("due_on", "id")
    return qs.order_by("-created_at", "-id")


def subject_request_view(*, actor: User, request_id: int) -> SubjectRequest:
    """Return a request for an officer and audit that its personal data were read."""
    require_officer(actor)
    request = SubjectRequest.objects.select_related("user").filter(pk=request_id).first()
    if request is None:
        raise NotFound("Запрос не найден.")
    audit_record(
        action="subject_request.viewed",
        actor=actor,
        target_type="subject_request",
        target_id=request.pk,
    )
    return request
