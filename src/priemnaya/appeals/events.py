"""The journal's event types: one constructor per type, each the only writer of its payload.

Every change of an appeal appends exactly one of these (through `appeal_transition`), in the
transaction that changes the appeal. The journal is also the outbox: consumers (notifications,
webhooks, search) read events not yet handed on (`appeals.outbox`). Payload keys are private to
this module and `appeals.presenters`; faces publish what `event_describe` makes of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from priemnaya.accounts.models import User
from priemnaya.appeals.deadlines import local_day
from priemnaya.appeals.models import Answer, Appeal, Event, Incident, Message
from priemnaya.appeals.states import EventType
from priemnaya.attachments.models import Attachment
from priemnaya.catalog.models import Department, Policy
from priemnaya.core import clock


def _files(attachments: list[Attachment] | None) -> list[dict[str, Any]] | None:
    """The files an event brought: ids and names, never their content or hashes."""
    return [{"id": a.pk, "name": a.name} for a in attachments] if attachments else None


def _local_date(moment: datetime | None) -> str | None:
    return timezone.localdate(moment).isoformat() if moment else None


def _due_day(appeal: Appeal) -> str | None:
    # The due day as the department counts it (its zone), not as Moscow would.
    return local_day(appeal.department, appeal.due_at).isoformat() if appeal.due_at else None


# Set by `journal_many()`: the constructors then build their events unsaved into this list.
_building: ContextVar[list[Event] | None] = ContextVar("journal_building", default=None)
INSERT_BATCH = 1000


@contextmanager
def journal_many() -> Iterator[list[Event]]:
    """Let the constructors below build the block's events, and write them all at its end.

    For the set-based deadline sweeps (``appeals.services.sweeps``): the same constructors, hence
    the same events, as one appeal at a time — the journal is the outbox, and its consumers must
    not tell these from others. Use it inside the transaction that changes the appeals. The
    events get no ids back (nothing reads them; the journal is read from the table).
    """
    built: list[Event] = []
    token = _building.set(built)
    try:
        yield built
    finally:
        _building.reset(token)
    if built:
        _write_many(built)
        from priemnaya.appeals.outbox import wake

        transaction.on_commit(wake)


def _write_many(built: list[Event]) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        Event.objects.bulk_create(built, batch_size=INSERT_BATCH)
        return
    # COPY: a third of the time of bulk_create's INSERT … UNNEST, whose every text and JSON
    # value psycopg quotes into the statement (measured on 2,000 events). Each value is prepared
    # by its field, as an INSERT would; the table's triggers fire for COPY as for INSERT.
    fields = [f for f in Event._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    table = connection.ops.quote_name(Event._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for event in built:
            row = [f.get_db_prep_save(f.pre_save(event, True), connection) for f in fields]
            copy.write_row(row)


def _event(
    *,
    appeal: Appeal,
    type: EventType,
    actor: User | None,
    from_status: str,
    text: str = "",
    is_public: bool = True,
    message: Message | None = None,
    **data: Any,
) -> Event:
    event = Event(
        appeal=appeal,
        type=type,
        actor=actor,
        actor_role=actor.role if actor else "system",
        created_at=clock.now(),
        from_status=from_status,
        to_status=appeal.status,
        is_public=is_public,
        text=text,
        data={k: v for k, v in data.items() if v is not None},
        message=message,
    )
    if (built := _building.get()) is not None:
        built.append(event)  # written with the others at the end of `journal_many()`
        return event
    event.save(force_insert=True)
    # Consumers poll too; the wake-up only makes them react at once (see appeals.outbox).
    from priemnaya.appeals.outbox import wake

    transaction.on_commit(wake)
    return event


def appeal_draft_saved_event(*, appeal: Appeal, actor: User, from_status: str) -> Event:
    return _event(
        appeal=appeal,
        type=EventType.DRAFT_SAVED,
        actor=actor,
        from_status=from_status,
        is_public=False,
    )


def appeal_registered_event(
    *,
    appeal: Appeal,
    actor: User,
    from_status: str,
    repeat_of: Appeal | None = None,
    contest_of: Appeal | None = None,
    route: dict[str, Any] | None = None,
    attachments: list[Attachment] | None = None,
) -> Event:
    return _event(
        appeal=appeal,
        type=EventType.REGISTERED,
        actor=actor,
        from_status=from_status,
        number=appeal.number,
        due_date=_due_day(appeal),
        channel=appeal.channel,
        department=appeal.department.code,
        repeat_of=repeat_of.number if repeat_of else None,
        contest_of=contest_of.number if contest_of else None,
        # How the appeal was routed (catalog.routing.RouteDecision.journal): staff only.
        route=route,
        received_date=_local_date(appeal.received_at) if appeal.received_at else None,
        late_registration=True if appeal.late_registration else None,
        attachments=_files(attachments),
    )


def appeal_edited_event(
    *, appeal: Appeal, actor: User, from_status: str, fields: list[str]
) -> Event:
    return _event(
        appeal=appeal, type=EventType.EDITED, actor=actor, from_status=from_status, fields=fields
    )


def appeal_taken_event(*, appeal: Appeal, actor: User, from_status: str) -> Event:
    return _event(appeal=appeal, type=EventType.TAKEN, actor=actor, from_status=from_status)


def appeal_info_requested_event(
    *, appeal: Appeal, actor: User, from_status: str, question: Message
) -> Event:
    return _event(
        appeal=appeal,
        type=EventType.INFO_REQUESTED,
        actor=actor,
        from_status=from_status,
        text=question.text,
        message=question,
    )


def appeal_info_provided_event(
    *,
    appeal: Appeal,
    actor: User,
    from_status: str,
    reply: Message,
    attachments: list[Attachment] | None = None,
) -> Event:
    return _event(
        appeal=appeal,
        type=EventType.INFO_PROVIDED,
        actor=actor,
        from_status=from_status,
        text=reply.text,
        message=reply,
        due_date=_due_day(appeal),
        attachments=_files(attachments),
    )


def appeal_documents_added_event(
    *,
    appeal: Appeal,
    actor: User,
    from_status: str,
    attachments: list[Attachment],
    message: Message | None = None,
) -> Event:
    """Public: the applicant sent more documents after submitting."""
    return _event(
        appeal=appeal,
        type=EventType.DOCUMENTS_ADDED,
        actor=actor,
        from_status=from_status,
        text=message.text if message else "",
        message=message,
        attachments=_files(attachments),
    )


def appeal_answered_event(
    *,
    appeal: Appeal,
    actor: User,
    from_status: str,
    answer: Answer,
    attachments: list[Attachment] | None = None,
) -> Event:
    return _event(
        appeal=appeal,
        type=EventType.ANSWERED,
        actor=actor,
        from_status=from_status,
        answer_id=answer.pk,
        outcome=answer.outcome,
        attachments=_files(attachments),
    )


def appeal_closed_event(*, appeal: Appeal, actor: User | None, from_status: str) -> Event:
    return _event(
        appeal=appeal,
        type=EventType.CLOSED,
        actor=actor,
        from_status=from_status,
        by="applicant" if actor else "timer",
    )


def appeal_withdrawn_event(*, appeal: Appeal, actor: User, from_status: str, reason: str) -> Event:
    return _event(
        appeal=appeal, type=EventType.WITHDRAWN, actor=actor, from_status=from_status, text=reason
    )


def appeal_reopened_event(
    *,
    appeal: Appeal,
    actor: User,
    from_status: str,
    reason: str,
    old_due: datetime | None = None,
    new_due: datetime | None = None,
) -> Event:
    return _event(
        appeal=appeal,
        type=EventType.REOPENED,
        actor=actor,
        from_status=from_status,
        text=reason,
        old_due_date=_local_date(old_due),
        due_date=_local_date(new_due),
    )


def appeal_commented_event(
    *, appeal: Appeal, actor: User, from_status: str, comment: Message
) -> Event:
    return _event(
        appeal=appeal,
        type=EventType.COMMENTED,
        actor=actor,
        from_status=from_status,
        text=comment.text,
        message=comment,
    )


def appeal_note_added_event(
    *, appeal: Appeal, actor: User, from_status: str, note: Message
) -> Event:
    return _event(
        appeal=appeal,
        type=EventType.NOTE_ADDED,
        actor=actor,
        from_status=from_status,
        text=note.text,
        message=note,
        is_public=False,
    )


def appeal_redirected_event(
    *,
    appeal: Appeal,
    actor: User,
    from_status: str,
    source: Department,
    target: Department,
    reason: str,
    routed: bool | None = None,
) -> Event:
    return _event(
        appeal=appeal,
        type=EventType.REDIRECTED,
        actor=actor,
        from_status=from_status,
        text=reason,
        source=source.code,
        target=target.code,
        target_name=target.name,
        # True: the manual route of an appeal no rule could route (first line).
        routed=routed,
    )


def appeal_escalated_event(
    *,
    appeal: Appeal,
    actor: User | None,
    from_status: str,
    source: Department,
    target: Department,
    reason: str,
    by: str,
) -> Event:
    return _event(
        appeal=appeal,
        type=EventType.ESCALATED,
        actor=actor,
        from_status=from_status,
        text=reason,
        level=appeal.escalation_level,
        source=source.code,
        target=target.code,
        target_name=target.name,
        by=by,
    )


def appeal_assigned_event(
    *, appeal: Appeal, actor: User, from_status: str, assignee: User
) -> Event:
    return _event(
        appeal=appeal,
        type=EventType.ASSIGNED,
        actor=actor,
        from_status=from_status,
        is_public=False,
        assignee_id=assignee.pk,
        assignee_name=assignee.full_name,
    )


def appeal_extended_event(
    *, appeal: Appeal, actor: User, from_status: str, old_due: date, new_due: date, reason: str
) -> Event:
    return _event(
        appeal=appeal,
        type=EventType.EXTENDED,
        actor=actor,
        from_status=from_status,
        text=reason,
        old_due_date=old_due.isoformat(),
        due_date=new_due.isoformat(),
    )


def appeal_rated_event(
    *, appeal: Appeal, actor: User, from_status: str, rating: int, comment: str, review: bool
) -> Event:
    return _event(
        appeal=appeal,
        type=EventType.RATED,
        actor=actor,
        from_status=from_status,
        text=comment,
        rating=rating,
        review=review,
    )


def appeal_answer_confirmed_event(
    *, appeal: Appeal, actor: User, from_status: str, comment: str
) -> Event:
    return _event(
        appeal=appeal,
        type=EventType.ANSWER_CONFIRMED,
        actor=actor,
        from_status=from_status,
        text=comment,
    )


def appeal_answer_submitted_event(
    *,
    appeal: Appeal,
    actor: User,
    from_status: str,
    draft_id: int,
    outcome: str,
    resubmitted: bool = False,
) -> Event:
    """Internal: an executor sent an answer to the department head's review (SPEC §12).

    The applicant never reads of drafts: they learn of the answer when it is issued.
    """
    return _event(
        appeal=appeal,
        type=EventType.ANSWER_SUBMITTED,
        actor=actor,
        from_status=from_status,
        is_public=False,
        draft_id=draft_id,
        outcome=outcome,
        resubmitted=True if resubmitted else None,
    )


def appeal_answer_returned_event(
    *, appeal: Appeal, actor: User, from_status: str, draft_id: int, author: User, comment: str
) -> Event:
    """Internal: the head returned a draft answer to its author with remarks (staff read them)."""
    return _event(
        appeal=appeal,
        type=EventType.ANSWER_RETURNED,
        actor=actor,
        from_status=from_status,
        is_public=False,
        text=comment,
        draft_id=draft_id,
        author_id=author.pk,
        author_name=author.full_name,
    )


# What the applicant reads when their appeal joins a known failure.
INCIDENT_NOTICE = "Мы знаем о сбое и уже устраняем его."


def appeal_incident_linked_event(
    *, appeal: Appeal, actor: User | None, from_status: str, incident: Incident
) -> Event:
    return _event(
        appeal=appeal,
        type=EventType.INCIDENT_LINKED,
        actor=actor,
        from_status=from_status,
        text=INCIDENT_NOTICE,
        incident=incident.pk,
        signature=incident.signature,
    )


def appeal_applicant_linked_event(
    *, appeal: Appeal, actor: User | None, from_status: str, contact: str
) -> Event:
    return _event(
        appeal=appeal,
        type=EventType.APPLICANT_LINKED,
        actor=actor,
        from_status=from_status,
        contact=contact,
        applicant_id=appeal.applicant_id,
    )


def appeal_collective_joined_event(
    *, appeal: Appeal, actor: User | None, from_status: str, collective: int, title: str
) -> Event:
    return _event(
        appeal=appeal,
        type=EventType.COLLECTIVE_JOINED,
        actor=actor,
        from_status=from_status,
        collective=collective,
        title=title,
    )


def appeal_forwarded_event(
    *, appeal: Appeal, actor: User, from_status: str, answer: Answer
) -> Event:
    """A crime report without name or address sent to the competent body (59-FZ art. 11 p.1)."""
    return _event(
        appeal=appeal,
        type=EventType.FORWARDED,
        actor=actor,
        from_status=from_status,
        answer_id=answer.pk,
        outcome=answer.outcome,
        forward_to=answer.forward_to,
    )


# ---- the deadline sweeps (actor None: the system) -----------------------------------------------


def appeal_due_soon_event(
    *, appeal: Appeal, actor: None, from_status: str, due_date: date, hours_left: int
) -> Event:
    """Internal: the deadline is near; for the assignee, or the department when unassigned."""
    return _event(
        appeal=appeal,
        type=EventType.DUE_SOON,
        actor=actor,
        from_status=from_status,
        is_public=False,
        due_date=due_date.isoformat(),
        hours_left=hours_left,
        assignee_id=appeal.assignee_id,
        assignee_name=appeal.assignee.full_name if appeal.assignee else None,
        department=appeal.department.code,
        department_name=appeal.department.name,
    )


def appeal_first_response_overdue_event(
    *, appeal: Appeal, actor: None, from_status: str, escalate: bool
) -> Event:
    """Internal: nobody reacted to a registered appeal by its first-response target."""
    due = appeal.first_response_due_at
    return _event(
        appeal=appeal,
        type=EventType.FIRST_RESPONSE_OVERDUE,
        actor=actor,
        from_status=from_status,
        is_public=False,
        first_response_due_at=due.isoformat() if due else None,
        escalate=escalate,
        department=appeal.department.code,
        department_name=appeal.department.name,
    )


def appeal_overdue_event(
    *, appeal: Appeal, actor: None, from_status: str, due_date: date, escalate: bool
) -> Event:
    """Public: the answer was not given by the deadline; the applicant is told what happens now.

    The texts are the presenter's (``appeals.presenters``), per audience, from these facts.
    """
    return _event(
        appeal=appeal,
        type=EventType.OVERDUE,
        actor=actor,
        from_status=from_status,
        due_date=due_date.isoformat(),
        regime=appeal.regime,
        extended=appeal.extended,
        escalate=escalate,
        department=appeal.department.code,
        department_name=appeal.department.name,
        assignee_name=appeal.assignee.full_name if appeal.assignee else None,
    )


def appeal_regime_changed_event(
    *,
    appeal: Appeal,
    actor: User,
    from_status: str,
    old_regime: str,
    old_policy: Policy | None,
    old_due: datetime | None,
    reason: str,
) -> Event:
    return _event(
        appeal=appeal,
        type=EventType.REGIME_CHANGED,
        actor=actor,
        from_status=from_status,
        text=reason,
        regime=appeal.regime,
        policy=appeal.policy.code if appeal.policy else None,
        old_regime=old_regime,
        old_policy=old_policy.code if old_policy else None,
        old_due_date=_local_date(old_due),
        due_date=_due_day(appeal),
    )


def appeal_archived_event(
    *, appeal: Appeal, actor: User | None, from_status: str, retention_years: int
) -> Event:
    return _event(
        appeal=appeal,
        type=EventType.ARCHIVED,
        actor=actor,
        from_status=from_status,
        is_public=False,
        retention_years=retention_years,
    )


def appeal_anonymised_event(
    *, appeal: Appeal, actor: User | None, from_status: str, act: int
) -> Event:
    return _event(
        appeal=appeal,
        type=EventType.ANONYMISED,
        actor=actor,
        from_status=from_status,
        is_public=False,
        act=act,
    )
