"""The deadline sweeps' marks on one appeal (SPEC §5): a due-soon warning and the two breaches.

Each is a system transition (actor None, the state unchanged) that re-checks its condition under
the appeal's row lock, so a sweep that read the appeal a moment ago never warns twice, never
flags an appeal answered or paused meanwhile, and two overlapping sweeps mark it once.
``appeals.sweeps`` finds the appeals and decides on escalation; these only mark and journal.
The functions for many appeals at once (below) do the same for a batch the sweep has locked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from django.db.models import F, Q, QuerySet

from priemnaya.appeals import events
from priemnaya.appeals.deadlines import local_day
from priemnaya.appeals.lifecycle import TRANSITIONS, Action, Side
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.permissions import refusal
from priemnaya.appeals.services.journal import appeal_transition, required_text
from priemnaya.appeals.services.routing import REASON_MAX, escalation_target
from priemnaya.catalog.models import BreachAction, Department, Policy
from priemnaya.core import clock
from priemnaya.core.errors import InvalidTransition

# For appeals registered before deadline policies existed (policy NULL).
DEFAULT_WARN_HOURS = 24


def warn_hours(policy: Policy | None) -> int:
    return policy.warn_before_hours if policy is not None else DEFAULT_WARN_HOURS


def escalates_on_breach(policy: Policy | None) -> bool:
    """Whether a breach passes the appeal up; without a policy staff are only notified."""
    return policy is not None and policy.breach_action == BreachAction.ESCALATE


class NoLongerDue(InvalidTransition):
    """The appeal changed since the sweep read it (answered, paused, moved, already marked)."""


def appeal_warn_due_soon(*, appeal: Appeal) -> Appeal:
    """Journal «скоро срок» for the assignee (or the department) once per deadline."""
    with appeal_transition(appeal=appeal, action=Action.WARN_DUE_SOON, actor=None) as t:
        a = t.appeal
        window = timedelta(hours=warn_hours(a.policy))
        if (
            a.due_at is None
            or a.paused_at is not None
            or a.due_soon_warned_at is not None
            or not t.now <= a.due_at < t.now + window
        ):
            raise NoLongerDue("Предупреждать о сроке не нужно.", field="due_at")
        a.due_soon_warned_at = t.now
        hours_left = int((a.due_at - t.now).total_seconds() // 3600)
        t.journal(
            events.appeal_due_soon_event,
            due_date=local_day(a.department, a.due_at),
            hours_left=hours_left,
        )
    return t.appeal


def appeal_flag_first_response_overdue(*, appeal: Appeal, escalate: bool) -> Appeal:
    """Mark and journal (internally) that nobody reacted by the first-response target."""
    with appeal_transition(
        appeal=appeal, action=Action.FLAG_FIRST_RESPONSE_OVERDUE, actor=None
    ) as t:
        a = t.appeal
        if (
            a.first_response_due_at is None
            or a.first_response_at is not None
            or a.first_response_breached_at is not None
            or a.first_response_due_at >= t.now
        ):
            raise NoLongerDue("Срок первой реакции не нарушен.", field="first_response_due_at")
        a.first_response_breached_at = t.now
        t.journal(events.appeal_first_response_overdue_event, escalate=escalate)
    return t.appeal


def appeal_flag_overdue(*, appeal: Appeal, escalate: bool) -> Appeal:
    """Mark the resolution deadline breached; the public event tells the applicant what now."""
    with appeal_transition(appeal=appeal, action=Action.FLAG_OVERDUE, actor=None) as t:
        a = t.appeal
        # A paused appeal's clock is stopped: it is not late while the applicant is asked.
        if a.due_at is None or a.paused_at is not None or a.breached_at is not None:
            raise NoLongerDue("Срок ответа не нарушен.", field="due_at")
        if a.due_at >= t.now:
            raise NoLongerDue("Срок ответа не нарушен.", field="due_at")
        a.breached_at = t.now
        t.journal(
            events.appeal_overdue_event,
            due_date=local_day(a.department, a.due_at),
            escalate=escalate,
        )
    return t.appeal


# ---- many appeals at once: the sweeps' set-based passes -----------------------------------------
#
# The same marks and events as above, for a batch the sweep has locked: one conditional UPDATE
# per mark (per escalation target when the breach passes appeals up), one write of the events
# (`events.journal_many`). Each UPDATE re-checks the condition the functions above check, so an
# appeal changed since it was read is left alone; the events come from the same constructors.


def appeals_lock(qs: QuerySet[Appeal], *, order: str, batch: int) -> list[Appeal]:
    """Lock and return the first ``batch`` appeals of ``qs`` in (order, id) order.

    Appeals another transaction holds (an answer being written, another sweep's batch) are
    skipped rather than waited for: they are still due at the next pass if nobody handled them.
    Only the appeal rows are locked, as ``appeal_transition`` does; SQLite locks nothing and
    serialises the writers instead (IMMEDIATE transactions).
    """
    locked = (
        qs.select_related("department", "assignee", "policy")
        .select_for_update(skip_locked=True, of=("self",))
        .order_by(order, "id")
    )
    return list(locked[:batch])


def _mark(appeals: list[Appeal], condition: Q, mark: str, **values: Any) -> list[Appeal]:
    """Set ``mark`` (and ``values``) to now on the appeals still meeting ``condition``.

    Return those marked, their mark and ``updated_at`` set; ``values`` (expressions allowed) are
    left for the caller to reflect on the instances.
    """
    ids = [a.pk for a in appeals]
    if not ids:
        return []
    now = clock.now()
    update = Appeal.objects.filter(condition, pk__in=ids)
    count = update.update(**{mark: now, "updated_at": now, **values})
    if count != len(ids):
        # Only if an appeal changed between the read and the update (the read locks them, so
        # not on PostgreSQL, nor on SQLite in one IMMEDIATE transaction): find which were marked.
        marked = set(Appeal.objects.filter(pk__in=ids, **{mark: now}).values_list("pk", flat=True))
        appeals = [a for a in appeals if a.pk in marked]
    for appeal in appeals:
        setattr(appeal, mark, now)
        appeal.updated_at = now
    return appeals


def _working(action: Action) -> Q:
    return Q(status__in=sorted(TRANSITIONS[action].sources))


def appeals_warn_due_soon(*, appeals: list[Appeal], window: timedelta) -> list[Appeal]:
    """``appeal_warn_due_soon`` for locked appeals sharing one window; return those warned."""
    now = clock.now()
    still_due = _working(Action.WARN_DUE_SOON) & Q(
        due_soon_warned_at__isnull=True,
        paused_at__isnull=True,
        due_at__gte=now,
        due_at__lt=now + window,
    )
    marked = _mark(appeals, still_due, "due_soon_warned_at")
    with events.journal_many():
        for a in marked:
            due = cast(datetime, a.due_at)  # not NULL: the condition above
            events.appeal_due_soon_event(
                appeal=a,
                actor=None,
                from_status=a.status,
                due_date=local_day(a.department, due),
                hours_left=int((due - now).total_seconds() // 3600),
            )
    return marked


class EscalationTargets:
    """Where the timer passes appeals up, per source department (few: asked once each)."""

    def __init__(self) -> None:
        self._targets: dict[int, Department] = {}

    def target(self, appeal: Appeal) -> Department | None:
        """The department ``appeal_escalate`` would pass the appeal to, None if it would refuse."""
        if refusal(Action.ESCALATE, appeal, None, Side.SYSTEM) is not None:
            return None
        source = appeal.department
        if source.pk not in self._targets:
            self._targets[source.pk] = escalation_target(source)
        target = self._targets[source.pk]
        return None if target.pk == source.pk else target


@dataclass(frozen=True)
class Escalation:
    """What a batch's breach flags say and do: ``passing`` {id: target}, ``claimed`` the ids
    whose flag says the appeal is passed up (also those passed up earlier in the run)."""

    passing: Mapping[int, Department]
    claimed: Container[int]
    reason: Callable[[Appeal], str]


def _flag_breaches(
    appeals: list[Appeal],
    condition: Q,
    mark: str,
    flag: Callable[[Appeal, bool], None],
    escalation: Escalation,
) -> tuple[list[Appeal], list[Appeal]]:
    """Mark the breach and pass up the appeals ``escalation`` says; return (flagged, passed up).

    What the flag and then ``appeal_escalate`` do to each appeal, with one UPDATE per target
    department (the mark and the escalation in one row version) and the events in one INSERT.
    """
    passing = escalation.passing
    # The reason is the appeal's before it goes up (its department's zone and dates).
    texts = {
        a.pk: required_text(escalation.reason(a), field="reason", max_length=REASON_MAX)
        for a in appeals
        if a.pk in passing
    }
    groups: dict[int | None, list[Appeal]] = defaultdict(list)
    for a in appeals:
        groups[passing[a.pk].pk if a.pk in passing else None].append(a)
    marked: set[int] = set()
    for target_id, members in groups.items():
        values: dict[str, Any] = {}
        if target_id is not None:
            values = {
                "department_id": target_id,
                "escalation_level": F("escalation_level") + 1,
                "assignee": None,
            }
        marked.update(a.pk for a in _mark(members, condition, mark, **values))
    flagged = [a for a in appeals if a.pk in marked]
    passed_up = []
    with events.journal_many():
        for a in flagged:
            flag(a, a.pk in escalation.claimed)
            if a.pk in passing:
                source, target = a.department, passing[a.pk]
                a.escalation_level += 1
                a.department, a.assignee = target, None
                events.appeal_escalated_event(
                    appeal=a,
                    actor=None,
                    from_status=a.status,
                    source=source,
                    target=target,
                    reason=texts[a.pk],
                    by=Side.SYSTEM.value,
                )
                passed_up.append(a)
    return flagged, passed_up


def appeals_flag_first_response_overdue(
    *, appeals: list[Appeal], escalation: Escalation
) -> tuple[list[Appeal], list[Appeal]]:
    """``appeal_flag_first_response_overdue`` and the escalations for locked appeals.

    Return (flagged, passed up).
    """
    now = clock.now()
    still_late = _working(Action.FLAG_FIRST_RESPONSE_OVERDUE) & Q(
        first_response_breached_at__isnull=True,
        first_response_at__isnull=True,
        first_response_due_at__lt=now,
    )

    def flag(a: Appeal, escalate: bool) -> None:
        events.appeal_first_response_overdue_event(
            appeal=a, actor=None, from_status=a.status, escalate=escalate
        )

    return _flag_breaches(appeals, still_late, "first_response_breached_at", flag, escalation)


def appeals_flag_overdue(
    *, appeals: list[Appeal], escalation: Escalation
) -> tuple[list[Appeal], list[Appeal]]:
    """``appeal_flag_overdue`` and the escalations for locked appeals; (flagged, passed up)."""
    now = clock.now()
    still_late = _working(Action.FLAG_OVERDUE) & Q(
        breached_at__isnull=True, paused_at__isnull=True, due_at__lt=now
    )

    def flag(a: Appeal, escalate: bool) -> None:
        events.appeal_overdue_event(
            appeal=a,
            actor=None,
            from_status=a.status,
            due_date=local_day(a.department, cast(datetime, a.due_at)),  # not NULL: above
            escalate=escalate,
        )

    return _flag_breaches(appeals, still_late, "breached_at", flag, escalation)
