"""Channel senders: each turns a batch of planned notifications into what its provider accepts."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from priemnaya.notifications.channels.base import ChannelSender, SendResult

__all__ = ["ChannelSender", "SendResult", "sender_for"]

_senders: dict[str, ChannelSender] = {}


def sender_for(channel: str) -> ChannelSender:
    """Return the configured sender of a channel (``PRIEMNAYA_NOTIFY_SENDERS``), built once."""
    if channel not in _senders:
        _senders[channel] = import_string(settings.PRIEMNAYA_NOTIFY_SENDERS[channel])()
    return _senders[channel]


def reset() -> None:
    """Forget built senders (tests change settings such as EMAIL_URL)."""
    _senders.clear()
