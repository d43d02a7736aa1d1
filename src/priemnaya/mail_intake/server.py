"""The inbound SMTP endpoint (aiosmtpd): refuses what is not ours, stores, then hands over.

A message is stored raw before «250» is said, so nothing accepted is lost: handling it happens
after the answer, in a worker thread, and a message left unhandled (a crash in between) is picked
up by the periodic sweep. A store that fails answers 451, and the sending server tries again.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.db import close_old_connections, connections

from priemnaya.mail_intake import services

logger = logging.getLogger("priemnaya.mail_intake")

DEFAULT_MAX_BYTES = 15 * 1024 * 1024


def _in_thread(function, *args):
    """Run ORM work with a fresh-enough connection, as a request would."""
    close_old_connections()
    try:
        return function(*args)
    finally:
        close_old_connections()


class IntakeHandler:
    """aiosmtpd handler: RCPT only for our addresses (550 otherwise); DATA stored, then handled."""

    def __init__(self, *, addresses: set[str] | None = None) -> None:
        self.addresses = addresses if addresses is not None else services.own_addresses()
        # One thread: messages are handled in the order they came, on one database connection.
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mail-intake")

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options
    ) -> str:
        if address.strip().lower() not in self.addresses:
            return "550 5.1.1 Mailbox unavailable: no such address here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        loop = asyncio.get_running_loop()
        raw = envelope.original_content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            stored = await loop.run_in_executor(
                self.executor,
                _in_thread,
                lambda: services.inbound_store(
                    raw, mail_from=envelope.mail_from or "", rcpt_to=list(envelope.rcpt_tos)
                ),
            )
        except Exception:
            logger.exception("inbound message not stored")
            return "451 4.3.0 Temporary failure, please try again later"
        # Handled after the answer: a slow or failing step never makes the sender resend.
        loop.run_in_executor(self.executor, _in_thread, services.inbound_process, stored.pk)
        return f"250 2.0.0 Accepted as {stored.pk}"

    def sweep(self) -> None:
        """Hand over stored messages left unhandled (queued in the same thread, in order)."""
        self.executor.submit(_in_thread, services.inbound_process_pending)

    def close(self) -> None:
        # The handling thread's database connection goes with it, not when the process ends.
        self.executor.submit(connections.close_all)
        self.executor.shutdown(wait=True)


def max_bytes() -> int:
    return getattr(settings, "PRIEMNAYA_MAIL_MAX_BYTES", DEFAULT_MAX_BYTES)


def controller(host: str, port: int, handler: IntakeHandler | None = None) -> Controller:
    """Return an unstarted aiosmtpd controller of the intake on host:port."""
    return Controller(
        handler or IntakeHandler(),
        hostname=host,
        port=port,
        data_size_limit=max_bytes(),
        ident="Priemnaya mail intake",
    )


def parse_address(value: str) -> tuple[str, int]:
    """Return (host, port) of ``host:port`` as PRIEMNAYA_MAIL_INBOUND gives it."""
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"PRIEMNAYA_MAIL_INBOUND: ожидается host:port, получено {value!r}")
    return host.strip("[]"), int(port)


def serve(host: str, port: int, *, stop: threading.Event, sweep_every: float = 30.0) -> None:
    """Run the endpoint until ``stop`` is set; sweep unhandled messages now and then."""
    # aiosmtpd logs every connection at INFO: too much for a log people read.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = IntakeHandler()
    smtp = controller(host, port, handler)
    smtp.start()
    logger.info("mail intake on %s:%s for %s", host, port, ", ".join(sorted(handler.addresses)))
    try:
        handler.sweep()
        while not stop.wait(sweep_every):
            handler.sweep()
    finally:
        smtp.stop()
        handler.close()
