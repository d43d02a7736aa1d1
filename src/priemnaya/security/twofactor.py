"""The second factor: the sign-in's second step, and enrolling or removing the factors.

The password step (the sign-in page) leaves ``PENDING_KEY`` in the session and logs nobody in;
``second_factor_complete`` takes the code, keeps the attempt count and the 5-minute limit, and
records the outcome. Authenticator apps are django-otp ``TOTPDevice`` rows (unconfirmed while
being set up), recovery codes the ``StaticToken`` rows of one ``StaticDevice``.
"""

from __future__ import annotations

from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user
from django_otp.models import ThrottlingMixin
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from priemnaya.accounts.codes import code_live
from priemnaya.accounts.models import CodePurpose, SignInEvent, User
from priemnaya.audit.services import audit_record
from priemnaya.core import clock
from priemnaya.core.errors import ApplicationError, TooManyRequests, ValidationFailed
from priemnaya.security.delivery import CodeNotSent, code_send_sms
from priemnaya.security.second_factor import (
    PENDING_KEY,
    has_authenticator,
    second_factor_verify,
)

PENDING_TTL = timedelta(minutes=5)
# After this many wrong codes the pending sign-in is dropped: the password is asked again.
MAX_WRONG_CODES = 5
RECOVERY_CODES = 10
AUTHENTICATOR_NAME = "Приложение-аутентификатор"
RECOVERY_NAME = "Коды восстановления"

PENDING_MISSING = "Войдите, чтобы продолжить."
PENDING_EXPIRED = "Время на ввод кода истекло (5 минут). Войдите снова."
PENDING_EXHAUSTED = "Слишком много неверных кодов. Войдите снова."
CODE_FIELD = "otp"


class PendingGone(ApplicationError):
    """No sign-in waits for a second factor (never started, too old, or too many wrong codes)."""

    code = "second_factor_expired"
    status = 400


@dataclass(frozen=True)
class Pending:
    """A sign-in that passed the password and owes a second factor."""

    user: User
    remember: bool
    next: str
    attempts: int


@dataclass(frozen=True)
class Completed:
    user: User
    remember: bool
    next: str
    method: str  # "totp", "recovery_code", "sms" or "none" (nothing to ask for yet)


# ---- the sign-in's second step ------------------------------------------------------------------


def _parse_at(value: Any) -> datetime | None:
    try:
        at = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


def pending_sign_in(session) -> Pending:
    """The sign-in waiting in ``session``; raises PendingGone (and forgets it) when it is over."""
    data = session.get(PENDING_KEY)
    if not isinstance(data, dict) or "user_id" not in data:
        raise PendingGone(PENDING_MISSING)
    at = _parse_at(data.get("at"))
    if at is None or clock.now() - at > PENDING_TTL or at > clock.now() + timedelta(minutes=1):
        session.pop(PENDING_KEY, None)
        raise PendingGone(PENDING_EXPIRED)
    attempts = int(data.get("attempts") or 0)
    if attempts >= MAX_WRONG_CODES:
        session.pop(PENDING_KEY, None)
        raise PendingGone(PENDING_EXHAUSTED)
    user = User.objects.filter(pk=data["user_id"], is_active=True).first()
    if user is None:
        session.pop(PENDING_KEY, None)
        raise PendingGone(PENDING_MISSING)
    return Pending(
        user=user,
        remember=bool(data.get("remember")),
        next=str(data.get("next") or ""),
        attempts=attempts,
    )


def attempts_left(session) -> int:
    data = session.get(PENDING_KEY)
    used = int(data.get("attempts") or 0) if isinstance(data, dict) else 0
    return max(MAX_WRONG_CODES - used, 0)


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def factors_usable(user: User) -> bool:
    """The user can prove a second factor now: an app, a recovery code or a confirmed phone."""
    return (
        user.phone_confirmed_at is not None
        or has_authenticator(user)
        or recovery_codes_left(user) > 0
    )


def sms_possible(user: User) -> bool:
    """The user has a confirmed phone to get codes on."""
    return bool(user.phone and user.phone_confirmed_at)


