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
