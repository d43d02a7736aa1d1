"""An appeal's deadlines from its policy, its department's calendar and working time (SPEC §5).

The arithmetic is `core.deadlines`; this module feeds it the catalog's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from priemnaya.catalog.calendars import department_calendar, department_hours, work_calendar
from priemnaya.catalog.models import Department, Policy, Regime
from priemnaya.core import deadlines as arithmetic
from priemnaya.core.deadlines import LastDay, Unit


def resolution_due(*, policy: Policy, department: Department, registered_at: datetime) -> datetime:
    """Return when the answer is due: the end of the last day of the policy's term.

    Raises CalendarMissing when the term reaches a year the calendar has no data for.
    """
    return arithmetic.due_moment(
        department_calendar(department),
        department_hours(department),
        registered_at,
        policy.resolution_value,
        Unit(policy.resolution_unit),
        LastDay(policy.last_day),
    )


def first_response_due(
    *, policy: Policy, department: Department, registered_at: datetime
) -> datetime | None:
    """Return when the first reaction is due, if the policy sets a target."""
    if not policy.first_response_value:
        return None
    return arithmetic.due_moment(
        department_calendar(department),
        department_hours(department),
        registered_at,
        policy.first_response_value,
        Unit(policy.first_response_unit),
        LastDay(policy.last_day),
    )


def resumed_due(
    *, policy: Policy, department: Department, due_at: datetime, paused_at: datetime, now: datetime
) -> datetime:
    """Return the due moment after a pause: later by the time the appeal waited, never earlier."""
    return arithmetic.resumed_due(
        department_calendar(department),
        department_hours(department),
        due_at,
        paused_at=paused_at,
        resumed_at=now,
        unit=Unit(policy.resolution_unit),
    )


def extension_ceiling(*, policy: Policy, department: Department, original_due: date) -> date:
    """Return the latest day an extension may reach under the policy."""
    return arithmetic.extension_ceiling(
        department_calendar(department),
        original_due,
        policy.max_extension_value,
        Unit(policy.resolution_unit),
    )


def local_day(department: Department, moment: datetime) -> date:
    """Return the day a moment falls on in the department's zone."""
    return department_hours(department).local_date(moment)


def end_of_day(department: Department, day: date) -> datetime:
    return department_hours(department).end_of_day(day)


@dataclass(frozen=True)
class DeadlinePreview:
    """What a registration on a given day would get: the due day and the rule that gave it."""

    registered: date
    due_date: date
    regime: str
    term: int
    unit: str
    last_day: str
    policy: Policy | None


def deadline_preview(
    *,
    registered: date,
    policy: Policy | None = None,
    regime: str | None = None,
    term: int | None = None,
    last_day: str | None = None,
) -> DeadlinePreview:
    """Return the due day of an appeal registered on ``registered`` (federal calendar).

    Either a policy (as chosen by kind and theme) or an explicit regime, term and last-day rule:
    a 59-FZ appeal counts calendar days, a message working days (SPEC §5). Raises
    CalendarMissing for a year without calendar data.
    """
    if policy is not None:
        unit = Unit(policy.resolution_unit)
        value, rule, regime = policy.resolution_value, LastDay(policy.last_day), policy.regime
    else:
        if regime is None or term is None:
            raise ValueError("either a policy or a regime and a term")
        unit = Unit.CALENDAR_DAYS if regime == Regime.FZ59 else Unit.WORKING_DAYS
        value, rule = term, LastDay(last_day or LastDay.PRECEDING)
    due = arithmetic.term_last_day(work_calendar(), registered, value, unit, rule)
    return DeadlinePreview(
        registered=registered,
        due_date=due,
        regime=regime,
        term=value,
        unit=unit.value,
        last_day=rule.value,
        policy=policy,
    )
