"""The chat over real WebSockets: uvicorn serving priemnaya.asgi, the ``websockets`` client.

Citizen ↔ bot ↔ operator, typing and read marks, another's chat refused with a close code,
a flood refused with a reason and nothing accepted lost.
"""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from priemnaya.chat import services
from priemnaya.chat.consumers import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND
from priemnaya.chat.models import Chat, ChatMessage, Side, State
from tests import factories
from tests.chat.asgi_server import (
    asgi_server,
    headers,
    message_from,
    of_type,
    receive,
    run,
    send,
    session_cookie,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]
ORIGIN = "http://127.0.0.1:8000"


@pytest.fixture
def server():
    with asgi_server() as base:
        yield base


def _open(base: str, path: str, cookie: str):
    return connect(base + path, additional_headers=headers(cookie), origin=ORIGIN)


def test_citizen_bot_and_operator_talk_live_with_typing_and_read_marks(
    server, citizen, operator, sms_article, always_open
):
    chat = services.chat_start(user=citizen, visitor="")
    other = services.chat_start(user=factories.make_citizen(), visitor="")
    citizen_cookie, _ = session_cookie(citizen)
    operator_cookie, _ = session_cookie(operator)

    async def story():
        async with _open(server, f"/ws/chat/{chat.pk}/", citizen_cookie) as me:
            hello = await receive(me, of_type("hello"))
            assert hello["chat"]["state"] == State.BOT
            assert hello["messages"][0]["message"]["side"] == Side.BOT
            await send(
                me, {"type": "message", "text": "Не приходит смс с кодом", "client_id": "q1"}
            )
            echo = await receive(me, of_type("message", client_id="q1"))
            assert echo["message"]["side"] == Side.CITIZEN
            bot = await receive(me, message_from(Side.BOT, "Не приходит код из СМС"))
            assert [a["title"] for a in bot["message"]["articles"]] == ["Не приходит код из СМС"]

            async with _open(server, "/ws/chat/operator/", operator_cookie) as op:
                await receive(op, of_type("hello"))
                await send(me, {"type": "handover"})
                joined = await receive(me, message_from(Side.SYSTEM, "Оператор Мария"))
                state = await receive(me, of_type("state"))
                assert state["chat"]["state"] == State.OPERATOR
                handed = await receive(op, of_type("chat"))
                assert handed["chat"]["id"] == chat.pk
                assert [f["message"]["id"] for f in handed["messages"]][-1] == joined["message"][
                    "id"
                ]

                # A chat the operator does not hold: no marks, no messages into it.
                await send(op, {"type": "typing", "chat": other.pk, "typing": True})
                refused = await receive(op, of_type("error"))
                assert refused["reason"] == "Этот чат ведёт другой оператор."
                await send(op, {"type": "typing", "chat": chat.pk, "typing": True})
                typing = await receive(me, of_type("typing"))
                assert (typing["side"], typing["typing"]) == (Side.OPERATOR, True)
                await send(op, {"type": "message", "chat": chat.pk, "text": "Здравствуйте!"})
                reply = await receive(me, message_from(Side.OPERATOR, "Здравствуйте!"))
                assert reply["message"]["author"] == "Оператор Мария"
                await send(me, {"type": "read", "up_to": reply["message"]["id"]})
                read = await receive(op, of_type("read", side=Side.CITIZEN))
                assert read["up_to"] == reply["message"]["id"]
                await send(me, {"type": "message", "text": "Спасибо, код пришёл"})
                await receive(op, message_from(Side.CITIZEN, "Спасибо, код пришёл"))
                await send(op, {"type": "close", "chat": chat.pk})
                closed = await receive(me, of_type("state"))
                assert closed["chat"]["can_rate"] is True
                await send(me, {"type": "rate", "rating": 5})
                rated = await receive(me, of_type("state"))
                assert rated["chat"]["rating"] == 5

    run(story)
    chat.refresh_from_db()
    assert (chat.state, chat.operator, chat.rating) == (State.CLOSED, operator, 5)
    texts = list(chat.messages.values_list("side", "text"))
    assert (Side.OPERATOR, "Здравствуйте!") in texts
    assert (Side.CITIZEN, "Спасибо, код пришёл") in texts
    assert ChatMessage.objects.get(text="Здравствуйте!").read_at is not None


