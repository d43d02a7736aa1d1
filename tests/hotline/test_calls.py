"""The call log's rules: CTI events, parking, idempotency, signatures, 8 working hours."""

from __future__ import annotations

import json
import time

import pytest

from priemnaya.audit.models import AuditEntry
from priemnaya.core import clock
from priemnaya.core.errors import Conflict, NotPermitted, ValidationFailed
from priemnaya.hotline.callbacks import (
    call_defer,
    deferred_attach_appeal,
    deferred_callback,
    deferred_due,
    deferred_take,
)
from priemnaya.hotline.calls import call_resolve, caller_phone, cti_event_receive
from priemnaya.hotline.cti import (
    ANSWERED,
    ENDED,
    INCOMING,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    CtiEvent,
    cti_sign,
)
from priemnaya.hotline.models import (
    Call,
    CallOutcome,
    DeferredResult,
    DeferredStatus,
)
from priemnaya.hotline.models import (
    CtiEvent as CtiEventRow,
)
from tests.factories import make_user, submit_appeal
from tests.hotline.conftest import MAIN, msk

SECRET = "test-cti-secret"
URL = "/api/v1/hotline/cti/events"


@pytest.fixture(autouse=True)
def _cti_secret(settings):
    settings.PRIEMNAYA_CTI_SECRET = SECRET


def ring(operator, call_id="c-1", line=MAIN, caller="8 916 123-45-67", answer=True) -> Call:
    cti_event_receive(CtiEvent(INCOMING, call_id, line=line, caller=caller, agent=operator.email))
    if answer:
        cti_event_receive(CtiEvent(ANSWERED, call_id))
    return Call.objects.get(cti_id=call_id)


# ---- 8 working hours -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "due"),
    [
        # a Wednesday morning: the same day's working time is enough (09:00–18:00 has 9 hours)
        ("2026-11-25 09:30", "2026-11-25 17:30"),
        # an evening: nothing counts until 09:00, then 8 hours
        ("2026-11-25 20:00", "2026-11-26 17:00"),
        # Friday afternoon: 2 hours on Friday, the weekend does not count, 6 on Monday
        ("2026-11-27 16:00", "2026-11-30 15:00"),
        # Saturday: from Monday 09:00
        ("2026-11-28 12:00", "2026-11-30 17:00"),
        # 3 November is a shortened pre-holiday day (2 hours left at 15:00, until 17:00),
        # 4 November a holiday, then 6 hours on the 5th
        ("2026-11-03 15:00", "2026-11-05 15:00"),
    ],
)
def test_a_deferred_request_is_due_in_8_working_hours(catalog, start, due):
    assert deferred_due(msk(start)) == msk(due)


# ---- CTI events ------------------------------------------------------------------------------


def test_a_call_goes_from_ringing_to_ended_with_its_duration(lines, operator):
    call = ring(operator, answer=False)
    assert call.state == "ringing"
    assert call.line == lines[MAIN]
    assert call.caller == "+79161234567"
    assert call.operator == operator
    cti_event_receive(CtiEvent(ANSWERED, "c-1"))
    cti_event_receive(CtiEvent(ENDED, "c-1", duration=95))
    call.refresh_from_db()
    assert (call.state, call.duration, call.outcome) == ("ended", 95, "")


def test_an_unanswered_call_is_closed_as_missed(lines, operator):
    ring(operator, answer=False)
    cti_event_receive(CtiEvent(ENDED, "c-1", duration=20))
    assert Call.objects.get(cti_id="c-1").outcome == CallOutcome.MISSED


def test_a_repeated_event_changes_nothing(lines, operator):
    ring(operator)
    cti_event_receive(CtiEvent(ENDED, "c-1", duration=30))
    call, duplicate = cti_event_receive(CtiEvent(ENDED, "c-1", duration=999))
    assert duplicate
    call.refresh_from_db()
    assert call.duration == 30
    assert Call.objects.count() == 1
    assert CtiEventRow.objects.filter(cti_id="c-1").count() == 3


def test_a_call_for_an_unknown_line_is_parked_not_lost(lines, operator):
    call = ring(operator, line="+7 800 000-00-01")
    assert call.line is None
    assert call.parked_reason == "неизвестная линия: +7 800 000-00-01"
    assert call.is_parked


