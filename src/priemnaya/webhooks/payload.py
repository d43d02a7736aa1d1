"""The body and the signature of a webhook (docs/webhooks.md documents every field and header).

The body carries the event as staff read it (``event_describe(..., audience=STAFF).data``, the
fields docs/api.md documents) and a short view of the appeal. The signature is HMAC-SHA256 with
the endpoint's secret over ``f"{timestamp}.{body}"``, so a receiver can reject both a forged body
and a replayed old one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from priemnaya.appeals.models import Event
from priemnaya.appeals.presenters import Audience, due_date, event_describe
from priemnaya.core.numbering import format_number

USER_AGENT = "Priemnaya-Webhooks/1"
SIGNATURE_PREFIX = "sha256="
TOLERANCE_SECONDS = 300


def payload_for(event: Event) -> dict[str, Any]:
    """Return the JSON-ready body of the event (the same for every endpoint and every attempt)."""
    appeal = event.appeal
    due = due_date(appeal)
    return {
        "id": event.pk,
        "type": event.type,
        "created_at": timezone.localtime(event.created_at).isoformat(),
        "appeal": {
            "number": format_number(appeal.number or ""),
            # The state the event left the appeal in, not whatever it is when the POST goes out.
            "status": event.to_status,
            "kind": appeal.kind.code,
            "theme": appeal.theme.code,
            "department": appeal.department.code,
            "due_date": due.isoformat() if due else None,
        },
        "data": event_describe(event, audience=Audience.STAFF).data,
        "internal": not event.is_public,
    }


def encode(payload: dict[str, Any]) -> bytes:
    """Return the body as sent: compact UTF-8 JSON, Cyrillic not escaped."""
    text = json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Return the value of ``X-Priemnaya-Signature`` for the body sent at ``timestamp``."""
    message = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def headers_for(
    *, secret: str, body: bytes, event_type: str, delivery_id: int, timestamp: int | None = None
) -> dict[str, str]:
    """Return the request headers of one attempt (a fresh timestamp and signature each time)."""
    stamp = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Priemnaya-Event": event_type,
        "X-Priemnaya-Delivery": str(delivery_id),
        "X-Priemnaya-Timestamp": str(stamp),
        "X-Priemnaya-Signature": sign(secret, stamp, body),
    }


def verify_signature(
    secret: str,
    timestamp: str | int,
    body: bytes | str,
    header: str,
    tolerance: int = TOLERANCE_SECONDS,
    *,
    now: float | None = None,
) -> bool:
    """Return True if ``header`` signs ``body`` at ``timestamp`` and the timestamp is fresh."""
    try:
        stamp = int(timestamp)
    except (TypeError, ValueError):
        return False
    current = time.time() if now is None else now
    if abs(current - stamp) > tolerance:
        return False
    raw = body.encode("utf-8") if isinstance(body, str) else body
    return hmac.compare_digest(sign(secret, stamp, raw), header or "")
