from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotencyRecord(models.Model):
    """The outcome of a creating call made with an Idempotency-Key, replayed on retries."""

    class State(models.TextChoices):
        RUNNING = "running", "выполняется"
        DONE = "done", "выполнен"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=255)
    endpoint = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    state = models.CharField(max_length=8, choices=State.choices, default=State.RUNNING)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Until when a RUNNING claim belongs to the request that made it; after that a retry may take
    # it over (the request died). NULL: a claim made before leases existed (created_at + lease).
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "ключ идемпотентности"
        verbose_name_plural = "ключи идемпотентности"
        constraints = [
            models.UniqueConstraint(fields=["user", "endpoint", "key"], name="idempotency_unique")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.key}"
