"""WebSocket consumers: the citizen's ``/ws/chat/<id>/`` and the operator's ``/ws/chat/operator/``.

The protocol is in docs/chat.md. Each frame is handled in order: rules and storage run in the
services (sync, through database_sync_to_async), and only what was stored is broadcast to the
chat's group. A refused frame gets an ``error`` with the reason and changes nothing.
"""

from __future__ import annotations

import math
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from priemnaya.chat import selectors, services
from priemnaya.chat.limits import frames_bucket, messages_bucket
from priemnaya.chat.models import Chat, ChatMessage, Side
from priemnaya.core.errors import ApplicationError, NotPermitted

VISITOR_KEY = "chat_visitor"
OPERATORS = "chat.operators"
# Close codes (4000–4999 are the application's): not yours or not there, not allowed.
CLOSE_NOT_FOUND = 4404
CLOSE_FORBIDDEN = 4403


def chat_group(chat_id: int) -> str:
    return f"chat.{chat_id}"


def operator_group(user_id: int) -> str:
    return f"chat.operator.{user_id}"


def message_events(messages: list[ChatMessage], client_id: Any = None) -> list[dict[str, Any]]:
    """``message`` frames for stored messages; the first carries the sender's ``client_id``."""
    events = [{"type": "message", "message": p} for p in selectors.messages_payload(messages)]
    if events and client_id is not None:
        events[0]["client_id"] = client_id
    return events


_events = database_sync_to_async(message_events)


@database_sync_to_async
def _post(chat: Chat, side: str, author: Any, text: Any, client_id: Any) -> list[dict[str, Any]]:
    """Store a message (and the bot's answer) and return the frames to broadcast."""
    stored = services.message_post(chat=chat, side=side, author=author, text=text)
    return message_events(stored, client_id)


@database_sync_to_async
def _operator_post(chat_id: int, user: Any, text: Any, client_id: Any) -> list[dict[str, Any]]:
    chat = services.chat_for_operator(chat_id=chat_id, user=user)
    stored = services.message_post(chat=chat, side=Side.OPERATOR, author=user, text=text)
    return message_events(stored, client_id)


def _state_event(chat: Chat) -> dict[str, Any]:
    return {"type": "state", "chat": selectors.chat_payload(chat)}


@database_sync_to_async
def _history(chat_id: int, after: int = 0) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    chat = Chat.objects.select_related("appeal").get(pk=chat_id)
    return _state_event(chat), message_events(selectors.chat_messages(chat, after=after))


@database_sync_to_async
def _state(chat_id: int) -> dict[str, Any]:
    return _state_event(Chat.objects.select_related("appeal").get(pk=chat_id))


@database_sync_to_async
def _queue_event() -> dict[str, Any]:
    return {"type": "queue", "chats": selectors.queue_payload()}


@database_sync_to_async
def _stored(chat_id: int, message_id: int, side: str) -> list[dict[str, Any]]:
    """A message stored over HTTP (files, the no-JavaScript form) announced by its sender."""
    found = ChatMessage.objects.filter(pk=message_id, chat_id=chat_id, side=side)
    return message_events(list(found.select_related("author")))


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class _ChatSocket(AsyncJsonWebsocketConsumer):
    side = ""

    async def connect(self) -> None:
        self.messages = messages_bucket()
        self.frames = frames_bucket()
        self.groups_joined: set[str] = set()
        await self.accept()
        await self.opened()

    async def opened(self) -> None:
        """Each side checks who is connecting; a bare socket is closed."""
        await self.close(code=CLOSE_FORBIDDEN)

    async def join(self, group: str) -> None:
        if group not in self.groups_joined:
            self.groups_joined.add(group)
            await self.channel_layer.group_add(group, self.channel_name)

    async def disconnect(self, code: int) -> None:
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def publish(self, chat_id: int, events: list[dict[str, Any]]) -> None:
        for event in events:
            await self.channel_layer.group_send(
                chat_group(chat_id), {"type": "chat.event", "payload": event}
            )

    async def chat_event(self, event: dict[str, Any]) -> None:
        payload = event["payload"]
        if payload.get("type") in {"typing", "read"} and payload.get("side") == self.side:
            return  # one's own marks are not news to oneself
        await self.send_json(payload)

    async def refuse(self, exc: ApplicationError, client_id: Any = None) -> None:
        await self.send_json(
            {
                "type": "error",
                "code": exc.code,
                "field": exc.field,
                "reason": exc.message,
                "client_id": client_id,
            }
        )

    async def over_limit(self, content: dict[str, Any]) -> bool:
        """Refuse a frame beyond the connection's budget, saying how long to wait."""
        bucket = self.messages if content.get("type") == "message" else self.frames
        wait = bucket.take()
        if not wait:
            return False
        seconds = max(1, math.ceil(wait))
        await self.send_json(
            {
                "type": "error",
                "code": "rate_limited",
                "field": "text",
                "reason": f"Слишком много сообщений подряд. Подождите {seconds} с и отправьте "
                "снова — это сообщение не отправлено.",
                "retry_after": seconds,
                "client_id": content.get("client_id"),
            }
        )
        return True

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.send_json(
                {"type": "error", "code": "invalid", "field": "type", "reason": "Кадр не понят."}
            )
            return
        if await self.over_limit(content):
            return
        try:
            await self.handle(content["type"], content)
        except ApplicationError as exc:
            await self.refuse(exc, content.get("client_id"))

    async def decode_json(self, text_data: str) -> Any:
        try:
            return await super().decode_json(text_data)
        except ValueError:
            return None

    async def handle(self, kind: str, content: dict[str, Any]) -> None:
        """Each side's frames; what it does not know is refused."""
        await self.send_json(
            {"type": "error", "code": "invalid", "field": "type", "reason": "Кадр не понят."}
        )


