"""Lines with the production calendar, the default set, the admin (issue 13, hotline)."""

from __future__ import annotations

from datetime import date, time

import pytest

from priemnaya.accounts.roles import Role
from priemnaya.audit.models import AuditEntry
from priemnaya.catalog.calendars import work_calendar
from priemnaya.core.calendar import WorkCalendar
from priemnaya.hotline.defaults import DEFAULT_LINES
from priemnaya.hotline.models import Line, LineHours
from priemnaya.hotline.phones import line_phone_display
from priemnaya.hotline.selectors import line_cards, line_status
from priemnaya.hotline.services import line_load_defaults
from tests.factories import make_user, signed_in
from tests.hotline.conftest import MAIN, REGIONAL, TECH, msk


def test_the_seeds_lines_are_there_with_their_weeks(lines):
    assert set(lines) == {row["phone"] for row in DEFAULT_LINES}
    main = lines[MAIN]
    assert main.phone_display == "8 800 555-35-35"
    assert [(h.weekday, h.opens, h.closes) for h in main.hours.all()] == [
        (d, time(8), time(22)) for d in range(1, 8)
    ]
    regional = {h.weekday: (h.opens, h.closes) for h in lines[REGIONAL].hours.all()}
    assert regional[1] == (time(8), time(20))
    assert regional[6] == (time(9), time(18))
    assert regional[7] == (time(10), time(16))
    assert not lines[REGIONAL].works_on_holidays


def test_loading_the_defaults_again_adds_nothing(lines):
    before = (Line.objects.count(), LineHours.objects.count())
    assert line_load_defaults() == 0
    assert (Line.objects.count(), LineHours.objects.count()) == before


def test_the_federal_calendar_s_holiday_gives_sunday_hours(lines):
    # given 4 November 2026 (a Wednesday) is the Day of National Unity in the seeded calendar
    calendar = work_calendar()
    assert not calendar.is_working(date(2026, 11, 4))
    regional = lines[REGIONAL]
    # when it is 09:00 that day: the Sunday line opens at 10:00, not at 08:00
    early = line_status(regional, msk("2026-11-04 09:00"))
    assert (early.open_now, early.text) == (False, "Откроется сегодня в 10:00")
    assert early.holiday  # the holiday's name, for the page
    late = line_status(regional, msk("2026-11-04 16:30"))
    assert late.text == "Откроется завтра в 08:00"
    # and the next day is a plain Thursday again
    assert line_status(regional, msk("2026-11-05 19:00")).text == "Работает сейчас, до 20:00"


def test_a_line_working_on_holidays_keeps_its_weekday_hours(lines):
    regional = lines[REGIONAL]
    regional.works_on_holidays = True
    status = line_status(regional, msk("2026-11-04 09:00"))
    assert status.text == "Работает сейчас, до 20:00"


def test_new_year_holidays_of_the_calendar(lines):
    # the regional line on 31 December 2026 after 20:00: 1–8 January 2027 are days off, so
    # it opens on Sunday hours on the 1st
    status = line_status(lines[REGIONAL], msk("2026-12-31 21:00"))
    assert status.text == "Откроется завтра в 10:00"
    assert status.opens_at == msk("2027-01-01 10:00")


def test_a_year_without_calendar_data_is_a_plain_week(lines):
    # given a calendar that knows no year: the page still answers, weeks as written
    empty = WorkCalendar.of([])
    status = line_status(lines[REGIONAL], msk("2026-11-04 09:00"), calendar=empty)
    assert status.text == "Работает сейчас, до 20:00"


def test_the_cards_are_the_active_lines_in_order(lines):
    Line.objects.filter(phone=TECH).update(is_active=False)
    cards = line_cards(msk("2026-11-25 12:00"))
    phones = [c.line.phone for c in cards]
    assert TECH not in phones
    assert phones[0] == MAIN
    main = cards[0]
    assert main.rows == [("Ежедневно", "08:00–22:00")]
    assert main.holidays == "в праздничные дни — по обычному графику"
    regional = next(c for c in cards if c.line.phone == REGIONAL)
    assert regional.holidays == "в праздничные дни — по графику воскресенья"


@pytest.mark.parametrize(
    ("phone", "shown"),
    [("+78005553535", "8 800 555-35-35"), ("+74951234567", "+7 495 123-45-67")],
)
def test_the_number_as_people_write_it(phone, shown):
    assert line_phone_display(phone) == shown


# ---- the admin ----------------------------------------------------------------------------------


@pytest.fixture
def admin_client(lines):
    return signed_in(make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))


def _form(**fields) -> dict:
    data = {
        "name": "Линия для проверки",
        "purpose": "Проверка администрирования",
        "phone": "8 (800) 100-20-30",
        "phone_display": "",
        "order": "60",
        "is_active": "on",
        "calendar": "",
        "notes": "",
        "hours-TOTAL_FORMS": "2",
        "hours-INITIAL_FORMS": "0",
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "7",
        "hours-0-weekday": "1",
        "hours-0-opens": "09:00",
        "hours-0-closes": "18:00",
        "hours-1-weekday": "2",
        "hours-1-opens": "09:00",
        "hours-1-closes": "18:00",
    }
    data.update(fields)
    return data


def test_the_admin_adds_a_line_with_its_week_and_it_is_audited(admin_client):
    assert admin_client.get("/admin/hotline/line/").status_code == 200
    assert admin_client.get("/admin/hotline/line/add/").status_code == 200
    # when
    response = admin_client.post("/admin/hotline/line/add/", _form())
    # then the number is normalised, its shown form made up, the hours kept
    assert response.status_code == 302, response.content.decode()[:3000]
    line = Line.objects.get(name="Линия для проверки")
    assert (line.phone, line.phone_display) == ("+78001002030", "8 800 100-20-30")
    assert sorted(line.hours.values_list("weekday", flat=True)) == [1, 2]
    entry = AuditEntry.objects.filter(action="config.changed").order_by("-id").first()
    assert entry is not None
    assert entry.details == {"model": "hotline.line", "object_id": str(line.pk), "action": "added"}


def test_the_admin_refuses_a_number_that_is_not_one(admin_client):
    response = admin_client.post("/admin/hotline/line/add/", _form(phone="8 800 333-22"))
    assert response.status_code == 200
    assert "+7XXXXXXXXXX" in response.content.decode()
    assert not Line.objects.filter(name="Линия для проверки").exists()


def test_the_admin_refuses_two_hours_for_one_weekday(admin_client):
    response = admin_client.post("/admin/hotline/line/add/", _form(**{"hours-1-weekday": "1"}))
    assert response.status_code == 200
    assert not Line.objects.filter(name="Линия для проверки").exists()


def test_the_demo_shows_the_lines_even_after_a_flush(catalog):
    # given a database whose lines were flushed (a transactional test, a restore)
    from priemnaya.demo.loader import load_demo

    Line.objects.all().delete()
    # when the demo is loaded
    load_demo()
    # then the seeds' lines are back, each with its week
    assert Line.objects.filter(is_active=True).count() == len(DEFAULT_LINES)
    assert not Line.objects.filter(hours__isnull=True).exists()
