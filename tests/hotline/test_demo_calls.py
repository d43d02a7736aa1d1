"""The demo's call log (issue 13): finished calls, one parked, one deferred request waiting."""

from __future__ import annotations

from priemnaya.demo.calls import load_calls
from priemnaya.hotline.models import Call, CallOutcome, DeferredRequest, DeferredStatus


def test_the_demo_has_a_call_log_with_a_parked_call_and_a_deferred_request(lines, operator):
    assert load_calls({"operator": operator}) == 5
    calls = {c.cti_id: c for c in Call.objects.all()}
    assert calls["demo-call-1"].outcome == CallOutcome.RESOLVED
    assert calls["demo-call-2"].outcome == CallOutcome.MISSED
    assert calls["demo-call-4"].parked_reason == "неизвестная линия: 8 800 333-22"
    assert calls["demo-call-5"].outcome == ""
    assert all(c.ended_at and c.duration for c in calls.values())
    request = DeferredRequest.objects.get()
    assert (request.call, request.status) == (calls["demo-call-3"], DeferredStatus.WAITING)
    assert load_calls({"operator": operator}) == 0
