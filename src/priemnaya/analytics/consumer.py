"""The outbox consumer that keeps the statistics: any event of an appeal refreshes its fact."""

from __future__ import annotations

from priemnaya.analytics.services import facts_refresh
from priemnaya.appeals.models import Event
from priemnaya.appeals.states import EventType


class AnalyticsConsumer:
    """Refresh the fact of each appeal an event concerns (idempotent: a replay changes nothing)."""

    name = "analytics"

    def wants(self, event: Event) -> bool:
        # A saved draft counts for nothing until it is registered (which is an event of its own).
        return event.type != EventType.DRAFT_SAVED

    def handle(self, event: Event) -> None:
        facts_refresh([event.appeal_id])

    def handle_many(self, events: list[Event]) -> None:
        facts_refresh(event.appeal_id for event in events)