class CitizenChatConsumer(_ChatSocket):
    """A citizen's (or visitor's) one chat; anyone else's chat is closed with 4404."""

    side = Side.CITIZEN

    async def opened(self) -> None:
        user = self.scope.get("user")
        session = self.scope.get("session")
        visitor = session.get(VISITOR_KEY, "") if session is not None else ""
        chat_id = _int(self.scope["url_route"]["kwargs"].get("chat_id"))
        try:
            self.chat = await database_sync_to_async(services.chat_for_person)(
                chat_id=chat_id, user=user, visitor=visitor
            )
        except ApplicationError:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.connected = True
        await self.join(chat_group(self.chat.pk))
        await database_sync_to_async(services.citizen_connected)(self.chat, 1)
        state, history = await _history(self.chat.pk)
        await self.send_json({**state, "type": "hello", "messages": history})

    async def disconnect(self, code: int) -> None:
        if getattr(self, "connected", False):
            await database_sync_to_async(services.citizen_connected)(self.chat, -1)
        await super().disconnect(code)

    async def handle(self, kind: str, content: dict[str, Any]) -> None:
        if not getattr(self, "connected", False):
            return
        chat_id = self.chat.pk
        if kind == "message":
            events = await _post(
                self.chat,
                Side.CITIZEN,
                self._author(),
                content.get("text"),
                content.get("client_id"),
            )
            await self.publish(chat_id, events)
        elif kind == "typing":
            await self.publish(
                chat_id,
                [
                    {
                        "type": "typing",
                        "chat": chat_id,
                        "side": self.side,
                        "typing": bool(content.get("typing")),
                    }
                ],
            )
        elif kind == "read":
            up_to = _int(content.get("up_to"))
            await database_sync_to_async(services.mark_read)(
                chat=self.chat, reader=Side.CITIZEN, up_to=up_to
            )
            await self.publish(
                chat_id, [{"type": "read", "chat": chat_id, "side": self.side, "up_to": up_to}]
            )
        elif kind == "sync":
            state, history = await _history(chat_id, _int(content.get("after")))
            await self.send_json({**state, "type": "hello", "messages": history})
        elif kind == "announce":
            await self.publish(chat_id, await _stored(chat_id, _int(content.get("id")), self.side))
        elif kind == "handover":
            stored = await database_sync_to_async(services.handover)(chat=self.chat)
            await self._after_change(stored)
        elif kind == "close":
            stored = await database_sync_to_async(services.chat_close)(
                chat=self.chat, side=Side.CITIZEN, actor=self._author()
            )
            await self._after_change(stored)
        elif kind == "rate":
            await database_sync_to_async(services.chat_rate)(
                chat=self.chat, rating=content.get("rating"), comment=content.get("comment") or ""
            )
            await self.publish(chat_id, [await _state(chat_id)])
        else:
            await self.send_json(
                {"type": "error", "code": "invalid", "field": "type", "reason": "Кадр не понят."}
            )

    def _author(self) -> Any:
        user = self.scope.get("user")
        return user if user is not None and user.is_authenticated else None

    async def _after_change(self, stored: list[ChatMessage]) -> None:
        chat_id = self.chat.pk
        state = await _state(chat_id)
        await self.publish(chat_id, [*await _events(stored), state])
        operator = state["chat"]["operator"]
        if operator:
            await self.channel_layer.group_send(
                operator_group(operator), {"type": "chat.assigned", "chat": chat_id}
            )
        await self.channel_layer.group_send(
            OPERATORS, {"type": "chat.event", "payload": await _queue_event()}
        )


