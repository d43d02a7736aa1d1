"""The real inbound SMTP endpoint on a free local port, and a real SMTP sink for our answers."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from priemnaya.appeals import outbox
from priemnaya.mail_intake.server import IntakeHandler, controller
from priemnaya.notifications import sender
from tests.notifications.conftest import SmtpServer, _use_smtp, free_port, relay

MAILBOX = "priem@priemnaya.local"


class Intake:
    """The running endpoint: ``send`` talks SMTP to it, ``settle`` waits until it handled all."""

    def __init__(self, handler: IntakeHandler, port: int) -> None:
        self.handler = handler
        self.port = port

    def smtp(self) -> smtplib.SMTP:
        return smtplib.SMTP("127.0.0.1", self.port, timeout=30)

    def send(self, message: EmailMessage | bytes, *, mail_from: str = "", to: str = MAILBOX):
        with self.smtp() as client:
            if isinstance(message, EmailMessage):
                refused = client.send_message(message, from_addr=mail_from or None, to_addrs=[to])
            else:
                refused = client.sendmail(mail_from or "sender@example.ru", [to], message)
        self.settle()
        return refused

    def settle(self) -> None:
        # One handling thread, in order: a no-op queued after the messages ends after them.
        self.handler.executor.submit(lambda: None).result(timeout=60)


@pytest.fixture
def intake(transactional_db, catalog, settings):
    settings.PRIEMNAYA_MAIL_ADDRESSES = [MAILBOX]
    settings.PRIEMNAYA_MAIL_MAX_BYTES = 15 * 1024 * 1024
    handler = IntakeHandler()
    port = free_port()
    smtp = controller("127.0.0.1", port, handler)
    smtp.start()
    yield Intake(handler, port)
    smtp.stop()
    handler.close()


@pytest.fixture
def outgoing(settings):
    """Our own outgoing mail goes to a real SMTP sink; ``deliver()`` relays and sends."""
    server = SmtpServer(free_port())
    _use_smtp(settings, server.port)
    server.start()

    def deliver():
        relay()
        while outbox.pending_count():
            relay()
        sender.deliver_once(channel="email")
        return server.inbox

    server.deliver = deliver  # type: ignore[attr-defined]
    yield server
    server.stop()


def letter(
    *,
    sender: str = "ivanova@example.ru",
    subject: str = "Не приходит код подтверждения",
    text: str = "Здравствуйте! Третий день не приходит SMS с кодом.",
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Иванова Мария <{sender}>"
    message["To"] = MAILBOX
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="example.ru")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    return message
