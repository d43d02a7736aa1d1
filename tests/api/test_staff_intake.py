"""POST /api/v1/staff/appeals: staff register an appeal that came by phone, e-mail or letter."""

from __future__ import annotations

from priemnaya.appeals.models import Appeal
from tests.factories import CALL_BODY, api


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
