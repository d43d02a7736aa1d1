"""The end of an appeal's life (issue 14, SPEC §18): the archive and the anonymisation.

Both are system transitions through ``appeal_transition`` with a staff-only journal event. The
archive only marks the appeal (read-only from then on, see ``permissions.refusal``); the
anonymisation replaces the personal data of the appeal, its conversation, its answers and its
journal by a fixed marker, keeping every row and every dimension statistics are counted by (kind,
theme, department, channel, region, status, dates, outcome, rating). The other contexts' copies
(notifications, chats, letters, calls, files) are anonymised by ``priemnaya.retention``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection, transaction

from priemnaya.appeals import events
from priemnaya.appeals.lifecycle import Action
from priemnaya.appeals.models import Answer, Appeal, Event, Message
from priemnaya.appeals.services.journal import appeal_transition

MARKER = "[обезличено]"

# Journal payload keys whose strings are not personal data: codes, dates, numbers and the names
# of departments and staff (staff act in office; their names stay on the record). Every other
# string of an anonymised appeal's journal (file names, incident signatures…) becomes the marker.
JOURNAL_KEEP = frozenset(
    {
        "department",
        "department_name",
        "source",
        "target",
        "target_name",
        "regime",
        "old_regime",
        "policy",
        "old_policy",
        "outcome",
        "due_date",
        "old_due_date",
        "received_date",
        "number",
        "repeat_of",
        "route",
        "review",
        "assignee_name",
        "reason_code",
        "channel",
        "contact",
    }
)

APPEND_ONLY_TABLES = ("appeals_event", "appeals_message", "appeals_answer")
_lifted: ContextVar[bool] = ContextVar("append_only_lifted", default=False)


@contextmanager
def append_only_lifted() -> Iterator[None]:
    """Let the current transaction rewrite the journal, conversation and answers in place.

    Only the anonymisation does this. PostgreSQL: the append-only trigger lets an UPDATE through
    while ``priemnaya.allow_anonymise`` is on in this transaction (migration 0023). SQLite (tests,
    single-process development): its triggers read no settings, so they are dropped and created
    again from their own stored SQL inside the same transaction.
    """
    if _lifted.get():
        yield
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("append_only_lifted() must run inside a transaction")
    token = _lifted.set(True)
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL priemnaya.allow_anonymise = 'on'")
            try:
                yield
            finally:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL priemnaya.allow_anonymise = 'off'")
        elif connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                    "AND tbl_name IN (%s, %s, %s)",
                    APPEND_ONLY_TABLES,
                )
                triggers = cursor.fetchall()
                for name, _sql in triggers:
                    cursor.execute(f'DROP TRIGGER "{name}"')
            try:
                yield
            finally:
                with connection.cursor() as cursor:
                    for _name, sql in triggers:
                        cursor.execute(sql)
        else:
            yield
    finally:
        _lifted.reset(token)


def scrub_payload(value: Any, key: str = "") -> Any:
    """Return the journal payload with every personal string replaced by the marker."""
    if isinstance(value, dict):
        return {k: scrub_payload(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_payload(v, key) for v in value]
    if isinstance(value, str) and value and key not in JOURNAL_KEEP:
        return MARKER
    return value


def _marked(value: str) -> str:
    return MARKER if value else ""


def appeal_archive(*, appeal: Appeal, retention_years: int) -> Appeal:
    """Move a closed appeal to the archive: read-only from now on, kept for audit."""
    with appeal_transition(appeal=appeal, action=Action.ARCHIVE, actor=None) as t:
        t.appeal.archived_at = t.now
        t.journal(events.appeal_archived_event, retention_years=retention_years)
    return t.appeal


def appeal_anonymise(*, appeal: Appeal, act: int) -> Appeal:
    """Replace the appeal's personal data by the marker at the end of its retention period.

    Kept: every row, the number, kind, theme, department, channel, region, status, dates,
    outcomes, result codes and the rating's number. The applicant's account is unlinked, not
    deleted (it belongs to the person). ``act`` is the destruction act's id.
    """
    with (
        transaction.atomic(),
        append_only_lifted(),
        appeal_transition(appeal=appeal, action=Action.ANONYMISE, actor=None) as t,
    ):
        a = t.appeal
        a.subject = MARKER
        a.text = MARKER
        a.desired_result = _marked(a.desired_result)
        a.applicant_name = MARKER
        a.contact_phone = ""
        a.contact_email = ""
        a.contact_address = ""
        a.applicant = None
        a.client_token = None
        a.rating_comment = _marked(a.rating_comment)
        a.extension_reason = _marked(a.extension_reason)
        a.anonymised_at = t.now
        messages = Message.objects.filter(appeal_id=a.pk)
        messages.exclude(text="").update(text=MARKER)
        answers = Answer.objects.filter(appeal_id=a.pk)
        answers.exclude(text="").update(text=MARKER)
        answers.exclude(notice="").update(notice=MARKER)
        answers.exclude(decision="").update(decision=MARKER)
        journal = list(Event.objects.filter(appeal_id=a.pk))
        for entry in journal:
            entry.text = _marked(entry.text)
            entry.data = scrub_payload(entry.data)
        Event.objects.bulk_update(journal, ["text", "data"], batch_size=500)
        t.journal(events.appeal_anonymised_event, act=act)
    return t.appeal
