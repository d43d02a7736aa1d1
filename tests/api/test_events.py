"""The journal through the API: applicant words, documented fields, a schema per event type."""

from __future__ import annotations

from priemnaya.appeals import services
from priemnaya.appeals.lifecycle import APPLICANT_VIEW
from priemnaya.appeals.states import Status
from tests.factories import api


def test_the_citizen_api_speaks_the_applicant_vocabulary(registered, citizen, operator):
    services.appeal_take(appeal=registered, actor=operator)
    call = api(citizen)
    listed = call("get", "/appeals").json()["items"][0]
    detail = call("get", f"/appeals/{registered.number}").json()
    events = call("get", f"/appeals/{registered.number}/events").json()
    applicant_label = APPLICANT_VIEW[Status.IN_PROGRESS][0]
    assert listed["status_label"] == detail["status_label"] == applicant_label
    assert events[-1]["status_label"] == applicant_label
    assert events[-1]["title"] == "Специалист начал работу"
    staff = api(operator)("get", f"/staff/appeals/{registered.number}").json()
    assert staff["status_label"] == Status.IN_PROGRESS.label


def test_events_publish_documented_fields_not_internal_keys(registered, citizen, operator):
    services.appeal_redirect(
        appeal=registered, actor=operator, department_code="services", reason="По компетенции."
    )
    events = api(citizen)("get", f"/appeals/{registered.number}/events").json()
    redirected = next(e for e in events if e["type"] == "redirected")
    # the applicant learns where it went, not where it came from or any internal key
    assert set(redirected["data"]) == {
        "department",
        "department_name",
        "previous_department",
        "routed",
    }
    assert redirected["data"]["previous_department"] is None
    assert redirected["data"]["routed"] is None  # staff only
    assert redirected["data"]["department"] == "services"
    assert redirected["details"] == [f"Направлено: {redirected['data']['department_name']}"]


def test_the_openapi_schema_documents_each_event_type(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "RedirectedEventOut" in schema
    assert schema["ExtendedData"]["properties"]["due_date"]
    kind = schema["RedirectedEventOut"]["properties"]["type"]
    assert kind.get("const", (kind.get("enum") or [None])[0]) == "redirected"


def test_an_edit_names_the_changed_fields_in_the_form_words(registered, citizen):
    data = services.AppealInput(
        subject=registered.subject,
        text="Новое описание проблемы.",
        contact_email=registered.contact_email,
    )
    services.appeal_edit(appeal=registered, actor=citizen, data=data)
    edited = api(citizen)("get", f"/appeals/{registered.number}/events").json()[-1]
    assert edited["type"] == "edited"
    assert edited["data"] == {"fields": ["text"]}
    assert edited["details"] == ["Изменено: описание"]
