"""Deadlines are local days, formatted by one presenter; the applicant reads applicant words."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from priemnaya.appeals import services
from priemnaya.appeals.presenters import format_date
from priemnaya.core import clock
from tests.factories import api, signed_in


@pytest.fixture
def late_evening(citizen, submit):
    """An appeal registered at 23:30 Moscow time: in UTC that is already 20:30 of the same day,
    and its due instant (23:59:59 local) is 20:59:59 UTC — a UTC formatter shows the right day
    only by luck, and one shifted by paused seconds shows the next day."""
    moment = timezone.make_aware(datetime.combine(clock.today(), time(23, 30)))
    with clock.travel_to(moment - timedelta(days=2)):
        return submit(citizen)


def test_every_face_shows_the_same_local_due_day(late_evening, citizen, operator):
    due = timezone.localdate(late_evening.due_at)
    shown = f"{due:%d.%m.%Y}"
    # the citizen's pages
    client = signed_in(citizen)
    assert f"до {shown}" in client.get(f"/cabinet/appeals/{late_evening.number}/").content.decode()
    assert shown in client.get("/cabinet/").content.decode()
    # the console
    assert shown in signed_in(operator).get("/console/").content.decode()
    # the API: the local day as a date, in the detail and in the journal
    call = api(citizen)
    detail = call("get", f"/appeals/{late_evening.number}").json()
    assert detail["due_date"] == due.isoformat()
    assert f"до {shown}" in detail["next_step"]
    registered = call("get", f"/appeals/{late_evening.number}/events").json()[0]
    assert registered["data"]["due_date"] == due.isoformat()
    assert f"Срок ответа: до {shown}" in registered["details"]


def test_a_pause_and_resume_on_one_day_shows_the_same_day_everywhere(
    late_evening, citizen, operator
):
    before = format_date(late_evening.due_at)
    morning = clock.days_ago(1, at=time(9, 0))
    with clock.travel_to(morning):
        appeal = services.appeal_take(appeal=late_evening, actor=operator)
        appeal = services.appeal_request_info(appeal=appeal, actor=operator, question="Браузер?")
    # five hours of waiting: shifting the instant by them would cross local midnight
    with clock.travel_to(morning + timedelta(hours=5)):
        appeal = services.appeal_provide_info(appeal=appeal, actor=citizen, text="Яндекс.")
    page = signed_in(citizen).get(f"/cabinet/appeals/{appeal.number}/").content.decode()
    assert format_date(appeal.due_at) == before
    assert f"до {before}" in page
    assert page.count(before) >= 2  # the next step and the facts agree
