"""Deadline arithmetic over the real production calendar 2024–2027 (core.calendar, core.deadlines).

The calendar is built from ``catalog.calendars.production_days`` (the same data the database is
seeded with) straight into a ``WorkCalendar``: these tests are pure, no database.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from priemnaya.catalog.calendars import SEED_YEARS, production_days
from priemnaya.core.calendar import CalendarMissing, DayInfo, WorkCalendar
from priemnaya.core.deadlines import (
    END_OF_DAY,
    BusinessHours,
    LastDay,
    Unit,
    _working_time_between,
    add_working_days,
    add_working_time,
    due_moment,
    extension_ceiling,
    resumed_due,
    roll,
    term_last_day,
    working_days_between,
)

MOSCOW = ZoneInfo("Europe/Moscow")
VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")
FIRST, LAST = date(2024, 1, 1), date(2027, 12, 31)


@cache
def real_calendar() -> WorkCalendar:
    days = {
        d.date: DayInfo(working=d.working, hours=d.hours, note=d.note)
        for year in SEED_YEARS
        for d in production_days(year)
    }
    return WorkCalendar.of(SEED_YEARS, days, name="Российская Федерация")


def days_between(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


# Start days far enough from the end of 2027 that a term of up to ~4 months stays in the data.
starts = st.dates(min_value=date(2024, 1, 15), max_value=date(2027, 8, 1))
terms = st.integers(min_value=1, max_value=90)
moments = st.builds(
    lambda d, minute: datetime.combine(d, time(0, 0), tzinfo=MOSCOW) + timedelta(minutes=minute),
    starts,
    st.integers(min_value=0, max_value=24 * 60 - 1),
)
zones = st.sampled_from([MOSCOW, VLADIVOSTOK, ZoneInfo("Europe/Kaliningrad")])


# ---- the calendar itself ------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_each_year_of_2025_to_2027_has_247_working_days(year):
    assert real_calendar().working_days_in(year) == 247


def test_shortened_days_are_seven_hours_and_days_off_zero():
    cal = real_calendar()
    for day in days_between(FIRST, LAST):
        info = cal.day(day)
        assert info.hours in ((7, 8) if info.working else (0,)), day


def test_a_year_outside_the_data_is_an_error_not_a_plain_week():
    with pytest.raises(CalendarMissing) as error:
        real_calendar().is_working(date(2031, 3, 3))  # a Monday
    assert error.value.year == 2031
    assert "2031" in str(error.value)


def test_a_term_that_crosses_into_a_missing_year_is_an_error():
    with pytest.raises(CalendarMissing):
        add_working_days(real_calendar(), date(2027, 12, 20), 10)
    with pytest.raises(CalendarMissing):
        term_last_day(real_calendar(), date(2027, 12, 20), 30, Unit.CALENDAR_DAYS, LastDay.NEXT)


# ---- working days -------------------------------------------------------------------------------


@given(start=starts, n=st.integers(min_value=1, max_value=90))
def test_adding_working_days_never_lands_on_a_day_off(start, n):
    cal = real_calendar()
    end = add_working_days(cal, start, n)
    assert cal.is_working(end)
    # Exactly n working days in (start, end]: the start day is not counted.
    assert working_days_between(cal, start + timedelta(days=1), end + timedelta(days=1)) == n


@given(start=starts)
def test_adding_zero_working_days_is_the_start_day(start):
    assert add_working_days(real_calendar(), start, 0) == start


@given(start=starts, n=st.integers(min_value=1, max_value=60))
def test_adding_one_more_working_day_moves_later(start, n):
    cal = real_calendar()
    assert add_working_days(cal, start, n + 1) > add_working_days(cal, start, n)


# ---- the last day of a term ---------------------------------------------------------------------


@given(start=starts, value=terms, rule=st.sampled_from(list(LastDay)))
def test_term_last_day_is_a_working_day_and_moves_no_more_than_needed(start, value, rule):
    cal = real_calendar()
    target = start + timedelta(days=value)
    last = term_last_day(cal, start, value, Unit.CALENDAR_DAYS, rule)
    assert cal.is_working(last)
    assert last > start  # a term never ends before it began
    if cal.is_working(target):
        assert last == target
    elif rule is LastDay.PRECEDING and roll(cal, target, rule) > start:
        assert last < target
        assert not any(cal.is_working(d) for d in days_between(last + timedelta(days=1), target))
    else:
        assert last > target
        assert not any(cal.is_working(d) for d in days_between(target, last - timedelta(days=1)))


@given(start=starts, value=terms)
def test_preceding_never_later_than_next(start, value):
    cal = real_calendar()
    preceding = term_last_day(cal, start, value, Unit.CALENDAR_DAYS, LastDay.PRECEDING)
    following = term_last_day(cal, start, value, Unit.CALENDAR_DAYS, LastDay.NEXT)
    assert preceding <= following
    assert start + timedelta(days=value) <= following
    if preceding > start + timedelta(days=value):
        # Only when rolling back would end the term before it began (1 January + 1 day).
        assert roll(cal, start + timedelta(days=value), LastDay.PRECEDING) <= start


@given(
    start=starts, value=st.integers(min_value=1, max_value=60), rule=st.sampled_from(list(LastDay))
)
def test_a_working_day_term_ignores_the_last_day_rule(start, value, rule):
    cal = real_calendar()
    assert term_last_day(cal, start, value, Unit.WORKING_DAYS, rule) == add_working_days(
        cal, start, value
    )


@given(moment=moments, value=st.integers(min_value=1, max_value=60), zone=zones)
def test_a_day_term_ends_at_the_end_of_a_local_working_day(moment, value, zone):
    cal = real_calendar()
    hours = BusinessHours(zone=zone)
    for unit in (Unit.CALENDAR_DAYS, Unit.WORKING_DAYS):
        due = due_moment(cal, hours, moment, value, unit)
        local = due.astimezone(zone)
        assert local.time() == END_OF_DAY
        assert cal.is_working(local.date())
        assert local.date() > moment.astimezone(zone).date()


# ---- a pause (needs_info) -----------------------------------------------------------------------


@given(
    moment=moments,
    value=st.integers(min_value=1, max_value=45),
    unit=st.sampled_from([Unit.CALENDAR_DAYS, Unit.WORKING_DAYS]),
    rule=st.sampled_from(list(LastDay)),
    pause_after=st.integers(min_value=0, max_value=30 * 24 * 60),
    waited=st.integers(min_value=0, max_value=20 * 24 * 60),
    zone=zones,
)
def test_a_pause_never_shortens_a_day_term_and_resumes_to_the_end_of_a_working_day(
    moment, value, unit, rule, pause_after, waited, zone
):
    cal = real_calendar()
    hours = BusinessHours(zone=zone)
    due = due_moment(cal, hours, moment, value, unit, rule)
    paused = moment + timedelta(minutes=pause_after)
    resumed = paused + timedelta(minutes=waited)
    new = resumed_due(cal, hours, due, paused_at=paused, resumed_at=resumed, unit=unit)
    assert new >= due
    local = new.astimezone(zone)
    assert local.time() == END_OF_DAY
    assert cal.is_working(local.date())
    if hours.local_date(resumed) > hours.local_date(paused) and (
        unit is Unit.CALENDAR_DAYS
        or working_days_between(cal, hours.local_date(paused), hours.local_date(resumed))
    ):
        # A pause of a whole day or more moves the due day later.
        assert local.date() > due.astimezone(zone).date()


def test_a_one_day_pause_moves_friday_to_the_next_working_day_end_not_saturday_midnight():
    # Issue 7: a one-day pause moved Fri 25.12.2026 to Sat 26.12.2026 00:00:00.001.
    cal, hours = real_calendar(), BusinessHours(zone=MOSCOW)
    due = hours.end_of_day(date(2026, 12, 25))
    paused = datetime(2026, 12, 1, 10, 0, tzinfo=MOSCOW)
    new = resumed_due(
        cal,
        hours,
        due,
        paused_at=paused,
        resumed_at=paused + timedelta(days=1),
        unit=Unit.CALENDAR_DAYS,
    )
    assert new == hours.end_of_day(date(2026, 12, 28))


@given(
    moment=moments,
    pause_after=st.integers(min_value=0, max_value=5 * 24 * 60),
    waited=st.integers(min_value=0, max_value=5 * 24 * 60),
    target=st.sampled_from([30, 8 * 60, 24 * 60]),
    zone=zones,
)
def test_a_pause_never_shortens_a_working_time_term(moment, pause_after, waited, target, zone):
    cal, hours = real_calendar(), BusinessHours(zone=zone)
    due = add_working_time(cal, hours, moment, target)
    paused = moment + timedelta(minutes=pause_after)
    new = resumed_due(
        cal,
        hours,
        due,
        paused_at=paused,
        resumed_at=paused + timedelta(minutes=waited),
        unit=Unit.WORKING_MINUTES,
    )
    assert new >= due


# ---- extensions ---------------------------------------------------------------------------------


@given(due=starts, limit=st.integers(min_value=0, max_value=60))
def test_an_extension_ceiling_never_exceeds_the_policy(due, limit):
    cal = real_calendar()
    assert extension_ceiling(cal, due, limit, Unit.CALENDAR_DAYS) == due + timedelta(days=limit)
    ceiling = extension_ceiling(cal, due, limit, Unit.WORKING_DAYS)
    assert working_days_between(cal, due + timedelta(days=1), ceiling + timedelta(days=1)) == limit
    assert ceiling >= due


def test_a_59fz_extension_reaches_at_most_registration_plus_60():
    # LEGAL.md §6 rule 5: new due ≤ original + 30 (≤ D+60).
    cal = real_calendar()
    registered = date(2026, 2, 20)
    original = term_last_day(cal, registered, 30, Unit.CALENDAR_DAYS, LastDay.PRECEDING)
    assert extension_ceiling(cal, original, 30, Unit.CALENDAR_DAYS) <= registered + timedelta(60)


# ---- working time (hour and minute targets) -----------------------------------------------------


@given(moment=moments, minutes=st.integers(min_value=1, max_value=5 * 8 * 60), zone=zones)
def test_working_time_ends_inside_business_hours_of_a_working_day(moment, minutes, zone):
    cal, hours = real_calendar(), BusinessHours(zone=zone)
    end = add_working_time(cal, hours, moment, minutes)
    local = end.astimezone(zone)
    window = hours.window(cal, local.date())
    assert window is not None
    assert window[0] < end <= window[1]
    assert end > moment
    # The working time between start and end is exactly what was asked for.
    assert _working_time_between(cal, hours, moment, end) == timedelta(minutes=minutes)


def at(day: str, clock_time: str, zone=MOSCOW) -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock_time), tzinfo=zone)


@pytest.mark.parametrize(
    ("start", "minutes", "expected", "why"),
    [
        ("2026-03-04 10:00", 30, "2026-03-04 10:30", "30 minutes inside a working day"),
        ("2026-03-06 17:45", 30, "2026-03-10 09:15", "Fri evening → Tue: Sat, Sun, 9 Mar off"),
        ("2026-03-07 12:00", 30, "2026-03-10 09:30", "on a day off the clock starts next open"),
        ("2026-03-04 20:00", 30, "2026-03-05 09:30", "after closing: counts from next morning"),
        # The department's day is its open hours, 09:00–18:00 by default (9 hours).
        ("2026-03-04 07:00", 8 * 60, "2026-03-04 17:00", "8 working hours from before opening"),
        ("2026-03-04 13:00", 8 * 60, "2026-03-05 12:00", "8 working hours across a night"),
        ("2026-03-04 10:00", 24 * 60, "2026-03-06 16:00", "24 wh: Wed 8 h, Thu 9 h, Fri 7 h"),
        ("2025-12-30 10:00", 24 * 60, "2026-01-13 16:00", "24 wh across the New Year holidays"),
        ("2026-04-30 16:30", 60, "2026-05-04 09:30", "a shortened day closes at 17:00"),
        ("2026-05-08 17:00", 30, "2026-05-12 09:30", "after a shortened day's close → 12 May"),
    ],
)
def test_working_time_cases(start, minutes, expected, why):
    cal, hours = real_calendar(), BusinessHours(zone=MOSCOW)
    d, t = start.split()
    ed, et = expected.split()
    assert add_working_time(cal, hours, at(d, t), minutes) == at(ed, et), why


def test_shortened_day_has_seven_working_hours():
    cal, hours = real_calendar(), BusinessHours(zone=MOSCOW)
    eve = date(2026, 4, 30)  # the eve of 1 May
    assert cal.hours(eve) == 7
    assert cal.hours(date(2026, 3, 6)) == 8  # 7 March is a Saturday, not a holiday
    # A shortened day closes an hour early: 09:00–17:00 instead of 09:00–18:00.
    start, end = hours.window(cal, eve)
    assert (start.time(), end.time()) == (time(9, 0), time(17, 0))
    full = hours.window(cal, date(2026, 4, 29))
    assert full[1] - full[0] - (end - start) == timedelta(hours=1)


def test_timezones_count_the_departments_own_hours():
    # The same instant: 08:00 in Moscow is 15:00 in Vladivostok (UTC+10).
    cal = real_calendar()
    moment = at("2026-03-04", "08:00")
    moscow = add_working_time(cal, BusinessHours(zone=MOSCOW), moment, 8 * 60)
    vladivostok = add_working_time(cal, BusinessHours(zone=VLADIVOSTOK), moment, 8 * 60)
    assert moscow == at("2026-03-04", "17:00")
    # Vladivostok has 3 hours left on the 4th (15:00–18:00), 5 more from 09:00 on the 5th.
    assert vladivostok == at("2026-03-05", "14:00", VLADIVOSTOK)
    assert vladivostok.astimezone(MOSCOW) == at("2026-03-05", "07:00")


def test_a_day_term_ends_at_the_local_end_of_day_of_the_department():
    cal = real_calendar()
    # 23:30 Moscow on 21 Feb is already 22 Feb in Vladivostok: the term counts from there.
    moment = at("2026-02-21", "23:30")
    moscow = due_moment(cal, BusinessHours(zone=MOSCOW), moment, 30, Unit.CALENDAR_DAYS)
    vladivostok = due_moment(cal, BusinessHours(zone=VLADIVOSTOK), moment, 30, Unit.CALENDAR_DAYS)
    assert moscow == at("2026-03-23", "23:59:59")  # 21 Feb + 30 = Mon 23 Mar
    assert vladivostok == at("2026-03-24", "23:59:59", VLADIVOSTOK)  # 22 Feb + 30 = Tue 24 Mar


@given(day=starts, rule=st.sampled_from(list(LastDay)))
def test_roll_keeps_working_days_and_moves_days_off(day, rule):
    cal = real_calendar()
    rolled = roll(cal, day, rule)
    assert cal.is_working(rolled)
    if cal.is_working(day):
        assert rolled == day
