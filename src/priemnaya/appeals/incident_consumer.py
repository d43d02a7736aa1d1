"""The incident detector as a batch consumer of the journal: skips at once what cannot matter.

``IncidentDetector.handle`` re-reads each registered appeal in a savepoint of its own to learn its
kind, though only support appeals can be part of an incident. The outbox hands a batch over with
every appeal and its kind already loaded, so the others cost nothing here; the support ones go
through ``incident_detect`` as before (which reads the appeal afresh, under the kind's lock).
"""

from __future__ import annotations

from priemnaya.appeals.models import Event
from priemnaya.appeals.services.incidents import SUPPORT_KIND, IncidentDetector, incident_detect


class BatchIncidentDetector(IncidentDetector):
    """The consumer «incidents», taking a batch at once."""

    def handle_many(self, events: list[Event]) -> None:
        for event in events:
            if event.appeal.kind.code == SUPPORT_KIND:
                incident_detect(event.appeal)
