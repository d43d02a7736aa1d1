"""Status without an account (issue 13): the number and a second factor, never the number alone.

The second factor is a one-time six-digit code sent to the contact recorded on the appeal (its
phone, else its e-mail) or the key of the status link (``status_links``). Rules:

- a code lives 10 minutes, works once and is stored only as an HMAC keyed with SECRET_KEY;
- a new code for a number only after a minute's pause and at most five an hour;
- ten failed tries for a number lock it for 30 minutes (code requests included);
- an unknown number (or an appeal without a phone or e-mail) is answered, throttled and locked
  exactly as a known one, and shows a made-up masked contact: the answers never tell whether
  the number exists.

Sending the code is the caller's (``security.status_lookup``): this layer does not send.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction

from priemnaya.appeals.models import Appeal, StatusAccess
from priemnaya.appeals.presenters import Audience, due_date, next_step, status_label
from priemnaya.appeals.selectors import appeal_overdue_event, parse_number
from priemnaya.appeals.states import Status
from priemnaya.appeals.status_links import status_key_matches
from priemnaya.core import clock
from priemnaya.core.errors import TooManyRequests, ValidationFailed
from priemnaya.core.numbering import format_number

CODE_TTL = timedelta(minutes=10)
RESEND_PAUSE = timedelta(seconds=60)
MAX_PER_HOUR = 5
MAX_FAILURES = 10
LOCK = timedelta(minutes=30)
# How long a browser that typed the right code sees the status (web/views/public.py).
GRANT_TTL = timedelta(minutes=30)

CODE_WRONG = "Неверный код. Проверьте цифры и попробуйте ещё раз."
CODE_EXPIRED = "Код устарел или уже использован. Запросите новый."
LOCKED = (
    "Слишком много неверных кодов для этого номера: проверка статуса по нему закрыта "
    "на {minutes} мин. Если обращение ваше, позвоните на горячую линию."
)


@dataclass(frozen=True)
class CodeIssued:
    """A code made for a number: where it goes (empty for an unknown number) and how it is shown."""

    number: str  # digits
    appeal: Appeal | None
    channel: str  # "sms" or "email"
    destination: str  # the appeal's phone or e-mail; "" when nothing is to be sent
    masked: str  # what the page shows: «+7 *** ***-45-67», «i***@mail.ru»
    code: str  # in clear, once; "" when nothing is to be sent


@dataclass(frozen=True)
class PublicStatus:
    """What the public status page and API show: the applicant's vocabulary, dates, the answer."""

    number: str  # as people read it, 26-0001234-9
    status: str
    status_label: str
    next_step: str
    registered_at: datetime | None
    due: date | None
    answer_text: str
    answer_issued_at: datetime | None


# ---- masking ------------------------------------------------------------------------------------


def mask_phone(phone: str) -> str:
    """Return «+7 *** ***-45-67»: only the last four digits of a +7XXXXXXXXXX phone."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"+7 *** ***-{digits[-4:-2]}-{digits[-2:]}" if len(digits) >= 4 else "+7 *** ***-**-**"


def mask_email(email: str) -> str:
    """Return «i***@mail.ru»: the first letter of the mailbox and the domain."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


_DECOY_DOMAINS = ("mail.ru", "yandex.ru", "gmail.com", "bk.ru")


def _decoy(digits: str) -> tuple[str, str]:
    """A made-up (channel, masked contact) for a number without a reachable appeal, always the
    same for the same number, so asking twice shows nothing new."""
    seed = hmac.new(
        settings.SECRET_KEY.encode(), f"status-decoy:{digits}".encode(), hashlib.sha256
    ).digest()
    if seed[0] % 4:
        return "sms", mask_phone("".join(str(b % 10) for b in seed[1:5]))
    letter = "abdeiklmnoprstv"[seed[1] % 15]
    return "email", f"{letter}***@{_DECOY_DOMAINS[seed[2] % len(_DECOY_DOMAINS)]}"


def contact_of(appeal: Appeal) -> tuple[str, str]:
    """Return (channel, destination) a code for the appeal goes to: its phone, else its e-mail."""
    if appeal.contact_phone:
        return "sms", appeal.contact_phone
    if appeal.contact_email:
        return "email", appeal.contact_email
    return "", ""


# ---- the rules ----------------------------------------------------------------------------------


def _digest(digits: str, code: str) -> str:
    message = f"status:{digits}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _appeal_of(digits: str) -> Appeal | None:
    return (
        Appeal.objects.select_related("department")
        .exclude(status=Status.DRAFT)
        .filter(number=digits)
        .first()
    )


def _row(digits: str) -> StatusAccess:
    """The number's row, created on first use and locked for the rest of the transaction."""
    StatusAccess.objects.get_or_create(number=digits)
    return StatusAccess.objects.select_for_update().get(number=digits)


