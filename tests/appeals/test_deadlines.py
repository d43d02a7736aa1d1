"""Due dates (appeals.deadlines): 59-FZ calendar terms and message terms in working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from priemnaya.appeals.deadlines import first_response_due, resolution_due
from priemnaya.catalog.models import DayUnit, Kind, Regime
from priemnaya.core.workdays import is_working_day

MSK = ZoneInfo("Europe/Moscow")

FZ59 = Kind(
    code="complaint",
    regime=Regime.FZ59,
    resolution_days=30,
    resolution_unit=DayUnit.CALENDAR,
)
SUPPORT = Kind(
    code="support",
    regime=Regime.MESSAGE,
    resolution_days=5,
    resolution_unit=DayUnit.WORKING,
    first_response_hours=24,
)
GRATITUDE = Kind(
    code="gratitude", regime=Regime.MESSAGE, resolution_days=10, resolution_unit=DayUnit.WORKING
)


def at(day: str, hour: int = 12) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=MSK)


def end_of(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(23, 59, 59), tzinfo=MSK)


@pytest.mark.parametrize(
    ("registered", "due"),
    [
        ("2026-03-02", "2026-04-01"),  # day 30 counted from the day after registration
        ("2026-02-20", "2026-03-20"),  # LEGAL.md §6 rule 2–3: Sun 2026-03-22 → preceding Fri
        ("2026-05-13", "2026-06-11"),  # 2026-06-12 is Russia Day
        ("2026-10-05", "2026-11-03"),  # 2026-11-04 is National Unity Day
        ("2026-03-07", "2026-04-06"),  # registered on a Saturday: the term still runs
    ],
)
def test_59_fz_term_is_30_calendar_days_moved_back_to_a_working_day(registered, due):
    assert resolution_due(kind=FZ59, registered_at=at(registered)) == end_of(due)


def test_the_registration_day_is_the_moscow_date():
    # given 00:30 in Moscow on 3 March is still 2 March in UTC
    registered = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)
    # then the term counts from 3 March
    assert resolution_due(kind=FZ59, registered_at=registered) == end_of("2026-04-02")


@pytest.mark.parametrize(
    ("kind", "registered", "due"),
    [
        (SUPPORT, "2026-04-30", "2026-05-08"),  # May 1 and the weekend are skipped
        (SUPPORT, "2026-03-13", "2026-03-20"),  # Friday + 5 working days
        (GRATITUDE, "2026-06-05", "2026-06-22"),  # June 12 and two weekends skipped
    ],
)
def test_message_term_is_counted_in_working_days(kind, registered, due):
    assert resolution_due(kind=kind, registered_at=at(registered)) == end_of(due)


def test_first_response_target_is_hours_after_registration():
    registered = at("2026-03-13", 18)
    assert first_response_due(kind=SUPPORT, registered_at=registered) == registered + timedelta(
        hours=24
    )
    assert first_response_due(kind=FZ59, registered_at=registered) is None


moments = st.datetimes(
    min_value=datetime(2024, 1, 1),  # noqa: DTZ001 — hypothesis wants naive bounds
    max_value=datetime(2035, 12, 31),  # noqa: DTZ001
    timezones=st.just(MSK),
)


@settings(max_examples=200)
@given(registered=moments)
def test_59_fz_due_date_is_a_working_day_not_after_day_30(registered):
    # when
    due = resolution_due(kind=FZ59, registered_at=registered).astimezone(MSK)
    # then
    day = due.date()
    assert is_working_day(day)
    assert due.time() == time(23, 59, 59)
    assert registered.date() + timedelta(days=30 - 13) <= day <= registered.date() + timedelta(30)
    # and no later working day up to day 30 was skipped
    day_30 = registered.date() + timedelta(days=30)
    assert not any(
        is_working_day(day + timedelta(days=i)) for i in range(1, (day_30 - day).days + 1)
    )


@settings(max_examples=200)
@given(registered=moments, days=st.integers(min_value=1, max_value=20))
def test_message_due_date_is_the_nth_working_day_after_registration(registered, days):
    kind = Kind(regime=Regime.MESSAGE, resolution_days=days, resolution_unit=DayUnit.WORKING)
    # when
    due = resolution_due(kind=kind, registered_at=registered).astimezone(MSK)
    # then
    start = registered.date()
    between = [start + timedelta(days=i) for i in range(1, (due.date() - start).days + 1)]
    assert is_working_day(due.date())
    assert sum(is_working_day(d) for d in between) == days