def test_an_end_before_the_start_is_kept_and_completed_later(lines, operator):
    cti_event_receive(CtiEvent(ANSWERED, "late"))
    assert Call.objects.get(cti_id="late").parked_reason == "нет события call.incoming"
    cti_event_receive(
        CtiEvent(INCOMING, "late", line=MAIN, caller="+79160000001", agent=operator.email)
    )
    call = Call.objects.get(cti_id="late")
    assert (call.parked_reason, call.line, call.answered_at is not None) == ("", lines[MAIN], True)


def test_caller_numbers_are_normalised_and_a_hidden_one_is_empty():
    assert caller_phone("8 (916) 123-45-67") == "+79161234567"
    assert caller_phone("+44 20 7946 0958") == "+442079460958"
    assert caller_phone("anonymous") == ""


# ---- the first line closes a call ------------------------------------------------------------


def test_resolved_on_the_line_needs_a_topic_and_is_audited(lines, operator):
    call = ring(operator)
    with pytest.raises(ValidationFailed) as exc:
        call_resolve(actor=operator, call=call, topic="")
    assert "topic" in exc.value.errors
    call_resolve(actor=operator, call=call, topic="tech-login", note="Подсказал сброс пароля.")
    call.refresh_from_db()
    assert (call.outcome, call.topic.code) == (CallOutcome.RESOLVED, "tech-login")
    assert AuditEntry.objects.filter(action="hotline.call.closed", target_id=str(call.pk)).exists()
    with pytest.raises(Conflict):
        call_resolve(actor=operator, call=call, topic="tech-login")


def test_another_operators_call_is_not_theirs(lines, operator):
    call = ring(operator)
    other = make_user("operator", departments=("support",))
    with pytest.raises(NotPermitted):
        call_resolve(actor=other, call=call, topic="tech-login")


def test_deferred_request_and_the_second_lines_call_backs(lines, operator, specialist, citizen):
    call = ring(operator)
    with clock.travel_to(msk("2026-11-27 16:00")):
        request = call_defer(
            actor=operator, call=call, question="Почему не пришёл код?", topic="tech-login"
        )
    assert request.due_at == msk("2026-11-30 15:00")
    assert request.callback_at == request.due_at
    assert request.phone == "+79161234567"
    call.refresh_from_db()
    assert call.outcome == CallOutcome.DEFERRED
    # the first line is not the second
    with pytest.raises(NotPermitted):
        deferred_take(actor=operator, request=request)
    deferred_take(actor=specialist, request=request)
    request.refresh_from_db()
    assert (request.status, request.taken_by) == (DeferredStatus.TAKEN, specialist)
    with clock.travel_to(msk("2026-11-30 10:00")):
        deferred_callback(actor=specialist, request=request, reached=False, note="Не берёт")
    request.refresh_from_db()
    assert request.callback_at == msk("2026-11-30 11:00")
    assert request.status == DeferredStatus.TAKEN
    with pytest.raises(ValidationFailed):
        deferred_callback(actor=specialist, request=request, reached=True, note="")
    with clock.travel_to(msk("2026-11-30 11:05")):
        deferred_callback(actor=specialist, request=request, reached=True, note="Объяснил.")
    request.refresh_from_db()
    assert (request.status, request.result) == (DeferredStatus.DONE, DeferredResult.RESOLVED)
    assert [a.reached for a in request.attempts.all()] == [False, True]
    with pytest.raises(Conflict):
        deferred_attach_appeal(actor=specialist, request=request, appeal=submit_appeal(citizen))


def test_a_deferred_request_needs_the_question(lines, operator):
    call = ring(operator)
    with pytest.raises(ValidationFailed) as exc:
        call_defer(actor=operator, call=call, question=" ", topic="")
    assert set(exc.value.errors) == {"question", "topic"}


# ---- the webhook through HTTP ------------------------------------------------------------------


