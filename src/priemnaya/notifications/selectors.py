"""Reads of notifications: a person's feed and unread count, quality control's failed deliveries."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from priemnaya.accounts.roles import ALL_DEPARTMENTS_ROLES
from priemnaya.core.errors import NotFound
from priemnaya.notifications.devoutbox import outbox_dir
from priemnaya.notifications.models import Channel, Notification, State

if TYPE_CHECKING:
    from priemnaya.accounts.models import User


def feed(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    """Return the user's feed items with their appeals, newest first."""
    items = Notification.objects.filter(user=user, channel=Channel.FEED).select_related("appeal")
    if unread_only:
        items = items.filter(read_at__isnull=True)
    return items.order_by("-created_at", "-id")


def unread_count(user: User) -> int:
    """Return how many feed items the user has not read (one count on the partial index)."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(
        user=user, channel=Channel.FEED, read_at__isnull=True
    ).count()


def failed_deliveries(actor: User) -> QuerySet[Notification]:
    """Return parked deliveries, newest first: all for quality control and administrators."""
    if actor.role not in ALL_DEPARTMENTS_ROLES:
        return Notification.objects.none()
    return (
        Notification.objects.filter(state=State.FAILED)
        .select_related("appeal")
        .order_by("-created_at", "-id")
    )


def notification_of(user: User, notification_id: int) -> Notification:
    """Return one of the user's feed items; another's is as unknown as a missing one."""
    found = (
        Notification.objects.filter(pk=notification_id, user=user, channel=Channel.FEED)
        .select_related("appeal")
        .first()
    )
    if found is None:
        raise NotFound("Уведомление не найдено.", field="id")
    return found


_EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE_IN_TEXT = re.compile(r"\+7\d{10}")


def reason_masked(text: str) -> str:
    """Mask the addresses a provider's answer repeats (an SMTP refusal names the mailbox)."""
    text = _EMAIL_IN_TEXT.sub(lambda m: address_masked(Channel.EMAIL, m.group()), text)
    return _PHONE_IN_TEXT.sub(lambda m: address_masked(Channel.SMS, m.group()), text)


def address_masked(channel: str, address: str) -> str:
    """Show enough of an address to recognise it, not enough to copy it."""
    if channel == Channel.EMAIL and "@" in address:
        local, domain = address.rsplit("@", 1)
        return f"{local[:2]}***@{domain}"
    if channel == Channel.SMS and len(address) > 6:
        return f"{address[:4]}***{address[-4:]}"
    if channel == Channel.PUSH:
        return "подписка браузера"
    return address


# ---- the demo's outbox (devoutbox): what would have left the machine ---------------------------

_OUTBOX_NAME = re.compile(r"^[\w.-]+\.eml$")
OUTBOX_LIMIT = 200


@dataclass(frozen=True)
class OutboxEmail:
    name: str
    subject: str
    to: str
    sender: str
    date: datetime | None
    text: str
    html: str


@dataclass(frozen=True)
class OutboxSms:
    name: str
    to: str
    text: str
    at: datetime | None


def _part(message: EmailMessage, kind: str) -> str:
    part = message.get_body(preferencelist=(kind,))
    return part.get_content() if part is not None else ""


def _moment(parse: Callable[[str], datetime], value: str) -> datetime | None:
    try:
        return parse(value)
    except (TypeError, ValueError):
        return None


def _email_of(path: Path) -> OutboxEmail:
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    return OutboxEmail(
        name=path.name,
        subject=str(message.get("Subject", "")),
        to=str(message.get("To", "")),
        sender=str(message.get("From", "")),
        date=_moment(parsedate_to_datetime, str(message.get("Date", ""))),
        text=_part(message, "plain"),
        html=_part(message, "html"),
    )


def _newest(kind: str, pattern: str) -> list[Path]:
    # File names start with the moment they were written, so the name orders them.
    return sorted(outbox_dir(kind).glob(pattern), key=lambda p: p.name, reverse=True)[:OUTBOX_LIMIT]


def outbox_emails() -> list[OutboxEmail]:
    """Return the e-mails in the dev outbox, newest first."""
    return [_email_of(path) for path in _newest("email", "*.eml")]


def outbox_email(name: str) -> OutboxEmail:
    """Return one e-mail of the dev outbox by its file name."""
    path = outbox_dir("email") / name
    if not _OUTBOX_NAME.match(name) or not path.is_file():
        raise NotFound("Письмо не найдено.", field="name")
    return _email_of(path)


def outbox_sms() -> list[OutboxSms]:
    """Return the SMS in the dev outbox, newest first."""
    found = []
    for path in _newest("sms", "*.json"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        found.append(
            OutboxSms(
                name=path.name,
                to=str(data.get("to", "")),
                text=str(data.get("text", "")),
                at=_moment(datetime.fromisoformat, str(data.get("at", ""))),
            )
        )
    return found
