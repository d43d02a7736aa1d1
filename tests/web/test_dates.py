"""Deadlines are local days, formatted by one presenter; the applicant reads applicant words."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from priemnaya.appeals import services
from priemnaya.appeals.lifecycle import APPLICANT_VIEW
from priemnaya.appeals.presenters import format_date
from priemnaya.appeals.states import Status
from priemnaya.core import clock
from tests.api.test_contract import api
from tests.web.test_pages import signed_in


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


def test_the_citizen_api_speaks_the_applicant_vocabulary(late_evening, citizen, operator):
    services.appeal_take(appeal=late_evening, actor=operator)
    call = api(citizen)
    listed = call("get", "/appeals").json()["items"][0]
    detail = call("get", f"/appeals/{late_evening.number}").json()
    events = call("get", f"/appeals/{late_evening.number}/events").json()
    applicant_label = APPLICANT_VIEW[Status.IN_PROGRESS][0]
    assert listed["status_label"] == detail["status_label"] == applicant_label
    assert events[-1]["status_label"] == applicant_label
    assert events[-1]["title"] == "Специалист начал работу"
    staff = api(operator)("get", f"/staff/appeals/{late_evening.number}").json()
    assert staff["status_label"] == Status.IN_PROGRESS.label


def test_events_publish_documented_fields_not_internal_keys(late_evening, citizen, operator):
    services.appeal_redirect(
        appeal=late_evening, actor=operator, department_code="services", reason="По компетенции."
    )
    events = api(citizen)("get", f"/appeals/{late_evening.number}/events").json()
    redirected = next(e for e in events if e["type"] == "redirected")
    # the applicant learns where it went, not where it came from or any internal key
    assert set(redirected["data"]) == {"department", "department_name", "previous_department"}
    assert redirected["data"]["previous_department"] is None
    assert redirected["data"]["department"] == "services"
    assert redirected["details"] == [f"Направлено: {redirected['data']['department_name']}"]


def test_the_openapi_schema_documents_each_event_type(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "RedirectedEventOut" in schema
    assert schema["ExtendedData"]["properties"]["due_date"]
    kind = schema["RedirectedEventOut"]["properties"]["type"]
    assert kind.get("const", (kind.get("enum") or [None])[0]) == "redirected"
