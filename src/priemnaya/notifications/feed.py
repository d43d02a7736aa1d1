"""What a person does with notifications: read the feed, choose channels, subscribe to push;
and what quality control does with a failed delivery: send it again."""

from __future__ import annotations

import base64
import binascii
import logging
from datetime import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import transaction

from priemnaya.accounts.roles import ALL_DEPARTMENTS_ROLES
from priemnaya.catalog.models import Kind
from priemnaya.core import clock
from priemnaya.core.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from priemnaya.notifications.models import (
    Channel,
    DeliveryAttempt,
    Notification,
    Preference,
    PushSubscription,
    State,
)

if TYPE_CHECKING:
    from priemnaya.accounts.models import User

audit = logging.getLogger("priemnaya.notifications.audit")

# The zones of Russia offered in the preferences form (any IANA zone is accepted by the service).
RUSSIAN_TIMEZONES: list[tuple[str, str]] = [
    ("Europe/Kaliningrad", "Калининград (МСК−1, UTC+2)"),
    ("Europe/Moscow", "Москва (МСК, UTC+3)"),
    ("Europe/Volgograd", "Волгоград (МСК, UTC+3)"),
    ("Europe/Samara", "Самара (МСК+1, UTC+4)"),
    ("Europe/Saratov", "Саратов (МСК+1, UTC+4)"),
    ("Europe/Ulyanovsk", "Ульяновск (МСК+1, UTC+4)"),
    ("Europe/Astrakhan", "Астрахань (МСК+1, UTC+4)"),
    ("Asia/Yekaterinburg", "Екатеринбург (МСК+2, UTC+5)"),
    ("Asia/Omsk", "Омск (МСК+3, UTC+6)"),
    ("Asia/Novosibirsk", "Новосибирск (МСК+4, UTC+7)"),
    ("Asia/Barnaul", "Барнаул (МСК+4, UTC+7)"),
    ("Asia/Tomsk", "Томск (МСК+4, UTC+7)"),
    ("Asia/Novokuznetsk", "Новокузнецк (МСК+4, UTC+7)"),
    ("Asia/Krasnoyarsk", "Красноярск (МСК+4, UTC+7)"),
    ("Asia/Irkutsk", "Иркутск (МСК+5, UTC+8)"),
    ("Asia/Chita", "Чита (МСК+6, UTC+9)"),
    ("Asia/Yakutsk", "Якутск (МСК+6, UTC+9)"),
    ("Asia/Vladivostok", "Владивосток (МСК+7, UTC+10)"),
    ("Asia/Sakhalin", "Южно-Сахалинск (МСК+8, UTC+11)"),
    ("Asia/Magadan", "Магадан (МСК+8, UTC+11)"),
    ("Asia/Srednekolymsk", "Среднеколымск (МСК+8, UTC+11)"),
    ("Asia/Kamchatka", "Петропавловск-Камчатский (МСК+9, UTC+12)"),
    ("Asia/Anadyr", "Анадырь (МСК+9, UTC+12)"),
]

# Web Push keys (RFC 8291): the browser's P-256 public key (uncompressed point) and the auth secret.
_P256DH_BYTES = 65
_AUTH_BYTES = 16


def feed_require(user: User) -> None:
    """Citizens and working staff have a feed; the auditor reads the audit log only (SPEC §1)."""
    if not (user.is_citizen or user.works_appeals):
        raise NotPermitted(
            "Уведомления — для заявителей и сотрудников; у аудитора — журнал аудита."
        )


def feed_mark_read(user: User, *, ids: list[int] | None) -> int:
    """Mark the user's unread feed items read (those of ``ids``, or all); return how many."""
    unread = Notification.objects.filter(user=user, channel=Channel.FEED, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=clock.now())


def preferences_get(user: User) -> Preference:
    """Return the user's preferences; unsaved defaults when there are none yet (no write)."""
    found = Preference.objects.filter(user=user).first()
    return found if found is not None else Preference(user=user)


def _timezone_problem(name: str) -> str | None:
    if not name:
        return "Выберите часовой пояс."
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"Неизвестный часовой пояс «{name[:64]}»."
    return None


