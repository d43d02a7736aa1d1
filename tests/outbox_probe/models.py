from django.db import models


class Handled(models.Model):
    """One hand-over of an event to the probe; no unique key, so a duplicate would show."""

    consumer = models.CharField(max_length=64)
    event_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.consumer}: {self.event_id}"
