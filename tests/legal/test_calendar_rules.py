"""LEGAL.md §6 rules 2, 3, 19, 22, 23 (and issue 7's cases): the production calendar and the
deadlines it gives, through the pure arithmetic and through a real registration.

The due day a registration gets is what the cabinet, the console and the API show; the tables
below are checked through all three.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from priemnaya.appeals.presenters import local_date
from priemnaya.catalog.calendars import work_calendar
from priemnaya.catalog.models import Department, Policy
from priemnaya.core import clock
from priemnaya.core.calendar import CalendarMissing
from priemnaya.core.deadlines import LastDay, Unit, add_working_days, term_last_day
from priemnaya.core.errors import ServiceUnavailable
from tests import factories
from tests.factories import APPEAL_FORM, CALL_FORM, api, signed_in

MOSCOW = ZoneInfo("Europe/Moscow")
D = date.fromisoformat

# ---- rule 22: the calendar as seeded into the database -----------------------------------------

WORKING = ["2025-11-01", "2025-02-24"]
NON_WORKING = [
    "2025-11-03",
    "2025-12-31",
    "2026-01-09",
    "2026-03-09",
    "2026-05-11",
    "2026-12-31",
]


@pytest.mark.parametrize("day", WORKING)
def test_rule_22_working_days(catalog, day):
    assert work_calendar().is_working(D(day))


@pytest.mark.parametrize("day", NON_WORKING)
def test_rule_22_non_working_days(catalog, day):
    assert not work_calendar().is_working(D(day))


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_rule_22_each_year_has_247_working_days(catalog, year):
    assert work_calendar().working_days_in(year) == 247


def test_rule_22_the_working_saturday_before_4_november_is_shortened(catalog):
    assert work_calendar().hours(D("2025-11-01")) == 7


# ---- rule 23: a year without data is an error ---------------------------------------------------


def test_rule_23_a_year_without_data_raises(catalog):
    with pytest.raises(CalendarMissing) as error:
        work_calendar().is_working(D("2031-03-03"))  # a Monday: no guess from plain weekends
    assert error.value.year == 2031


def test_rule_23_a_term_crossing_into_a_missing_year_raises(catalog):
    with pytest.raises(CalendarMissing) as error:
        term_last_day(work_calendar(), D("2027-12-15"), 30, Unit.CALENDAR_DAYS, LastDay.PRECEDING)
    assert error.value.year == 2028


# ---- rules 2, 3, 19 (issue 7 item 4): the pure arithmetic over the seeded calendar -------------

# registered, term, unit, last-day rule, expected last day, rule
TERMS = [
    ("2026-02-20", 30, Unit.CALENDAR_DAYS, LastDay.PRECEDING, "2026-03-20", "rule 2+3"),
    ("2026-02-20", 30, Unit.CALENDAR_DAYS, LastDay.NEXT, "2026-03-23", "rule 2+3, ГК 193"),
    ("2025-12-02", 30, Unit.CALENDAR_DAYS, LastDay.PRECEDING, "2025-12-30", "rule 3"),
    ("2025-12-02", 30, Unit.CALENDAR_DAYS, LastDay.NEXT, "2026-01-12", "rule 3, ГК 193"),
    ("2025-12-30", 10, Unit.WORKING_DAYS, LastDay.PRECEDING, "2026-01-23", "rule 19"),
    ("2025-12-30", 8, Unit.WORKING_DAYS, LastDay.PRECEDING, "2026-01-21", "rule 19"),
    ("2026-04-30", 10, Unit.WORKING_DAYS, LastDay.PRECEDING, "2026-05-18", "rule 19"),
]


@pytest.mark.parametrize(("registered", "term", "unit", "rule", "expected", "why"), TERMS)
def test_rules_2_3_19_terms_over_the_seeded_calendar(
    catalog, registered, term, unit, rule, expected, why
):
    assert term_last_day(work_calendar(), D(registered), term, unit, rule) == D(expected), why


def test_rule_2_thirty_days_land_on_a_sunday(catalog):
    assert D("2026-03-22").weekday() == 6
    assert not work_calendar().is_working(D("2026-03-22"))
    assert add_working_days(work_calendar(), D("2025-12-30"), 10) == D("2026-01-23")


# ---- the same cases through a real registration ------------------------------------------------

# registered, kind, theme, the fz59 policy's last-day rule, expected due day, rule
REGISTRATIONS = [
    ("2026-02-20", "complaint", "services-refusal", "preceding", "2026-03-20", "rules 2+3"),
    ("2026-02-20", "complaint", "services-refusal", "next", "2026-03-23", "rules 2+3"),
    ("2025-12-02", "complaint", "services-refusal", "preceding", "2025-12-30", "rule 3"),
    ("2025-12-02", "complaint", "services-refusal", "next", "2026-01-12", "rule 3"),
    ("2025-12-30", "gratitude", "tech-login", "preceding", "2026-01-23", "rule 19, +10 wd"),
    ("2026-04-30", "gratitude", "tech-login", "preceding", "2026-05-18", "rule 19, +10 wd"),
]


def register_on(day: str, user, **overrides):
    with clock.travel_to(datetime.combine(D(day), time(12, 0), tzinfo=MOSCOW)):
        return factories.submit_appeal(user, **overrides)


@pytest.mark.parametrize(
    ("registered", "kind", "theme", "last_day", "expected", "why"), REGISTRATIONS
)
def test_registration_gives_the_due_day_everyone_sees(
    citizen, supervisor, registered, kind, theme, last_day, expected, why
):
    Policy.objects.filter(code="fz59").update(last_day=last_day)
    appeal = register_on(registered, citizen, kind=kind, theme=theme)
    due = D(expected)

    assert appeal.due_at.astimezone(MOSCOW) == datetime.combine(due, time(23, 59, 59), MOSCOW), why
    assert local_date(appeal.due_at) == due
    shown = due.strftime("%d.%m.%Y")
    cabinet = signed_in(citizen).get(f"/cabinet/appeals/{appeal.number}/")
    assert shown in cabinet.content.decode(), "cabinet"
    console = signed_in(supervisor).get(f"/console/appeals/{appeal.number}/")
    assert console.status_code == 200
    assert shown in console.content.decode(), "console"
    body = api(citizen)("get", f"/appeals/{appeal.number}").json()
    assert body["due_date"] == expected, "API"


def test_rule_19_eight_working_days_through_registration(citizen):
    # A message policy of 8 working days (the unconfirmed ПОС SLA of LEGAL.md §7).
    Policy.objects.filter(code="message").update(resolution_value=8)
    appeal = register_on("2025-12-30", citizen, kind="gratitude", theme="tech-login")
    assert local_date(appeal.due_at) == D("2026-01-21")


# ---- rule 23 through registration: a clear error, never a 500 ----------------------------------


def test_rule_23_registration_into_a_missing_year_is_refused_with_the_reason(citizen):
    # 15 December 2027 + 30 days reaches 2028, which the seeded calendar does not have.
    with pytest.raises(ServiceUnavailable) as error:
        register_on("2027-12-15", citizen, kind="complaint", theme="services-refusal")
    assert "2028" in error.value.message
    assert "производственном календаре" in error.value.message


def test_rule_23_api_answers_503_with_the_reason(citizen):
    body = {**factories.APPEAL_INPUT, "kind": "complaint", "theme": "services-refusal"}
    with clock.travel_to(datetime(2027, 12, 15, 12, 0, tzinfo=MOSCOW)):
        response = api(citizen)("post", "/appeals", body)
    assert response.status_code == 503, response.content
    payload = response.json()
    assert "2028" in payload["detail"]
    assert payload["errors"][0]["code"] == "unavailable"


def test_rule_23_the_form_shows_the_reason_and_keeps_the_input(citizen):
    form = {**APPEAL_FORM, "kind": "complaint", "theme": "services-refusal"}
    with clock.travel_to(datetime(2031, 3, 3, 12, 0, tzinfo=MOSCOW)):
        response = signed_in(citizen).post("/cabinet/new/", form)
    page = response.content.decode()
    assert response.status_code == 400
    assert "нет данных за 2031 год" in page
    assert form["text"] in page  # nothing the applicant typed is lost


# ---- working-time targets through registration (issue 7 item 1) --------------------------------


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        # Fri 17:00–18:00 (1 h), Mon 9 March off, Tue and Wed 9 h each, Thu 09:00–14:00
        ("Europe/Moscow", datetime(2026, 3, 12, 14, 0, tzinfo=MOSCOW)),
        # 17:00 Moscow is already Saturday 00:00 in Vladivostok: Tue 9 h, Wed 9 h, Thu 6 h
        ("Asia/Vladivostok", datetime(2026, 3, 12, 15, 0, tzinfo=ZoneInfo("Asia/Vladivostok"))),
    ],
)
def test_a_24_working_hour_first_reaction_counts_the_departments_hours(citizen, zone, expected):
    Department.objects.filter(code="support").update(timezone=zone)
    with clock.travel_to(datetime(2026, 3, 6, 17, 0, tzinfo=MOSCOW)):
        appeal = factories.submit_appeal(citizen)  # support: first reaction in 24 working hours
    assert appeal.policy.first_response_value == 24
    assert appeal.first_response_due_at == expected
    # the answer itself: 5 working days, to the end of the department's local day
    local_due = appeal.due_at.astimezone(ZoneInfo(zone))
    assert (local_due.date(), local_due.time()) == (D("2026-03-16"), time(23, 59, 59))


def test_rule_23_the_console_intake_shows_the_reason_and_keeps_the_input(operator):
    form = {**CALL_FORM, "client_token": "call-2031"}
    with clock.travel_to(datetime(2031, 3, 3, 12, 0, tzinfo=MOSCOW)):
        response = signed_in(operator).post("/console/new/", form)
    page = response.content.decode()
    assert response.status_code == 400
    assert "нет данных за 2031 год" in page
    assert form["applicant_name"] in page
