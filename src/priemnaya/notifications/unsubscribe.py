"""One-click unsubscribe (RFC 8058): a signed token in every e-mail's ``List-Unsubscribe`` link.

The token names the address and the account (if any); it never expires, since an old letter's
link must still work. An account turns its e-mail preference off; an address without an account
is suppressed — the planner honours both for every notice but the ones the law requires.
"""

from __future__ import annotations

from django.core import signing
from django.db import transaction

from priemnaya.accounts.models import User
from priemnaya.notifications.models import Channel, Preference, Suppression

SALT = "notifications.unsubscribe"
BAD_TOKEN = "Ссылка для отказа от уведомлений повреждена или недействительна."  # noqa: S105


def unsubscribe_token(*, address: str, user_id: int | None) -> str:
    """Return a URL-safe signed token for the unsubscribe link of ``address``."""
    return signing.dumps({"a": address, "u": user_id}, salt=SALT, compress=True)


def _channel_of(address: str) -> str:
    return Channel.EMAIL if "@" in address else Channel.SMS


@transaction.atomic
def unsubscribe_apply(token: str) -> str:
    """Stop notices to the token's address; return the address. Raise ValueError if forged."""
    try:
        payload = signing.loads(token, salt=SALT)
        address, user_id = str(payload["a"]), payload["u"]
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise ValueError(BAD_TOKEN) from exc
    channel = _channel_of(address)
    if user_id is not None:
        if not User.objects.filter(pk=int(user_id)).exists():
            raise ValueError(BAD_TOKEN)
        preference, _ = Preference.objects.get_or_create(user_id=int(user_id))
        field = "email" if channel == Channel.EMAIL else "sms"
        if getattr(preference, field):
            setattr(preference, field, False)
            preference.save(update_fields=[field, "updated_at"])
    else:
        Suppression.objects.get_or_create(address=address, channel=channel)
    return address
