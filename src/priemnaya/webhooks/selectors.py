"""Reads of the webhooks app: the endpoints that take events, a delivery's signing secret."""

from __future__ import annotations

import threading
import time

from django.db.models import Q

from priemnaya.webhooks.models import Delivery, Endpoint

# Endpoints are read at every dispatch of the journal; caching them briefly keeps the outbox's
# ``wants`` free of queries. A change saved in this process clears the cache at once (signals),
# in another process it is seen within the TTL.
CACHE_SECONDS = 5.0

# Who gets deliveries queued: active endpoints, and those disabled after a run of failures —
# their deliveries wait and go out once an administrator enables them again. An endpoint
# switched off by hand (no disabled_at) gets nothing.
RECEIVING = Q(is_active=True) | Q(disabled_at__isnull=False)

_lock = threading.Lock()
_cache: tuple[float, list[tuple[int, frozenset[str]]]] | None = None


def receiving_endpoints(*, cached: bool = True) -> list[tuple[int, frozenset[str]]]:
    """Return (id, wanted event types; empty = all) of every endpoint that gets deliveries."""
    global _cache
    if cached:
        with _lock:
            if _cache is not None and time.monotonic() - _cache[0] < CACHE_SECONDS:
                return _cache[1]
    endpoints = [
        (pk, frozenset(types))
        for pk, types in Endpoint.objects.filter(RECEIVING).values_list("pk", "event_types")
    ]
    with _lock:
        _cache = (time.monotonic(), endpoints)
    return endpoints


def clear_endpoint_cache(**_kwargs: object) -> None:
    """Forget the cached endpoints (on every save or delete of an Endpoint)."""
    global _cache
    with _lock:
        _cache = None


def delivery_secret(delivery_id: int | str) -> str | None:
    """Return the signing secret of the delivery's endpoint, or None if there is no such one."""
    try:
        pk = int(delivery_id)
    except (TypeError, ValueError):
        return None
    return Delivery.objects.filter(pk=pk).values_list("endpoint__secret", flat=True).first() or None