def mask_phone(phone: str) -> str:
    """+79161234567 → +7 *** ***-45-67: enough to recognise one's own number."""
    return f"{phone[:2]} *** ***-{phone[-4:-2]}-{phone[-2:]}" if len(phone) >= 6 else "***"


def second_factor_sms_send(*, user: User) -> str:
    """Send a sign-in code to the confirmed phone; return the masked number.

    Raises ValidationFailed (no confirmed phone), TooManyRequests (asked too often) or
    CodeNotSent (the gateway refused).
    """
    if not sms_possible(user):
        raise ValidationFailed.single(CODE_FIELD, "У учётной записи нет подтверждённого телефона.")
    phone = user.phone or ""
    try:
        code_send_sms(user=user, purpose=CodePurpose.SECOND_FACTOR, phone=phone)
    except (TooManyRequests, CodeNotSent) as exc:
        exc.field = CODE_FIELD
        raise
    return mask_phone(phone)


def second_factor_sms_auto(*, user: User) -> str | None:
    """Without an authenticator the SMS code goes out by itself (once); the masked number."""
    if has_authenticator(user) or not sms_possible(user):
        return None
    if code_live(user=user, purpose=CodePurpose.SECOND_FACTOR) is not None:
        return mask_phone(user.phone or "")
    try:
        return second_factor_sms_send(user=user)
    except (TooManyRequests, CodeNotSent):
        return None


def _record(user: User, outcome: str, ip: str | None, user_agent: str) -> None:
    event = SignInEvent(
        user=user,
        at=clock.now(),
        method="second_factor",
        outcome=outcome,
        ip=ip,
        user_agent=user_agent[:300],
    )
    event.save()


def second_factor_complete(*, session, code: str, ip: str | None, user_agent: str) -> Completed:
    """Check the code for the waiting sign-in; on success forget it and say whom to log in.

    A wrong code raises ValidationFailed (field ``otp``) and counts; the fifth wrong code, like a
    sign-in older than 5 minutes, raises PendingGone. Both outcomes go to the sign-in history
    and the audit log.
    """
    pending = pending_sign_in(session)
    user = pending.user
    # Recovery codes are stored in lower case; people copy them with capitals or dashes too.
    typed = "".join((code or "").split())
    if not typed.isdigit():
        typed = typed.replace("-", "").lower()
    try:
        method = second_factor_verify(user, typed, field=CODE_FIELD)
    except ValidationFailed:
        attempts = pending.attempts + 1
        _record(user, SignInEvent.Outcome.BAD_CODE, ip, user_agent)
        audit_record(
            action="signin.failed",
            actor=user,
            target_type="user",
            target_id=user.pk,
            details={"reason": "bad_code", "method": "second_factor"},
        )
        if attempts >= MAX_WRONG_CODES:
            session.pop(PENDING_KEY, None)
            raise PendingGone(PENDING_EXHAUSTED) from None
        session[PENDING_KEY] = {**session[PENDING_KEY], "attempts": attempts}
        raise
    session.pop(PENDING_KEY, None)
    # Each device counted this code as a failure when it was another's (an SMS code tried on the
    # app first): the person is proven now, so the waits between tries start afresh.
    for device in devices_for_user(user):
        if isinstance(device, ThrottlingMixin) and device.throttling_failure_count:
            device.throttle_reset()
    _record(user, SignInEvent.Outcome.OK, ip, user_agent)
    audit_record(
        action="signin.ok",
        actor=user,
        target_type="user",
        target_id=user.pk,
        details={"method": "second_factor", "factor": method},
    )
    return Completed(user=user, remember=pending.remember, next=pending.next, method=method)


def second_factor_waive(*, session, ip: str | None, user_agent: str) -> Completed:
    """Let in a person who owes a second factor but has none to give yet (staff before enrolment).

    Only when ``factors_usable`` is false: the staff middleware then allows nothing but the
    enrolment of an authenticator.
    """
    pending = pending_sign_in(session)
    user = pending.user
    if factors_usable(user):
        raise ValidationFailed.single(CODE_FIELD, "Введите код второго фактора.")
    session.pop(PENDING_KEY, None)
    _record(user, SignInEvent.Outcome.OK, ip, user_agent)
    audit_record(
        action="signin.ok",
        actor=user,
        target_type="user",
        target_id=user.pk,
        details={"method": "second_factor", "factor": "none"},
    )
    return Completed(user=user, remember=pending.remember, next=pending.next, method="none")


