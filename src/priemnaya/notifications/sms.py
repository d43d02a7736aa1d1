"""SMS: one gateway interface for notifications and one-time codes, and delivery statuses.

``sms_gateway().send(phone, text)`` returns an ``SmsReceipt`` or raises ``SmsTemporaryError``
(worth retrying later) or ``SmsPermanentError`` (no retry can help: a malformed number, a refusal).
Without ``SMS_GATEWAY_URL`` messages go to the dev outbox; with it, to an HTTP gateway whose
contract is in docs/notification-delivery.md («Channels and templates»).
"""

from __future__ import annotations

import json
import logging
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.db import transaction

from priemnaya.core import clock
from priemnaya.core.errors import NotFound, ValidationFailed
from priemnaya.notifications import devoutbox
from priemnaya.notifications.models import Channel, DeliveryAttempt, Notification, State

logger = logging.getLogger(__name__)

# Phones are stored normalized (accounts, appeals): +7 and ten digits.
PHONE_RE = re.compile(r"\+7\d{10}")


@dataclass(frozen=True)
class SmsReceipt:
    """The gateway's id of the accepted message (for its status callback) and its status."""

    id: str
    status: str


class SmsError(Exception):
    """The message was not accepted."""


class SmsTemporaryError(SmsError):
    """The gateway is unreachable or failing: try again later."""


class SmsPermanentError(SmsError):
    """The gateway refused the message or the number is invalid: retrying cannot help."""


class SmsGateway(Protocol):
    def send(self, phone: str, text: str) -> SmsReceipt:
        """Send one SMS; raise SmsTemporaryError or SmsPermanentError if it was not accepted."""
        ...


def check_phone(phone: str) -> str:
    """Return the phone if it is +7XXXXXXXXXX, else raise SmsPermanentError."""
    if not PHONE_RE.fullmatch(phone or ""):
        raise SmsPermanentError(f"Неверный номер телефона «{phone}»: нужен +7 и 10 цифр.")
    return phone


class OutboxSmsGateway:
    """The demo's gateway: keeps each SMS in the dev outbox (``/dev/outbox/``)."""

    def send(self, phone: str, text: str) -> SmsReceipt:
        check_phone(phone)
        return SmsReceipt(id=devoutbox.store_sms(phone, text), status="stored")


# Answers worth another try: the gateway is overloaded or briefly down.
_RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class HttpSmsGateway:
    """A gateway over HTTP: POST JSON {to, text, callback_url}, answer JSON {id, status}.

    5xx, timeouts and connection errors are retried here a few times with back-off (a code
    should not wait for the sender's next round); then SmsTemporaryError. Other 4xx: permanent.
    """

    def __init__(
        self,
        url: str,
        *,
        token: str = "",
        callback_url: str = "",
        timeout: float = 10.0,
        tries: int = 3,
        backoff: float = 0.5,
    ) -> None:
        self.url = url
        self.token = token
        self.callback_url = callback_url
        self.timeout = timeout
        self.tries = max(1, tries)
        self.backoff = backoff

    def send(self, phone: str, text: str) -> SmsReceipt:
        check_phone(phone)
        body = json.dumps(
            {"to": phone, "text": text, "callback_url": self.callback_url}, ensure_ascii=False
        ).encode("utf-8")
        problem = ""
        for attempt in range(self.tries):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                return self._post(body)
            except SmsTemporaryError as exc:
                problem = str(exc)
                logger.info("SMS gateway, try %d of %d: %s", attempt + 1, self.tries, problem)
        raise SmsTemporaryError(problem)

    def _post(self, body: bytes) -> SmsReceipt:
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status, answer = response.status, response.read(65536)
        except urllib.error.HTTPError as exc:
            status, answer = exc.code, exc.read(2048)
        except TimeoutError as exc:
            raise SmsTemporaryError(f"Шлюз SMS не ответил за {self.timeout:g} с") from exc
        except (urllib.error.URLError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SmsTemporaryError(f"Шлюз SMS недоступен: {reason}") from exc
        said = answer.decode("utf-8", "replace")[:500]
        if status in _RETRY_STATUSES or status >= 500:
            raise SmsTemporaryError(f"Шлюз SMS ответил {status}: {said}")
        if status >= 400:
            raise SmsPermanentError(f"Шлюз SMS отказал ({status}): {said}")
        try:
            parsed = json.loads(answer or b"{}")
        except ValueError:
            parsed = {}
        if not isinstance(parsed, dict):
            parsed = {}
        return SmsReceipt(
            id=str(parsed.get("id") or ""), status=str(parsed.get("status") or "accepted")
        )


def sms_callback_url() -> str:
    return settings.PRIEMNAYA_SITE_URL.rstrip("/") + "/api/v1/notifications/sms-status"


def sms_gateway() -> SmsGateway:
    """Return the configured gateway: HTTP with ``SMS_GATEWAY_URL``, else the dev outbox."""
    if settings.SMS_GATEWAY_URL:
        return HttpSmsGateway(
            settings.SMS_GATEWAY_URL,
            token=settings.SMS_GATEWAY_TOKEN,
            callback_url=sms_callback_url(),
            timeout=settings.SMS_GATEWAY_TIMEOUT,
        )
    return OutboxSmsGateway()


# ---- delivery statuses reported back by the gateway ---------------------------------------------

# What gateways call a message that will not arrive.
FAILED_STATUSES = frozenset({"failed", "rejected", "undeliverable", "undelivered", "expired"})
_STATUS_RE = re.compile(r"[a-z][a-z0-9_-]{0,31}")


@transaction.atomic
def sms_status_record(*, provider_id: str, status: str, error: str = "") -> Notification:
    """Record the gateway's delivery status of an SMS; a failure parks the notification.

    Raise NotFound for an id we never sent, ValidationFailed for a malformed status.
    """
    status = (status or "").strip().lower()
    if not _STATUS_RE.fullmatch(status):
        raise ValidationFailed.single(
            "status", "Статус — слово латиницей до 32 символов, например delivered или failed."
        )
    notification = (
        Notification.objects.select_for_update()
        .filter(channel=Channel.SMS, provider_id=provider_id)
        .first()
        if provider_id
        else None
    )
    if notification is None:
        raise NotFound("SMS с таким идентификатором не отправлялось.", field="id")
    notification.provider_status = status
    fields = ["provider_status"]
    if status in FAILED_STATUSES and notification.state != State.CANCELLED:
        reason = f"Шлюз SMS сообщил: не доставлено ({status})" + (f": {error}" if error else "")
        notification.state = State.FAILED
        notification.last_error = reason[:2000]
        notification.leased_until = None
        fields += ["state", "last_error", "leased_until"]
        DeliveryAttempt.objects.create(
            notification=notification,
            at=clock.now(),
            ok=False,
            provider_answer=f"status callback: {status}",
            error=notification.last_error,
        )
    notification.save(update_fields=fields)
    return notification
