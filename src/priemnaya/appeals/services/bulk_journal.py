"""Journal many appeals at once: the events of ``appeals.events``, written by one INSERT.

For the set-based passes of the deadline sweeps (``appeals.services.sweeps``): each event is
built by its usual constructor, so it is the event a change of one appeal would write.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction

from priemnaya.appeals import events
from priemnaya.appeals.models import Event

INSERT_BATCH = 1000


@contextmanager
def journal_many() -> Iterator[list[Event]]:
    """Collect the events the block's constructors build; on a clean exit, insert them all.

    Call it inside the transaction that changes the appeals: the events commit with the change.
    """
    with events.building() as built:
        yield built
    if built:
        Event.objects.bulk_create(built, batch_size=INSERT_BATCH)
        from priemnaya.appeals.outbox import wake

        transaction.on_commit(wake)
