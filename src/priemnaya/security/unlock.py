"""Unlocking a locked login before its 30 minutes end.

Early, by the person: an image captcha, then an SMS code to the account's confirmed phone
(purpose UNLOCK). A login without an account or without a confirmed phone walks the same pages
and gets the same answers; no code goes anywhere.

By an operator: only with how identity was checked recorded (audited with the method).
"""

from __future__ import annotations

import logging

from django.db import transaction

from priemnaya.accounts.codes import code_check
from priemnaya.accounts.models import CodePurpose, User
from priemnaya.accounts.roles import Role
from priemnaya.accounts.selectors import user_find_by_login
from priemnaya.audit.services import audit_record
from priemnaya.core.errors import ApplicationError, NotPermitted, ValidationFailed
from priemnaya.security import lockout
from priemnaya.security.delivery import code_send_sms
from priemnaya.security.recovery import CODE_BAD

logger = logging.getLogger(__name__)

# How the operator checked that the caller owns the account (SPEC §13, issue 9 part 7).
IDENTITY_CHECKS = {
    "passport": "паспорт при личном обращении",
    "phone_code": "звонок на подтверждённый телефон с кодом",
    "appeal_questions": "ответы на вопросы по обращениям",
}
UNLOCKING_ROLES = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMINISTRATOR})


def _phone_of(login: str) -> tuple[User | None, str | None]:
    user = user_find_by_login(login=login)
    if user is None or not user.is_active or not user.phone or not user.phone_confirmed_at:
        return None, None
    return user, user.phone


def unlock_code_send(*, login: str) -> None:
    """After the captcha: an SMS code to the confirmed phone if ``login`` is a locked account."""
    user, phone = _phone_of(login)
    if user is None or phone is None or not lockout.lock_state(login).locked:
        return
    try:
        code_send_sms(user=user, purpose=CodePurpose.UNLOCK, phone=phone)
    except ApplicationError as exc:  # too soon, or the gateway is down: the same answer
        logger.info("unlock code not sent: %s", exc.code)


def _unlock_all(user: User, typed_login: str = "") -> None:
    for key in {typed_login, user.email or "", user.phone or ""}:
        lockout.lock_reset(key)


def unlock_by_code(*, login: str, code: str) -> None:
    """Unlock ``login`` if ``code`` is the UNLOCK code sent to its phone; else ValidationFailed."""
    user, _ = _phone_of(login)
    if user is None:
        raise ValidationFailed.single("code", CODE_BAD)
    with transaction.atomic():
        try:
            code_check(user=user, purpose=CodePurpose.UNLOCK, code=code, field="code")
        except ValidationFailed as exc:
            raise ValidationFailed.single("code", CODE_BAD) from exc
        audit_record(
            action="account.unlocked", actor=user, target_type="user", target_id=user.pk,
            details={"method": "captcha_sms"},
        )  # fmt: skip
    _unlock_all(user, login)


def may_unlock(actor: User) -> bool:
    return actor.is_authenticated and actor.role in UNLOCKING_ROLES


def operator_lookup(*, actor: User, login: str) -> tuple[User | None, lockout.LockState]:
    """The account behind ``login`` (staff may know it exists) and whether it is locked."""
    if not may_unlock(actor):
        raise NotPermitted("Разблокировать учётные записи могут операторы и администраторы.")
    user = user_find_by_login(login=login)
    keys = [login] if user is None else [login, user.email, user.phone]
    states = [lockout.lock_state(key) for key in keys if key]
    locked = [state for state in states if state.locked]
    if not locked:
        return user, lockout.LockState(False)
    return user, max(locked, key=lambda state: state.retry_after)


def operator_unlock(*, actor: User, user: User, method: str, confirmed: bool) -> None:
    """Unlock ``user`` after the operator recorded how identity was checked."""
    if not may_unlock(actor):
        raise NotPermitted("Разблокировать учётные записи могут операторы и администраторы.")
    errors: dict[str, list[str]] = {}
    if method not in IDENTITY_CHECKS:
        errors["method"] = ["Выберите, как вы проверили личность."]
    if not confirmed:
        errors["confirmed"] = ["Подтвердите, что личность проверена."]
    if errors:
        raise ValidationFailed(errors)
    audit_record(
        action="account.unlocked", actor=actor, target_type="user", target_id=user.pk,
        details={"method": method, "via": "operator"},
    )  # fmt: skip
    _unlock_all(user)
