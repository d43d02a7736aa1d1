"""The journal's consumer that keeps the search index current (within a relay pass)."""

from __future__ import annotations

from priemnaya.appeals.models import Event
from priemnaya.appeals.states import EventType
from priemnaya.search.documents import appeals_reindex

# Events after which what is searched may differ: the appeal's own text, a public message, an
# answer. Status, assignee and department changes are read from the appeal at query time.
CONTENT_EVENTS = frozenset(
    {
        EventType.DRAFT_SAVED,
        EventType.REGISTERED,
        EventType.EDITED,
        EventType.INFO_REQUESTED,
        EventType.INFO_PROVIDED,
        EventType.COMMENTED,
        EventType.DOCUMENTS_ADDED,
        EventType.ANSWERED,
        EventType.FORWARDED,
    }
)


class AppealIndexer:
    """Re-read and re-index each appeal an event changed, a batch of events at a time."""

    name = "search"

    def wants(self, event: Event) -> bool:
        return event.type in CONTENT_EVENTS

    def handle(self, event: Event) -> None:
        appeals_reindex([event.appeal_id])

    def handle_many(self, events: list[Event]) -> None:
        appeals_reindex({event.appeal_id for event in events})
