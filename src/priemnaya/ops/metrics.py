"""Gauges read from the database at each scrape: outbox lag, task queue, failed deliveries.

Every process sees the same database, so these need no multiprocess care: whichever process is
scraped answers for the installation. They read from the read replica when one is configured
(core.replicas): a scrape every few seconds need not load the primary, and a gauge a replication
lag old is still a true picture of the queues.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, Min
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from priemnaya.appeals.models import Event, EventDelivery
from priemnaya.core import clock
from priemnaya.core.replicas import read_db
from priemnaya.notifications.models import Notification, State
from priemnaya.webhooks.models import Delivery, DeliveryState


def outbox_lag_seconds() -> float:
    """Age of the oldest journal event not yet handed to its consumers (0 when none waits)."""
    oldest = (
        Event.objects.using(read_db())
        .filter(dispatched_at__isnull=True)
        .aggregate(t=Min("created_at"))["t"]
    )
    return max(0.0, (clock.now() - oldest).total_seconds()) if oldest else 0.0


def task_queue_depth() -> dict[str, int]:
    """Tasks waiting to run per queue: in RQ (Redis) or in the embedded database queue."""
    if settings.TASKS["default"]["BACKEND"].startswith("django_tasks_rq."):
        import django_rq

        return {name: django_rq.get_queue(name).count for name in settings.RQ_QUEUES}
    ready = DBTaskResult.objects.using(read_db()).filter(status=TaskResultStatus.READY)
    return _by(ready, "queue_name")


def _by(queryset, field: str) -> dict[str, int]:
    rows = queryset.values(field).annotate(n=Count("id")).order_by(field)
    return {row[field]: row["n"] for row in rows}


class QueueCollector(Collector):
    """Reads the queues' state when Prometheus asks, never between scrapes."""

    def describe(self) -> list[Metric]:
        return []  # nothing to learn before the first scrape (and no query at registration)

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "priemnaya_outbox_lag_seconds",
            "Age of the oldest journal event not yet dispatched to its consumers.",
            value=outbox_lag_seconds(),
        )
        yield GaugeMetricFamily(
            "priemnaya_outbox_undispatched_events",
            "Journal events not yet dispatched.",
            value=Event.objects.using(read_db()).filter(dispatched_at__isnull=True).count(),
        )
        undelivered = GaugeMetricFamily(
            "priemnaya_outbox_undelivered",
            "Dispatched events a consumer has not handled yet.",
            labels=["consumer"],
        )
        pending = EventDelivery.objects.using(read_db()).filter(handled_at__isnull=True)
        for consumer, n in _by(pending, "consumer").items():
            undelivered.add_metric([consumer], n)
        yield undelivered

        depth = GaugeMetricFamily(
            "priemnaya_task_queue_depth", "Background tasks waiting to run.", labels=["queue"]
        )
        for queue, n in task_queue_depth().items():
            depth.add_metric([queue], n)
        yield depth

        failed = GaugeMetricFamily(
            "priemnaya_notifications_failed",
            "Notifications given up after their last attempt, by channel.",
            labels=["channel"],
        )
        for channel, n in _by(
            Notification.objects.using(read_db()).filter(state=State.FAILED), "channel"
        ).items():
            failed.add_metric([channel], n)
        yield failed
        retrying = GaugeMetricFamily(
            "priemnaya_notifications_retrying",
            "Notifications waiting to be sent again after a failed attempt, by channel.",
            labels=["channel"],
        )
        again = Notification.objects.using(read_db()).filter(state=State.PENDING, attempts__gt=0)
        for channel, n in _by(again, "channel").items():
            retrying.add_metric([channel], n)
        yield retrying

        yield GaugeMetricFamily(
            "priemnaya_webhook_deliveries_failed",
            "Webhook deliveries given up after their last attempt.",
            value=Delivery.objects.using(read_db()).filter(state=DeliveryState.FAILED).count(),
        )
        yield GaugeMetricFamily(
            "priemnaya_webhook_deliveries_retrying",
            "Webhook deliveries waiting to be sent again after a failed attempt.",
            value=Delivery.objects.using(read_db())
            .filter(state=DeliveryState.PENDING, attempts__gt=0)
            .count(),
        )