async def _closed_with(base: str, path: str, cookie: str) -> int | None:
    async with _open(base, path, cookie) as ws:
        try:
            await asyncio.wait_for(ws.recv(), 15)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
    return None


def test_another_persons_chat_is_refused_with_a_close_code(
    server, citizen, other_citizen, operator
):
    chat = services.chat_start(user=citizen, visitor="")
    other_cookie, _ = session_cookie(other_citizen)
    visitor_cookie, _ = session_cookie(None, start_chat=True)
    visitor_chat = Chat.objects.exclude(pk=chat.pk).get()
    citizen_cookie, _ = session_cookie(citizen)

    async def story():
        assert await _closed_with(server, f"/ws/chat/{chat.pk}/", other_cookie) == CLOSE_NOT_FOUND
        assert await _closed_with(server, f"/ws/chat/{chat.pk}/", visitor_cookie) == CLOSE_NOT_FOUND
        assert await _closed_with(server, f"/ws/chat/{chat.pk}/", "") == CLOSE_NOT_FOUND
        assert await _closed_with(server, "/ws/chat/999999/", citizen_cookie) == CLOSE_NOT_FOUND
        assert await _closed_with(server, "/ws/chat/operator/", citizen_cookie) == CLOSE_FORBIDDEN
        assert await _closed_with(server, "/ws/chat/operator/", "") == CLOSE_FORBIDDEN
        # The visitor reaches the chat of their own session.
        async with _open(server, f"/ws/chat/{visitor_chat.pk}/", visitor_cookie) as ws:
            hello = await receive(ws, of_type("hello"))
            assert hello["chat"]["id"] == visitor_chat.pk

    run(story)
    assert not chat.messages.exclude(side=Side.BOT).exists()


def test_a_flood_is_refused_with_a_reason_and_nothing_accepted_is_lost(server, citizen, settings):
    settings.PRIEMNAYA_CHAT_BURST = 3
    settings.PRIEMNAYA_CHAT_PER_MINUTE = 1
    chat = services.chat_start(user=citizen, visitor="")
    cookie, _ = session_cookie(citizen)

    async def story():
        async with _open(server, f"/ws/chat/{chat.pk}/", cookie) as ws:
            await receive(ws, of_type("hello"))
            for n in range(8):
                await send(ws, {"type": "message", "text": f"Сообщение {n}", "client_id": n})
            accepted, refused = [], []
            while len(accepted) + len(refused) < 8:
                frame = await receive(ws, lambda f: f.get("client_id") is not None)
                (refused if frame["type"] == "error" else accepted).append(frame)
            return accepted, refused

    accepted, refused = run(story)
    assert [f["client_id"] for f in accepted] == [0, 1, 2]
    assert [f["client_id"] for f in refused] == [3, 4, 5, 6, 7]
    assert all(f["code"] == "rate_limited" and "Подождите" in f["reason"] for f in refused)
    stored = chat.messages.filter(side=Side.CITIZEN).values_list("text", flat=True)
    assert list(stored) == ["Сообщение 0", "Сообщение 1", "Сообщение 2"]


def test_bad_frames_are_refused_and_the_socket_stays(server, citizen):
    chat = services.chat_start(user=citizen, visitor="")
    cookie, _ = session_cookie(citizen)

    async def story():
        async with _open(server, f"/ws/chat/{chat.pk}/", cookie) as ws:
            await receive(ws, of_type("hello"))
            await ws.send("not json")
            assert (await receive(ws, of_type("error")))["code"] == "invalid"
            await send(ws, {"type": "message", "text": "   ", "client_id": "e"})
            empty = await receive(ws, of_type("error"))
            assert (empty["field"], empty["client_id"]) == ("text", "e")
            await send(ws, {"type": "message", "text": "я" * 4001, "client_id": "l"})
            assert "4000" in (await receive(ws, of_type("error")))["reason"]
            await send(ws, {"type": "message", "text": "Всё же вопрос", "client_id": "ok"})
            await receive(ws, of_type("message", client_id="ok"))

    run(story)
