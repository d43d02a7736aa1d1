"""Incidents (SPEC §17, issue 7 item 9): many similar support appeals at once are one failure.

Detection runs as a consumer of the journal (``appeals.outbox``), not inside registration: during
an outage registrations spike, and the applicant's request should not wait for — or queue behind
— the check of every recent appeal and the linking of the earlier ones, each with its own journal
entry. The consumer serialises detection on the kind's row, so two workers never open two
incidents for one failure; it lags a commit by the relay's poll (half a second).

Appeals are similar when they name the same error code («ошибка 500», «код ошибки E-1234»,
«ERR_CONNECTION_RESET»), or, with no code, when the stems of their subjects overlap enough
(Jaccard ≥ ``SIMILARITY``). ``INCIDENT_THRESHOLD`` similar open support appeals registered within
``INCIDENT_WINDOW_MINUTES`` open an incident; later similar appeals join it while it is open.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction

from priemnaya.accounts.models import User
from priemnaya.appeals import events
from priemnaya.appeals.deadlines import first_response_due
from priemnaya.appeals.lifecycle import Action, Side
from priemnaya.appeals.models import Appeal, Event, Incident
from priemnaya.appeals.permissions import require_staff, side_of, staff_department_ids
from priemnaya.appeals.services.journal import appeal_transition, required_text
from priemnaya.appeals.services.workflow import ANSWER_MAX, appeal_answer, appeal_take
from priemnaya.appeals.states import OPEN_STATUSES, EventType, Outcome, Priority, Status
from priemnaya.catalog.models import Kind, Policy
from priemnaya.catalog.routing import stems
from priemnaya.core import clock
from priemnaya.core.calendar import CalendarMissing
from priemnaya.core.errors import InvalidTransition, NotPermitted

logger = logging.getLogger("priemnaya.incidents")

SUPPORT_KIND = "support"
INCIDENT_POLICY = "incident"
# Share of common subject stems for two appeals without an error code to be «the same failure».
SIMILARITY = 0.5
_CODE_PATTERNS = (
    re.compile(r"\b(ERR_[A-Z0-9_]{2,60})\b", re.IGNORECASE),
    re.compile(
        r"(?:ошибк\w*|код\w*|error|status)\s*(?:ошибки\s*)?[:№#]?\s*"
        r"([A-Za-z]{0,4}[-_]?\d{3,6})\b",
        re.IGNORECASE,
    ),
)
CODE_PREFIX, STEMS_PREFIX = "code:", "stems:"


def error_code(text: str) -> str:
    """Return the error code a text names, upper-cased («500», «E-1234», «ERR_…»), or «»."""
    for pattern in _CODE_PATTERNS:
        if found := pattern.search(text or ""):
            return found.group(1).upper()
    return ""


@dataclass(frozen=True)
class Mark:
    """What makes appeals «the same failure»: an error code, else the stems of the subject."""

    code: str
    stems: frozenset[str]

    @classmethod
    def of(cls, appeal: Appeal) -> Mark:
        return cls(error_code(f"{appeal.subject}\n{appeal.text}"), stems(appeal.subject))

    @classmethod
    def of_incident(cls, incident: Incident) -> Mark:
        sig = incident.signature
        if sig.startswith(CODE_PREFIX):
            return cls(sig.removeprefix(CODE_PREFIX), stems(incident.title))
        return cls("", frozenset(sig.removeprefix(STEMS_PREFIX).split()))

    @property
    def signature(self) -> str:
        if self.code:
            return f"{CODE_PREFIX}{self.code}"[:200]
        return (STEMS_PREFIX + " ".join(sorted(self.stems)))[:200]

    def similar(self, other: Mark) -> bool:
        if self.code or other.code:
            return self.code == other.code
        if not self.stems or not other.stems:
            return False
        return len(self.stems & other.stems) / len(self.stems | other.stems) >= SIMILARITY


def _link(appeal: Appeal, incident: Incident) -> None:
    with appeal_transition(appeal=appeal, action=Action.LINK_INCIDENT, actor=None) as t:
        a = t.appeal
        a.incident = incident
        a.priority = Priority.CRITICAL
        # The incident's 30-minute reaction covers every appeal about it still waiting for one.
        due = incident.first_response_due_at
        if (
            due
            and a.first_response_at is None
            and (a.first_response_due_at is None or due < a.first_response_due_at)
        ):
            a.first_response_due_at = due
        t.journal(events.appeal_incident_linked_event, incident=incident)


def _open_incident(appeal: Appeal, mark: Mark) -> Incident:
    now = clock.now()
    policy = Policy.objects.filter(code=INCIDENT_POLICY).first()
    due = None
    if policy is not None:
        try:
            due = first_response_due(policy=policy, department=appeal.department, registered_at=now)
        except CalendarMissing:
            logger.warning("incident without a reaction target: the calendar has no %s", now.year)
    return Incident.objects.create(
        title=appeal.subject[:200],
        signature=mark.signature,
        policy=policy,
        department=appeal.department,
        opened_at=now,
        first_response_due_at=due,
    )


@transaction.atomic
def incident_detect(appeal: Appeal) -> Incident | None:
    """Join the appeal to an open incident it resembles, or open one if enough resemble it.

    Return the incident, or None if the appeal is not part of one.
    """
    appeal = Appeal.objects.select_related("kind", "department").get(pk=appeal.pk)
    if appeal.kind.code != SUPPORT_KIND or appeal.status not in OPEN_STATUSES:
        return None
    if appeal.incident_id is not None:
        return appeal.incident
    # One detection at a time per kind: two workers must not open two incidents for one failure.
    Kind.objects.select_for_update().filter(pk=appeal.kind_id).first()
    mark = Mark.of(appeal)
    for incident in Incident.objects.filter(
        state=Incident.State.OPEN, department=appeal.department
    ):
        if mark.similar(Mark.of_incident(incident)):
            _link(appeal, incident)
            return incident
    options = settings.PRIEMNAYA
    # Measured from the appeal's registration, not from now: a worker catching up after a
    # stop still sees the burst as it happened.
    registered = appeal.registered_at or clock.now()
    since = registered - timedelta(minutes=options["INCIDENT_WINDOW_MINUTES"])
    recent = (
        Appeal.objects.filter(
            kind_id=appeal.kind_id,
            registered_at__gte=since,
            registered_at__lte=registered,
            incident__isnull=True,
            status__in=OPEN_STATUSES,
        )
        .exclude(pk=appeal.pk)
        .only("pk", "subject", "text")
        .order_by("id")
    )
    similar = [other for other in recent if mark.similar(Mark.of(other))]
    if len(similar) + 1 < options["INCIDENT_THRESHOLD"]:
        return None
    incident = _open_incident(appeal, mark)
    for other in [*similar, appeal]:
        _link(other, incident)
    return incident


class IncidentDetector:
    """The journal consumer that runs incident detection for each registered appeal."""

    name = "incidents"

    def wants(self, event: Event) -> bool:
        return event.type == EventType.REGISTERED

    def handle(self, event: Event) -> None:
        incident_detect(event.appeal)


def _may_resolve(user: User, incident: Incident) -> bool:
    return user.sees_all_departments or incident.department_id in staff_department_ids(user)


@transaction.atomic
def incident_resolve(*, incident: Incident, actor: User, text: str) -> Incident:
    """Answer every open linked appeal with one text and mark the incident resolved.

    Each appeal is answered through ``appeal_answer`` (taken first by the actor if it is still
    «Получено»); an appeal waiting for the applicant's clarification is left to its assignee.
    Staff of the incident's department and supervisors may do it.
    """
    require_staff(actor)
    if not _may_resolve(actor, incident):
        raise NotPermitted("Ответить по инциденту могут сотрудники его ведомства и супервизоры.")
    text = required_text(
        text, field="text", max_length=ANSWER_MAX, missing="Напишите ответ заявителям."
    )
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    if locked.state != Incident.State.OPEN:
        raise InvalidTransition("Инцидент уже устранён.", field="state")
    waiting = Appeal.objects.filter(
        incident=locked, status__in=[Status.REGISTERED, Status.IN_PROGRESS]
    ).select_related("department")
    for appeal in waiting.order_by("id"):
        if side_of(actor, appeal) is not Side.STAFF:
            continue  # redirected out of the actor's departments since: its staff answer it
        current = appeal
        if current.status == Status.REGISTERED:
            current = appeal_take(appeal=current, actor=actor)
        appeal_answer(appeal=current, actor=actor, outcome=Outcome.RESOLVED, text=text)
    locked.state = Incident.State.RESOLVED
    locked.resolved_at = clock.now()
    locked.resolved_by = actor
    locked.answer_text = text
    locked.save(update_fields=["state", "resolved_at", "resolved_by", "answer_text"])
    return locked
