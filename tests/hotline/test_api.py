"""GET /api/v1/hotline/lines (issue 13, hotline): public, the same lines as the page."""

from __future__ import annotations

from priemnaya.catalog.calendars import work_calendar
from priemnaya.core import clock
from tests.factories import api
from tests.hotline.conftest import MAIN, REGIONAL, TECH, msk


def lines_at(moment: str) -> dict[str, dict]:
    with clock.travel_to(msk(moment)):
        response = api()("get", "/hotline/lines")
    assert response.status_code == 200
    return {row["phone"]: row for row in response.json()}


def test_lines_with_status_and_week(lines):
    body = lines_at("2026-11-25 12:00")
    main = body[MAIN]
    assert main == {
        "id": lines[MAIN].pk,
        "name": "Единый контакт-центр",
        "purpose": lines[MAIN].purpose,
        "phone": "+78005553535",
        "phone_display": "8 800 555-35-35",
        "open_now": True,
        "status_text": "Работает сейчас, до 22:00",
        "opens_at": None,
        "closes_at": "2026-11-25T22:00:00+03:00",
        "works_on_holidays": True,
        "notes": lines[MAIN].notes,
        "hours": [
            {"weekday": d, "closed": False, "opens": "08:00", "closes": "22:00"}
            for d in range(1, 8)
        ],
    }
    assert body[TECH]["status_text"] == "Работает круглосуточно"
    assert body[TECH]["hours"][0] == {
        "weekday": 1,
        "closed": False,
        "opens": "00:00",
        "closes": "24:00",
    }
    assert body[TECH]["closes_at"] is None


def test_a_closed_line_says_when_it_opens(lines):
    body = lines_at("2026-11-28 19:00")  # Saturday evening
    regional = body[REGIONAL]
    assert regional["open_now"] is False
    assert regional["status_text"] == "Откроется завтра в 10:00"
    assert regional["opens_at"] == "2026-11-29T10:00:00+03:00"
    assert regional["closes_at"] is None


def test_a_day_off_is_closed_in_the_week(lines):
    from priemnaya.hotline.models import LineHours

    LineHours.objects.filter(line=lines[REGIONAL], weekday=7).delete()
    sunday = lines_at("2026-11-25 12:00")[REGIONAL]["hours"][6]
    assert sunday == {"weekday": 7, "closed": True, "opens": None, "closes": None}


def test_the_list_costs_two_queries(lines, django_assert_num_queries):
    work_calendar()
    caller = api()
    with django_assert_num_queries(2):
        assert caller("get", "/hotline/lines").status_code == 200
