"""E-mail over SMTP (``EMAIL_URL``): one connection per batch, one result per message.

Each message has a text part and an HTML alternative, a stable ``Message-ID`` per notification
(a re-sent message is recognisably the same one), ``In-Reply-To``/``References`` naming the appeal
so a mail client threads its letters, and a one-click ``List-Unsubscribe`` (RFC 8058).

With Django's SMTP backend the envelope is driven step by step (MAIL, RCPT, DATA) to read the
server's answer per message and tell a refused address (5xx: permanent) from a busy server (4xx,
lost connection, timeout: temporary). Other backends (locmem in tests, the demo's dev outbox) are
called per message.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import logging
import smtplib
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from email.header import Header
from email.utils import formatdate, parseaddr
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address
from django.core.validators import EmailValidator

from priemnaya.appeals.models import Appeal
from priemnaya.core.numbering import format_number
from priemnaya.notifications.channels.base import SendResult
from priemnaya.notifications.models import Notification
from priemnaya.notifications.rendering import appeal_url, site_url
from priemnaya.notifications.unsubscribe import unsubscribe_token

logger = logging.getLogger("priemnaya.notifications.email")

_validate = EmailValidator()
OK_ANSWER = "250 OK"


class Temporary(Exception):
    """The server cannot take mail now (4xx, lost connection, timeout): retry later."""


def mail_domain() -> str:
    """Return the domain of DEFAULT_FROM_EMAIL, used in Message-IDs."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "priemnaya.local"


def appeal_thread_id(appeal: Appeal, domain: str) -> str:
    return f"<appeal-{appeal.number or appeal.pk}@{domain}>"


def unsubscribe_url(*, address: str, user_id: int | None) -> str:
    return f"{site_url()}/u/{unsubscribe_token(address=address, user_id=user_id)}/"


def _headers(
    *, message_id: str, thread: str, address: str, user_id: int | None, auto: str = "auto-generated"
) -> dict[str, str]:
    return {
        "Message-ID": message_id,
        # RFC 3834: a robot must not answer a robot (vacation replies, the e-mail intake itself).
        "Auto-Submitted": auto,
        "In-Reply-To": thread,
        "References": thread,
        "List-Unsubscribe": f"<{unsubscribe_url(address=address, user_id=user_id)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def message_for(row: Notification, *, domain: str) -> EmailMultiAlternatives:
    """Build the e-mail of one notification (text body, HTML alternative, threading headers)."""
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.address],
        headers=_headers(
            message_id=f"<notification-{row.pk}@{domain}>",
            thread=appeal_thread_id(row.appeal, domain),
            address=row.address,
            user_id=row.user_id,
            # Letters to someone who wrote to us by e-mail answer their letters (RFC 3834 §5).
            auto="auto-replied"
            if row.appeal.channel == "email" and row.audience == "applicant"
            else "auto-generated",
        ),
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    return message


def digest_message(rows: Sequence[Notification], *, domain: str) -> EmailMultiAlternatives:
    """Build one «Сводка» e-mail listing several staff notifications to one address."""
    from django.utils.html import format_html, format_html_join

    count = len(rows)
    lines = [
        (
            format_number(row.appeal.number) if row.appeal.number else str(row.appeal_id),
            row.subject,
            appeal_url(row.appeal, "staff"),
        )
        for row in rows
    ]
    text = "\n".join(
        [f"Здравствуйте! За последнее время по обращениям произошло событий: {count}.", ""]
        + [f"• № {number}: {subject}\n  {link}" for number, subject, link in lines]
    )
    html = format_html(
        "<p>Здравствуйте! За последнее время по обращениям произошло событий: {}.</p><ul>{}</ul>",
        count,
        format_html_join(
            "", '<li>№ {}: <a href="{}">{}</a></li>', ((n, link, s) for n, s, link in lines)
        ),
    )
    first = rows[0]
    message = EmailMultiAlternatives(
        subject=f"Сводка: {count} событий по обращениям",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[first.address],
        headers=_headers(
            message_id=f"<digest-{first.pk}-{count}@{domain}>",
            thread=f"<digest-{first.address}@{domain}>",
            address=first.address,
            user_id=first.user_id,
        ),
    )
    del message.extra_headers["In-Reply-To"]
    del message.extra_headers["References"]
    message.attach_alternative(html, "text/html")
    return message


def _invalid(address: str) -> str:
    try:
        _validate(address)
    except ValidationError:
        return f"Некорректный адрес e-mail / invalid address: {address}"
    return ""


def _part(content: str, subtype: str) -> bytes:
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
    ).encode() + base64.encodebytes(content.encode("utf-8")).replace(b"\n", b"\r\n")


