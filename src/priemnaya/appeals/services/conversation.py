"""Messages on an appeal that do not change its state: public comments and internal notes."""

from __future__ import annotations

from django.db import transaction

from priemnaya.accounts.models import User
from priemnaya.appeals.models import Appeal, Message
from priemnaya.appeals.services.journal import begin, record, required_text
from priemnaya.appeals.states import EventType, MessageKind


@transaction.atomic
def appeal_comment(*, appeal: Appeal, actor: User, text: str) -> Message:
    """Add a comment that both the applicant and staff see."""
    text = required_text(text, field="text", max_length=5000)
    appeal, _ = begin(appeal=appeal, action="comment", actor=actor)
    message = Message.objects.create(
        appeal=appeal, author=actor, kind=MessageKind.COMMENT, text=text
    )
    record(
        appeal=appeal,
        type=EventType.COMMENTED,
        actor=actor,
        from_status=appeal.status,
        text=text,
        message=message,
    )
    return message


@transaction.atomic
def appeal_note(*, appeal: Appeal, actor: User, text: str) -> Message:
    """Add an internal note that only staff see."""
    text = required_text(text, field="text", max_length=5000)
    appeal, _ = begin(appeal=appeal, action="note", actor=actor)
    message = Message.objects.create(
        appeal=appeal, author=actor, kind=MessageKind.NOTE, text=text, is_internal=True
    )
    record(
        appeal=appeal,
        type=EventType.NOTE_ADDED,
        actor=actor,
        from_status=appeal.status,
        text=text,
        is_public=False,
        message=message,
    )
    return message
