"""The deadline sweeps' marks on one appeal (SPEC §5): a due-soon warning and the two breaches.

Each is a system transition (actor None, the state unchanged) that re-checks its condition under
the appeal's row lock, so a sweep that read the appeal a moment ago never warns twice, never
flags an appeal answered or paused meanwhile, and two overlapping sweeps mark it once.
``appeals.sweeps`` finds the appeals and decides on escalation; these only mark and journal.
"""

from __future__ import annotations

from datetime import timedelta

from priemnaya.appeals import events
from priemnaya.appeals.deadlines import local_day
from priemnaya.appeals.lifecycle import Action
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.services.journal import appeal_transition
from priemnaya.catalog.models import BreachAction, Policy
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
