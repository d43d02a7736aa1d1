"""Deadline arithmetic over a working calendar (pure functions; SPEC §5, LEGAL.md §3 and §6).

Day terms end at the end of a local day (23:59:59 in the department's zone); hour and minute
terms count the department's working time. Nothing here reads the database or the clock: the
catalog supplies the calendar and the policy, the appeals services supply the moments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from priemnaya.core.calendar import STANDARD_HOURS, WorkCalendar

END_OF_DAY = time(23, 59, 59)
# A bound for the walks below: no term of SPEC §5 spans more than a few months.
MAX_WALK_DAYS = 3 * 366


class LastDay(StrEnum):
    """Where a term whose last day is not a working day ends."""

    PRECEDING = "preceding"  # the default for internal due dates
    NEXT = "next"  # Civil Code art. 193


class Unit(StrEnum):
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    WORKING_MINUTES = "working_minutes"

    @property
    def is_days(self) -> bool:
        return self in (Unit.CALENDAR_DAYS, Unit.WORKING_DAYS)


@dataclass(frozen=True)
class BusinessHours:
    """A department's working time: its zone and the hours of a full working day.

    A shortened day (the eve of a holiday) closes earlier by the hours it is short.
    """

    zone: ZoneInfo
    opens: time = time(9, 0)
    closes: time = time(18, 0)

    def window(self, calendar: WorkCalendar, day: date) -> tuple[datetime, datetime] | None:
        """Return the working interval of a day, or None on a day off."""
        info = calendar.day(day)
        if not info.working or info.hours <= 0:
            return None
        start = datetime.combine(day, self.opens, tzinfo=self.zone)
        end = datetime.combine(day, self.closes, tzinfo=self.zone)
        end -= timedelta(hours=max(STANDARD_HOURS - info.hours, 0))
        return (start, end) if end > start else None

    def end_of_day(self, day: date) -> datetime:
        return datetime.combine(day, END_OF_DAY, tzinfo=self.zone)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()


def roll(calendar: WorkCalendar, day: date, rule: LastDay) -> date:
    """Return the day itself if it is worked, else the nearest working day in the rule's way."""
    step = timedelta(days=-1 if rule is LastDay.PRECEDING else 1)
    for _ in range(MAX_WALK_DAYS):
        if calendar.is_working(day):
            return day
        day += step
    raise ValueError(f"no working day near {day}")


def add_working_days(calendar: WorkCalendar, start: date, days: int) -> date:
    """Return the day ``days`` working days after ``start`` (the start day not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    while days:
        current += timedelta(days=1)
        if calendar.is_working(current):
            days -= 1
    return current


def working_days_between(calendar: WorkCalendar, start: date, end: date) -> int:
    """Return how many working days lie in [start, end)."""
    count, day = 0, start
    while day < end:
        count += calendar.is_working(day)
        day += timedelta(days=1)
    return count


def term_last_day(
    calendar: WorkCalendar, start: date, value: int, unit: Unit, rule: LastDay
) -> date:
    """Return the last day of a term of days that starts the day after ``start``.

    Calendar days (59-FZ, Civil Code art. 191) end on ``start + value``, moved off a day off by
    the rule (never back to the start day or before it); working days end on a working day by
    construction.
    """
    if unit is Unit.CALENDAR_DAYS:
        last = roll(calendar, start + timedelta(days=value), rule)
        if last <= start and value > 0:
            # A short term over long holidays (1 January + 1 day) would roll back to before it
            # began; a term never ends before its first day, so it moves forward instead.
            last = roll(calendar, start + timedelta(days=value), LastDay.NEXT)
        return last
    if unit is Unit.WORKING_DAYS:
        return add_working_days(calendar, start, value)
    raise ValueError(f"{unit} is not a unit of days")


def add_working_time(
    calendar: WorkCalendar, hours: BusinessHours, start: datetime, minutes: int
) -> datetime:
    """Return the moment ``minutes`` of the department's working time after ``start``."""
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    left = timedelta(minutes=minutes)
    day = hours.local_date(start)
    for _ in range(MAX_WALK_DAYS):
        window = hours.window(calendar, day)
        if window is not None:
            begin = max(window[0], start)
            if begin < window[1]:
                available = window[1] - begin
                if left <= available:
                    return begin + left
                left -= available
        day += timedelta(days=1)
    raise ValueError("the working time does not fit the calendar")


def due_moment(
    calendar: WorkCalendar,
    hours: BusinessHours,
    registered_at: datetime,
    value: int,
    unit: Unit,
    rule: LastDay = LastDay.PRECEDING,
) -> datetime:
    """Return when a term that starts at registration ends."""
    if unit is Unit.WORKING_HOURS:
        return add_working_time(calendar, hours, registered_at, value * 60)
    if unit is Unit.WORKING_MINUTES:
        return add_working_time(calendar, hours, registered_at, value)
    day = term_last_day(calendar, hours.local_date(registered_at), value, unit, rule)
    return hours.end_of_day(day)


def resumed_due(
    calendar: WorkCalendar,
    hours: BusinessHours,
    due_at: datetime,
    *,
    paused_at: datetime,
    resumed_at: datetime,
    unit: Unit,
) -> datetime:
    """Return the due moment after a pause (``needs_info``): never earlier than before.

    Day terms move by the local days the appeal waited (working days for a working-day term) and
    end at the end of a local working day; time terms move by the working time that passed.
    """
    if resumed_at <= paused_at:
        return due_at
    if not unit.is_days:
        waited = _working_time_between(calendar, hours, paused_at, resumed_at)
        if waited <= timedelta(0):
            return due_at
        return add_working_time(calendar, hours, due_at, int(waited.total_seconds() // 60) or 1)
    paused_day, resumed_day = hours.local_date(paused_at), hours.local_date(resumed_at)
    due_day = hours.local_date(due_at)
    if unit is Unit.WORKING_DAYS:
        waited_days = working_days_between(calendar, paused_day, resumed_day)
        new_day = add_working_days(calendar, due_day, waited_days)
    else:
        new_day = due_day + timedelta(days=(resumed_day - paused_day).days)
    new_day = roll(calendar, new_day, LastDay.NEXT)
    return max(hours.end_of_day(new_day), due_at)


def _working_time_between(
    calendar: WorkCalendar, hours: BusinessHours, start: datetime, end: datetime
) -> timedelta:
    total, day = timedelta(0), hours.local_date(start)
    last = hours.local_date(end)
    while day <= last:
        window = hours.window(calendar, day)
        if window is not None:
            begin, finish = max(window[0], start), min(window[1], end)
            if finish > begin:
                total += finish - begin
        day += timedelta(days=1)
    return total


def extension_ceiling(calendar: WorkCalendar, original_due: date, value: int, unit: Unit) -> date:
    """Return the latest day an extension may reach: the original due day plus the policy's
    maximum (calendar or working days)."""
    if unit is Unit.WORKING_DAYS:
        return add_working_days(calendar, original_due, value)
    return original_due + timedelta(days=value)


def registration_late(received: date, registered: date, limit_days: int = 3) -> bool:
    """True when registration came later than ``limit_days`` after receipt (59-FZ art. 8 p.2)."""
    return (registered - received).days > limit_days


def window_end(registered: date, days: int) -> date:
    """Return the last day of a window of ``days`` calendar days after registration (redirect
    within 7 days, notices within 7 days)."""
    return registered + timedelta(days=days)
