"""A local stand-in for the telephone exchange: signs CTI events and posts them over HTTP.

The demo's «Симулятор телефонии», ``priemnaya hotline simulate-call`` and the tests ring an
operator through it, so the webhook is exercised exactly as a real CTI adapter would call it.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

from priemnaya.hotline.cti import (
    ANSWERED,
    ENDED,
    INCOMING,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    CtiEvent,
    cti_sign,
)

WEBHOOK_PATH = "/api/v1/hotline/cti/events"
# Generous: a loaded machine (or a busy demo) must not turn a slow answer into «unreachable».
TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Delivery:
    """What the webhook answered to one posted event."""

    event: str
    status: int
    body: dict[str, Any]


class SimulatorUnreachable(Exception):
    """The service did not answer at all (not running, wrong address)."""


def post_event(base_url: str, event: CtiEvent, *, secret: str | None = None) -> Delivery:
    """Sign one event with the shared secret and POST it to the service's webhook."""
    if not base_url.startswith(("http://", "https://")):
        raise SimulatorUnreachable(f"{base_url}: нужен адрес http:// или https://")
    body = json.dumps(event.as_payload(), ensure_ascii=False).encode()
    stamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310 — the scheme is checked above
        base_url.rstrip("/") + WEBHOOK_PATH,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: str(stamp),
            SIGNATURE_HEADER: cti_sign(body, stamp, secret),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return Delivery(event.event, response.status, json.loads(response.read() or b"{}"))
    except urllib.error.HTTPError as exc:
        try:
            answer = json.loads(exc.read() or b"{}")
        except ValueError:
            answer = {}
        return Delivery(event.event, exc.code, answer)
    except (urllib.error.URLError, OSError) as exc:
        raise SimulatorUnreachable(f"{base_url}: {exc}") from exc


def new_call_id() -> str:
    return f"sim-{uuid.uuid4().hex[:12]}"


def ring(
    base_url: str,
    *,
    line: str,
    caller: str,
    agent: str,
    call_id: str | None = None,
    answer: bool = True,
    secret: str | None = None,
) -> tuple[str, list[Delivery]]:
    """Start a call: call.incoming, then call.answered unless ``answer`` is False."""
    call_id = call_id or new_call_id()
    events = [CtiEvent(INCOMING, call_id, line=line, caller=caller, agent=agent)]
    if answer:
        events.append(CtiEvent(ANSWERED, call_id))
    return call_id, [post_event(base_url, e, secret=secret) for e in events]


def hang_up(base_url: str, call_id: str, duration: int, *, secret: str | None = None) -> Delivery:
    """End a call with its duration in seconds (call.ended)."""
    return post_event(base_url, CtiEvent(ENDED, call_id, duration=duration), secret=secret)
