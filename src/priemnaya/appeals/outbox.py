"""The journal as an outbox: hand every committed event to every consumer exactly once.

Two steps, each one short transaction:

1. ``dispatch`` claims events whose ``dispatched_at`` is NULL (a partial index keeps that cheap),
   queues one ``EventDelivery`` per interested consumer and sets ``dispatched_at`` — in the same
   transaction, so an event is queued for all consumers or for none.
2. ``consume`` claims a consumer's queued deliveries and calls ``consumer.handle(event)`` for
   each inside the transaction that marks it handled. If the process dies mid-batch, the
   transaction rolls back — the marks and whatever ``handle`` wrote — and the next run hands the
   same events on again: exactly once for work done in the database. A consumer that talks to the
   outside world (SMTP, a webhook) should only record what to send in ``handle`` and send it from
   its own retrying queue keyed by (event, channel, recipient).

Claims use ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several workers share the work;
on SQLite every write transaction takes the database lock at BEGIN (IMMEDIATE), which serialises
workers — the safe equivalent. Correctness never depends on the order of ids (they are allocated at
INSERT, not at commit) nor on ``wake()``, which only spares a poll interval.
"""

from __future__ import annotations

import logging
import random
import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from django.db import close_old_connections, transaction
from django.db.models import F, Q

from priemnaya.appeals.models import Event, EventDelivery
from priemnaya.core import clock

logger = logging.getLogger("priemnaya.outbox")

DISPATCH_BATCH = 500
CONSUME_BATCH = 100
RETRY_BASE_SECONDS = 5
RETRY_MAX_SECONDS = 3600
ERROR_MAX = 2000


class Consumer(Protocol):
    """What notifications, webhooks or the search index implement to receive the journal."""

    #: Stable name, stored with each delivery; renaming it starts the consumer afresh.
    name: str

    def wants(self, event: Event) -> bool:
        """Return True if this consumer should be handed the event (decided once, at dispatch)."""
        ...

    def handle(self, event: Event) -> None:
        """Do the consumer's work for one event; raise to have it retried later with back-off.

        Runs inside the transaction that marks the delivery handled (in its own savepoint).
        """
        ...


class BatchConsumer(Consumer, Protocol):
    """A consumer that can take a whole batch at once (fewer queries per event).

    ``handle_many`` runs in one savepoint; if it raises, the batch is handed over again event by
    event through ``handle``, so one bad event is isolated and the rest go through.
    """

    def handle_many(self, events: list[Event]) -> None: ...


_consumers: dict[str, Consumer] = {}
_wakeup = threading.Event()


def register(consumer: Consumer) -> None:
    """Add a consumer (call from the consuming app's ``AppConfig.ready``)."""
    _consumers[consumer.name] = consumer


def unregister(name: str) -> None:
    _consumers.pop(name, None)


def consumers() -> list[Consumer]:
    return list(_consumers.values())


def wake() -> None:
    """Tell a relay loop in this process that events were committed (``on_commit`` hook)."""
    _wakeup.set()


def wait(timeout: float) -> bool:
    """Sleep until ``wake()`` or the timeout; return True if woken."""
    woken = _wakeup.wait(timeout)
    _wakeup.clear()
    return woken


