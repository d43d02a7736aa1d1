"""The minimum API contract that apps rely on (docs/api.md), end to end over HTTP."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from priemnaya.api.models import IdempotencyRecord
from priemnaya.api.schemas import AppealEditIn, AppealIn, StaffAppealIn
from priemnaya.appeals.inputs import EDITABLE, INPUT_FIELDS
from priemnaya.appeals.models import Appeal
from tests.factories import APPEAL_BODY, api, signed_in

APPLICANT_FIELDS = [s.name for s in INPUT_FIELDS if not s.staff_only]


def test_token_refused_for_wrong_password(citizen):
    response = api()("post", "/auth/token", {"login": citizen.email, "password": "wrong"})
    assert response.status_code == 401
    assert response.json()["errors"][0]["field"] == "login"


def test_catalog_codes(catalog):
    kinds = {k["code"] for k in api()("get", "/catalog/kinds").json()}
    themes = {t["code"] for t in api()("get", "/catalog/themes").json()}
    assert {
        "request",
        "complaint",
        "suggestion",
        "petition",
        "gratitude",
        "contest",
        "support",
    } <= kinds
    assert {"tech", "tech-sms", "services-refusal", "personal-data"} <= themes


def test_create_with_idempotency_key_replays_and_guards(citizen):
    call = api(citizen)
    first = call("post", "/appeals", APPEAL_BODY, **{"Idempotency-Key": "k-1"})
    assert first.status_code == 201
    body = first.json()
    assert body["status"] == "registered"
    assert body["due_at"]
    again = call("post", "/appeals", APPEAL_BODY, **{"Idempotency-Key": "k-1"})
    assert again.status_code == 201
    assert again.json() == body
    assert Appeal.objects.count() == 1
    changed = call(
        "post", "/appeals", {**APPEAL_BODY, "subject": "Другое"}, **{"Idempotency-Key": "k-1"}
    )
    assert changed.status_code == 422
    assert changed.json()["errors"][0]["field"] == "Idempotency-Key"
    IdempotencyRecord.objects.create(
        user=citizen, key="k-2", endpoint="appeal_create", request_hash="x"
    )
    # a different payload is refused even while the key's first call still runs
    running = call("post", "/appeals", APPEAL_BODY, **{"Idempotency-Key": "k-2"})
    assert running.status_code == 422
    assert running.json()["errors"][0]["field"] == "Idempotency-Key"
    assert Appeal.objects.count() == 1


def test_running_key_with_same_payload_is_409(citizen):
    from priemnaya.api.idempotency import _fingerprint
    from priemnaya.api.schemas import AppealIn

    call = api(citizen)
    payload = AppealIn(**APPEAL_BODY).dict()
    IdempotencyRecord.objects.create(
        user=citizen, key="k-3", endpoint="appeal_create", request_hash=_fingerprint(payload)
    )
    response = call("post", "/appeals", APPEAL_BODY, **{"Idempotency-Key": "k-3"})
    assert response.status_code == 409
    assert Appeal.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**APPEAL_BODY, "subject": ""}, "subject"),
        ({**APPEAL_BODY, "text": "ы" * 5001}, "text"),
        ({**APPEAL_BODY, "contact_phone": "123"}, "contact_phone"),
        ({**APPEAL_BODY, "contact_phone": "", "contact_email": "bad@"}, "contact_email"),
        ({**APPEAL_BODY, "theme": "nope"}, "theme"),
        ({**APPEAL_BODY, "incident_at": "2999-01-01"}, "incident_at"),
        ({**APPEAL_BODY, "incident_at": "not a date"}, "incident_at"),
        ({**APPEAL_BODY, "incident_at": "0001-01-01"}, "incident_at"),
        ({**APPEAL_BODY, "incident_at": "1899-12-31T23:00:00Z"}, "incident_at"),
        ({**APPEAL_BODY, "subject": 12}, "subject"),
    ],
)
def test_bad_input_is_422_naming_the_field(citizen, body, field):
    response = api(citizen)("post", "/appeals", body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert Appeal.objects.count() == 0


def test_an_incident_before_1900_is_422_and_the_lists_keep_working(citizen, operator):
    # given the earliest date that is accepted, and one that is not
    call, staff = api(citizen), api(operator)
    kept = call("post", "/appeals", {**APPEAL_BODY, "incident_at": "1900-01-01"})
    refused = call("post", "/appeals", {**APPEAL_BODY, "incident_at": "0001-01-01"})
    # then
    assert kept.status_code == 201, kept.content
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {
            "field": "incident_at",
            "message": "Дата события — не раньше 01.01.1900.",
            "code": "invalid",
        }
    ]
    number = kept.json()["number"]
    for response in (
        call("get", "/appeals"),
        call("get", f"/appeals/{number}"),
        staff("get", "/staff/appeals"),
        staff("get", f"/staff/appeals/{number}"),
    ):
        assert response.status_code == 200, response.content
    incident = parse_datetime(call("get", f"/appeals/{number}").json()["incident_at"])
    assert timezone.localtime(incident).date() == date(1900, 1, 1)
    assert Appeal.objects.count() == 1


def test_non_json_body_is_400(citizen):
    response = api(citizen)("post", "/appeals", raw="{oops")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "json_invalid"
    assert Appeal.objects.count() == 0


def test_round_trip_and_visibility(citizen, other_citizen, operator):
    mine, staff, other = api(citizen), api(operator), api(other_citizen)
    number = mine("post", "/appeals", APPEAL_BODY).json()["number"]
    assert other("get", f"/appeals/{number}").status_code == 404
    assert mine("post", f"/staff/appeals/{number}/take").status_code == 403
    bad = number[:-1] + str((int(number[-1]) + 1) % 10)
    malformed = mine("get", f"/appeals/{bad}")
    assert malformed.status_code == 422
    assert malformed.json()["errors"][0]["field"] == "number"

    queue = staff("get", "/staff/appeals").json()
    assert number in [a["number"] for a in queue["items"]]
    assert (
        staff(
            "post", f"/staff/appeals/{number}/answer", {"outcome": "resolved", "text": "x"}
        ).status_code
        == 409
    )
    assert staff("post", f"/staff/appeals/{number}/take").json()["status"] == "in_progress"
    asked = staff("post", f"/staff/appeals/{number}/request-info", {"question": "Какой оператор?"})
    assert asked.json()["status"] == "needs_info"
    assert (
        mine("post", f"/appeals/{number}/provide-info", {"text": "МТС"}).json()["status"]
        == "in_progress"
    )
    answered = staff(
        "post", f"/staff/appeals/{number}/answer", {"outcome": "resolved", "text": "Исправлено."}
    )
    assert answered.json()["status"] == "answered"
    detail = mine("get", f"/appeals/{number}").json()
    assert detail["answer"]["outcome"] == "resolved"
    assert detail["answer"]["text"] == "Исправлено."
    events = [e["type"] for e in mine("get", f"/appeals/{number}/events").json()]
    assert events == ["registered", "taken", "info_requested", "info_provided", "answered"]
    assert mine("post", f"/appeals/{number}/close").json()["status"] == "closed"
    page = mine("get", "/appeals").json()
    assert page["items"][0]["number"] == number
    assert page["has_next"] is False


def test_session_auth_needs_csrf(citizen):
    client = signed_in(citizen, enforce_csrf_checks=True)
    assert client.get("/api/v1/appeals").status_code == 200
    refused = client.post(
        "/api/v1/appeals", json.dumps(APPEAL_BODY), content_type="application/json"
    )
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["code"] == "csrf_failed"
    assert Appeal.objects.count() == 0


def test_openapi_schema(catalog, client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/appeals" in schema["paths"]
    assert "/api/v1/staff/appeals/{number}/take" in schema["paths"]


@pytest.mark.parametrize("page", ["1" + "0" * 25, "99999999999", "501"])
def test_far_pages_are_refused_naming_page_and_pointing_at_the_cursor(
    citizen, operator, submit, page
):
    # An OFFSET that deep reads the whole list: past page 500 the cursor (?after=) pages.
    submit(citizen)
    for user, path in ((citizen, "/appeals"), (operator, "/staff/appeals")):
        response = api(user)("get", f"{path}?page={page}")
        assert response.status_code == 422, response.content
        assert response.json()["errors"][0]["field"] == "page"
        assert "after" in response.json()["errors"][0]["message"]


def test_pages_up_to_the_cap_are_empty_past_the_end(citizen, operator, submit):
    submit(citizen)
    for user, path in ((citizen, "/appeals"), (operator, "/staff/appeals")):
        response = api(user)("get", f"{path}?page=500")
        assert response.status_code == 200, response.content
        assert response.json()["items"] == []
        assert response.json()["has_next"] is False
        assert response.json()["next"] is None


def test_non_numeric_page_is_422_naming_page(citizen):
    response = api(citizen)("get", "/appeals?page=abc")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "page"


def test_russian_text_is_sent_as_utf8_not_escapes(catalog, client):
    response = client.get("/api/v1/catalog/kinds")
    assert "Жалоба".encode() in response.content
    assert b"\\u04" not in response.content


def test_the_api_schemas_follow_the_spec():
    assert list(AppealIn.model_fields) == [
        *APPLICANT_FIELDS,
        "repeat_of",
        "contest_of",
        "attachments",
    ]
    assert list(StaffAppealIn.model_fields) == [
        "channel",
        "received_on",
        "applicant_name",
        *APPLICANT_FIELDS,
        "attachments",
    ]
    assert list(AppealEditIn.model_fields) == list(EDITABLE)
    assert all(not f.is_required() for f in AppealEditIn.model_fields.values())
