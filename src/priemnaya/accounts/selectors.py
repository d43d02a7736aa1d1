from __future__ import annotations

from django.utils import timezone

from priemnaya.accounts.models import ApiToken, User
from priemnaya.core.contacts import ContactInvalid, normalize_email, normalize_phone


def user_find_by_login(*, login: str) -> User | None:
    """Return the active or inactive user whose e-mail or phone is ``login``, or None."""
    login = (login or "").strip()
    if "@" in login:
        try:
            email = normalize_email(login)
        except ContactInvalid:
            return None
        return User.objects.filter(email__iexact=email).first()
    try:
        phone = normalize_phone(login)
    except ContactInvalid:
        return None
    return User.objects.filter(phone=phone).first()


def user_for_api_token(*, key: str) -> User | None:
    """Return the active user a bearer token belongs to, or None.

    None for an unknown, expired or revoked token, and for one made before the account's
    password last changed (a reset or a change ends every token).
    """
    # key_hash is unique: get() without the ORDER BY of first(), which costs CPU on every call.
    try:
        token = ApiToken.objects.select_related("user").get(
            key_hash=ApiToken.hash_key(key),
            expires_at__gt=timezone.now(),
            revoked_at__isnull=True,
        )
    except ApiToken.DoesNotExist:
        return None
    if not token.user.is_active:
        return None
    changed = token.user.password_changed_at
    if changed is not None and token.created_at < changed:
        return None
    return token.user
