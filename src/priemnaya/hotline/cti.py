"""Telephony behind an interface (SPEC §16): the CTI's inbound events, their signature and shape.

The telephone exchange is outside the machine. Whatever it is (Asterisk, a cloud PBX), an adapter
turns its notifications into the three events below and posts them, signed, to
``POST /api/v1/hotline/cti/events``; ``hotline.simulator`` is such an adapter for the demo and
the tests. The contract is in docs/hotline.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings

from priemnaya.core.errors import ValidationFailed
from priemnaya.webhooks.payload import sign, verify_signature

SIGNATURE_HEADER = "X-CTI-Signature"
TIMESTAMP_HEADER = "X-CTI-Timestamp"
INCOMING, ANSWERED, ENDED = "call.incoming", "call.answered", "call.ended"
EVENTS = (INCOMING, ANSWERED, ENDED)
MAX_DURATION = 24 * 3600


@dataclass(frozen=True)
class CtiEvent:
    """One event of one call, as the contract defines it (already checked)."""

    event: str
    call_id: str
    line: str = ""
    caller: str = ""
    agent: str = ""
    duration: int | None = None

    def as_payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"event": self.event, "call_id": self.call_id}
        if self.event == INCOMING:
            body |= {"line": self.line, "caller": self.caller, "agent": self.agent}
        if self.event == ENDED and self.duration is not None:
            body["duration"] = self.duration
        return body


class CtiEventSink(Protocol):
    """What receives the CTI's events: the webhook hands each checked event to it."""

    def __call__(self, event: CtiEvent) -> Any: ...


class CtiSignatureMissing(Exception):
    """No signature or timestamp header: the request is not from the CTI at all (401)."""


class CtiSignatureBad(Exception):
    """A signature that does not match, or a stale timestamp (403)."""


def cti_secret() -> str:
    return settings.PRIEMNAYA_CTI_SECRET


def cti_sign(body: bytes, timestamp: int, secret: str | None = None) -> str:
    """Return the X-CTI-Signature value of a body sent at ``timestamp``."""
    return sign(secret if secret is not None else cti_secret(), timestamp, body)


def cti_check_signature(body: bytes, timestamp: str | None, signature: str | None) -> None:
    """Raise unless the body is signed with the shared secret at a fresh timestamp (±5 min).

    An unset secret refuses every event rather than accepting any.
    """
    if not signature or not timestamp:
        raise CtiSignatureMissing(f"Нужны заголовки {SIGNATURE_HEADER} и {TIMESTAMP_HEADER}.")
    secret = cti_secret()
    if not secret or not verify_signature(secret, timestamp, body, signature):
        raise CtiSignatureBad(f"Неверная подпись {SIGNATURE_HEADER} или устаревшее время.")


def _text(data: dict, name: str, *, required: bool, limit: int, errors: dict) -> str:
    value = data.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[name] = ["Ожидается строка."]
        return ""
    value = value.strip()
    if required and not value:
        errors[name] = ["Обязательное поле."]
    elif len(value) > limit:
        errors[name] = [f"Не длиннее {limit} символов."]
    return value


def cti_parse(body: bytes) -> CtiEvent:
    """Return the event of a request body, or raise ValidationFailed naming each bad field."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValidationFailed.single("body", "Тело запроса — не JSON.") from None
    if not isinstance(data, dict):
        raise ValidationFailed.single("body", "Тело запроса должно быть JSON-объектом.")
    errors: dict[str, list[str]] = {}
    event = _text(data, "event", required=True, limit=32, errors=errors)
    if event and event not in EVENTS:
        errors["event"] = [f"Неизвестное событие; ожидается одно из: {', '.join(EVENTS)}."]
    call_id = _text(data, "call_id", required=True, limit=100, errors=errors)
    incoming = event == INCOMING
    line = _text(data, "line", required=incoming, limit=64, errors=errors)
    caller = _text(data, "caller", required=False, limit=64, errors=errors)
    agent = _text(data, "agent", required=False, limit=200, errors=errors)
    duration = data.get("duration")
    if event == ENDED:
        if isinstance(duration, bool) or not isinstance(duration, int):
            errors["duration"] = ["Ожидается целое число секунд."]
        elif not 0 <= duration <= MAX_DURATION:
            errors["duration"] = [f"От 0 до {MAX_DURATION} секунд."]
    if errors:
        raise ValidationFailed(errors)
    return CtiEvent(
        event=event,
        call_id=call_id,
        line=line,
        caller=caller,
        agent=agent,
        duration=duration if event == ENDED else None,
    )
