"""Messages on an appeal that do not change its state: public comments and internal notes."""

from __future__ import annotations

from priemnaya.accounts.models import User
from priemnaya.appeals import events
from priemnaya.appeals.lifecycle import Action
from priemnaya.appeals.models import Appeal, Message
from priemnaya.appeals.services.journal import appeal_transition, required_text
from priemnaya.appeals.states import MessageKind

MESSAGE_MAX = 5000


def appeal_comment(*, appeal: Appeal, actor: User, text: str) -> Message:
    """Add a comment that both the applicant and staff see."""
    text = required_text(text, field="text", max_length=MESSAGE_MAX)
    with appeal_transition(appeal=appeal, action=Action.COMMENT, actor=actor) as t:
        message = Message.objects.create(
            appeal=t.appeal, author=actor, kind=MessageKind.COMMENT, text=text, created_at=t.now
        )
        t.journal(events.appeal_commented_event, comment=message)
    return message


def appeal_note(*, appeal: Appeal, actor: User, text: str) -> Message:
    """Add an internal note that only staff see."""
    text = required_text(text, field="text", max_length=MESSAGE_MAX)
    with appeal_transition(appeal=appeal, action=Action.NOTE, actor=actor) as t:
        message = Message.objects.create(
            appeal=t.appeal,
            author=actor,
            kind=MessageKind.NOTE,
            text=text,
            is_internal=True,
            created_at=t.now,
        )
        t.journal(events.appeal_note_added_event, note=message)
    return message
