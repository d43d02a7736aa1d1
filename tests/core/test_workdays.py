"""Working days: weekends and the public holidays of Art. 112 of the Labour Code."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from priemnaya.core.workdays import add_working_days, is_working_day, previous_working_day

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))

ART_112_HOLIDAYS_2026 = [
    *(date(2026, 1, d) for d in range(1, 9)),  # New Year holidays and Christmas
    date(2026, 2, 23),
    date(2026, 3, 8),
    date(2026, 5, 1),
    date(2026, 5, 9),
    date(2026, 6, 12),
    date(2026, 11, 4),
]


@pytest.mark.parametrize("day", ART_112_HOLIDAYS_2026, ids=str)
def test_public_holidays_are_not_working_days(day):
    assert not is_working_day(day)


@pytest.mark.parametrize("year", [2025, 2027, 2031])
def test_holidays_repeat_every_year(year):
    assert all(not is_working_day(d.replace(year=year)) for d in ART_112_HOLIDAYS_2026)


@pytest.mark.parametrize("day", [date(2026, 3, 14), date(2026, 3, 15)], ids=["sat", "sun"])
def test_weekends_are_not_working_days(day):
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [date(2026, 1, 12), date(2026, 2, 24), date(2026, 5, 8), date(2026, 11, 3), date(2026, 12, 30)],
    ids=str,
)
def test_ordinary_weekdays_are_working_days(day):
    assert is_working_day(day)


def test_add_working_days_skips_weekends():
    # given Friday 2026-03-13
    # then one working day later is Monday
    assert add_working_days(date(2026, 3, 13), 1) == date(2026, 3, 16)


def test_add_working_days_skips_holidays_and_weekends():
    # given Thursday 2026-04-30: May 1 (Fri) is a holiday, then a weekend
    assert add_working_days(date(2026, 4, 30), 1) == date(2026, 5, 4)
    # given Friday 2026-06-05: June 12 (Fri) is a holiday
    assert add_working_days(date(2026, 6, 5), 5) == date(2026, 6, 15)


def test_add_working_days_skips_the_new_year_holidays():
    assert add_working_days(date(2027, 12, 31), 1) == date(2028, 1, 10)


def test_add_zero_working_days_is_the_start_day():
    assert add_working_days(date(2026, 3, 14), 0) == date(2026, 3, 14)


def test_add_working_days_refuses_negative_days():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 3, 14), -1)


def test_previous_working_day_moves_back_over_a_weekend_and_holidays():
    assert previous_working_day(date(2026, 3, 22)) == date(2026, 3, 20)  # Sunday → Friday
    assert previous_working_day(date(2026, 11, 4)) == date(2026, 11, 3)
    assert previous_working_day(date(2026, 6, 12)) == date(2026, 6, 11)
    assert previous_working_day(date(2026, 6, 11)) == date(2026, 6, 11)


@given(start=days, count=st.integers(min_value=1, max_value=60))
def test_add_working_days_lands_on_the_nth_working_day_after_start(start, count):
    # when
    end = add_working_days(start, count)
    # then the result is a working day and exactly `count` working days lie in (start, end]
    assert is_working_day(end)
    between = [start + timedelta(days=i) for i in range(1, (end - start).days + 1)]
    assert sum(is_working_day(d) for d in between) == count


@given(start=days, count=st.integers(min_value=0, max_value=60))
def test_one_more_working_day_is_always_later(start, count):
    assert add_working_days(start, count + 1) > add_working_days(start, count)


@given(day=days)
def test_previous_working_day_is_the_nearest_one_not_after_the_day(day):
    # when
    found = previous_working_day(day)
    # then
    assert found <= day
    assert is_working_day(found)
    gap = (day - found).days
    assert not any(is_working_day(found + timedelta(days=i)) for i in range(1, gap + 1))
    assert gap < 14  # never more than the New Year holidays and a weekend


# LEGAL.md §6 "Calendar" (rule 22): days made non-working by the Government's transfers and by
# Art. 112's automatic move of a holiday off a weekend. The interim calendar knows neither yet
# (docs/decisions.md, "Deadlines (interim)"); these turn into plain tests with the SLA engine.
@pytest.mark.xfail(strict=True, reason="production-calendar transfers are not in the system yet")
@pytest.mark.parametrize(
    "day",
    [date(2025, 11, 3), date(2025, 12, 31), date(2026, 1, 9), date(2026, 3, 9), date(2026, 5, 11)],
    ids=str,
)
def test_transferred_days_off_of_legal_md(day):
    assert not is_working_day(day)