def _locked(row: StatusAccess, now: datetime) -> TooManyRequests | None:
    if row.locked_until is None or row.locked_until <= now:
        return None
    wait = int((row.locked_until - now).total_seconds()) + 1
    minutes = max(1, (wait + 59) // 60)
    return TooManyRequests(LOCKED.format(minutes=minutes), retry_after=wait, field="code")


def status_code_issue(*, number: str) -> CodeIssued:
    """Make a new code for the number (earlier ones stop working) and say where it goes.

    Raise ValidationFailed for a malformed number, TooManyRequests during the pause, over the
    hourly limit or while the number is locked — the same for a number that does not exist.
    """
    digits = parse_number(number)
    appeal = _appeal_of(digits)
    channel, destination = contact_of(appeal) if appeal is not None else ("", "")
    now = clock.now()
    with transaction.atomic():
        row = _row(digits)
        if refused := _locked(row, now):
            raise refused
        if row.sent_at is not None and row.sent_at + RESEND_PAUSE > now:
            wait = int((row.sent_at + RESEND_PAUSE - now).total_seconds()) + 1
            raise TooManyRequests(
                f"Новый код можно запросить через {wait} с.", retry_after=wait, field="number"
            )
        started = row.hour_started_at
        if started is None or started + timedelta(hours=1) <= now:
            started = row.hour_started_at = now
            row.sends = 0
        if row.sends >= MAX_PER_HOUR:
            wait = int((started + timedelta(hours=1) - now).total_seconds()) + 1
            raise TooManyRequests(
                "Слишком много кодов за час для этого номера. Попробуйте позже.",
                retry_after=wait,
                field="number",
            )
        # An unknown number gets a code too (that nobody receives): it expires, counts and
        # locks like a real one.
        code = f"{secrets.randbelow(10**6):06d}"
        row.code_hash = _digest(digits, code)
        row.code_expires_at = now + CODE_TTL
        row.sent_at = now
        row.sends += 1
        row.save()
    if not destination:
        decoy_channel, masked = _decoy(digits)
        return CodeIssued(digits, None, decoy_channel, "", masked, "")
    masked = mask_phone(destination) if channel == "sms" else mask_email(destination)
    return CodeIssued(digits, appeal, channel, destination, masked, code)


def status_code_check(*, number: str, code: str) -> Appeal:
    """Spend the number's code if ``code`` matches it and return the appeal.

    A wrong, spent or expired code raises ValidationFailed on «code» and counts; the tenth
    failure locks the number (TooManyRequests). The failure is committed before the raise.
    """
    digits = parse_number(number)
    typed = "".join((code or "").split())
    now = clock.now()
    refusal: ValidationFailed | TooManyRequests
    with transaction.atomic():
        row = _row(digits)
        if refused := _locked(row, now):
            raise refused
        live = bool(row.code_hash) and row.code_expires_at is not None and row.code_expires_at > now
        appeal = _appeal_of(digits) if live else None
        if live and hmac.compare_digest(row.code_hash, _digest(digits, typed)) and appeal:
            row.code_hash, row.code_expires_at, row.failures = "", None, 0
            row.save(update_fields=["code_hash", "code_expires_at", "failures"])
            return appeal
        row.failures += 1
        if row.failures >= MAX_FAILURES:
            row.locked_until = now + LOCK
            row.failures, row.code_hash, row.code_expires_at = 0, "", None
            refusal = _locked(row, now) or TooManyRequests(LOCKED, retry_after=1)
        else:
            refusal = ValidationFailed.single("code", CODE_WRONG if live else CODE_EXPIRED)
        row.save()
    raise refusal


def status_by_key(*, number: str, key: str) -> Appeal | None:
    """Return the appeal if ``key`` is its status key; None for a wrong key or unknown number."""
    digits = parse_number(number)
    appeal = _appeal_of(digits)
    if appeal is None or not status_key_matches(appeal, key):
        return None
    return appeal


def status_get(*, number: str) -> Appeal | None:
    """Return the numbered appeal for a browser already granted it (web session), else None."""
    return _appeal_of(parse_number(number))


def public_status(appeal: Appeal) -> PublicStatus:
    """Return what anyone holding the number and a second factor may see of the appeal."""
    answer = None
    if appeal.status in (Status.ANSWERED, Status.CLOSED):
        answer = appeal.answers.filter(superseded_at__isnull=True).first()
    return PublicStatus(
        number=format_number(appeal.number or ""),
        status=appeal.status,
        status_label=status_label(appeal.status, Audience.APPLICANT),
        next_step=next_step(appeal, overdue=appeal_overdue_event(appeal=appeal)),
        registered_at=appeal.registered_at or appeal.created_at,
        due=due_date(appeal) if appeal.status not in (Status.CLOSED, Status.WITHDRAWN) else None,
        answer_text=answer.text if answer else "",
        answer_issued_at=answer.issued_at if answer else None,
    )
