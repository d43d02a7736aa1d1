"""Webhooks: endpoints of external systems, one delivery per (endpoint, event), every attempt.

A ``Delivery`` is the retrying queue of one journal event for one endpoint; the unique key
(endpoint, event) makes a replayed event or a second worker harmless (docs/webhooks.md).
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q

from priemnaya.core import clock


def new_secret() -> str:
    """Return a fresh signing secret (256 random bits, URL-safe text)."""
    return secrets.token_urlsafe(32)


class Endpoint(models.Model):
    """An external system's URL that receives signed appeal events of the types it chose."""

    name = models.CharField("название", max_length=200)
    url = models.URLField("адрес (URL)", max_length=500)
    secret = models.CharField("секрет подписи", max_length=128, default=new_secret)
    # EventType values the endpoint wants; empty means every type.
    event_types = models.JSONField("типы событий", default=list, blank=True)
    is_active = models.BooleanField("включён", default=True)
    # Deliveries that failed in a row (a delivered one resets it); at the limit the endpoint is
    # disabled so that a dead receiver does not keep the queue busy.
    failure_run = models.PositiveIntegerField("неудачных доставок подряд", default=0)
    disabled_at = models.DateTimeField("отключён", null=True, blank=True)
    disabled_reason = models.CharField("причина отключения", max_length=300, blank=True)
    created_at = models.DateTimeField("создан", default=clock.now)

    class Meta:
        verbose_name = "получатель вебхуков"
        verbose_name_plural = "получатели вебхуков"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Ожидает отправки"
    DELIVERED = "delivered", "Доставлено"
    FAILED = "failed", "Не доставлено"


class Delivery(models.Model):
    """One journal event for one endpoint: its state is the sender's queue."""

    endpoint = models.ForeignKey(
        Endpoint, verbose_name="получатель", on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(
        "appeals.Event",
        verbose_name="событие",
        on_delete=models.PROTECT,
        related_name="webhook_deliveries",
    )
    state = models.CharField(
        "состояние", max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    # Attempts in the current cycle (a manual redelivery starts a new one).
    attempts = models.PositiveSmallIntegerField("попыток", default=0)
    next_attempt_at = models.DateTimeField("следующая попытка", default=clock.now)
    # A sender that claimed the row holds it until then; a dead sender's claim simply expires.
    leased_until = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField("последний код ответа", null=True, blank=True)
    last_error = models.TextField("причина", blank=True)
    delivered_at = models.DateTimeField("доставлено", null=True, blank=True)
    created_at = models.DateTimeField("создано", default=clock.now)

    class Meta:
        verbose_name = "доставка вебхука"
        verbose_name_plural = "журнал доставок вебхуков"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_key")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                name="webhook_pending_idx",
                condition=Q(state="pending"),
            ),
            models.Index(fields=["state", "-created_at"], name="webhook_state_idx"),
        ]

    def __str__(self) -> str:
        return f"Доставка № {self.pk} → {self.endpoint_id} ({self.get_state_display()})"


class DeliveryAttempt(models.Model):
    """One POST of a delivery: when, the HTTP status, the start of the answer, what went wrong."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="delivery_attempts"
    )
    at = models.DateTimeField("время", default=clock.now)
    status_code = models.PositiveSmallIntegerField("код ответа", null=True, blank=True)
    response = models.CharField("ответ (начало)", max_length=500, blank=True)
    error = models.TextField("ошибка", blank=True)
    duration_ms = models.PositiveIntegerField("длительность, мс", default=0)

    class Meta:
        verbose_name = "попытка доставки"
        verbose_name_plural = "попытки доставки"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M:%S} {self.status_code or self.error[:40]}"
