"""A real SMTP server (aiosmtpd) on 127.0.0.1 for the e-mail channel, and relay helpers."""

from __future__ import annotations

import email
import socket
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from priemnaya.appeals import outbox
from priemnaya.notifications import channels


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler keeping what arrived; refuses the recipients listed in ``refuse``."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Нет такого ящика"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 2.0.0 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(e.content, policy=default_policy)  # type: ignore[misc]
            for e in self.envelopes
        ]

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages() if address in m["To"]]


class SmtpServer:
    """An aiosmtpd server on a fixed free port that a test may start late (refused until then)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def _use_smtp(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 2
    channels.reset()


@pytest.fixture
def smtp_down(settings):
    """E-mail goes by SMTP to a port where nothing listens yet; ``.start()`` opens the server."""
    server = SmtpServer(free_port())
    _use_smtp(settings, server.port)
    yield server
    server.stop()
    channels.reset()


@pytest.fixture
def smtp(smtp_down):
    """A running SMTP server: its ``inbox`` has what arrived."""
    smtp_down.start()
    return smtp_down.inbox


@pytest.fixture
def smtp_hanging(settings):
    """A server that accepts the TCP connection and never says a word (the greeting times out)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        _use_smtp(settings, listener.getsockname()[1])
        settings.EMAIL_TIMEOUT = 1
        yield listener
    channels.reset()


def relay() -> None:
    """Hand every committed event to the planner (and the other consumers) until idle."""
    for _ in range(100):
        if not outbox.relay_once() and not outbox.pending_count():
            return
