"""The call log's rules: CTI events become calls; the first line closes each call with a topic.

A call for an unknown line is parked with its reason; a repeated event changes nothing; every
outcome the operator records names a topic of the catalog (SPEC §16).
"""

from __future__ import annotations

from datetime import datetime

import phonenumbers
from django.db import IntegrityError, transaction
from django.db.models import Q

from priemnaya.accounts.models import User
from priemnaya.accounts.roles import WORKING_ROLES
from priemnaya.appeals.models import Appeal
from priemnaya.audit.services import audit_record
from priemnaya.catalog.models import Theme
from priemnaya.catalog.selectors import theme_active
from priemnaya.core import clock
from priemnaya.core.errors import Conflict, NotPermitted, ValidationFailed
from priemnaya.hotline.cti import ANSWERED, ENDED, INCOMING, CtiEvent
from priemnaya.hotline.models import Call, CallOutcome, Line
from priemnaya.hotline.models import CtiEvent as CtiEventRow

UNKNOWN_LINE = "неизвестная линия"
NO_INCOMING = "нет события call.incoming"
ALREADY_CLOSED = "Итог звонка уже записан."
NOT_YOURS = "Это звонок другого оператора."
TOPIC_REQUIRED = "Выберите тему звонка из каталога."


def caller_phone(raw: str) -> str:
    """Return the caller's number in E.164 (a Russian 8XXXXXXXXXX too), or "" when hidden."""
    text = (raw or "").strip()
    digits = "".join(c for c in text if c.isdigit())
    if text.startswith("8") and len(digits) == 11:
        text = "+7" + digits[1:]
    try:
        parsed = phonenumbers.parse(text, "RU")
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(parsed):
        return ""
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)[:16]


def line_of(dialled: str) -> Line | None:
    """Return the line whose number was dialled, in any of its usual spellings."""
    phone = caller_phone(dialled)
    return Line.objects.filter(phone=phone).first() if phone else None


def agent_of(agent: str) -> User | None:
    """Return the staff member the CTI named: by e-mail, phone or work extension."""
    value = (agent or "").strip()
    if not value:
        return None
    staff = User.objects.filter(role__in=WORKING_ROLES, is_active=True)
    phone = caller_phone(value) if any(c.isdigit() for c in value) else ""
    match = Q(email__iexact=value) | Q(work_phone=value)
    if phone:
        match |= Q(phone=phone)
    return staff.filter(match).order_by("pk").first()


def _call_for(cti_id: str, now: datetime) -> Call:
    """The call row of a CTI id, locked; created (parked as «no incoming») if events came first."""
    call = Call.objects.select_for_update().filter(cti_id=cti_id).first()
    if call is None:
        call = Call.objects.create(cti_id=cti_id, started_at=now, parked_reason=NO_INCOMING)
    return call


@transaction.atomic
def cti_event_receive(event: CtiEvent) -> tuple[Call, bool]:
    """Apply one CTI event to the call log; return the call and whether it was a repeat."""
    try:
        with transaction.atomic():
            CtiEventRow.objects.create(
                cti_id=event.call_id, event=event.event, payload=event.as_payload()
            )
    except IntegrityError:
        return Call.objects.get(cti_id=event.call_id), True
    now = clock.now()
    call = _call_for(event.call_id, now)
    if event.event == INCOMING:
        _incoming(call, event)
    elif event.event == ANSWERED:
        call.answered_at = call.answered_at or now
        call.save(update_fields=["answered_at"])
    elif event.event == ENDED:
        call.ended_at = call.ended_at or now
        call.duration = event.duration
        fields = ["ended_at", "duration"]
        if call.answered_at is None and not call.outcome:
            # Nobody picked up: the call is closed as missed, nothing for an operator to tag.
            call.outcome, call.closed_at = CallOutcome.MISSED, now
            fields += ["outcome", "closed_at"]
        call.save(update_fields=fields)
    return call, False


def _incoming(call: Call, event: CtiEvent) -> None:
    line = line_of(event.line)
    call.line = line
    call.dialled = event.line
    call.caller_raw = event.caller
    call.caller = caller_phone(event.caller)
    call.agent = event.agent
    call.operator = agent_of(event.agent)
    # Parked means «could not be matched»: an unknown line stays visible to supervisors.
    call.parked_reason = "" if line else f"{UNKNOWN_LINE}: {event.line}"[:200]
    call.save()


def may_handle(user: User, call: Call) -> bool:
    """The call's own operator handles it; supervisors and administrators handle any."""
    return user.sees_all_departments or (
        call.operator_id is not None and call.operator_id == user.pk
    )


def call_check_open(actor: User, call: Call) -> None:
    if not may_handle(actor, call):
        raise NotPermitted(NOT_YOURS)
    if call.outcome:
        raise Conflict(ALREADY_CLOSED)


def topic_of(code: str) -> Theme:
    """Return the active theme with this code, or ValidationFailed on «topic»."""
    theme = theme_active(code) if code else None
    if theme is None:
        raise ValidationFailed.single("topic", TOPIC_REQUIRED)
    return theme


def call_close(actor: User, call: Call, outcome: str, topic: Theme, note: str) -> Call:
    call.outcome, call.topic, call.closed_at = outcome, topic, clock.now()
    if note.strip():
        call.note = note.strip()
    call.save(update_fields=["outcome", "topic", "closed_at", "note"])
    audit_record(
        action="hotline.call.closed",
        actor=actor,
        target_type="hotline.call",
        target_id=call.pk,
        details={"outcome": outcome, "topic": topic.code},
    )
    return call


@transaction.atomic
def call_resolve(*, actor: User, call: Call, topic: str, note: str = "") -> Call:
    """«Решено на линии»: the operator answered from the knowledge base."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    call_check_open(actor, call)
    return call_close(actor, call, CallOutcome.RESOLVED, topic_of(topic), note)


@transaction.atomic
def call_drop(*, actor: User, call: Call, topic: str = "", note: str = "") -> Call:
    """«Звонок сорвался»: the line broke before anything was decided; the topic if known."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    call_check_open(actor, call)
    theme = theme_active(topic) if topic else None
    call.outcome, call.topic, call.closed_at = CallOutcome.DROPPED, theme, clock.now()
    call.note = note.strip() or call.note
    call.save(update_fields=["outcome", "topic", "closed_at", "note"])
    audit_record(
        action="hotline.call.closed",
        actor=actor,
        target_type="hotline.call",
        target_id=call.pk,
        details={"outcome": CallOutcome.DROPPED},
    )
    return call


@transaction.atomic
def call_attach_appeal(*, actor: User, call: Call, appeal: Appeal) -> Call:
    """«Зарегистрировать обращение»: the appeal registered during the call closes it."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    call_check_open(actor, call)
    call.appeal = appeal
    call.save(update_fields=["appeal"])
    return call_close(actor, call, CallOutcome.APPEAL, appeal.theme, "")
