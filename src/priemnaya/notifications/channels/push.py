"""The web push channel: each planned push, encrypted for its browser subscription (RFC 8291),
signed with our VAPID key (RFC 8292) and posted to the subscription's push service."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

import requests
from django.conf import settings
from pywebpush import WebPushException, webpush

from priemnaya.appeals.models import Appeal
from priemnaya.core.numbering import format_number
from priemnaya.notifications.channels.base import SendResult
from priemnaya.notifications.models import Channel, Notification, PushSubscription
from priemnaya.notifications.push import vapid, vapid_subject
from priemnaya.notifications.rendering import appeal_url

logger = logging.getLogger(__name__)

ADDRESS_PREFIX = "push:"
# The push service will not take it now; the subscription itself is fine.
_TEMPORARY = frozenset({408, 425, 429})
# The subscription expired or was withdrawn in the browser: it will never work again.
_GONE = frozenset({404, 410})


def push_address(subscription: PushSubscription) -> str:
    return f"{ADDRESS_PREFIX}{subscription.pk}"


def push_payload(row: Notification, appeal: Appeal) -> str:
    """Return the JSON the service worker shows: {title, body, url, tag}."""
    return json.dumps(
        {
            "title": row.subject or "Приёмная",
            "body": row.body,
            "url": appeal_url(appeal, row.audience),
            # One appeal, one notification on the screen: a newer one replaces the older.
            "tag": f"appeal-{format_number(appeal.number or '')}",
        },
        ensure_ascii=False,
    )


def _subscription_id(address: str) -> int | None:
    if not address.startswith(ADDRESS_PREFIX):
        return None
    rest = address[len(ADDRESS_PREFIX) :]
    return int(rest) if rest.isdigit() else None


class PushSender:
    """Send a batch of web pushes; a gone subscription is deleted and its item parked."""

    channel = Channel.PUSH.value

    def __init__(self) -> None:
        self.session = requests.Session()

    def send(self, batch: Sequence[Notification]) -> list[SendResult]:
        ids = {pk for row in batch if (pk := _subscription_id(row.address)) is not None}
        subscriptions = PushSubscription.objects.in_bulk(ids)
        appeals = Appeal.objects.only("pk", "number").in_bulk({row.appeal_id for row in batch})
        return [self._send_one(row, subscriptions, appeals[row.appeal_id]) for row in batch]

    def _send_one(
        self, row: Notification, subscriptions: dict[int, PushSubscription], appeal: Appeal
    ) -> SendResult:
        pk = _subscription_id(row.address)
        subscription = subscriptions.get(pk) if pk is not None else None
        if subscription is None:
            return SendResult(
                ok=False, permanent=True, error="Подписка на push удалена или не существует."
            )
        try:
            response = webpush(
                subscription_info={
                    "endpoint": subscription.endpoint,
                    "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                },
                data=push_payload(row, appeal),
                vapid_private_key=vapid(),
                # A fresh dict each time: webpush writes aud and exp into it.
                vapid_claims={"sub": vapid_subject()},
                content_encoding="aes128gcm",
                timeout=settings.PUSH_TIMEOUT,
                ttl=settings.PUSH_TTL,
                requests_session=self.session,
            )
        except WebPushException as exc:
            return self._refused(exc, subscription)
        except (requests.Timeout, requests.ConnectionError) as exc:
            return SendResult(ok=False, error=f"Сервис push недоступен: {exc}")
        except (ValueError, TypeError) as exc:
            # Keys that do not decode or encrypt: the browser gave us a broken subscription.
            return SendResult(ok=False, permanent=True, error=f"Подписка повреждена: {exc}")
        status = getattr(response, "status_code", 0)
        return SendResult(
            ok=True,
            provider_answer=f"{status} {response.headers.get('Location', '')}".strip()
            if not isinstance(response, str)
            else "",
        )

    def _refused(self, exc: WebPushException, subscription: PushSubscription) -> SendResult:
        status = exc.response.status_code if exc.response is not None else None
        said = f"{status} {exc.response.text[:300]}".strip() if exc.response is not None else ""
        if status in _GONE:
            subscription.delete()
            return SendResult(
                ok=False,
                permanent=True,
                provider_answer=said,
                error=f"Подписка на push больше не действует ({status}); удалена.",
            )
        if status is None or status >= 500 or status in _TEMPORARY:
            return SendResult(ok=False, provider_answer=said, error=f"Сервис push: {exc}")
        return SendResult(
            ok=False, permanent=True, provider_answer=said, error=f"Сервис push отказал: {exc}"
        )
