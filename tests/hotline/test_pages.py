"""The call log, the call screen and the call-back queue as pages (issue 13, hotline calls)."""

from __future__ import annotations

import pytest

from priemnaya.appeals import services
from priemnaya.appeals.models import Appeal
from priemnaya.hotline.calls import cti_event_receive
from priemnaya.hotline.cti import ANSWERED, INCOMING, CtiEvent
from priemnaya.hotline.models import Call, CallOutcome, DeferredRequest, DeferredStatus
from tests.factories import appeal_input, make_operator, signed_in, submit_appeal
from tests.hotline.conftest import MAIN

CALLER = "+79161112233"


@pytest.fixture
def call(lines, operator) -> Call:
    cti_event_receive(CtiEvent(INCOMING, "p-1", line=MAIN, caller=CALLER, agent=operator.email))
    cti_event_receive(CtiEvent(ANSWERED, "p-1"))
    return Call.objects.get(cti_id="p-1")


def test_the_operator_sees_the_screen_pop_and_the_callers_appeals(call, operator, catalog):
    from tests.factories import make_citizen

    person = make_citizen(phone=CALLER, full_name="Звонарёва Анна")
    earlier = submit_appeal(person, subject="Не приходит код")
    by_phone = services.appeal_submit(
        actor=operator,
        data=appeal_input(
            contact_phone=CALLER, contact_email="", applicant_name="Звонарёва А.", subject="Тел"
        ),
        channel="phone",
    )
    client = signed_in(operator)
    pop = client.get("/console/calls/current.json").json()["call"]
    assert (pop["id"], pop["state"], pop["caller"]) == (call.pk, "talking", CALLER)
    page = client.get(f"/console/calls/{call.pk}/").content.decode()
    assert "Звонарёва Анна" in page
    assert earlier.display_number in page
    assert by_phone.display_number in page
    log = client.get("/console/calls/").content.decode()
    assert 'data-testid="current-call"' in log
    assert CALLER in log


def test_resolving_needs_a_topic_and_then_closes_the_call(call, operator):
    client = signed_in(operator)
    refused = client.post(f"/console/calls/{call.pk}/resolve/", {"resolve-topic": ""})
    assert refused.status_code == 400
    assert "Выберите тему звонка из каталога." in refused.content.decode()
    done = client.post(
        f"/console/calls/{call.pk}/resolve/", {"resolve-topic": "tech-login", "resolve-note": "ok"}
    )
    assert done.status_code == 302
    call.refresh_from_db()
    assert call.outcome == CallOutcome.RESOLVED


def test_a_call_registered_as_an_appeal_is_linked(call, operator):
    client = signed_in(operator)
    form = client.get(f"/console/new/?call={call.pk}").content.decode()
    assert CALLER in form
    assert 'name="call"' in form
    response = client.post(
        "/console/new/",
        {
            "call": call.pk,
            "channel": "phone",
            "applicant_name": "Звонарёва Анна",
            "kind": "support",
            "theme": "tech-login",
            "subject": "Не могу войти",
            "text": "Позвонила: не может войти.",
            "contact_phone": CALLER,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    call.refresh_from_db()
    appeal = Appeal.objects.get(contact_phone=CALLER)
    assert (call.outcome, call.appeal) == (CallOutcome.APPEAL, appeal)
    assert call.topic.code == "tech-login"


def test_another_operator_neither_sees_nor_closes_the_call(call):
    other = signed_in(make_operator())
    assert other.get(f"/console/calls/{call.pk}/").status_code == 404
    assert other.post(f"/console/calls/{call.pk}/resolve/", {}).status_code == 404
    assert other.get("/console/calls/current.json").json() == {"call": None}


def test_the_deferred_request_goes_to_the_second_line(call, operator, specialist, supervisor):
    client = signed_in(operator)
    response = client.post(
        f"/console/calls/{call.pk}/defer/",
        {"defer-question": "Почему не пришёл код?", "defer-topic": "tech-login"},
    )
    assert response.status_code == 302
    request = DeferredRequest.objects.get(call=call)
    # the first line has no call-back queue
    assert client.get("/console/callbacks/").status_code == 403
    second = signed_in(specialist)
    queue = second.get("/console/callbacks/").content.decode()
    assert "Почему не пришёл код?" in queue
    second.post(f"/console/callbacks/{request.pk}/missed/", {"note": "Занято"})
    second.post(f"/console/callbacks/{request.pk}/reached/", {"note": "Объяснил, код пришёл."})
    request.refresh_from_db()
    assert request.status == DeferredStatus.DONE
    assert request.attempts.count() == 2
    # the supervisor sees the whole log, the API lists the request among closed ones
    assert call.cti_id in str(signed_in(supervisor).get("/api/v1/staff/calls").json())
    closed = signed_in(specialist).get("/api/v1/staff/callbacks?done=true").json()["items"]
    assert [(r["id"], r["status"], r["attempts"]) for r in closed] == [(request.pk, "done", 2)]


def test_a_deferred_request_registered_as_an_appeal(call, operator, specialist):
    signed_in(operator).post(
        f"/console/calls/{call.pk}/defer/",
        {"defer-question": "Нужна справка", "defer-topic": "tech-login"},
    )
    request = DeferredRequest.objects.get(call=call)
    second = signed_in(specialist)
    form = second.get(f"/console/new/?deferred={request.pk}").content.decode()
    assert "Нужна справка" in form
    response = second.post(
        "/console/new/",
        {
            "deferred": request.pk,
            "channel": "phone",
            "applicant_name": "Звонарёва Анна",
            "kind": "support",
            "theme": "tech-login",
            "subject": "Справка",
            "text": "Нужна справка",
            "contact_phone": CALLER,
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.result, request.appeal_id is not None) == (
        DeferredStatus.DONE,
        "appeal",
        True,
    )


def test_the_operators_api_log_holds_only_own_calls(call, operator):
    body = signed_in(operator).get("/api/v1/staff/calls?outcome=open").json()
    assert [c["id"] for c in body["items"]] == [call.pk]
    assert signed_in(make_operator()).get("/api/v1/staff/calls").json()["items"] == []
    bad = signed_in(operator).get("/api/v1/staff/calls?outcome=nope")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "outcome"