def dispatch(*, limit: int = DISPATCH_BATCH) -> int:
    """Queue undispatched events for every interested consumer; return how many were dispatched."""
    with transaction.atomic():
        events = list(
            Event.objects.select_for_update(skip_locked=True)
            .filter(dispatched_at__isnull=True)
            .order_by("id")[:limit]
        )
        if not events:
            return 0
        now = clock.now()
        queued = [
            EventDelivery(event=event, consumer=consumer.name, created_at=now)
            for event in events
            for consumer in _consumers.values()
            if consumer.wants(event)
        ]
        EventDelivery.objects.bulk_create(queued, ignore_conflicts=True)
        Event.objects.filter(pk__in=[e.pk for e in events]).update(dispatched_at=now)
    return len(events)


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off with full jitter, capped at an hour."""
    ceiling = min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))  # noqa: S311 — not crypto


@dataclass
class ConsumeResult:
    handled: int = 0
    failed: int = 0


# What consumers read of an event: loaded with the batch, not one query per event and field.
EVENT_RELATED = (
    "actor",
    "appeal",
    "appeal__applicant",
    "appeal__department",
    "appeal__kind",
    "appeal__theme",
)


def _attach_events(batch: list[EventDelivery], events: dict[int, Event]) -> None:
    """Give each delivery its event with what consumers read of it, loading what is missing."""
    missing = {d.event_id for d in batch} - events.keys()
    if missing:
        events.update(Event.objects.select_related(*EVENT_RELATED).in_bulk(missing))
    for delivery in batch:
        delivery.event = events[delivery.event_id]


def consume(
    consumer: Consumer, *, limit: int = CONSUME_BATCH, events: dict[int, Event] | None = None
) -> ConsumeResult:
    """Hand a batch of the consumer's queued events to it; failures are retried later.

    ``events`` is a cache shared by the consumers of one relay pass: an event handed to several
    consumers is read once (events never change; the appeal may have moved on by milliseconds,
    as it may have anyway by the time a consumer runs).
    """
    result = ConsumeResult()
    with transaction.atomic():
        now = clock.now()
        batch = list(
            EventDelivery.objects.select_for_update(skip_locked=True)
            .filter(consumer=consumer.name, handled_at__isnull=True)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .order_by("id")[:limit]
        )
        if not batch:
            return result
        _attach_events(batch, {} if events is None else events)
        if _handled_together(consumer, batch):
            _mark_handled([d.pk for d in batch])
            result.handled = len(batch)
            return result
        handled = []
        for delivery in batch:
            try:
                with transaction.atomic():
                    consumer.handle(delivery.event)
            except Exception as exc:
                logger.warning(
                    "consumer %s failed on event %s: %s", consumer.name, delivery.event_id, exc
                )
                delivery.attempts += 1
                delivery.last_error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX]
                delivery.next_attempt_at = now + retry_delay(delivery.attempts)
                delivery.save(update_fields=["attempts", "next_attempt_at", "last_error"])
                result.failed += 1
            else:
                handled.append(delivery.pk)
        # The handled ones in one UPDATE, not one per event: a batch mostly goes through.
        _mark_handled(handled)
        result.handled = len(handled)
    return result


def _mark_handled(ids: list[int]) -> None:
    if ids:
        EventDelivery.objects.filter(pk__in=ids).update(
            attempts=F("attempts") + 1, handled_at=clock.now(), last_error=""
        )


def _handled_together(consumer: Consumer, batch: list[EventDelivery]) -> bool:
    """Hand the whole batch over in one savepoint; False if it raised (rolled back).

    A ``BatchConsumer`` gets it through ``handle_many``; any other consumer event by event, still
    in that one savepoint (one SAVEPOINT and RELEASE for the batch, not one pair per event). On a
    failure the caller hands the batch over again event by event, each in its own savepoint, so
    one bad event is isolated and the rest go through.
    """
    events = [delivery.event for delivery in batch]
    handle_many = getattr(consumer, "handle_many", None)
    try:
        with transaction.atomic():
            if handle_many is not None:
                handle_many(events)
            else:
                for event in events:
                    consumer.handle(event)
    except Exception as exc:
        logger.warning(
            "consumer %s failed on a batch of %s; handing it over event by event: %s",
            consumer.name,
            len(batch),
            exc,
        )
        return False
    return True


@dataclass
class Pass:
    """What one relay pass moved, and whether a step found a full batch (more may be waiting)."""

    moved: int = 0
    full: bool = False


def relay_pass() -> Pass:
    """Dispatch what is new and let every consumer take one batch."""
    dispatched = dispatch()
    result = Pass(moved=dispatched, full=dispatched >= DISPATCH_BATCH)
    events: dict[int, Event] = {}
    for consumer in consumers():
        consumed = consume(consumer, events=events)
        result.moved += consumed.handled
        result.full |= consumed.handled + consumed.failed >= CONSUME_BATCH
    return result


def relay_once() -> int:
    """Dispatch what is new and let every consumer take one batch; return how much moved."""
    return relay_pass().moved


POLL_SECONDS = 0.5


def relay_forever(*, poll: float = POLL_SECONDS, stop: threading.Event | None = None) -> None:
    """Relay until stopped: at once while batches come full, else every ``poll`` seconds or on wake.

    The poll bounds the lag from commit to hand-over when the commit happened in another process
    (the web server); ``wake()`` shortens it within this one. A pass that found less than a full
    batch took everything there was: passing again at once would take the events committed in
    the meantime one or two at a time, each pass paying its fixed queries for them (under a steady
    stream of submissions that cost the worker more than the events themselves). Waiting for the
    poll lets them gather into one batch, within the same bound on the lag.
    """
    while stop is None or not stop.is_set():
        full = False
        try:
            full = relay_pass().full
        except Exception:
            logger.exception("outbox relay failed; retrying")
        finally:
            close_old_connections()
        if not full:
            wait(poll)


def pending_count() -> int:
    """Events not yet dispatched (for health pages and tests)."""
    return Event.objects.filter(dispatched_at__isnull=True).count()