@functools.lru_cache(maxsize=16)
def _from_header(from_email: str, encoding: str) -> str:
    return sanitize_address(from_email, encoding)


def _fast_payload(message: EmailMultiAlternatives) -> bytes | None:
    """Write a plain notification (one ASCII recipient, text and maybe HTML) straight to bytes.

    Django's ``message()`` folds and re-encodes every header through the email package: most of
    the sender's CPU per message. Anything less plain (None) goes that way instead.
    """
    to = message.to[0] if len(message.to) == 1 else ""
    html = [c for c, kind in message.alternatives if kind == "text/html"]
    if (
        not to.isascii()
        or "<" in to
        or message.cc
        or message.bcc
        or message.reply_to
        or message.attachments
        or len(message.alternatives) != len(html)
        or len(html) > 1
        or not all(v.isascii() and "\n" not in v for v in message.extra_headers.values())
    ):
        return None
    subject, body = str(message.subject), str(message.body)
    if "\n" in subject or "\r" in subject:
        return None  # Django refuses it (BadHeaderError): never let a header be injected
    encoding = message.encoding or settings.DEFAULT_CHARSET
    subject = Header(subject, "utf-8").encode(linesep="\r\n") if subject else ""
    head = [
        f"From: {_from_header(message.from_email, encoding)}",
        f"To: {to}",
        f"Subject: {subject}",
        f"Date: {formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}",
        "MIME-Version: 1.0",
        *(f"{name}: {value}" for name, value in message.extra_headers.items()),
    ]
    text = _part(body, "plain")
    if not html:
        return ("\r\n".join(head) + "\r\n").encode() + text
    boundary = f"=_{uuid.uuid4().hex}"
    head.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
    mark = f"--{boundary}\r\n".encode()
    return b"".join(
        [
            ("\r\n".join(head) + "\r\n\r\n").encode(),
            mark,
            text,
            b"\r\n",
            mark,
            _part(str(html[0]), "html"),
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )


def _payload(message: EmailMultiAlternatives) -> bytes | Exception:
    """Return the message as SMTP DATA bytes, or what went wrong building it."""
    try:
        if (fast := _fast_payload(message)) is not None:
            return fast
        mime: Any = message.message()
        return mime.as_bytes(linesep="\r\n")
    except Exception as exc:
        return exc


@functools.lru_cache(maxsize=64)
def _envelope_address(address: str, encoding: str) -> str:
    # Django's sanitize_address parses the header grammar: costly per message, so a plain ASCII
    # address (the usual recipient) is taken as it is and the sender's is parsed once.
    if "<" not in address and address.isascii():
        return address
    return sanitize_address(address, encoding)


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {words}".strip()


class _Smtp:
    """A batch's SMTP session over Django's backend (host, TLS, auth, timeout from settings)."""

    def __init__(self) -> None:
        self.backend: Any = None

    def open(self) -> None:
        self.close()
        backend: Any = get_connection(fail_silently=False)
        try:
            backend.open()
            backend.connection.ehlo_or_helo_if_needed()
        except (OSError, smtplib.SMTPException) as exc:
            raise Temporary(f"{type(exc).__name__}: {exc}") from exc
        self.backend = backend

    def close(self) -> None:
        if self.backend is not None:
            # The connection is being dropped anyway; a failing QUIT changes nothing.
            with contextlib.suppress(Exception):
                self.backend.close()
            self.backend = None

    def transmit(self, message: EmailMultiAlternatives, data: bytes) -> SendResult:
        """Send one message on the open connection; raise Temporary if the connection failed."""
        smtp: smtplib.SMTP = self.backend.connection
        encoding = message.encoding or settings.DEFAULT_CHARSET
        sender = _envelope_address(message.from_email, encoding)
        recipients = [_envelope_address(a, encoding) for a in message.recipients()]
        try:
            code, text = smtp.mail(sender)
            if code != 250:
                return self._refused(smtp, code, text)
            for recipient in recipients:
                code, text = smtp.rcpt(recipient)
                if code not in (250, 251):
                    return self._refused(smtp, code, text)
            code, text = smtp.data(data)
            if code != 250:
                return self._refused(smtp, code, text)
        except smtplib.SMTPRecipientsRefused as exc:
            return SendResult(ok=False, error=str(exc.recipients), permanent=True)
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code >= 500:
                return SendResult(
                    ok=False, error=_reply(exc.smtp_code, exc.smtp_error), permanent=True
                )
            raise Temporary(_reply(exc.smtp_code, exc.smtp_error)) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise Temporary(f"{type(exc).__name__}: {exc}") from exc
        return SendResult(ok=True, provider_answer=_reply(code, text) or OK_ANSWER)

    def _refused(self, smtp: smtplib.SMTP, code: int, text: bytes) -> SendResult:
        reply = _reply(code, text)
        if code == 421 or code < 400:
            raise Temporary(reply)  # the server is closing the connection
        try:
            smtp.rset()
        except (OSError, smtplib.SMTPException) as exc:
            raise Temporary(f"{reply}; {type(exc).__name__}: {exc}") from exc
        if code >= 500:
            return SendResult(ok=False, provider_answer=reply, error=reply, permanent=True)
        return SendResult(ok=False, provider_answer=reply, error=reply)


class EmailSender:
    """The «email» channel: SMTP from ``EMAIL_URL``, or any Django e-mail backend."""

    channel = "email"

    def send(self, batch: Sequence[Notification]) -> list[SendResult]:
        domain = mail_domain()
        return self.send_messages([(row, message_for(row, domain=domain)) for row in batch])

    def send_with_digests(
        self, batch: Sequence[Notification], digests: Sequence[Sequence[Notification]]
    ) -> list[SendResult]:
        """Send ``batch``, each group of ``digests`` (rows of the batch) as one «Сводка» e-mail."""
        domain = mail_domain()
        grouped = {row.pk: index for index, group in enumerate(digests) for row in group}
        singles = [row for row in batch if row.pk not in grouped]
        outgoing = [(group[0], digest_message(group, domain=domain)) for group in digests]
        outgoing += [(row, message_for(row, domain=domain)) for row in singles]
        sent = self.send_messages(outgoing)
        # Every row of a digest shares its result; the rest follow the digests in order.
        by_row = {row.pk: result for row, result in zip(singles, sent[len(digests) :], strict=True)}
        for index, group in enumerate(digests):
            by_row |= dict.fromkeys((row.pk for row in group), sent[index])
        return [by_row[row.pk] for row in batch]

    def send_messages(
        self, outgoing: Sequence[tuple[Notification, EmailMultiAlternatives]]
    ) -> list[SendResult]:
        """Send each message; return one result per message, in order. Never raise."""
        results: list[SendResult | None] = [None] * len(outgoing)
        todo = []
        for index, (row, message) in enumerate(outgoing):
            if error := _invalid(row.address):
                results[index] = SendResult(ok=False, error=error, permanent=True)
            else:
                todo.append((index, message))
        if todo:
            backend = get_connection(fail_silently=False)
            if isinstance(backend, SmtpBackend):
                self._over_smtp(todo, results)
            else:
                self._over_backend(backend, todo, results)
        return [r or SendResult(ok=False, error="не отправлено / not sent") for r in results]

    def _over_smtp(
        self, todo: list[tuple[int, EmailMultiAlternatives]], results: list[SendResult | None]
    ) -> None:
        session = _Smtp()
        reopened = False
        position = 0
        # The MIME text is built a message ahead in another thread: building is CPU, sending
        # mostly waits for the server's replies (the GIL is free then), so the two overlap.
        builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mime")
        payloads = builder.map(_payload, [message for _, message in todo])
        try:
            while position < len(todo):
                if session.backend is None:
                    try:
                        session.open()
                    except Temporary as exc:
                        for index, _ in todo[position:]:
                            results[index] = SendResult(ok=False, error=str(exc))
                        return
                index, message = todo[position]
                data = next(payloads)
                if isinstance(data, Exception):
                    error = f"Письмо не собрано / cannot build: {type(data).__name__}: {data}"
                    results[index] = SendResult(ok=False, error=error, permanent=True)
                    position += 1
                    continue
                try:
                    results[index] = session.transmit(message, data)
                except Temporary as exc:
                    results[index] = SendResult(ok=False, error=str(exc))
                    session.close()
                    if reopened:
                        # Lost twice in one batch: the rest waits for the back-off.
                        for rest, _ in todo[position + 1 :]:
                            results[rest] = SendResult(ok=False, error=f"после обрыва: {exc}")
                        return
                    reopened = True
                position += 1
        finally:
            builder.shutdown(wait=False, cancel_futures=True)
            session.close()

    def _over_backend(
        self,
        backend: Any,
        todo: list[tuple[int, EmailMultiAlternatives]],
        results: list[SendResult | None],
    ) -> None:
        with backend:
            for index, message in todo:
                message.connection = backend
                try:
                    backend.send_messages([message])
                except Exception as exc:
                    results[index] = SendResult(ok=False, error=f"{type(exc).__name__}: {exc}")
                else:
                    results[index] = SendResult(ok=True, provider_answer=OK_ANSWER)
