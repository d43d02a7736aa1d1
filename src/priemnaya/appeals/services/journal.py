"""The one transition path: lock, check the table and its guards, change, save, journal.

Every service that changes an appeal does it inside ``appeal_transition``; the table in
``appeals.lifecycle`` gives the target state and who may act, the helper saves only the fields
that changed and writes the one typed event the service names (``appeals.events``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import transaction

from priemnaya.accounts.models import User
from priemnaya.appeals.lifecycle import TRANSITIONS, Action, Side
from priemnaya.appeals.models import Appeal, Event
from priemnaya.appeals.permissions import refusal, side_of
from priemnaya.core import clock
from priemnaya.core.errors import NotFound, ValidationFailed
from priemnaya.core.text import clean_text, text_problem

NOT_FOUND = "Обращение не найдено."


def _side_for_new(actor: User | None, appeal: Appeal) -> Side | None:
    if actor is None:
        return None
    if appeal.applicant_id is not None and appeal.applicant_id == actor.pk:
        return Side.APPLICANT
    return Side.STAFF if actor.works_appeals else None


class AppealTransition:
    """What a service sees inside ``appeal_transition``: the locked appeal and the moment."""

    def __init__(self, *, appeal: Appeal, action: Action, actor: User | None, side: Side):
        self.appeal = appeal
        self.action = action
        self.actor = actor
        self.side = side
        self.now: datetime = clock.now()
        self.from_status: str = appeal.status
        self.event: Event | None = None
        self._before = _field_values(appeal)
        self._journal: tuple[Callable[..., Event], dict[str, Any]] | None = None

    def journal(self, constructor: Callable[..., Event], **payload: Any) -> None:
        """Name the event this transition writes (one of ``appeals.events``) and its payload."""
        if self._journal is not None:
            raise RuntimeError("a transition writes exactly one journal event")
        self._journal = (constructor, payload)

    def changed_fields(self) -> list[str]:
        after = _field_values(self.appeal)
        return [name for name, value in after.items() if self._before.get(name) != value]


def _field_values(appeal: Appeal) -> dict[str, Any]:
    return {f.attname: getattr(appeal, f.attname) for f in Appeal._meta.concrete_fields}


def _lock(appeal: Appeal) -> Appeal:
    # `of=self`: lock the appeal row only — joined department and kind rows locked too would make
    # every change in a department wait for every other one.
    locked = Appeal.objects.select_for_update(of=("self",)).select_related(
        "department", "kind", "theme", "policy"
    )
    return locked.get(pk=appeal.pk)


@contextmanager
def appeal_transition(
    *, appeal: Appeal, action: Action, actor: User | None, savepoint: bool = True
) -> Iterator[AppealTransition]:
    """Run one change of an appeal: the only way its state or fields change.

    On entry the appeal is re-read under a write lock (a new, unsaved appeal is taken as is) and
    the actor's side, the state and the action's guards are checked: NotFound if the actor may not
    see the appeal, NotPermitted or InvalidTransition otherwise. The block changes fields on
    ``t.appeal`` and names its event with ``t.journal(...)``; on exit the table's target state is
    set, only changed fields are saved and the event is written — all in one transaction.
    ``savepoint=False`` inside a caller's atomic block that fails as a whole anyway: a failure
    then rolls back to the caller's savepoint (Django refuses any query before that), one
    SAVEPOINT/RELEASE pair fewer.
    """
    transition = TRANSITIONS[action]
    with transaction.atomic(savepoint=savepoint):
        if appeal.pk is None:
            locked, side = appeal, _side_for_new(actor, appeal)
        else:
            locked = _lock(appeal)
            side = side_of(actor, locked)
        if side is None:
            raise NotFound(NOT_FOUND, field="number")
        if (refused := refusal(action, locked, actor, side)) is not None:
            raise refused
        t = AppealTransition(appeal=locked, action=action, actor=actor, side=side)
        yield t
        if transition.target is not None:
            locked.status = transition.target
        if locked.pk is None:
            locked.updated_at = t.now
            # No savepoint of its own: an IntegrityError (a client token already used) leaves
            # through this block's atomic, which rolls back to its savepoint or the caller's.
            locked.save()
        elif changed := t.changed_fields():
            locked.updated_at = t.now
            locked.save(update_fields=[*changed, "updated_at"])
        if t._journal is None:
            raise RuntimeError(f"the transition {action} named no journal event")
        constructor, payload = t._journal
        t.event = constructor(appeal=locked, actor=actor, from_status=t.from_status, **payload)


def required_text(value: str, *, field: str, max_length: int, missing: str = "") -> str:
    """Return the cleaned text or raise ValidationFailed naming the field (`missing` if empty)."""
    cleaned = clean_text(value)
    if missing and not cleaned:
        raise ValidationFailed.single(field, missing)
    if problem := text_problem(cleaned, max_length=max_length):
        raise ValidationFailed.single(field, problem)
    return cleaned


def optional_text(value: str, *, field: str, max_length: int) -> str:
    """Return the cleaned text (may be empty) or raise ValidationFailed naming the field."""
    cleaned = clean_text(value or "")
    if problem := text_problem(cleaned, max_length=max_length, required=False):
        raise ValidationFailed.single(field, problem)
    return cleaned
