"""What is delivered to whom: planned notifications, every attempt, preferences, push, templates.

A ``Notification`` is one message to one address by one channel for one journal event; the unique
key (event, channel, address) makes a replayed event or a second worker harmless. The planner
(an outbox consumer) only writes these rows; the sender delivers them from its own retrying queue.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q

from priemnaya.core import clock


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "SMS"
    PUSH = "push", "Push-уведомление"
    FEED = "feed", "Лента в кабинете"


class Audience(models.TextChoices):
    APPLICANT = "applicant", "Заявитель"
    STAFF = "staff", "Сотрудник"


class State(models.TextChoices):
    PENDING = "pending", "Ожидает отправки"
    SENT = "sent", "Отправлено"
    FAILED = "failed", "Не доставлено"
    CANCELLED = "cancelled", "Отменено"


class Preference(models.Model):
    """A person's choice of channels, kinds and quiet hours (SPEC §9)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField("по e-mail", default=True)
    sms = models.BooleanField("по SMS", default=False)
    push = models.BooleanField("push-уведомления в браузере", default=True)
    # Codes of appeal kinds to be notified about; empty means every kind.
    kinds = models.JSONField("виды обращений", default=list, blank=True)
    quiet_from = models.TimeField("тихие часы с", default=time(22, 0))
    quiet_to = models.TimeField("тихие часы до", default=time(8, 0))
    timezone = models.CharField("часовой пояс", max_length=64, default=settings.TIME_ZONE)
    # Staff: several notices arriving together go out as one digest e-mail.
    digest = models.BooleanField("объединять письма в сводку", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "настройки уведомлений"
        verbose_name_plural = "настройки уведомлений"

    def __str__(self) -> str:
        return f"Настройки уведомлений: {self.user}"


class Notification(models.Model):
    """One message for one event, channel and address; its state is the sender's queue."""

    event = models.ForeignKey(
        "appeals.Event", on_delete=models.PROTECT, related_name="notifications"
    )
    appeal = models.ForeignKey(
        "appeals.Appeal", on_delete=models.PROTECT, related_name="notifications"
    )
    # The account notified, if any: applicants registered by phone or letter have none and are
    # reached at the contacts recorded on the appeal.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    channel = models.CharField("канал", max_length=8, choices=Channel.choices)
    # E-mail, phone (+7…), push subscription id or "user:<id>" for the feed.
    address = models.CharField("адрес", max_length=320)
    audience = models.CharField(max_length=16, choices=Audience.choices)
    # A notice the law requires (redirect, extension, no answer, overdue): sent whatever the
    # preferences say, by at least one channel.
    required = models.BooleanField("обязательное", default=False)
    state = models.CharField(
        "состояние", max_length=16, choices=State.choices, default=State.PENDING
    )
    created_at = models.DateTimeField("создано", default=clock.now)
    # Not before: quiet hours defer an SMS to the morning, failures back off.
    next_attempt_at = models.DateTimeField("следующая попытка", default=clock.now)
    # A sender that claimed the row holds it until then; a dead sender's claim simply expires.
    leased_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("попыток", default=0)
    sent_at = models.DateTimeField("отправлено", null=True, blank=True)
    last_error = models.TextField("причина", blank=True)
    # What the provider said (SMTP reply, gateway message id, push service status).
    provider_id = models.CharField("идентификатор у провайдера", max_length=200, blank=True)
    # Delivery status reported back by an SMS gateway callback.
    provider_status = models.CharField("статус у провайдера", max_length=32, blank=True)
    # The feed: when the person read it.
    read_at = models.DateTimeField("прочитано", null=True, blank=True)
    # Rendered once at planning, so a template edited later does not change what was promised.
    subject = models.CharField("тема", max_length=300, blank=True)
    body = models.TextField("текст", blank=True)
    html = models.TextField("HTML", blank=True)

    class Meta:
        verbose_name = "уведомление"
        verbose_name_plural = "уведомления"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel", "address"], name="notification_delivery_key"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                name="notification_pending_idx",
                condition=Q(state="pending"),
            ),
            models.Index(fields=["user", "channel", "-created_at"], name="notification_feed_idx"),
            models.Index(
                fields=["user"],
                name="notification_unread_idx",
                condition=Q(channel="feed", read_at__isnull=True),
            ),
            models.Index(fields=["state", "-created_at"], name="notification_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address} ({self.get_state_display()})"


class DeliveryAttempt(models.Model):
    """One try to send a notification: when, what the provider answered, what went wrong."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="delivery_attempts"
    )
    at = models.DateTimeField(default=clock.now)
    ok = models.BooleanField()
    provider_answer = models.TextField(blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "попытка доставки"
        verbose_name_plural = "попытки доставки"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{'ok' if self.ok else 'ошибка'} {self.at:%d.%m.%Y %H:%M:%S}"


class PushSubscription(models.Model):
    """A browser's Web Push subscription (endpoint and keys), owned by one account."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = "подписка на push"
        verbose_name_plural = "подписки на push"

    def __str__(self) -> str:
        return f"push {self.user_id}: {self.endpoint[:60]}"


class Template(models.Model):
    """An administrator's wording for one event type, channel and audience (else the default)."""

    event_type = models.CharField("тип события", max_length=32)
    channel = models.CharField("канал", max_length=8, choices=Channel.choices)
    audience = models.CharField("адресат", max_length=16, choices=Audience.choices)
    subject = models.CharField("тема письма", max_length=300, blank=True)
    body = models.TextField("текст")
    is_active = models.BooleanField("используется", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "шаблон уведомления"
        verbose_name_plural = "шаблоны уведомлений"
        constraints = [
            models.UniqueConstraint(
                fields=["event_type", "channel", "audience"], name="template_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} · {self.get_channel_display()} · {self.get_audience_display()}"


class Suppression(models.Model):
    """An address without an account that asked for no more messages (the unsubscribe link).

    The planner skips it for everything but the notices the law requires.
    """

    address = models.CharField("адрес", max_length=320)
    channel = models.CharField("канал", max_length=8, choices=Channel.choices)
    created_at = models.DateTimeField("с", default=clock.now)

    class Meta:
        verbose_name = "отписка"
        verbose_name_plural = "отписки"
        constraints = [
            models.UniqueConstraint(fields=["channel", "address"], name="suppression_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.address}"
