"""Index what the journal says, as the worker does."""

from __future__ import annotations

from priemnaya.appeals import outbox


def relay() -> None:
    """Hand every committed event to its consumers (the search indexer among them) until idle."""
    for _ in range(100):
        if not outbox.relay_once() and not outbox.pending_count():
            return
    raise AssertionError("the outbox did not drain")
