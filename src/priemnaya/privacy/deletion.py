"""Deleting an account at its owner's request: the person is anonymised, the record stays.

The User row is kept (appeals, the journal and the audit log point at it) with its personal
fields replaced: the name becomes «Удалённый пользователь», the e-mail a non-deliverable
placeholder ``deleted-<id>@anonymised.invalid`` (the ``user_has_login`` constraint wants an
e-mail or a phone; ``.invalid`` is reserved by RFC 2606 and never delivered), the phone is
removed. The password becomes unusable, the account inactive, every session and API token ends,
push subscriptions, notification settings and one-time codes are removed, IP addresses and
devices in the sign-in history are erased and consents are marked withdrawn.

Appeals are kept as they are for their retention period (59-FZ files are kept 5 years); their
anonymisation when retention ends is a separate job (docs/retention.md). Chats and letters that
belong to no appeal are blanked at once (``privacy.conversations``).
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.db import transaction

from priemnaya.accounts.models import ApiToken, Consent, OneTimeCode, User, UserSession
from priemnaya.audit.services import audit_record
from priemnaya.collective.models import Delivery as CollectiveDelivery
from priemnaya.collective.models import Signer
from priemnaya.core import clock
from priemnaya.core.errors import NotPermitted, ValidationFailed
from priemnaya.notifications.models import Preference, PushSubscription
from priemnaya.privacy.conversations import conversations_forget

ANONYMOUS_NAME = "Удалённый пользователь"
PLACEHOLDER_DOMAIN = "anonymised.invalid"


def placeholder_email(user_id: int) -> str:
    return f"deleted-{user_id}@{PLACEHOLDER_DOMAIN}"


def _end_browser_sessions(keys: list[str]) -> None:
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in keys:
        store(session_key=key).delete()


@transaction.atomic
def account_delete(*, user: User, password: str) -> User:
    """Anonymise the citizen's account after the password is confirmed; appeals are kept."""
    if not user.is_authenticated or not user.is_active or user.anonymised_at is not None:
        raise NotPermitted("Учётная запись уже удалена.")
    if not user.is_citizen:
        raise NotPermitted("Учётные записи сотрудников удаляет администратор, а не сам сотрудник.")
    if not password or not user.check_password(password):
        raise ValidationFailed.single("password", "Неверный пароль: удаление не подтверждено.")
    now = clock.now()
    user = User.objects.select_for_update().get(pk=user.pk)
    # Read before the address is replaced: letters are matched by the confirmed one.
    confirmed_email = user.email if user.email_confirmed_at is not None else None
    user.full_name = ANONYMOUS_NAME
    user.email = placeholder_email(user.pk)
    user.phone = None
    user.email_confirmed_at = None
    user.phone_confirmed_at = None
    user.position = ""
    user.work_phone = ""
    user.second_factor_sms = False
    user.is_active = False
    user.anonymised_at = now
    user.set_unusable_password()
    user.password_changed_at = now
    user.save()

    keys = list(
        UserSession.objects.filter(user=user, ended_at__isnull=True).values_list(
            "session_key", flat=True
        )
    )
    sessions = UserSession.objects.filter(user=user, ended_at__isnull=True).update(ended_at=now)
    UserSession.objects.filter(user=user).update(ip=None, user_agent="")
    user.sign_ins.update(ip=None, user_agent="")
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=now, expires_at=now
    )
    ApiToken.objects.filter(user=user).update(name="", created_ip=None, last_used_ip=None)
    OneTimeCode.objects.filter(user=user).delete()
    PushSubscription.objects.filter(user=user).delete()
    Preference.objects.filter(user=user).delete()
    consents = Consent.objects.filter(user=user, withdrawn_at__isnull=True).update(withdrawn_at=now)
    # Co-signatures of collective issues without an appeal of one's own: no appeal's retention
    # will ever reach them, so the name and contacts go now; the row keeps the count (rule 13).
    cosigned = Signer.objects.filter(user=user, appeal__isnull=True)
    CollectiveDelivery.objects.filter(signer__in=cosigned).update(address="")
    cosigned.update(full_name=ANONYMOUS_NAME, phone="", email="")
    forgotten = conversations_forget(user_id=user.pk, confirmed_email=confirmed_email)
    transaction.on_commit(lambda: _end_browser_sessions(keys))
    audit_record(
        action="account.deleted",
        actor=user,
        target_type="user",
        target_id=user.pk,
        details={"sessions": sessions, "tokens": tokens, "consents": consents, **forgotten},
    )
    return user
