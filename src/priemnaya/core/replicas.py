"""Reads that tolerate lag go to a read replica when one is configured (docs/deployment.md).

Nothing is routed to the replica behind the code's back: the router sends every write and every
ordinary read to ``default``. A selector that may read a few seconds old data — a history
export, a statistics page — asks ``read_db()`` for its alias and reads there with ``.using()``;
related objects it prefetches follow the alias of the rows they hang on (Django's routing by
instance). ``read_db()`` answers ``default`` when no replica is configured
(``PRIEMNAYA_REPLICA_URL`` empty), when replica reads are switched off
(``PRIEMNAYA_REPLICA_READS=0``, e.g. while the replica lags behind) and inside a transaction on
``default`` — a request that has just written reads its own writes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"


def read_db() -> str:
    """Return the alias for a read that tolerates replication lag: the replica, or default."""
    if REPLICA not in settings.DATABASES or not settings.PRIEMNAYA_REPLICA_READS:
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return REPLICA


class ReplicaRouter:
    """Writes and migrations on ``default`` only; reads where the code asks (default otherwise)."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        # None: Django then reads where the instance in the hints came from (so prefetches of a
        # row read on the replica go there too), else on default.
        return None

    def db_for_write(self, model: type, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # The replica holds the same rows as default: a row read there may be linked to one here.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        # The replica follows the primary by replication, never by migrations of its own.
        return db == DEFAULT_DB_ALIAS
