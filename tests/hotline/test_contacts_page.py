"""The public contacts page /contacts/ and its footer link (issue 13, hotline)."""

from __future__ import annotations

from django.test import Client

from priemnaya.catalog.calendars import work_calendar
from priemnaya.core import clock
from tests.hotline.conftest import msk


def page(moment: str) -> str:
    with clock.travel_to(msk(moment)):
        response = Client().get("/contacts/")
    assert response.status_code == 200
    return response.content.decode()


def test_every_line_with_its_number_week_and_status(lines):
    # when Wednesday noon
    html = page("2026-11-25 12:00")
    # then
    assert "<h1>Контакты</h1>" in html
    assert 'href="tel:+78005553535"' in html
    assert "8 800 555-35-35" in html
    assert "8 495 123-45-67" in html
    assert "Работает сейчас, до 22:00" in html  # the main line
    assert "Работает сейчас, до 20:00" in html  # the regional one
    assert "Работает круглосуточно" in html  # technical support
    assert "Пн–Пт" in html  # the regional week
    assert "10:00–16:00" in html
    assert "в праздничные дни — по графику воскресенья" in html.lower()


def test_late_in_the_evening_lines_say_when_they_open(lines):
    html = page("2026-11-25 23:00")
    assert "Откроется завтра в 08:00" in html
    assert "Работает круглосуточно" in html


def test_on_a_holiday_the_page_says_so(lines):
    html = page("2026-11-04 09:00")
    assert "Откроется сегодня в 10:00" in html
    assert "по графику воскресенья)" in html


def test_the_footer_of_every_page_links_to_the_contacts(lines):
    html = Client().get("/").content.decode()
    assert 'href="/contacts/"' in html
    assert "Все контакты" in html
    assert "8 800 555-35-35" in html  # the main number stays in the footer


def test_without_lines_the_page_points_to_the_form(catalog):
    from priemnaya.hotline.models import Line

    Line.objects.all().delete()
    html = Client().get("/contacts/").content.decode()
    assert "Телефоны пока не указаны" in html


def test_the_page_costs_two_queries(lines, django_assert_num_queries):
    work_calendar()  # the calendar is kept in the process (catalog/calendars.py)
    client = Client()
    # the lines with their calendar, and their hours
    with django_assert_num_queries(2):
        assert client.get("/contacts/").status_code == 200


def test_only_get_and_head(lines):
    assert Client().post("/contacts/").status_code == 405
