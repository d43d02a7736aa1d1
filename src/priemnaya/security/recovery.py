"""Password reset by a one-time code and password change; both end every other session and token.

A reset asks for a login and always answers the same; a code goes by SMS to the confirmed phone,
else by e-mail to the confirmed address, and nowhere for an unknown login or an account without
a confirmed contact. Confirming takes the code and the new password; any wrong code (or unknown
login) gets one message, so the pages never tell whether an account exists.
"""

from __future__ import annotations

import logging

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from priemnaya.accounts.codes import code_check
from priemnaya.accounts.models import ApiToken, CodePurpose, User, UserSession
from priemnaya.accounts.selectors import user_find_by_login
from priemnaya.audit.services import audit_record
from priemnaya.core.contacts import ContactInvalid, normalize_email, normalize_phone
from priemnaya.core.errors import ApplicationError, ValidationFailed
from priemnaya.security import lockout
from priemnaya.security.delivery import code_send_email, code_send_sms

logger = logging.getLogger(__name__)

RESET_SENT = (
    "Если учётная запись с этим логином есть, мы отправили код на подтверждённый телефон "
    "или e-mail. Код действует 10 минут."
)
CODE_BAD = "Код неверный или устарел. Проверьте цифры или запросите новый код."
PASSWORDS_DIFFER = "Пароли не совпадают."
OLD_PASSWORD_WRONG = "Текущий пароль введён неверно."  # noqa: S105 — a message


def reset_request(*, login: str) -> None:
    """Send a reset code if ``login`` is an active account with a confirmed contact; else nothing.

    Never raises for reasons that depend on the account (pauses between codes, a gateway down):
    the caller answers the same either way.
    """
    user = user_find_by_login(login=login)
    if user is None or not user.is_active:
        return
    try:
        if user.phone and user.phone_confirmed_at:
            code_send_sms(user=user, purpose=CodePurpose.RESET, phone=user.phone)
        elif user.email and user.email_confirmed_at:
            code_send_email(user=user, purpose=CodePurpose.RESET, email=user.email)
    except ApplicationError as exc:  # too soon after the last code, or not sent
        logger.info("password reset code not sent: %s", exc.code)


def _stand_in(login: str) -> User:
    """An unsaved account with ``login`` as its contact: the password rules see the same input."""
    try:
        if "@" in login:
            return User(email=normalize_email(login))
        return User(phone=normalize_phone(login))
    except ContactInvalid:
        return User()


def _password_problems(password: str, password2: str | None, user: User) -> list[str]:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        return list(exc.messages)
    if password2 is not None and password != password2:
        return [PASSWORDS_DIFFER]
    return []


def _end_everything(user: User, *, keep_session: str | None = None) -> None:
    """Revoke every API token and end every session of ``user`` but ``keep_session``."""
    now = timezone.now()
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    sessions = UserSession.objects.filter(user=user, ended_at__isnull=True)
    if keep_session:
        sessions = sessions.exclude(session_key=keep_session)
    keys = list(sessions.values_list("session_key", flat=True))
    sessions.update(ended_at=now)
    Session.objects.filter(session_key__in=keys).delete()


def _set_password(user: User, password: str) -> None:
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])


def reset_confirm(*, login: str, code: str, password: str, password2: str | None = None) -> User:
    """Set a new password with the reset code; end all sessions and tokens; unlock the login.

    Raises ValidationFailed on "password" (rules, the two differ) or "code" (one message for a
    wrong, used or expired code and for a login without an account).
    """
    user = user_find_by_login(login=login)
    if problems := _password_problems(password, password2, user or _stand_in(login)):
        raise ValidationFailed({"password": problems})
    if user is None or not user.is_active:
        raise ValidationFailed.single("code", CODE_BAD)
    with transaction.atomic():
        try:
            code_check(user=user, purpose=CodePurpose.RESET, code=code, field="code")
        except ValidationFailed as exc:
            raise ValidationFailed.single("code", CODE_BAD) from exc
        _set_password(user, password)
        _end_everything(user)
        audit_record(action="password.reset", actor=user, target_type="user", target_id=user.pk)
    for key in (login, user.email, user.phone):
        lockout.lock_reset(key)
    return user


def password_change(
    request: HttpRequest, *, user: User, old: str, password: str, password2: str
) -> None:
    """Change the signed-in person's password; every other session and all tokens end.

    This browser stays signed in (update_session_auth_hash). Raises ValidationFailed on
    "old_password" or "password".
    """
    if not user.check_password(old):
        raise ValidationFailed.single("old_password", OLD_PASSWORD_WRONG)
    if problems := _password_problems(password, password2, user):
        raise ValidationFailed({"password": problems})
    with transaction.atomic():
        _set_password(user, password)
        current = request.session.session_key
        _end_everything(user, keep_session=current)
        # Sessions the list does not know of die by the new hash; this one is re-keyed to it.
        update_session_auth_hash(request, user)
        if current and request.session.session_key != current:
            UserSession.objects.filter(session_key=current).update(
                session_key=request.session.session_key
            )
        audit_record(action="password.changed", actor=user, target_type="user", target_id=user.pk)
