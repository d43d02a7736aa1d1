"""GET /api/v1/calendar/{year} and GET /api/v1/deadlines/preview (issue 7's contract)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from priemnaya.catalog.models import Calendar, CalendarDay
from priemnaya.core import clock
from tests.factories import api, submit_appeal


def get(path: str):
    return api()("get", path)


# ---- the calendar -------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_calendar_year_counts_247_working_days(catalog, year):
    response = get(f"/calendar/{year}")
    assert response.status_code == 200
    body = response.json()
    assert body["year"] == year
    assert body["working_days"] == 247  # LEGAL.md §6 rule 22


def test_calendar_lists_every_day_that_differs_from_a_plain_week(catalog):
    days = {d["date"]: d for d in get("/calendar/2025").json()["days"]}
    # A working Saturday, shortened (the eve of 4 November run).
    assert days["2025-11-01"] == {
        "date": "2025-11-01",
        "working": True,
        "hours": 7,
        "note": days["2025-11-01"]["note"],
    }
    assert days["2025-11-03"]["working"] is False  # a transferred day off
    assert days["2025-11-03"]["hours"] == 0
    assert days["2025-12-31"]["working"] is False
    assert days["2025-01-01"]["note"]  # a holiday is named
    assert days["2025-03-07"]["hours"] == 7  # a shortened Friday before 8 March
    assert "2025-02-24" not in days  # a plain Monday
    assert "2025-02-22" not in days  # a plain Saturday
    for day in days.values():
        weekday = date.fromisoformat(day["date"]).weekday()
        plain = (True, 8) if weekday < 5 else (False, 0)
        assert (day["working"], day["hours"]) != plain, day


def test_calendar_skips_a_stored_day_that_equals_the_plain_week(catalog):
    CalendarDay.objects.create(
        calendar=Calendar.objects.get(code="ru"), date=date(2026, 2, 24), working=True, hours=8
    )
    assert "2026-02-24" not in {d["date"] for d in get("/calendar/2026").json()["days"]}


def test_calendar_unknown_year_is_404_with_a_message(catalog):
    response = get("/calendar/2031")
    assert response.status_code == 404
    body = response.json()
    assert body["detail"] == "В производственном календаре нет данных за 2031 год."
    assert body["errors"][0]["field"] == "year"


def test_calendar_bad_year_is_422(catalog):
    assert get("/calendar/abc").status_code == 422


def test_a_regional_calendar_adds_its_days(catalog):
    regional = Calendar.objects.create(
        code="ru-16", name="Татарстан", parent=Calendar.objects.get(code="ru")
    )
    CalendarDay.objects.create(
        calendar=regional, date=date(2026, 3, 20), working=False, hours=0, note="Ураза-байрам"
    )
    body = get("/calendar/2026?calendar=ru-16").json()
    assert body["working_days"] == 246
    assert {"date": "2026-03-20", "working": False, "hours": 0, "note": "Ураза-байрам"} in body[
        "days"
    ]
    assert get("/calendar/2026?calendar=xx").status_code == 404


# ---- the deadline preview -----------------------------------------------------------------------

# query, due date, policy, regime, term, unit, last day — LEGAL.md §6 rules 2, 3, 19
PREVIEWS = [
    (
        "registered=2026-02-20&regime=appeal59&term=30&last_day=preceding",
        "2026-03-20",
        None,
        "appeal59",
        30,
        "calendar_days",
        "preceding",
    ),
    (
        "registered=2026-02-20&regime=appeal59&term=30&last_day=next",
        "2026-03-23",
        None,
        "appeal59",
        30,
        "calendar_days",
        "next",
    ),
    (
        "registered=2025-12-02&regime=appeal59&term=30",
        "2025-12-30",
        None,
        "appeal59",
        30,
        "calendar_days",
        "preceding",
    ),
    (
        "registered=2025-12-02&regime=appeal59&term=30&last_day=next",
        "2026-01-12",
        None,
        "appeal59",
        30,
        "calendar_days",
        "next",
    ),
    (
        "registered=2025-12-30&regime=message&term=10",
        "2026-01-23",
        None,
        "message",
        10,
        "working_days",
        "preceding",
    ),
    (
        "registered=2025-12-30&regime=message&term=8",
        "2026-01-21",
        None,
        "message",
        8,
        "working_days",
        "preceding",
    ),
    (
        "registered=2026-04-30&regime=message&term=10",
        "2026-05-18",
        None,
        "message",
        10,
        "working_days",
        "preceding",
    ),
    (
        "registered=2026-02-20&kind=complaint&theme=services-refusal",
        "2026-03-20",
        "fz59",
        "appeal59",
        30,
        "calendar_days",
        "preceding",
    ),
    (
        "registered=2025-12-30&kind=gratitude",
        "2026-01-23",
        "message",
        "message",
        10,
        "working_days",
        "preceding",
    ),
    (
        "registered=2025-12-30&kind=complaint&theme=support-work",
        "2026-01-30",
        "support-complaint",
        "message",
        15,
        "working_days",
        "preceding",
    ),
]


@pytest.mark.parametrize(("query", "due", "policy", "regime", "term", "unit", "rule"), PREVIEWS)
def test_preview(catalog, query, due, policy, regime, term, unit, rule):
    response = get(f"/deadlines/preview?{query}")
    assert response.status_code == 200, response.content
    registered = query.split("&")[0].split("=")[1]
    assert response.json() == {
        "due_date": due,
        "policy": policy,
        "regime": regime,
        "term": term,
        "unit": unit,
        "last_day": rule,
        "registered": registered,
    }


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("kind=complaint", "registered"),
        ("registered=20.02.2026&kind=complaint", "registered"),
        ("registered=2026-02-30&kind=complaint", "registered"),
        ("registered=2026-02-20", "kind"),
        ("registered=2026-02-20&kind=nope", "kind"),
        ("registered=2026-02-20&theme=tech-login", "kind"),
        ("registered=2026-02-20&kind=complaint&theme=nope", "theme"),
        ("registered=2026-02-20&kind=complaint&regime=appeal59&term=30", "regime"),
        ("registered=2026-02-20&regime=fz59&term=30", "regime"),
        ("registered=2026-02-20&term=30", "regime"),
        ("registered=2026-02-20&regime=message", "term"),
        ("registered=2026-02-20&regime=message&term=0", "term"),
        ("registered=2026-02-20&regime=message&term=91", "term"),
        ("registered=2026-02-20&regime=message&term=-5", "term"),
        ("registered=2026-02-20&regime=message&term=ten", "term"),
        ("registered=2026-02-20&regime=message&term=10&last_day=later", "last_day"),
    ],
)
def test_preview_bad_parameters_are_422_naming_the_parameter(catalog, query, field):
    response = get(f"/deadlines/preview?{query}")
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["errors"][0]["field"] == field
    assert body["detail"]


def test_preview_into_a_year_without_data_is_422_on_registered(catalog):
    response = get("/deadlines/preview?registered=2027-12-15&regime=appeal59&term=30")
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["field"] == "registered"
    assert "нет данных за 2028 год" in body["detail"]


def test_preview_matches_registration(citizen):
    with clock.travel_to(datetime.combine(date(2026, 4, 30), time(12), ZoneInfo("Europe/Moscow"))):
        appeal = submit_appeal(citizen, kind="gratitude")
    preview = get("/deadlines/preview?registered=2026-04-30&kind=gratitude&theme=tech-login")
    assert (
        preview.json()["due_date"]
        == api(citizen)("get", f"/appeals/{appeal.number}").json()["due_date"]
    )