class OperatorChatConsumer(_ChatSocket):
    """The operator's console: the queue, and every chat the operator holds, on one socket."""

    side = Side.OPERATOR

    async def opened(self) -> None:
        self.user = self.scope.get("user")
        if not services.may_operate(self.user):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.connected = True
        await self.join(OPERATORS)
        await self.join(operator_group(self.user.pk))
        await database_sync_to_async(services.operator_connected)(self.user, 1)
        held = await database_sync_to_async(
            lambda: list(selectors.operator_chats(self.user).values_list("pk", flat=True))
        )()
        for chat_id in held:
            await self.join(chat_group(chat_id))
        queue = (await _queue_event())["chats"]
        await self.send_json({"type": "hello", "queue": queue, "held": held})

    async def disconnect(self, code: int) -> None:
        if getattr(self, "connected", False):
            await database_sync_to_async(services.operator_connected)(self.user, -1)
        await super().disconnect(code)

    async def chat_assigned(self, event: dict[str, Any]) -> None:
        """A chat handed to this operator by the handover: listen to it and show it whole."""
        chat_id = event["chat"]
        await self.join(chat_group(chat_id))
        state, history = await _history(chat_id)
        await self.send_json({**state, "type": "chat", "messages": history})

    async def _chat(self, content: dict[str, Any]) -> Chat:
        return await database_sync_to_async(services.chat_for_operator)(
            chat_id=_int(content.get("chat")), user=self.user
        )

    async def handle(self, kind: str, content: dict[str, Any]) -> None:
        if not getattr(self, "connected", False):
            return
        if kind == "queue":
            await self.send_json(await _queue_event())
            return
        if kind == "ping":
            await database_sync_to_async(services.operator_seen)(self.user)
            await self.send_json({"type": "pong"})
            return
        if kind == "message":
            # One trip to the database thread: the chat, the message, what to broadcast.
            events = await _operator_post(
                _int(content.get("chat")), self.user, content.get("text"), content.get("client_id")
            )
            await self.publish(events[0]["message"]["chat"], events)
            return
        chat = await self._chat(content)
        if kind in {"typing", "read", "announce"} and chat.operator_id != self.user.pk:
            raise NotPermitted("Этот чат ведёт другой оператор.", field="chat")
        if kind == "take":
            chat, stored = await database_sync_to_async(services.chat_take)(
                chat_id=chat.pk, operator=self.user
            )
            await self.join(chat_group(chat.pk))
            await self.publish(chat.pk, [*await _events(stored), await _state(chat.pk)])
            state, history = await _history(chat.pk)
            await self.send_json({**state, "type": "chat", "messages": history})
            await self.channel_layer.group_send(
                OPERATORS, {"type": "chat.event", "payload": await _queue_event()}
            )
        elif kind == "typing":
            await self.publish(
                chat.pk,
                [
                    {
                        "type": "typing",
                        "chat": chat.pk,
                        "side": self.side,
                        "typing": bool(content.get("typing")),
                    }
                ],
            )
        elif kind == "read":
            up_to = _int(content.get("up_to"))
            await database_sync_to_async(services.mark_read)(
                chat=chat, reader=Side.OPERATOR, up_to=up_to
            )
            await self.publish(
                chat.pk, [{"type": "read", "chat": chat.pk, "side": self.side, "up_to": up_to}]
            )
        elif kind == "sync":
            state, history = await _history(chat.pk, _int(content.get("after")))
            await self.send_json({**state, "type": "chat", "messages": history})
        elif kind == "announce":
            await self.publish(chat.pk, await _stored(chat.pk, _int(content.get("id")), self.side))
        elif kind == "close":
            stored = await database_sync_to_async(services.chat_close)(
                chat=chat, side=Side.OPERATOR, actor=self.user
            )
            await self.publish(chat.pk, [*await _events(stored), await _state(chat.pk)])
        else:
            await self.send_json(
                {"type": "error", "code": "invalid", "field": "type", "reason": "Кадр не понят."}
            )