# ---- the authenticator app ----------------------------------------------------------------------


def totp_pending_device(user: User) -> TOTPDevice:
    """The authenticator being set up (unconfirmed), made on first call and kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def totp_secret(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app by hand."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def totp_uri(device: TOTPDevice, user: User) -> str:
    """The otpauth:// URI the QR code carries (Key Uri Format)."""
    issuer = getattr(settings, "OTP_TOTP_ISSUER", "Приёмная").replace(":", "")
    label = quote(f"{issuer}:{user.email or user.phone or user.pk}")
    params = urlencode(
        {
            "secret": b32encode(device.bin_key).decode().rstrip("="),
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": device.digits,
            "period": device.step,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{params}"


def totp_qr_svg(device: TOTPDevice, user: User) -> str:
    """The QR code as inline SVG markup, made here (segno): no request leaves the server."""
    qr = segno.make(totp_uri(device, user), error="m")
    # omitsize: a viewBox without a fixed size, so the page's CSS scales it to the screen.
    return qr.svg_inline(
        scale=5, border=4, omitsize=True, title="QR-код для приложения-аутентификатора"
    )


def _recovery_codes_new(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def totp_confirm(*, user: User, code: str) -> list[str]:
    """Confirm the app being set up with a code from it; return 10 new recovery codes (once)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        raise ValidationFailed.single(CODE_FIELD, "Начните подключение приложения заново.")
    typed = "".join((code or "").split())
    if not (typed.isdigit() and len(typed) == device.digits):
        raise ValidationFailed.single(CODE_FIELD, "Введите 6 цифр из приложения.")
    if not device.verify_token(typed):
        raise ValidationFailed.single(
            CODE_FIELD, "Код не подошёл. Проверьте время на телефоне и введите новый код."
        )
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_new(user)
    audit_record(
        action="second_factor.enrolled",
        actor=user,
        target_type="user",
        target_id=user.pk,
        details={"method": "totp"},
    )
    return codes


@transaction.atomic
def totp_remove(*, user: User, code: str) -> None:
    """Remove the authenticator and the recovery codes, on a current code from the app."""
    if not has_authenticator(user):
        raise ValidationFailed.single(CODE_FIELD, "Приложение-аутентификатор не подключено.")
    typed = "".join((code or "").split())
    if not typed:
        raise ValidationFailed.single(CODE_FIELD, "Введите код из приложения.")
    devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    if not any(device.verify_token(typed) for device in devices):
        raise ValidationFailed.single(CODE_FIELD, "Неверный код из приложения.")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(
        action="second_factor.removed",
        actor=user,
        target_type="user",
        target_id=user.pk,
        details={"method": "totp"},
    )


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """Replace the recovery codes with 10 new ones (the old stop working); return them once."""
    if not has_authenticator(user):
        raise ValidationFailed.single(
            CODE_FIELD, "Коды восстановления выдаются вместе с приложением-аутентификатором."
        )
    codes = _recovery_codes_new(user)
    audit_record(
        action="second_factor.recovery_codes",
        actor=user,
        target_type="user",
        target_id=user.pk,
        details={"method": "recovery_code", "count": RECOVERY_CODES},
    )
    return codes


# ---- SMS as the second factor -------------------------------------------------------------------


@transaction.atomic
def sms_factor_set(*, user: User, on: bool) -> None:
    """A citizen with a confirmed phone turns SMS codes at sign-in on or off."""
    if on and not sms_possible(user):
        raise ValidationFailed.single(
            "second_factor_sms", "Сначала подтвердите номер телефона в профиле."
        )
    if user.second_factor_sms == on:
        return
    user.second_factor_sms = on
    user.save(update_fields=["second_factor_sms"])
    audit_record(
        action="second_factor.enrolled" if on else "second_factor.removed",
        actor=user,
        target_type="user",
        target_id=user.pk,
        details={"method": "sms"},
    )
