"""Telling open sockets about what a page (a plain HTTP request) stored.

Through the channel layer: Redis in production reaches the ASGI process; the in-memory layer of
a one-machine demo reaches only its own process, so the pages' scripts also announce what they
posted on their socket and every socket re-syncs on (re)connect — nothing stored is missed.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from priemnaya.chat.consumers import OPERATORS, chat_group
from priemnaya.chat.models import Chat, ChatMessage
from priemnaya.chat.selectors import chat_payload, messages_payload, queue_payload


def broadcast(chat: Chat, messages: list[ChatMessage], *, queue: bool = False) -> None:
    """Send stored messages and the chat's state to its group (and the queue to operators)."""
    layer = get_channel_layer()
    if layer is None:
        return
    events: list[dict[str, Any]] = [
        {"type": "message", "message": p} for p in messages_payload(messages)
    ]
    events.append({"type": "state", "chat": chat_payload(chat)})
    for event in events:
        async_to_sync(layer.group_send)(
            chat_group(chat.pk), {"type": "chat.event", "payload": event}
        )
    if queue:
        payload = {"type": "queue", "chats": queue_payload()}
        async_to_sync(layer.group_send)(OPERATORS, {"type": "chat.event", "payload": payload})
