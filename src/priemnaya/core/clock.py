"""The one clock every service reads, so that a story can be replayed at the times it happened.

Services call ``now()`` rather than ``timezone.now()``. The demo loader (and tests) replay past
events with ``travel_to(moment)``: the journal is append-only, so history is written at its own
time instead of being shifted afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, time, timedelta

from django.utils import timezone

_frozen: ContextVar[datetime | None] = ContextVar("priemnaya_clock", default=None)


def now() -> datetime:
    """Return the current instant (aware, UTC), or the one set by ``travel_to``."""
    return _frozen.get() or timezone.now()


def today():
    """Return the local date of ``now()``."""
    return timezone.localdate(now())


@contextmanager
def travel_to(moment: datetime) -> Iterator[None]:
    """Make ``now()`` return ``moment`` inside the block (in this thread or task only)."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    token = _frozen.set(moment)
    try:
        yield
    finally:
        _frozen.reset(token)


def end_of_local_day(day) -> datetime:
    """Return the last second of a local calendar day as an aware instant."""
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def days_ago(days: float, *, at: time | None = None) -> datetime:
    """Return the instant ``days`` before now, optionally at a local time of that day."""
    moment = now() - timedelta(days=days)
    if at is None:
        return moment
    local = timezone.localtime(moment)
    return timezone.make_aware(datetime.combine(local.date(), at))