@transaction.atomic
def preferences_update(
    user: User,
    *,
    email: bool,
    sms: bool,
    push: bool,
    kinds: list[str],
    quiet_from: time,
    quiet_to: time,
    timezone: str,
    digest: bool,
) -> Preference:
    """Check and save the user's choice of channels, kinds, quiet hours and digest."""
    errors: dict[str, list[str]] = {}
    if email and not user.email:
        errors["email"] = ["Чтобы получать письма, укажите e-mail в учётной записи."]
    if sms and not user.phone:
        errors["sms"] = ["Чтобы получать SMS, укажите телефон в учётной записи."]
    known = set(Kind.objects.filter(is_active=True).values_list("code", flat=True))
    unknown = [code for code in kinds if code not in known]
    if unknown:
        errors["kinds"] = [f"Неизвестный вид обращения: {', '.join(sorted(unknown))[:200]}."]
    if (problem := _timezone_problem(timezone)) is not None:
        errors["timezone"] = [problem]
    if errors:
        raise ValidationFailed(errors)
    preference = Preference.objects.select_for_update().filter(user=user).first()
    if preference is None:
        preference = Preference(user=user)
    preference.email, preference.sms, preference.push = email, sms, push
    preference.kinds = sorted(set(kinds))
    preference.quiet_from, preference.quiet_to = quiet_from, quiet_to
    preference.timezone = timezone
    preference.digest = digest
    preference.save()
    return preference


def _push_key_problem(value: str, size: int) -> bool:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return True
    return len(raw) != size or (size == _P256DH_BYTES and raw[0] != 0x04)


def _endpoint_problem(endpoint: str) -> str | None:
    try:
        parts = urlsplit(endpoint)
    except ValueError:
        return "Адрес подписки — не URL."
    if len(endpoint) > PushSubscription._meta.get_field("endpoint").max_length:  # type: ignore[operator]
        return "Адрес подписки слишком длинный."
    if parts.scheme == "https" and parts.hostname:
        return None
    # A local push service (tests, the demo) speaks plain HTTP on this machine only.
    if parts.scheme == "http" and parts.hostname == "127.0.0.1" and settings.PRIEMNAYA_PUSH_LOCAL:
        return None
    return "Адрес подписки должен начинаться с https://."


@transaction.atomic
def push_subscribe(
    user: User, *, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> PushSubscription:
    """Keep the browser's push subscription for the user; an endpoint is owned by one account."""
    errors: dict[str, list[str]] = {}
    if (problem := _endpoint_problem(endpoint)) is not None:
        errors["endpoint"] = [problem]
    if _push_key_problem(p256dh, _P256DH_BYTES):
        errors["p256dh"] = ["Ключ p256dh — открытый ключ P-256 в base64url (65 байт)."]
    if _push_key_problem(auth, _AUTH_BYTES):
        errors["auth"] = ["Секрет auth — 16 байт в base64url."]
    if errors:
        raise ValidationFailed(errors)
    # The same browser signed in as someone else now: the subscription follows the new account.
    subscription, _ = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={"user": user, "p256dh": p256dh, "auth": auth, "user_agent": user_agent[:300]},
    )
    return subscription


def push_unsubscribe(user: User, endpoint: str) -> int:
    """Forget the user's push subscription at ``endpoint``; return how many were removed."""
    deleted, _ = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return deleted


@transaction.atomic
def notification_retry(actor: User, notification_id: int) -> Notification:
    """Put a failed delivery back in the queue now (quality control and administrators).

    The reason it failed stays in its attempts log; the notification gets a fresh run of retries.
    """
    if actor.role not in ALL_DEPARTMENTS_ROLES:
        raise NotPermitted("Повторять доставку могут контроль качества и администратор.")
    notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
    if notification is None:
        raise NotFound("Уведомление не найдено.")
    if notification.state != State.FAILED:
        raise InvalidTransition("Повторить можно только недоставленное уведомление.")
    previous = notification.last_error
    logged = notification.delivery_attempts.order_by("-at", "-id").first()
    if previous and (logged is None or logged.error != previous):
        # Parked without an attempt of its own (e.g. a bad address): the reason joins the log.
        DeliveryAttempt.objects.create(
            notification=notification,
            ok=False,
            error=previous,
            provider_answer=f"Отправлено повторно вручную (пользователь #{actor.pk}).",
        )
    notification.state = State.PENDING
    notification.next_attempt_at = clock.now()
    notification.leased_until = None
    notification.attempts = 0
    notification.last_error = ""
    notification.save(
        update_fields=["state", "next_attempt_at", "leased_until", "attempts", "last_error"]
    )
    audit.info(
        "notification %s (%s, appeal %s) sent again by user %s; it had failed: %s",
        notification.pk,
        notification.channel,
        notification.appeal_id,
        actor.pk,
        previous[:200],
    )
    return notification
