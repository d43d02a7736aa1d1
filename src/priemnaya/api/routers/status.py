"""Status without an account (issue 13): a code to the appeal's contact, then the status.

Public and rate-limited per IP (``PRIEMNAYA_RATE_STATUS``); the number alone shows nothing, and
every answer is the same whether or not the number exists (docs/status-lookup.md).
"""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Router, Schema, Status

from priemnaya.api.schemas import ErrorOut
from priemnaya.appeals.status_access import public_status
from priemnaya.security.status_lookup import (
    sent_message,
    status_code_send,
    status_code_verify,
    status_key_open,
)

router = Router(tags=["status"])


class StatusCodeIn(Schema):
    number: str = Field(description="номер обращения, 26-0001234-9 (дефисы не обязательны)")


class StatusCodeOut(Schema):
    detail: str
    sent_to: str = Field(description="замаскированный контакт: «+7 *** ***-45-67», «i***@mail.ru»")


class StatusIn(Schema):
    number: str = Field(description="номер обращения")
    code: str = Field("", description="шестизначный код из SMS или письма")
    key: str = Field("", description="секрет из ссылки на статус (параметр key)")


class AnswerOut(Schema):
    text: str
    issued_at: datetime


class StatusOut(Schema):
    number: str
    status: str
    status_label: str
    next_step: str
    registered_at: datetime | None
    due: date | None
    answer: AnswerOut | None


@router.post("/status/code", auth=None, response={202: StatusCodeOut, 422: ErrorOut, 429: ErrorOut})
def status_code(request, payload: StatusCodeIn):
    """Send a one-time code to the phone or e-mail recorded on the appeal.

    Always 202 with the same words (an unknown number included); `sent_to` is masked. A new code
    after 60 s, at most 5 an hour; a locked number → 429.
    """
    masked = status_code_send(number=payload.number)
    return Status(202, {"detail": sent_message(masked), "sent_to": masked})


@router.post("/status", auth=None, response={200: StatusOut, 422: ErrorOut, 429: ErrorOut})
def status(request, payload: StatusIn):
    """The public status of an appeal: the number and its `code` (once) or the link's `key`.

    A wrong key is no key: then the code decides. A wrong, spent, expired or missing code → 422
    on `code`; ten failures lock the number for 30 minutes (429).
    """
    appeal = status_key_open(number=payload.number, key=payload.key) if payload.key else None
    if appeal is None:
        appeal = status_code_verify(number=payload.number, code=payload.code)
    view = public_status(appeal)
    answer = (
        {"text": view.answer_text, "issued_at": view.answer_issued_at}
        if view.answer_issued_at is not None
        else None
    )
    return {
        "number": view.number,
        "status": view.status,
        "status_label": view.status_label,
        "next_step": view.next_step,
        "registered_at": view.registered_at,
        "due": view.due,
        "answer": answer,
    }
