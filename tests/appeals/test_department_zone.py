"""Due days are the department's: 23:59:59 in Kaliningrad is already the next day in Moscow."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from priemnaya.catalog.models import Department
from priemnaya.core import clock
from tests.factories import api, signed_in, submit_appeal

KALININGRAD = ZoneInfo("Europe/Kaliningrad")


@pytest.fixture
def western_appeal(citizen):
    Department.objects.filter(code="support").update(timezone="Europe/Kaliningrad")
    with clock.travel_to(datetime(2026, 2, 20, 11, 0, tzinfo=KALININGRAD)):
        return submit_appeal(citizen)


def test_the_due_moment_ends_the_day_in_the_departments_zone(western_appeal):
    # 5 working days after Fri 20.02.2026: 23 Feb is a holiday → 24, 25, 26, 27 Feb, 2 Mar
    assert western_appeal.due_at == datetime(2026, 3, 2, 23, 59, 59, tzinfo=KALININGRAD)


def test_cabinet_api_and_journal_show_the_departments_day(western_appeal, citizen):
    # the API's due date and the journal's are the department's day, not Moscow's 03.03
    detail = api(citizen)("get", f"/appeals/{western_appeal.number}").json()
    assert detail["due_date"] == "2026-03-02"
    events = api(citizen)("get", f"/appeals/{western_appeal.number}/events").json()
    assert events[0]["data"]["due_date"] == "2026-03-02"
    # and so does the cabinet page
    with clock.travel_to(datetime(2026, 2, 21, 12, 0, tzinfo=KALININGRAD)):
        page = signed_in(citizen).get(f"/cabinet/appeals/{western_appeal.number}/").content.decode()
    assert "02.03.2026" in page
    assert "03.03.2026" not in page
