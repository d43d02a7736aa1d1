"""The journal's outbox consumer "webhooks": one pending Delivery per interested endpoint.

``handle`` only records what to send (inside the outbox's consume transaction, so a crash loses
nothing and a replay adds nothing: the key is (endpoint, event)); the sender POSTs from its own
retrying queue. Internal (non-public) events go out too, marked ``"internal": true``: endpoints
are the service's own external systems, not applicants (docs/webhooks.md). Drafts do not: a draft
is the citizen's unfinished text, not yet an appeal.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from priemnaya.appeals.models import Event
from priemnaya.appeals.states import EventType
from priemnaya.core import clock
from priemnaya.webhooks import sender
from priemnaya.webhooks.models import Delivery, Endpoint
from priemnaya.webhooks.selectors import clear_endpoint_cache, receiving_endpoints

NOT_SENT = frozenset({EventType.DRAFT_SAVED})


def _wanted(event_type: str, types: frozenset[str]) -> bool:
    return not types or event_type in types


class WebhookConsumer:
    """Queue a delivery of each appeal event for every endpoint that wants its type."""

    name = "webhooks"

    def wants(self, event: Event) -> bool:
        if event.type in NOT_SENT:
            return False
        return any(_wanted(event.type, types) for _pk, types in receiving_endpoints())

    def handle(self, event: Event) -> None:
        self.handle_many([event])

    def handle_many(self, events: list[Event]) -> None:
        """Queue the batch's deliveries with one read of the endpoints and one INSERT."""
        # Read afresh, not from the cache: an endpoint deleted since dispatch must get no row.
        endpoints = receiving_endpoints(cached=False)
        now = clock.now()
        rows = [
            Delivery(endpoint_id=pk, event=event, created_at=now, next_attempt_at=now)
            for event in events
            if event.type not in NOT_SENT
            for pk, types in endpoints
            if _wanted(event.type, types)
        ]
        if rows:
            Delivery.objects.bulk_create(rows, ignore_conflicts=True)
            transaction.on_commit(sender.wake)


def connect_signals() -> None:
    post_save.connect(clear_endpoint_cache, sender=Endpoint, dispatch_uid="webhooks-saved")
    post_delete.connect(clear_endpoint_cache, sender=Endpoint, dispatch_uid="webhooks-deleted")
