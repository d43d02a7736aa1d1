from django.db import models


class NumberSequence(models.Model):
    """The last number handed out per scope (e.g. appeals of a year); one row per scope."""

    scope = models.CharField(max_length=32, primary_key=True)
    last_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "счётчик номеров"
        verbose_name_plural = "счётчики номеров"

    def __str__(self) -> str:
        return f"{self.scope}: {self.last_value}"


class PeriodicLease(models.Model):
    """Who runs a periodic job now: one row per job, claimed by a conditional UPDATE.

    Every worker's scheduler enqueues the periodic jobs; the first run to move ``lease_until``
    forward (``… WHERE lease_until <= now``) does the work for the interval, the others find the
    row already claimed and return. A crashed holder loses nothing: its lease simply expires.
    """

    name = models.CharField(max_length=64, unique=True)
    lease_until = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)
    holder = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "аренда периодической задачи"
        verbose_name_plural = "аренды периодических задач"

    def __str__(self) -> str:
        return f"{self.name} до {self.lease_until:%Y-%m-%d %H:%M:%S}"
