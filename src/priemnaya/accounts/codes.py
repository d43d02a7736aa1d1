"""One-time codes (SMS codes, e-mail link secrets): issued, limited, checked once.

A code lives 10 minutes, is stored only as an HMAC keyed with SECRET_KEY, allows a few attempts,
and can be sent again only after a pause and only a few times an hour (issue 9).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction

from priemnaya.accounts.models import OneTimeCode, User
from priemnaya.audit.services import audit_record
from priemnaya.core import clock
from priemnaya.core.errors import TooManyRequests, ValidationFailed

TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 5
# A new code for the same purpose only after this pause, and at most this many an hour.
RESEND_PAUSE = timedelta(seconds=60)
MAX_PER_HOUR = 5

CODE_EXPIRED = "Код устарел или уже использован. Запросите новый."
CODE_WRONG = "Неверный код. Проверьте цифры и попробуйте ещё раз."
CODE_EXHAUSTED = "Слишком много неверных попыток. Запросите новый код."


def _digest(*, user_id: int, purpose: str, secret: str) -> str:
    message = f"{user_id}:{purpose}:{secret}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def code_issue(
    *, user: User, purpose: str, channel: str, destination: str, link: bool = False
) -> str:
    """Make a new code for ``purpose`` (earlier ones stop working) and return it in clear, once.

    ``link`` makes a long URL-safe secret for an e-mail link instead of six digits. Raises
    TooManyRequests (with seconds to wait) when codes are asked for too often.
    """
    now = clock.now()
    with transaction.atomic():
        recent = list(
            OneTimeCode.objects.select_for_update()
            .filter(user=user, purpose=purpose, created_at__gt=now - timedelta(hours=1))
            .order_by("-created_at")
        )
        if recent and recent[0].created_at + RESEND_PAUSE > now:
            wait = (recent[0].created_at + RESEND_PAUSE - now).total_seconds()
            raise TooManyRequests(
                f"Новый код можно запросить через {int(wait) + 1} с.",
                retry_after=int(wait) + 1,
                field="code",
            )
        if len(recent) >= MAX_PER_HOUR:
            wait = (recent[-1].created_at + timedelta(hours=1) - now).total_seconds()
            raise TooManyRequests(
                "Слишком много кодов за час. Попробуйте позже.",
                retry_after=int(wait) + 1,
                field="code",
            )
        OneTimeCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True).update(
            used_at=now
        )
        secret = secrets.token_urlsafe(32) if link else f"{secrets.randbelow(10**6):06d}"
        OneTimeCode.objects.create(
            user=user,
            purpose=purpose,
            channel=channel,
            destination=destination,
            code_hash=_digest(user_id=user.pk, purpose=purpose, secret=secret),
            created_at=now,
            last_sent_at=now,
            expires_at=now + TTL,
        )
    return secret


def code_check(*, user: User, purpose: str, code: str, field: str = "code") -> OneTimeCode:
    """Spend the live code for ``purpose`` if ``code`` matches it; else raise ValidationFailed.

    Each wrong try counts; after MAX_ATTEMPTS the code is dead. A used code never works again.
    """
    now = clock.now()
    with transaction.atomic():
        live = (
            OneTimeCode.objects.select_for_update()
            .filter(user=user, purpose=purpose, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if live is None:
            reason, message = "expired", CODE_EXPIRED
        elif live.attempts >= MAX_ATTEMPTS:
            reason, message = "exhausted", CODE_EXHAUSTED
        else:
            typed = "".join((code or "").split())
            expected = _digest(user_id=user.pk, purpose=purpose, secret=typed)
            if hmac.compare_digest(live.code_hash, expected):
                live.used_at = now
                live.save(update_fields=["used_at"])
                return live
            live.attempts += 1
            live.save(update_fields=["attempts"])
            exhausted = live.attempts >= MAX_ATTEMPTS
            reason = "exhausted" if exhausted else "wrong"
            message = CODE_EXHAUSTED if exhausted else CODE_WRONG
    # After the block has committed: the counted attempt and the audit entry both stay.
    _refused(user, purpose, reason)
    raise ValidationFailed.single(field, message)


def _refused(user: User, purpose: str, reason: str) -> None:
    """A wrong, expired, replayed or exhausted code is audited (ids and codes only)."""
    audit_record(
        action="code.refused",
        actor=None,  # whoever typed it; the account is the target
        target_type="user",
        target_id=user.pk,
        details={"purpose": purpose, "reason": reason},
    )


def code_live(*, user: User, purpose: str) -> OneTimeCode | None:
    """The code for ``purpose`` that can still be used, if any (to show where it was sent)."""
    return (
        OneTimeCode.objects.filter(
            user=user, purpose=purpose, used_at__isnull=True, expires_at__gt=clock.now()
        )
        .order_by("-created_at")
        .first()
    )
