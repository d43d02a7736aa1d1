"""Working-day arithmetic on the Russian calendar.

Holidays are the fixed non-working days of Art. 112 of the Labour Code. The Government's yearly
transfers of days off belong to the production-calendar data of the deadline engine (a later
capability, see docs/decisions.md); until then a transferred day counts as its weekday.
"""

from __future__ import annotations

from datetime import date, timedelta

# (month, day) of the public holidays of Art. 112 of the Labour Code of the Russian Federation.
PUBLIC_HOLIDAYS = frozenset(
    [(1, d) for d in range(1, 9)] + [(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)]
)


def is_working_day(day: date) -> bool:
    """Return True for a weekday that is not a public holiday."""
    return day.weekday() < 5 and (day.month, day.day) not in PUBLIC_HOLIDAYS


def add_working_days(start: date, days: int) -> date:
    """Return the date that is ``days`` working days after ``start`` (the start day excluded)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def previous_working_day(day: date) -> date:
    """Return the day itself if it is a working day, else the nearest working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day
