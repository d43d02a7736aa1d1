"""Comments both sides see and internal notes only staff see."""

from __future__ import annotations

import pytest

from priemnaya.appeals import services
from priemnaya.appeals.models import Message
from priemnaya.appeals.selectors import appeal_timeline
from priemnaya.appeals.states import EventType, MessageKind, Status
from priemnaya.core.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from tests.appeals.helpers import call_once, refuse


@pytest.mark.parametrize("who", ["citizen", "operator"])
@pytest.mark.parametrize("status", [Status.REGISTERED, Status.NEEDS_INFO, Status.ANSWERED])
def test_both_sides_comment_while_the_appeal_is_open_or_answered(
    registered, move, request, who, status
):
    # given
    appeal = move(registered, status)
    actor = request.getfixturevalue(who)
    # when
    message, event = call_once(
        services.appeal_comment, appeal=appeal, actor=actor, text="  Добрый день!  "
    )
    # then
    assert (message.kind, message.text, message.author) == (
        MessageKind.COMMENT,
        "Добрый день!",
        actor,
    )
    assert not message.is_internal
    assert (event.type, event.message, event.is_public) == (EventType.COMMENTED, message, True)
    assert event.from_status == event.to_status == status


def test_a_comment_needs_text_within_5000_characters(registered, citizen):
    for text in ("", "ж" * 5001):
        error = refuse(
            ValidationFailed, services.appeal_comment, appeal=registered, actor=citizen, text=text
        )
        assert list(error.errors) == ["text"]
    assert not Message.objects.exists()


def test_an_outsider_cannot_comment(registered, other_citizen):
    refuse(NotFound, services.appeal_comment, appeal=registered, actor=other_citizen, text="Привет")


def test_a_closed_appeal_takes_no_comments(answered, citizen):
    closed = services.appeal_close(appeal=answered, actor=citizen)
    refuse(InvalidTransition, services.appeal_comment, appeal=closed, actor=citizen, text="Ещё")


def test_an_internal_note_is_hidden_from_the_applicant(in_progress, operator, citizen):
    # when
    note, event = call_once(
        services.appeal_note, appeal=in_progress, actor=operator, text="Похоже на сбой SMS-шлюза."
    )
    services.appeal_comment(appeal=in_progress, actor=operator, text="Разбираемся.")
    # then
    assert note.is_internal
    assert note.kind == MessageKind.NOTE
    assert (event.type, event.is_public) == (EventType.NOTE_ADDED, False)
    staff_view = [e.type for e in appeal_timeline(appeal=in_progress, user=operator)]
    applicant_view = [e.type for e in appeal_timeline(appeal=in_progress, user=citizen)]
    assert staff_view == ["registered", "taken", "note_added", "commented"]
    assert applicant_view == ["registered", "taken", "commented"]


def test_the_applicant_cannot_write_internal_notes(in_progress, citizen):
    refuse(NotPermitted, services.appeal_note, appeal=in_progress, actor=citizen, text="Секрет")
