"""Who must pass a second factor at sign-in, and checking the code they give.

The sign-in page and the token endpoint both ask ``second_factor_required``; a browser whose
password was right but who still owes a code keeps only ``PENDING_KEY`` in its session (no login)
until the second-factor page takes the code.
"""

from __future__ import annotations

from django.conf import settings
from django_otp import devices_for_user

from priemnaya.accounts.codes import code_check
from priemnaya.accounts.models import CodePurpose, User
from priemnaya.core.errors import ValidationFailed

WRONG_CODE = "Неверный код второго фактора."

# Session key of a sign-in waiting for its second factor: {"user_id", "remember", "next", "at"}.
PENDING_KEY = "priemnaya_pending_sign_in"


def has_authenticator(user: User) -> bool:
    """The user has a confirmed authenticator app (TOTP) device."""
    return any(device.persistent_id.startswith("otp_totp") for device in devices_for_user(user))


def second_factor_required(user: User) -> bool:
    """Staff always (unless the setting is off); citizens who turned it on (TOTP or SMS)."""
    if not user.is_citizen and settings.PRIEMNAYA_STAFF_SECOND_FACTOR:
        return True
    return user.second_factor_sms or has_authenticator(user)


def second_factor_verify(user: User, code: str, *, field: str = "otp") -> str:
    """Accept a TOTP code, a recovery code, or the SMS code sent for sign-in; return which.

    Raises ValidationFailed naming ``field`` when none matches.
    """
    typed = "".join((code or "").split())
    if not typed:
        raise ValidationFailed.single(
            field, "Введите код из приложения, SMS или код восстановления."
        )
    for device in devices_for_user(user):
        if device.verify_token(typed):
            return "recovery_code" if device.persistent_id.startswith("otp_static") else "totp"
    if typed.isdigit() and len(typed) == 6 and (user.second_factor_sms or user.phone_confirmed_at):
        try:
            code_check(user=user, purpose=CodePurpose.SECOND_FACTOR, code=typed, field=field)
        except ValidationFailed as exc:
            # code_check counted and audited the try; six digits may also be a mistyped TOTP
            # code, so the person hears the one message that fits both.
            raise ValidationFailed.single(field, WRONG_CODE) from exc
        return "sms"
    raise ValidationFailed.single(field, WRONG_CODE)
