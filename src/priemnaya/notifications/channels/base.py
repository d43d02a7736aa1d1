"""The contract between the sender's queue and a channel's provider."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from priemnaya.notifications.models import Notification


@dataclass(frozen=True)
class SendResult:
    """What became of one notification in a batch."""

    ok: bool
    # The provider's words (SMTP reply, gateway answer, push service status), kept per attempt.
    provider_answer: str = ""
    # The provider's id of the message (an SMS gateway id for its status callback).
    provider_id: str = ""
    error: str = ""
    # No retry can help (a malformed or refused address, a gone push subscription): park now.
    permanent: bool = False


class ChannelSender(Protocol):
    channel: str

    def send(self, batch: Sequence[Notification]) -> list[SendResult]:
        """Send each notification; return one result per item, in order. Never raise for one
        bad item; raising fails the whole batch as temporary (connection lost, timeout)."""
        ...
