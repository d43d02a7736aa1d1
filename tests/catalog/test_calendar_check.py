"""The system check on calendar years (LEGAL.md §6 rule 23: «CI fails in October if next year's
calendar is missing»): a Warning from 1 October without next year, an Error without this year."""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import ProgrammingError

from priemnaya.catalog.checks import calendar_years_check
from priemnaya.catalog.models import CalendarYear
from priemnaya.core import clock

MOSCOW = ZoneInfo("Europe/Moscow")


def on(day: str):
    return clock.travel_to(datetime.fromisoformat(day).replace(hour=12, tzinfo=MOSCOW))


def ids(day: str) -> list[str]:
    with on(day):
        return [p.id for p in calendar_years_check()]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-09-30", []),  # next year loaded anyway
        ("2027-09-30", []),  # 2028 missing, but not October yet
        ("2027-10-01", ["catalog.W001"]),  # rule 23: from October, next year is expected
        ("2027-12-31", ["catalog.W001"]),
        ("2028-01-10", ["catalog.E001"]),  # this year missing: an error
        ("2028-03-01", ["catalog.E001"]),
    ],
)
def test_check_by_date(catalog, day, expected):
    assert ids(day) == expected


def test_the_messages_say_what_to_do(catalog):
    with on("2027-10-01"):
        (warning,) = calendar_years_check()
    assert "нет данных за 2028 год" in warning.msg
    assert "calendar_import --year 2028" in warning.hint


def test_ci_fails_in_october_with_warnings_as_failures(catalog):
    with on("2027-10-15"), pytest.raises(SystemCheckError, match="2028"):
        call_command("check", fail_level="WARNING", stdout=StringIO(), stderr=StringIO())
    with on("2026-10-15"):
        call_command("check", fail_level="WARNING", stdout=StringIO(), stderr=StringIO())


def test_loading_the_year_clears_the_warning(catalog):
    call_command("calendar_import", "--year", "2028", stdout=StringIO())
    assert ids("2027-10-01") == []


def test_no_message_before_the_catalog_is_loaded(db):
    CalendarYear.objects.all().delete()
    assert ids("2027-10-01") == []


def test_no_message_when_tables_are_not_migrated(db, monkeypatch):
    def broken(*args, **kwargs):
        raise ProgrammingError('relation "catalog_calendaryear" does not exist')

    monkeypatch.setattr(CalendarYear.objects, "filter", broken)
    assert ids("2028-03-01") == []


def test_calendar_import_runs_while_the_check_fails(catalog):
    # The command that fixes the error must not be blocked by it.
    with on("2028-03-01"):
        call_command("calendar_import", "--year", "2028", stdout=StringIO())
        assert calendar_years_check() == []
