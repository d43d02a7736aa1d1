"""A real local HTTP receiver for webhook tests, and an endpoint pointing at it."""

from __future__ import annotations

import contextlib
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from priemnaya.accounts.roles import Role
from priemnaya.appeals import outbox
from priemnaya.webhooks.selectors import clear_endpoint_cache
from priemnaya.webhooks.services import endpoint_create
from tests.factories import make_user


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)

    @property
    def delivery(self) -> str:
        return self.headers["X-Priemnaya-Delivery"]


class Receiver:
    """Records every POST and answers from a script: a status, or ("sleep", s) to time out."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.script: list[int | tuple[str, float]] = []
        self.delay = 0.0  # seconds to hold every answer (to make senders overlap)
        self.release = threading.Event()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            # Keep-alive like a real server, and the answer in one write (no Nagle stalls).
            protocol_version = "HTTP/1.1"
            wbufsize = -1

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._lock:
                    receiver.requests.append(Received(self.path, dict(self.headers), body))
                    step = receiver.script.pop(0) if receiver.script else 200
                if receiver.delay:
                    receiver.release.wait(receiver.delay)
                if isinstance(step, tuple):
                    receiver.release.wait(step[1])
                    step = 200
                answer = b'{"ok": true}'
                self.send_response(step)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                with contextlib.suppress(OSError):  # the sender may have given up waiting
                    self.wfile.write(answer)

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _fresh_endpoint_cache():
    # Endpoints cached in one test must not outlive its rolled-back database.
    clear_endpoint_cache()
    yield
    clear_endpoint_cache()


@pytest.fixture
def administrator(catalog):
    return make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)


@pytest.fixture
def endpoint(administrator, receiver):
    return endpoint_create(administrator, name="CRM ведомства", url=receiver.url)


def relay() -> None:
    """Hand every committed event to the consumers (the webhooks one among them)."""
    for _ in range(100):
        if not outbox.relay_once() and not outbox.pending_count():
            return
