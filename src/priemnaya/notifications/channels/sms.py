"""The SMS channel: each planned SMS through the configured gateway (``notifications.sms``)."""

from __future__ import annotations

from collections.abc import Sequence

from priemnaya.notifications.channels.base import SendResult
from priemnaya.notifications.models import Channel, Notification
from priemnaya.notifications.sms import (
    SmsGateway,
    SmsPermanentError,
    SmsTemporaryError,
    sms_gateway,
)


class SmsSender:
    """Send a batch of SMS one by one; the gateway's id is kept for its status callback."""

    channel = Channel.SMS.value

    def __init__(self, gateway: SmsGateway | None = None) -> None:
        self.gateway = gateway if gateway is not None else sms_gateway()

    def send(self, batch: Sequence[Notification]) -> list[SendResult]:
        results: list[SendResult] = []
        unreachable = ""
        for row in batch:
            if unreachable:
                # The gateway already failed after its own retries: the rest waits for the next
                # round instead of each item spending the same timeouts.
                results.append(SendResult(ok=False, error=unreachable))
                continue
            try:
                receipt = self.gateway.send(row.address, row.body)
            except SmsPermanentError as exc:
                results.append(SendResult(ok=False, error=str(exc), permanent=True))
            except SmsTemporaryError as exc:
                unreachable = str(exc)
                results.append(SendResult(ok=False, error=unreachable))
            else:
                results.append(
                    SendResult(
                        ok=True,
                        provider_answer=f"{receipt.status} {receipt.id}".strip(),
                        provider_id=receipt.id,
                    )
                )
        return results
