"""A line's status at fixed instants (hotline/schedule.py): pure rules, no database.

Dates are of November 2026 (Wednesday the 25th) unless said; times are Moscow's.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from priemnaya.hotline.schedule import (
    TEXT_AROUND_THE_CLOCK,
    TEXT_NEVER,
    Hours,
    Week,
    status_at,
    week_rows,
)

MSK = ZoneInfo("Europe/Moscow")
DAILY = range(1, 8)


def at(day: int, hour: int, minute: int = 0, *, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=MSK)


def hours(span: str) -> Hours:
    opens, closes = (time.fromisoformat(p) for p in span.split("-"))
    return Hours(opens=opens, closes=closes)


def week(spec: dict[int, str], *, works_on_holidays: bool = False) -> Week:
    return Week(days={d: hours(s) for d, s in spec.items()}, works_on_holidays=works_on_holidays)


HOTLINE = week(dict.fromkeys(DAILY, "08:00-22:00"))
OFFICE = week(dict.fromkeys(range(1, 6), "09:00-18:00"))  # Monday to Friday, weekends off
REGIONAL = week({**dict.fromkeys(range(1, 6), "08:00-20:00"), 6: "09:00-18:00", 7: "10:00-16:00"})
AROUND = week(dict.fromkeys(DAILY, "00:00-00:00"))


def status(w: Week, moment: datetime, holidays: set[date] | None = None):
    days = holidays or set()
    return status_at(w, moment, zone=MSK, holiday=lambda d: "Праздник" if d in days else None)


def test_open_in_the_day_says_until_when():
    # given the hotline of 08:00–22:00 every day; when it is Wednesday noon
    result = status(HOTLINE, at(25, 12))
    # then
    assert result.open_now
    assert result.text == "Работает сейчас, до 22:00"
    assert result.closes_at == at(25, 22)
    assert result.opens_at is None


def test_the_closing_minute_is_already_closed_and_opens_tomorrow():
    result = status(HOTLINE, at(25, 22))
    assert not result.open_now
    assert result.text == "Откроется завтра в 08:00"
    assert result.opens_at == at(26, 8)
    assert result.closes_at is None


def test_the_opening_minute_is_open():
    assert status(HOTLINE, at(25, 8)).text == "Работает сейчас, до 22:00"


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (at(25, 23, 30), "Откроется завтра в 08:00"),
        # after midnight the same opening is today's
        (at(26, 0, 30), "Откроется сегодня в 08:00"),
        (at(26, 7, 59), "Откроется сегодня в 08:00"),
    ],
)
def test_across_midnight_tomorrow_becomes_today(moment, text):
    assert status(HOTLINE, moment).text == text


def test_an_instant_in_utc_is_read_in_moscow_time():
    # 05:30 UTC is 08:30 in Moscow
    moment = datetime(2026, 11, 25, 5, 30, tzinfo=UTC)
    assert status(HOTLINE, moment).text == "Работает сейчас, до 22:00"


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (at(27, 19), "Откроется в понедельник в 09:00"),  # Friday evening
        (at(28, 12), "Откроется в понедельник в 09:00"),  # Saturday
        (at(29, 12), "Откроется завтра в 09:00"),  # Sunday
        (at(30, 8), "Откроется сегодня в 09:00"),  # Monday morning
    ],
)
def test_a_weekday_line_over_the_weekend(moment, text):
    result = status(OFFICE, moment)
    assert not result.open_now
    assert result.text == text
    assert result.opens_at == at(30, 9)


def test_the_weekday_name_takes_its_preposition():
    # given a line closed on Mondays; when Sunday evening
    w = week(dict.fromkeys(range(2, 8), "10:00-19:00"))
    # then «во вторник», not «в вторник»
    assert status(w, at(29, 20)).text == "Откроется во вторник в 10:00"


def test_the_regional_week_has_its_saturday_and_sunday_hours():
    assert status(REGIONAL, at(28, 8)).text == "Откроется сегодня в 09:00"
    assert status(REGIONAL, at(28, 12)).text == "Работает сейчас, до 18:00"
    assert status(REGIONAL, at(28, 19)).text == "Откроется завтра в 10:00"
    assert status(REGIONAL, at(29, 17)).text == "Откроется завтра в 08:00"


def test_around_the_clock():
    result = status(AROUND, at(25, 3))
    assert result.open_now
    assert result.text == TEXT_AROUND_THE_CLOCK == "Работает круглосуточно"
    assert result.closes_at is None


def test_until_midnight_is_written_24_00():
    w = week(dict.fromkeys(DAILY, "08:00-00:00"))
    result = status(w, at(25, 23))
    assert result.text == "Работает сейчас, до 24:00"
    assert result.closes_at == at(26, 0)


@pytest.mark.parametrize(
    ("moment", "text", "closes"),
    [
        (at(25, 23), "Работает сейчас, до 02:00", at(26, 2)),
        # yesterday's night still runs at 01:00
        (at(26, 1), "Работает сейчас, до 02:00", at(26, 2)),
    ],
)
def test_a_night_line_works_across_midnight(moment, text, closes):
    w = week(dict.fromkeys(DAILY, "20:00-02:00"))
    result = status(w, moment)
    assert result.open_now
    assert (result.text, result.closes_at) == (text, closes)


def test_a_night_line_after_it_closes():
    w = week(dict.fromkeys(DAILY, "20:00-02:00"))
    assert status(w, at(26, 3)).text == "Откроется сегодня в 20:00"


def test_days_that_run_into_each_other_are_one_span():
    # given a line around the clock from Monday to Friday; when Wednesday noon
    w = week(dict.fromkeys(range(1, 6), "00:00-00:00"))
    result = status(w, at(25, 12))
    # then it works until Friday's midnight, more than a day away: the day is named
    assert result.text == "Работает сейчас, до 24:00 пятницы"
    assert result.closes_at == at(28, 0)


def test_a_holiday_follows_sunday_hours():
    # given Wednesday 4 November is a holiday and the regional line keeps Sunday hours on it
    holidays = {date(2026, 11, 4)}
    # then it opens at 10:00 (Sunday's), not 08:00, and closes at 16:00
    early = status(REGIONAL, at(4, 9), holidays)
    assert early.text == "Откроется сегодня в 10:00"
    assert early.holiday == "Праздник"
    assert status(REGIONAL, at(4, 12), holidays).text == "Работает сейчас, до 16:00"
    # and the day before, after hours, the next opening is the holiday's
    assert status(REGIONAL, at(3, 21), holidays).text == "Откроется завтра в 10:00"


def test_a_line_that_works_on_holidays_keeps_its_weekday():
    holidays = {date(2026, 11, 4)}
    w = Week(days=REGIONAL.days, works_on_holidays=True)
    result = status(w, at(4, 12), holidays)
    assert result.text == "Работает сейчас, до 20:00"
    assert result.holiday == ""


def test_a_holiday_on_a_line_closed_on_sundays_is_a_day_off():
    holidays = {date(2026, 11, 4)}
    result = status(OFFICE, at(3, 19), holidays)
    assert result.text == "Откроется в четверг в 09:00"
    assert result.opens_at == at(5, 9)


def test_the_holiday_note_is_left_out_when_the_hours_do_not_change():
    # the hotline is the same on Sundays: the holiday changes nothing worth saying
    assert status(HOTLINE, at(4, 12), {date(2026, 11, 4)}).holiday == ""


def test_after_the_new_year_holidays_the_date_is_named():
    # given 1–11 January 2026 are days off; when 31 December 2025 (Wednesday) evening
    holidays = {date(2026, 1, d) for d in range(1, 12)}
    result = status(OFFICE, at(31, 19, month=12, year=2025), holidays)
    # then the next opening is a week and more away: by date
    assert result.text == "Откроется 12 января в 09:00"
    assert result.opens_at == at(12, 9, month=1, year=2026)


def test_a_line_without_hours_never_opens():
    result = status(Week(), at(25, 12))
    assert not result.open_now
    assert result.text == TEXT_NEVER
    assert (result.opens_at, result.closes_at) == (None, None)


def test_the_status_is_the_same_for_every_minute_of_a_closed_night():
    # a property over a night: every minute from 22:00 to 07:59 says the same opening instant
    start = at(25, 22)
    for minute in range(0, 10 * 60, 7):
        assert status(HOTLINE, start + timedelta(minutes=minute)).opens_at == at(26, 8)


@pytest.mark.parametrize(
    ("w", "rows"),
    [
        (HOTLINE, [("Ежедневно", "08:00–22:00")]),
        (AROUND, [("Ежедневно", "круглосуточно")]),
        (
            REGIONAL,
            [("Пн–Пт", "08:00–20:00"), ("Сб", "09:00–18:00"), ("Вс", "10:00–16:00")],
        ),
        (OFFICE, [("Пн–Пт", "09:00–18:00"), ("Сб, Вс", "выходной")]),
        (Week(), [("Ежедневно", "выходной")]),
        (week(dict.fromkeys(DAILY, "08:00-00:00")), [("Ежедневно", "08:00–24:00")]),
    ],
)
def test_the_week_for_people(w, rows):
    assert week_rows(w) == rows
