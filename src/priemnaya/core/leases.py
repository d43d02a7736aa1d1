"""One run of a periodic job per interval, however many workers enqueue it.

``lease_claim`` is an atomic conditional UPDATE: on PostgreSQL the row lock makes the second
UPDATE re-check ``lease_until`` after the first commits (READ COMMITTED re-evaluates the WHERE
clause), on SQLite the write lock serialises the two; either way exactly one caller sees one
updated row. No SELECT … FOR UPDATE and no advisory locks: the same statement on both databases.
"""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta

from django.db import transaction

from priemnaya.core import clock
from priemnaya.core.models import PeriodicLease

NEVER = datetime(2000, 1, 1, tzinfo=UTC)


def _holder() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"[:64]


def lease_claim(name: str, *, every: timedelta, now: datetime | None = None) -> bool:
    """Claim the job ``name`` until ``now + every``; return False if another run holds it.

    A lease a little shorter than the interval, so that one worker whose scheduler fires a few
    milliseconds earlier than last time does not skip every other run: see ``lease_length``.
    """
    now = now or clock.now()
    with transaction.atomic():
        # The row exists from the first claim on; ON CONFLICT DO NOTHING on both databases.
        PeriodicLease.objects.bulk_create(
            [PeriodicLease(name=name, lease_until=NEVER)], ignore_conflicts=True
        )
        won = PeriodicLease.objects.filter(name=name, lease_until__lte=now).update(
            lease_until=now + lease_length(every), last_run_at=now, holder=_holder()
        )
    return won == 1


def lease_length(every: timedelta) -> timedelta:
    """Return how long one run holds a job that runs ``every``: the interval less some slack.

    Schedulers of different workers fire at different phases; a lease of the whole interval would
    let a worker whose timer fires slightly early find its own previous lease still held.
    """
    slack = min(every / 10, timedelta(seconds=5))
    return every - slack


def lease_release(name: str) -> None:
    """Let the next run start at once (tests, or a job that knows it left work undone)."""
    PeriodicLease.objects.filter(name=name).update(lease_until=NEVER)


def schedule_claim(name: str, *, every: timedelta, now: datetime | None = None) -> bool:
    """Claim this interval's run of the periodic job ``name``; True for exactly one caller.

    The schedulers of all workers share one row per job (``PeriodicLease``, keyed
    ``schedule:<name>``) whose ``lease_until`` is the job's next run time. A caller that finds it
    due moves it to the next slot of the job's grid with a compare-and-swap UPDATE (``… WHERE
    lease_until = <the value read>``): of several schedulers that read the same due row, one
    UPDATE matches, the rest match nothing. The slots stay on the grid (no drift from the phase
    of whichever scheduler ticks first), and a schedule left behind while every worker was down
    runs once, not once per missed slot.
    """
    now = now or clock.now()
    key = f"schedule:{name}"[:64]
    PeriodicLease.objects.bulk_create(
        [PeriodicLease(name=key, lease_until=NEVER)], ignore_conflicts=True
    )
    due = PeriodicLease.objects.filter(name=key).values_list("lease_until", flat=True).first()
    if due is None or due > now:
        return False
    missed = (now - due) // every
    following = due + every * (missed + 1)
    won = PeriodicLease.objects.filter(name=key, lease_until=due).update(
        lease_until=following, last_run_at=now, holder=_holder()
    )
    return won == 1
