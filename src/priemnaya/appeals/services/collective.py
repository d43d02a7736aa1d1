"""An appeal joins a collective issue (issue 14, SPEC §17): the journal side of the merge.

The collective issue and its members live in ``priemnaya.collective`` (above this app); that app
decides who may merge and calls this for each appeal. Like an incident link, the change is the
system's (``Action.JOIN_COLLECTIVE``): the state does not move, the applicant is told through the
public ``collective_joined`` event, and the staff member who merged is recorded by the collective
app (membership row and audit entry).
"""

from __future__ import annotations

from priemnaya.appeals import events
from priemnaya.appeals.lifecycle import Action
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.services.journal import appeal_transition


def appeal_join_collective(*, appeal: Appeal, collective: int, title: str) -> Appeal:
    """Journal that the open appeal joined collective issue № ``collective`` titled ``title``."""
    with appeal_transition(appeal=appeal, action=Action.JOIN_COLLECTIVE, actor=None) as t:
        t.journal(events.appeal_collective_joined_event, collective=collective, title=title)
    return t.appeal
