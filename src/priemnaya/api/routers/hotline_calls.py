"""The CTI webhook and the staff's call log and call-back queue (issue 13, docs/hotline.md)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Query, Router, Schema

from priemnaya.api.schemas import ErrorOut
from priemnaya.appeals.permissions import require_staff
from priemnaya.appeals.selectors import page_of
from priemnaya.core.errors import ApplicationError, NotPermitted, ValidationFailed
from priemnaya.hotline.call_selectors import CallFilters, call_list, callback_queue, is_overdue
from priemnaya.hotline.callbacks import NOT_SECOND_LINE, is_second_line
from priemnaya.hotline.calls import cti_event_receive
from priemnaya.hotline.cti import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    CtiSignatureBad,
    CtiSignatureMissing,
    cti_check_signature,
    cti_parse,
)
from priemnaya.hotline.models import Call, CallOutcome, DeferredRequest

router = Router(tags=["hotline"])
calls_router = Router(tags=["hotline"])
callbacks_router = Router(tags=["hotline"])
PAGE_SIZE = 20
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut}


class CtiUnauthorized(ApplicationError):
    code = "unauthorized"
    status = 401


class CtiAckOut(Schema):
    call: int = Field(description="номер звонка в журнале")
    duplicate: bool = Field(description="такое событие этого звонка уже было принято")
    parked: str | None = Field(None, description="причина, если звонок отложен (неизвестная линия)")


# The body is read raw (the signature covers its exact bytes); its shape, for the schema only.
CTI_BODY = {
    "type": "object",
    "required": ["event", "call_id"],
    "properties": {
        "event": {"type": "string", "enum": ["call.incoming", "call.answered", "call.ended"]},
        "call_id": {"type": "string", "maxLength": 100},
        "line": {"type": "string", "description": "набранный номер (для call.incoming)"},
        "caller": {"type": "string", "description": "номер звонящего; пусто — скрыт"},
        "agent": {"type": "string", "description": "e-mail, телефон или добавочный оператора"},
        "duration": {"type": "integer", "minimum": 0, "description": "секунды (call.ended)"},
    },
}


@router.post(
    "/cti/events",
    auth=None,
    response={200: CtiAckOut} | ERRORS,
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": CTI_BODY}}}
    },
)
def cti_events(request):
    """Take one CTI event (call.incoming, call.answered, call.ended), signed with HMAC-SHA256.

    Headers X-CTI-Timestamp (Unix seconds) and X-CTI-Signature (`sha256=` + hex of
    HMAC(secret, `<timestamp>.<body>`)). A repeat of the same call_id + event is acknowledged and
    changes nothing; a call for an unknown line is kept as parked.
    """
    try:
        cti_check_signature(
            request.body,
            request.headers.get(TIMESTAMP_HEADER),
            request.headers.get(SIGNATURE_HEADER),
        )
    except CtiSignatureMissing as exc:
        raise CtiUnauthorized(str(exc), field=SIGNATURE_HEADER) from None
    except CtiSignatureBad as exc:
        raise NotPermitted(str(exc), field=SIGNATURE_HEADER, code="bad_signature") from None
    call, duplicate = cti_event_receive(cti_parse(request.body))
    return {"call": call.pk, "duplicate": duplicate, "parked": call.parked_reason or None}


class CallOut(Schema):
    id: int
    cti_id: str
    started_at: datetime
    line: str | None = Field(None, description="номер линии +7…; null — линия не распознана")
    line_name: str | None = None
    caller: str = Field(description="номер звонящего E.164; пусто — скрыт")
    operator: str | None = Field(None, description="e-mail оператора")
    state: str = Field(description="ringing, talking, ended")
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    duration: int | None = Field(None, description="секунды")
    topic: str | None = Field(None, description="код темы каталога")
    outcome: str = Field(description="resolved, appeal, deferred, missed, dropped; пусто — нет")
    appeal: str | None = Field(None, description="номер обращения")
    parked_reason: str = ""


class CallPageOut(Schema):
    items: list[CallOut]
    page: int
    has_next: bool


class CallFiltersIn(Schema):
    page: int = Field(1, ge=1)
    line: int | None = None
    outcome: str = Field("", description="итог, open (без итога) или parked")
    date_from: date | None = None
    date_to: date | None = None


def _call(call: Call) -> dict:
    return {
        "id": call.pk,
        "cti_id": call.cti_id,
        "started_at": call.started_at,
        "line": call.line.phone if call.line else None,
        "line_name": call.line.name if call.line else None,
        "caller": call.caller,
        "operator": call.operator.email if call.operator else None,
        "state": call.state,
        "answered_at": call.answered_at,
        "ended_at": call.ended_at,
        "duration": call.duration,
        "topic": call.topic.code if call.topic else None,
        "outcome": call.outcome,
        "appeal": call.appeal.display_number if call.appeal else None,
        "parked_reason": call.parked_reason,
    }


OUTCOMES = {*CallOutcome.values, "open", "parked", ""}


@calls_router.get("", response={200: CallPageOut} | ERRORS)
def calls(request, filters: Query[CallFiltersIn]):
    """The call log: supervisors and administrators see every call, others their own."""
    user = require_staff(request.auth)
    if filters.outcome not in OUTCOMES:
        raise ValidationFailed.single("outcome", "Неизвестный итог звонка.")
    qs = call_list(
        user,
        CallFilters(
            line=filters.line,
            outcome=filters.outcome,
            date_from=filters.date_from,
            date_to=filters.date_to,
        ),
    )
    rows, has_next = page_of(qs, page=filters.page, size=PAGE_SIZE)
    return {"items": [_call(c) for c in rows], "page": filters.page, "has_next": has_next}


class CallbackOut(Schema):
    id: int
    call: int
    phone: str
    caller_name: str
    question: str
    topic: str
    created_at: datetime
    due_at: datetime = Field(description="срок: 8 рабочих часов после звонка")
    callback_at: datetime = Field(description="когда перезвонить")
    overdue: bool
    status: str = Field(description="waiting, taken, done")
    taken_by: str | None = None
    result: str = Field(description="resolved, appeal; пусто — не закрыто")
    attempts: int
    appeal: str | None = None


class CallbackPageOut(Schema):
    items: list[CallbackOut]
    page: int
    has_next: bool


def _callback(request: DeferredRequest) -> dict:
    return {
        "id": request.pk,
        "call": request.call_id,
        "phone": request.phone,
        "caller_name": request.caller_name,
        "question": request.question,
        "topic": request.topic.code,
        "created_at": request.created_at,
        "due_at": request.due_at,
        "callback_at": request.callback_at,
        "overdue": is_overdue(request),
        "status": request.status,
        "taken_by": request.taken_by.email if request.taken_by else None,
        "result": request.result,
        "attempts": getattr(request, "attempt_count", 0),
        "appeal": request.appeal.display_number if request.appeal else None,
    }


@callbacks_router.get("", response={200: CallbackPageOut} | ERRORS)
def callbacks(request, page: int = Query(1, ge=1), done: bool = False):
    """The second line's call-back queue, the soonest due first (done=true: with closed ones)."""
    user = require_staff(request.auth)
    if not is_second_line(user):
        raise NotPermitted(NOT_SECOND_LINE)
    qs = callback_queue(user, include_done=done)
    rows, has_next = page_of(qs, page=page, size=PAGE_SIZE)
    return {"items": [_callback(r) for r in rows], "page": page, "has_next": has_next}
