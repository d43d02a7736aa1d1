"""POST /api/v1/staff/appeals: staff register an appeal that came by phone, e-mail or letter."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from priemnaya.appeals.models import Appeal
from priemnaya.core import clock
from tests.factories import CALL_BODY, api

MOSCOW = ZoneInfo("Europe/Moscow")


def test_staff_register_through_the_api(operator, citizen):
    call = api(operator)
    response = call("post", "/staff/appeals", CALL_BODY, **{"Idempotency-Key": "c-1"})
    assert response.status_code == 201, response.content
    assert response.json()["channel"] == "phone"
    again = call("post", "/staff/appeals", CALL_BODY, **{"Idempotency-Key": "c-1"})
    assert again.json() == response.json()
    assert Appeal.objects.count() == 1
    # a citizen may not use the staff intake; a wrong channel names the field
    assert api(citizen)("post", "/staff/appeals", CALL_BODY).status_code == 403
    bad = call("post", "/staff/appeals", {**CALL_BODY, "channel": "portal"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "channel"


def test_a_late_letter_is_marked_in_the_staff_output(operator):
    # given a letter received on 16.11.2026, registered on 20.11.2026 (policy: 3 days)
    body = {**CALL_BODY, "kind": "complaint", "theme": "services-refusal", "channel": "letter"}
    with clock.travel_to(datetime(2026, 11, 20, 10, tzinfo=MOSCOW)):
        # when
        response = api(operator)("post", "/staff/appeals", {**body, "received_on": "2026-11-16"})
    # then
    assert response.status_code == 201, response.content
    out = response.json()
    assert (out["received_date"], out["late_registration"]) == ("2026-11-16", True)
    assert out["due_date"] == "2026-12-18"  # counted from registration, not receipt
    registered = Appeal.objects.get().events.get()
    assert registered.data["received_date"] == "2026-11-16"
    assert registered.data["late_registration"] is True


def test_a_received_date_is_for_calls_letters_email_and_mfc_only(operator):
    body = {**CALL_BODY, "channel": "social", "received_on": "2026-11-16"}
    with clock.travel_to(datetime(2026, 11, 20, 10, tzinfo=MOSCOW)):
        response = api(operator)("post", "/staff/appeals", body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["received_on"]


def test_a_complaint_names_the_body_it_is_about_and_is_never_sent_there(operator, specialist):
    # given a complaint about the certification centre, registered through the API
    body = {
        **CALL_BODY,
        "kind": "complaint",
        "theme": "services-refusal",
        "complained_department": "esign",
    }
    created = api(operator)("post", "/staff/appeals", body)
    assert created.status_code == 201, created.content
    assert created.json()["complained_department"] == "esign"
    number = created.json()["number"].replace("-", "")
    # when staff of «services» try to redirect it there
    response = api(specialist)(
        "post",
        f"/staff/appeals/{number}/redirect",
        {"department": "esign", "reason": "По компетенции"},
    )
    # then
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["department"]
