"""The journal's outbox consumer "renditions": sign an answer's PDF, JSON and XML once it is issued.

Rendering in the worker, not in the staff member's request, keeps issuing fast; a download renders
lazily all the same if the worker has not got there yet (answers.renditions.rendition_get). The
work is in the database only, inside the outbox's consume transaction: a crash loses nothing and a
replay finds the renditions stored and adds nothing. Without a signing key the delivery fails and
is retried with back-off until an operator configures one.
"""

from __future__ import annotations

from priemnaya.answers.renditions import renditions_issue
from priemnaya.appeals.models import Answer, Event
from priemnaya.appeals.states import EventType

WANTED = frozenset({EventType.ANSWERED, EventType.FORWARDED})


class RenditionConsumer:
    """Pre-generate the signed renditions of the answer an ANSWERED or FORWARDED event issued."""

    name = "renditions"

    def wants(self, event: Event) -> bool:
        return event.type in WANTED and bool((event.data or {}).get("answer_id"))

    def handle(self, event: Event) -> None:
        answer = (
            Answer.objects.select_related("appeal", "appeal__kind", "appeal__theme")
            .select_related("appeal__department")
            .filter(pk=event.data.get("answer_id"))
            .first()
        )
        if answer is not None:
            renditions_issue(answer)
