"""The production calendar in admin: days and years edited by hand reach the next deadline at once,
are marked as the administrator's, and a department's zone and hours are checked."""

from __future__ import annotations

from datetime import date

import pytest

from priemnaya.accounts.roles import Role
from priemnaya.catalog.calendars import ADMIN_SOURCE, FEDERAL, work_calendar
from priemnaya.catalog.models import Calendar, CalendarDay, CalendarYear, Department
from tests.factories import make_user, signed_in


@pytest.fixture
def admin_client(catalog):
    return signed_in(make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))


def federal() -> Calendar:
    return Calendar.objects.get(code=FEDERAL)


def test_calendar_pages_open(admin_client):
    cal = federal()
    day = CalendarDay.objects.filter(calendar=cal).first()
    for url in [
        "/admin/catalog/calendar/",
        f"/admin/catalog/calendar/{cal.pk}/change/",
        "/admin/catalog/calendarday/",
        "/admin/catalog/calendarday/?year=2026",
        f"/admin/catalog/calendarday/?calendar__id__exact={cal.pk}&year=2025",
        f"/admin/catalog/calendarday/{day.pk}/change/",
        "/admin/catalog/calendaryear/",
        "/admin/catalog/calendarday/add/",
    ]:
        assert admin_client.get(url).status_code == 200, url


def test_a_day_added_in_admin_is_used_at_once_and_marked(admin_client):
    day = date(2026, 6, 15)  # a Monday
    assert work_calendar().is_working(day)  # cached now
    response = admin_client.post(
        "/admin/catalog/calendarday/add/",
        {
            "calendar": federal().pk,
            "date": "15.06.2026",
            "working": "",
            "hours": "0",
            "note": "Региональный праздник (проверка)",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not work_calendar().is_working(day)  # the cache was cleared
    assert ADMIN_SOURCE in CalendarYear.objects.get(calendar=federal(), year=2026).source


def test_deleting_a_day_in_admin_is_used_at_once(admin_client):
    row = CalendarDay.objects.get(calendar=federal(), date=date(2026, 3, 9))
    assert not work_calendar().is_working(row.date)
    response = admin_client.post(f"/admin/catalog/calendarday/{row.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert work_calendar().is_working(date(2026, 3, 9))


def test_a_day_off_with_hours_is_refused(admin_client):
    response = admin_client.post(
        "/admin/catalog/calendarday/add/",
        {"calendar": federal().pk, "date": "15.06.2026", "working": "", "hours": "8"},
    )
    assert response.status_code == 200
    assert "У выходного дня не может быть рабочих часов" in response.content.decode()


def test_a_year_added_by_hand_says_so(admin_client):
    response = admin_client.post(
        "/admin/catalog/calendaryear/add/", {"calendar": federal().pk, "year": "2031"}
    )
    assert response.status_code == 302
    row = CalendarYear.objects.get(calendar=federal(), year=2031)
    assert row.source == ADMIN_SOURCE
    assert row.loaded_at is not None
    assert work_calendar().covers(2031)


def department_form(department: Department, **changes) -> dict:
    data = {
        "code": department.code,
        "name": department.name,
        "parent": department.parent_id or "",
        "region": department.region,
        "timezone": department.timezone,
        "opens_at": "09:00",
        "closes_at": "18:00",
        "calendar": department.calendar_id or "",
        "is_active": "on",
        "membership_set-TOTAL_FORMS": "0",
        "membership_set-INITIAL_FORMS": "0",
        "membership_set-MIN_NUM_FORMS": "0",
        "membership_set-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"timezone": "Asia/Vladivostoc"}, "Неизвестный часовой пояс"),
        ({"timezone": "../etc"}, "Неизвестный часовой пояс"),
        ({"opens_at": "18:00", "closes_at": "09:00"}, "Конец рабочего дня должен быть позже"),
    ],
)
def test_department_working_time_is_checked(admin_client, changes, message):
    department = Department.objects.get(code="support")
    url = f"/admin/catalog/department/{department.pk}/change/"
    page = admin_client.get(url)
    assert "часовой пояс" in page.content.decode().lower()
    response = admin_client.post(url, department_form(department, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()


def test_department_zone_and_calendar_are_saved(admin_client):
    department = Department.objects.get(code="support")
    regional = Calendar.objects.create(code="ru-25", name="Приморский край", parent=federal())
    url = f"/admin/catalog/department/{department.pk}/change/"
    response = admin_client.post(
        url,
        department_form(
            department, timezone="Asia/Vladivostok", calendar=regional.pk, is_first_line="on"
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    department.refresh_from_db()
    assert department.timezone == "Asia/Vladivostok"
    assert department.calendar == regional
    assert department.is_first_line
