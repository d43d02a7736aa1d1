"""The project's ASGI application in a real server (uvicorn in a thread) for WebSocket tests.

The server runs in this process, so it reads the test database (pytest-django's, with
``transactional_db``) and the test settings; the client is the ``websockets`` library over TCP.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from asgiref.sync import sync_to_async
from django.db import connections
from django.test import Client

from tests.proctree import free_port, port_free

# Ports set aside for the chat's servers on a shared machine; any free one elsewhere.
PORTS = range(8720, 8730)
RECEIVE_LIMIT = 15  # seconds: a guard against a hang, never a measure of speed


def _port() -> int:
    return next((p for p in PORTS if port_free(p)), None) or free_port()


@contextmanager
def asgi_server(host: str = "127.0.0.1") -> Iterator[str]:
    """Serve priemnaya.asgi:application; yield its ws:// base URL (named by ``host``)."""
    from priemnaya.asgi import application

    port = _port()
    config = uvicorn.Config(
        application, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    else:
        raise RuntimeError("uvicorn did not start")
    try:
        yield f"ws://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        # The consumers' database work ran in asgiref's one sync thread; its connection would
        # keep PostgreSQL from dropping the test database.
        run(lambda: sync_to_async(connections.close_all)())


def session_cookie(user=None, *, start_chat: bool = False) -> tuple[str, Client]:
    """A session cookie header for ``user`` (None: an anonymous visitor)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    if start_chat:
        client.post("/chat/start/")
    cookie = client.cookies.get("sessionid")
    return (f"sessionid={cookie.value}" if cookie else ""), client


def headers(cookie: str) -> dict[str, str]:
    return {"Cookie": cookie} if cookie else {}


async def receive(ws, want, *, limit: float = RECEIVE_LIMIT) -> dict[str, Any]:
    """The next frame for which ``want(frame)`` holds (others are skipped)."""
    async with asyncio.timeout(limit):
        while True:
            frame = json.loads(await ws.recv())
            if want(frame):
                return frame


def of_type(kind: str, **match: Any):
    def want(frame: dict[str, Any]) -> bool:
        return frame.get("type") == kind and all(frame.get(k) == v for k, v in match.items())

    return want


def message_from(side: str, contains: str = ""):
    def want(frame: dict[str, Any]) -> bool:
        m = frame.get("message") or {}
        return frame.get("type") == "message" and m.get("side") == side and contains in m["text"]

    return want


async def send(ws, frame: dict[str, Any]) -> None:
    await ws.send(json.dumps(frame, ensure_ascii=False))


def run(story):
    """Run ``story()`` (a coroutine function) to its end in a thread of its own: the browser
    tests leave Playwright's event loop running in the main thread of the same session."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(story())
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