def post(client, payload, *, secret=SECRET, stamp=None, raw=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    stamp = stamp if stamp is not None else int(time.time())
    headers = {
        f"HTTP_{TIMESTAMP_HEADER.upper().replace('-', '_')}": str(stamp),
        f"HTTP_{SIGNATURE_HEADER.upper().replace('-', '_')}": cti_sign(body, stamp, secret),
    }
    return client.post(URL, body, content_type="application/json", **headers)


INCOMING_BODY = {
    "event": "call.incoming",
    "call_id": "w-1",
    "line": "8 800 555-35-35",
    "caller": "+79161234567",
    "agent": "",
}


def test_the_webhook_takes_signed_events_once(client, lines):
    first = post(client, INCOMING_BODY)
    assert first.status_code == 200, first.content
    assert first.json()["duplicate"] is False
    again = post(client, INCOMING_BODY)
    assert (again.status_code, again.json()["duplicate"]) == (200, True)
    assert Call.objects.get(cti_id="w-1").line == lines[MAIN]


def test_the_webhook_refuses_a_missing_or_wrong_signature(client, lines):
    unsigned = client.post(URL, json.dumps(INCOMING_BODY), content_type="application/json")
    assert unsigned.status_code == 401
    assert unsigned.json()["errors"][0]["field"] == SIGNATURE_HEADER
    forged = post(client, INCOMING_BODY, secret="guess")
    assert forged.status_code == 403
    stale = post(client, INCOMING_BODY, stamp=int(time.time()) - 3600)
    assert stale.status_code == 403
    assert not Call.objects.exists()


def test_the_webhook_refuses_everything_while_the_secret_is_unset(client, lines, settings):
    settings.PRIEMNAYA_CTI_SECRET = ""
    assert post(client, INCOMING_BODY, secret="").status_code == 403


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"event": "call.ringing", "call_id": "x"}, "event"),
        ({"event": "call.incoming", "call_id": "x"}, "line"),
        ({"event": "call.ended", "call_id": "x", "duration": "долго"}, "duration"),
        ({"event": "call.ended", "call_id": "x", "duration": -1}, "duration"),
        ({"event": "call.answered"}, "call_id"),
        ([1, 2], "body"),
    ],
)
def test_the_webhook_names_the_bad_field(client, lines, payload, field):
    response = post(client, payload)
    assert response.status_code == 422, response.content
    assert field in {e["field"] for e in response.json()["errors"]}


def test_the_webhook_refuses_a_body_that_is_not_json(client, lines):
    response = post(client, None, raw=b"{not json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"


def test_a_parked_call_through_the_webhook(client, lines):
    response = post(client, INCOMING_BODY | {"line": "+74950000000"})
    assert response.status_code == 200
    assert response.json()["parked"] == "неизвестная линия: +74950000000"


def test_a_call_for_nobody_we_know_is_kept_for_supervisors(lines, operator, supervisor):
    from priemnaya.hotline.call_selectors import CallFilters, call_list

    cti_event_receive(CtiEvent(INCOMING, "who", line=MAIN, caller="", agent="ext-999"))
    cti_event_receive(CtiEvent(INCOMING, "where", line="+70000000000", caller="", agent=""))
    call = Call.objects.get(cti_id="who")
    assert (call.operator, call.agent, call.caller) == (None, "ext-999", "")
    assert list(call_list(operator, CallFilters())) == []
    assert set(call_list(supervisor, CallFilters()).values_list("cti_id", flat=True)) == {
        "who",
        "where",
    }
    parked = call_list(supervisor, CallFilters(outcome="parked"))
    assert list(parked.values_list("cti_id", flat=True)) == ["where"]


def test_the_operator_is_found_by_the_work_extension(lines, operator):
    operator.work_phone = "1042"
    operator.save(update_fields=["work_phone"])
    cti_event_receive(CtiEvent(INCOMING, "ext", line=MAIN, caller="+79160000002", agent="1042"))
    assert Call.objects.get(cti_id="ext").operator == operator


def test_the_second_lines_acts_are_audited(lines, operator, specialist):
    call = ring(operator)
    request = call_defer(actor=operator, call=call, question="Вопрос", topic="tech-login")
    deferred_take(actor=specialist, request=request)
    deferred_callback(actor=specialist, request=request, reached=False)
    actions = list(
        AuditEntry.objects.filter(target_type="hotline.deferred", target_id=str(request.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["hotline.deferred.taken", "hotline.deferred.callback"]
