"""Heads and quality control choose who works an appeal through the API."""

from __future__ import annotations

from priemnaya.appeals.models import Appeal
from tests.factories import api


def test_assign_through_the_api(citizen, operator, head, colleague, specialist, submit):
    appeal = submit(citizen)
    call = api(head)
    people = call("get", f"/staff/appeals/{appeal.number}/assignees").json()
    assert {p["full_name"] for p in people} >= {colleague.full_name, head.full_name}
    assert specialist.pk not in {p["id"] for p in people}  # not of this department
    # a stranger to the department is 422 on the field; an ordinary operator is 403
    bad = call("post", f"/staff/appeals/{appeal.number}/assign", {"assignee_id": specialist.pk})
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (422, "assignee_id")
    body = {"assignee_id": colleague.pk}
    assert api(operator)("post", f"/staff/appeals/{appeal.number}/assign", body).status_code == 403
    ok = call("post", f"/staff/appeals/{appeal.number}/assign", body)
    assert ok.status_code == 200
    assert Appeal.objects.get().assignee == colleague
