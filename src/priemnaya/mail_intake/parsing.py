"""Reading an inbound message with the stdlib ``email`` package, whatever state it is in.

Nothing here raises on bad input: broken MIME, an unknown charset or a missing header become
remarks and a best-effort text (decoded with replacement characters), so that a message can always
be stored, shown and handled. HTML is turned into plain text and never rendered.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

# RFC 3834 and what common robots send instead (Microsoft, older vacation programs).
_BULK_PRECEDENCE = {"bulk", "junk", "list"}
_ROBOT_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")
_ROBOT_SENDERS = {"mailer-daemon", "postmaster"}
_MSGID = re.compile(r"<[^<>\s]+>")


@dataclass
class Attachment:
    name: str
    data: bytes


@dataclass
class ParsedMail:
    message_id: str = ""
    sender: str = ""  # the From address, lowercased
    sender_name: str = ""
    subject: str = ""
    text: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    robot: str = ""  # why this is an automatic message (auto-reply, bounce, list), or ""
    remarks: list[str] = field(default_factory=list)

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this one answers, nearest first (In-Reply-To, then References backwards)."""
        return list(dict.fromkeys([*self.in_reply_to, *reversed(self.references)]))


class _TextOfHtml(HTMLParser):
    """Visible text of an HTML part: tags dropped, scripts and styles skipped, blocks on lines."""

    _SKIP = {"script", "style", "head", "title", "template"}
    _BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Return the readable text of an HTML body (never rendered, never executed)."""
    parser = _TextOfHtml()
    # A hostile page still yields what was read before the parser gave up.
    with contextlib.suppress(Exception):
        parser.feed(html)
        parser.close()
    text = "".join(parser.parts)
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _header(message: Message, name: str) -> str:
    """Return a header as text, or "" if it is missing or cannot be decoded."""
    try:
        value = message.get(name)
    except Exception:
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def _ids(value: str) -> list[str]:
    return _MSGID.findall(value)


def _decoded(part: Message, remarks: list[str]) -> str:
    """Return a text part's content; an unknown or wrong charset is read with replacements."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset)
    except LookupError:
        remarks.append(f"Неизвестная кодировка «{charset[:40]}»: текст прочитан с заменой знаков.")
    except UnicodeDecodeError:
        remarks.append(f"Текст не в кодировке «{charset[:40]}»: прочитан с заменой знаков.")
    return payload.decode("utf-8", errors="replace")


def _filename(part: Message) -> str:
    try:
        return part.get_filename() or ""
    except Exception:
        return ""


def _walk(message: Message, result: ParsedMail) -> None:
    plain: list[str] = []
    html: list[str] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        disposition = (part.get_content_disposition() or "").lower()
        ctype = part.get_content_type()
        name = _filename(part)
        if disposition == "attachment" or (name and ctype not in ("text/plain", "text/html")):
            data = part.get_payload(decode=True)
            if isinstance(data, bytes):
                result.attachments.append(Attachment(name or "без имени", data))
            continue
        if ctype == "text/plain":
            plain.append(_decoded(part, result.remarks))
        elif ctype == "text/html":
            html.append(_decoded(part, result.remarks))
        elif ctype.startswith("message/") or ctype == "text/rfc822-headers":
            continue
        else:
            data = part.get_payload(decode=True)
            if isinstance(data, bytes) and data:
                result.attachments.append(Attachment(name or f"part.{ctype.split('/')[-1]}", data))
    if plain:
        result.text = "\n\n".join(t.strip() for t in plain if t.strip())
    elif html:
        result.text = "\n\n".join(html_to_text(t) for t in html)
        result.remarks.append("Письмо только в HTML: разметка убрана, сохранён текст.")


def robot_reason(message: Message, *, envelope_from: str) -> str:
    """Return why the message was sent by a program and must get no answer (RFC 3834), or ""."""
    auto = _header(message, "Auto-Submitted").lower()
    if auto and auto.split(";")[0].strip() != "no":
        return f"Автоматическое письмо (Auto-Submitted: {auto[:60]})"
    if _header(message, "Precedence").lower() in _BULK_PRECEDENCE:
        return f"Рассылка или автоответ (Precedence: {_header(message, 'Precedence')[:30]})"
    for name in _ROBOT_HEADERS:
        if _header(message, name):
            return f"Автоответ (заголовок {name})"
    if message.get_content_type() == "multipart/report":
        return "Уведомление о недоставке (multipart/report)"
    if envelope_from.strip() in ("", "<>"):
        return "Уведомление о недоставке (пустой обратный адрес)"
    local = parseaddr(_header(message, "From"))[1].partition("@")[0].lower()
    if local in _ROBOT_SENDERS:
        return f"Уведомление почтового сервера ({local})"
    return ""


def parse_head(raw: bytes, *, envelope_from: str = "") -> ParsedMail:
    """Read only the headers the store keeps (Message-ID, From, Subject); never raises."""
    result = ParsedMail()
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
        result.message_id = (_ids(_header(message, "Message-ID")) or [""])[0][:998]
        address = parseaddr(_header(message, "From"))[1]
        result.subject = _header(message, "Subject")[:500]
    except Exception:
        address = ""
    if "@" not in address:
        address = envelope_from.strip("<>")
    result.sender = address.strip().lower()[:320]
    return result


def parse(raw: bytes, *, envelope_from: str = "") -> ParsedMail:
    """Read a raw message into what the intake needs; never raises on malformed input."""
    result = ParsedMail()
    try:
        message: Message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception:
        result.remarks.append("Письмо не разобрано стандартным способом: прочитано упрощённо.")
        message = BytesParser(policy=policy.compat32).parsebytes(raw)
    if getattr(message, "defects", None) or any(
        getattr(p, "defects", None) for p in message.walk()
    ):
        result.remarks.append("Структура письма повреждена (MIME): прочитано, что удалось.")
    result.message_id = (_ids(_header(message, "Message-ID")) or [""])[0][:998]
    try:
        pairs = getaddresses([_header(message, "From")])
    except Exception:
        pairs = []
    name, address = pairs[0] if pairs else ("", "")
    if "@" not in address:
        address = envelope_from.strip("<>")
    result.sender, result.sender_name = address.strip().lower()[:320], name.strip()[:300]
    result.subject = _header(message, "Subject")[:500]
    result.in_reply_to = _ids(_header(message, "In-Reply-To"))
    result.references = _ids(_header(message, "References"))
    result.robot = robot_reason(message, envelope_from=envelope_from)
    try:
        _walk(message, result)
    except Exception as exc:
        result.remarks.append(f"Часть письма не прочитана: {type(exc).__name__}.")
    if isinstance(message, EmailMessage) and not result.text and not result.attachments:
        result.remarks.append("В письме нет текста.")
    return result
