"""What the appeals app writes to the audit log (SPEC §18): transitions and staff views.

Transitions reach the log as a consumer of the journal's outbox (``appeals.outbox``): the audit
entry is written once per committed event, in the transaction that marks the delivery handled,
and the request that made the transition does not wait on the chain-head lock. Entries carry ids
and codes only — never the appeal's text, subject or the applicant's name (LEGAL.md §6 rule 26).
"""

from __future__ import annotations

from typing import Any

from priemnaya.accounts.models import User
from priemnaya.appeals.models import Appeal, Event
from priemnaya.appeals.states import EventType
from priemnaya.attachments.models import Attachment
from priemnaya.audit.services import audit_record, audit_record_many

# A draft is not yet an appeal: saving one is the citizen's own business, not a transition.
NOT_AUDITED = frozenset({EventType.DRAFT_SAVED})


class AuditTrail:
    """The outbox consumer that appends ``appeal.transition`` for each journal event."""

    name = "audit"

    def wants(self, event: Event) -> bool:
        return event.type not in NOT_AUDITED

    def handle(self, event: Event) -> None:
        audit_record(**_transition(event))

    def handle_many(self, events: list[Event]) -> None:
        # One lock and one INSERT for the batch: the worker holds the chain head briefly.
        audit_record_many([_transition(event) for event in events])


def _transition(event: Event) -> dict[str, Any]:
    return {
        "action": "appeal.transition",
        "actor": event.actor,
        "target_type": "appeal",
        "target_id": event.appeal_id,
        "details": {
            "event": event.type,
            "event_id": event.pk,
            "from": event.from_status,
            "status": event.to_status,
        },
    }


def appeal_viewed(*, appeal: Appeal, user: User) -> None:
    """Record that a member of staff opened an appeal with the applicant's personal data."""
    audit_record(action="appeal.viewed", actor=user, target_type="appeal", target_id=appeal.pk)


def appeal_file_downloaded(*, attachment: Attachment, user: User) -> None:
    """Record that a member of staff downloaded a file of an appeal (its content may be personal
    data); the applicant's own downloads are not privileged acts and are not recorded."""
    audit_record(
        action="appeal.file_downloaded",
        actor=user,
        target_type="attachment",
        target_id=attachment.pk,
        details={"appeal_id": attachment.appeal_id, "purpose": attachment.purpose},
    )
