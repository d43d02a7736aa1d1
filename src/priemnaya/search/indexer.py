"""The journal's consumer that keeps the search index current (within a relay pass)."""

from __future__ import annotations

from priemnaya.appeals.models import Event
from priemnaya.appeals.states import EventType
from priemnaya.search.documents import appeals_reflag, appeals_reindex

# Events after which what is searched may differ: the appeal's own text, a public message, an
# answer. Assignee and department changes are read from the appeal at query time; any other
# event only refreshes the entry's open flag from the appeal's status (no analysis).
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
        # Every event: which of them change the status is the appeals' business (a review, a
        # sweep, a rating may too); the flag costs one UPDATE per batch, no analysis.
        return True

    def handle(self, event: Event) -> None:
        self.handle_many([event])

    def handle_many(self, events: list[Event]) -> None:
        content = {e.appeal_id for e in events if e.type in CONTENT_EVENTS}
        appeals_reindex(content)
        # One UPDATE for the batch: the flag is read from the appeal's status, not the event.
        appeals_reflag({e.appeal_id for e in events} - content)
