"""Heads and quality control choose who works an appeal, in the console and through the API."""

from __future__ import annotations

import pytest

from priemnaya.appeals.models import Appeal
from priemnaya.appeals.states import EventType
from tests.api.test_contract import api
from tests.conftest import make_user
from tests.web.test_pages import signed_in


@pytest.fixture
def head(catalog):
    return make_user("operator", departments=("support",), head=True, full_name="Начальникова Анна")


@pytest.fixture
def colleague(catalog):
    return make_user("operator", departments=("support",), full_name="Коллегин Борис")


def test_head_assigns_a_colleague_on_the_appeal_page(citizen, head, colleague, submit):
    appeal = submit(citizen)
    client = signed_in(head)
    page = client.get(f"/console/appeals/{appeal.number}/").content.decode()
    assert "Назначить исполнителя" in page
    assert "Коллегин Борис" in page
    response = client.post(
        f"/console/appeals/{appeal.number}/assign/", {"assign-assignee": str(colleague.pk)}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.assignee == colleague
    event = appeal.events.latest("id")
    assert (event.type, event.is_public) == (EventType.ASSIGNED, False)


def test_ordinary_operator_is_not_offered_assignment(citizen, operator, submit):
    appeal = submit(citizen)
    page = signed_in(operator).get(f"/console/appeals/{appeal.number}/").content.decode()
    assert "Назначить исполнителя" not in page


@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_bad_assignee_is_refused_on_the_form(citizen, head, submit, value):
    appeal = submit(citizen)
    response = signed_in(head).post(
        f"/console/appeals/{appeal.number}/assign/", {"assign-assignee": value}
    )
    assert response.status_code == 400
    assert Appeal.objects.get().assignee is None


def test_assign_through_the_api(citizen, operator, head, colleague, specialist, submit):
    appeal = submit(citizen)
    call = api(head)
    people = call("get", f"/staff/appeals/{appeal.number}/assignees").json()
    assert {p["full_name"] for p in people} >= {"Коллегин Борис", "Начальникова Анна"}
    assert specialist.pk not in {p["id"] for p in people}  # not of this department
    # a stranger to the department is 422 on the field; an ordinary operator is 403
    bad = call("post", f"/staff/appeals/{appeal.number}/assign", {"assignee_id": specialist.pk})
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (422, "assignee_id")
    body = {"assignee_id": colleague.pk}
    assert api(operator)("post", f"/staff/appeals/{appeal.number}/assign", body).status_code == 403
    ok = call("post", f"/staff/appeals/{appeal.number}/assign", body)
    assert ok.status_code == 200
    assert Appeal.objects.get().assignee == colleague
