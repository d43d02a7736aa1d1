"""Due dates from a kind's default term (the full SLA engine of SPEC §5 replaces this later)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from priemnaya.catalog.models import DayUnit, Kind
from priemnaya.core.workdays import add_working_days, previous_working_day


def _end_of_day(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def resolution_due(*, kind: Kind, registered_at: datetime) -> datetime:
    """Return when the answer is due: the end of the last day of the kind's term.

    Calendar terms start the day after registration; a last day that is not a working day moves
    to the preceding working day (the default for internal due dates, SPEC §5).
    """
    day = timezone.localtime(registered_at).date()
    if kind.resolution_unit == DayUnit.CALENDAR:
        return _end_of_day(previous_working_day(day + timedelta(days=kind.resolution_days)))
    return _end_of_day(add_working_days(day, kind.resolution_days))


def first_response_due(*, kind: Kind, registered_at: datetime) -> datetime | None:
    """Return when the first reaction is due, if the kind sets a target."""
    if not kind.first_response_hours:
        return None
    return registered_at + timedelta(hours=kind.first_response_hours)
