"""Shared steps of every transition: lock, check, record one journal event."""

from __future__ import annotations

from typing import Any

from priemnaya.accounts.models import User
from priemnaya.appeals.lifecycle import TRANSITIONS, Side, allowed
from priemnaya.appeals.models import Appeal, Event, Message
from priemnaya.appeals.permissions import side_of
from priemnaya.appeals.states import Status
from priemnaya.core import clock
from priemnaya.core.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from priemnaya.core.text import clean_text, text_problem

NOT_FOUND = "Обращение не найдено."


def begin(*, appeal: Appeal, action: str, actor: User | None) -> tuple[Appeal, Side]:
    """Return the appeal re-read under a write lock and the actor's side, or raise.

    Raise NotFound if the actor may not see the appeal, NotPermitted if their side may not do
    the action, InvalidTransition if the current state does not allow it.
    """
    locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
    side = side_of(actor, locked)
    if side is None:
        raise NotFound(NOT_FOUND, field="number")
    transition = TRANSITIONS[action]
    if side not in transition.sides:
        raise NotPermitted(f"Действие «{transition.label}» вам недоступно.")
    if not allowed(action, locked.status, side):
        raise InvalidTransition(
            f"Действие «{transition.label}» недоступно в статусе «{Status(locked.status).label}».",
            field="status",
        )
    return locked, side


def record(
    *,
    appeal: Appeal,
    type: str,
    actor: User | None,
    from_status: str,
    text: str = "",
    is_public: bool = True,
    data: dict[str, Any] | None = None,
    message: Message | None = None,
) -> Event:
    """Append one event to the appeal's journal (the outbox of notifications)."""
    return Event.objects.create(
        appeal=appeal,
        type=type,
        actor=actor,
        actor_role=actor.role if actor else "system",
        created_at=clock.now(),
        from_status=from_status,
        to_status=appeal.status,
        is_public=is_public,
        text=text,
        data=data or {},
        message=message,
    )


def required_text(value: str, *, field: str, max_length: int, missing: str = "") -> str:
    """Return the cleaned text or raise ValidationFailed naming the field (`missing` if empty)."""
    cleaned = clean_text(value)
    if missing and not cleaned:
        raise ValidationFailed.single(field, missing)
    if problem := text_problem(cleaned, max_length=max_length):
        raise ValidationFailed.single(field, problem)
    return cleaned
