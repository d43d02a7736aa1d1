"""Staff who redirect or escalate an appeal away from their departments get success, not 404."""

from __future__ import annotations

import pytest

from priemnaya.accounts.roles import Role
from priemnaya.appeals.models import Appeal
from tests.api.test_contract import api
from tests.conftest import make_user
from tests.web.test_pages import signed_in


@pytest.fixture
def registered(citizen, submit):
    """A support appeal, routed to the «support» department."""
    return submit(citizen)


@pytest.fixture
def support_operator(catalog):
    """An operator who works the «support» department only."""
    return make_user(Role.OPERATOR, departments=("support",))


def test_redirect_out_of_ones_departments_answers_200_with_the_new_place(
    registered, support_operator
):
    call = api(support_operator)
    response = call(
        "post",
        f"/staff/appeals/{registered.number}/redirect",
        {"department": "services", "reason": "По компетенции ведомства."},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["department"] == "services"
    assert body["in_your_queue"] is False
    assert body["actions"] == []
    assert Appeal.objects.get(pk=registered.pk).department.code == "services"
    # and the appeal is indeed out of reach now
    assert call("get", f"/staff/appeals/{registered.number}").status_code == 404


def test_escalate_out_of_ones_departments_answers_200(registered, support_operator):
    response = api(support_operator)(
        "post", f"/staff/appeals/{registered.number}/escalate", {"reason": "Нужно решение выше."}
    )
    assert response.status_code == 200
    assert response.json()["in_your_queue"] is False
    assert response.json()["escalation_level"] == 1


def test_an_action_that_keeps_the_appeal_answers_in_your_queue(registered, support_operator):
    response = api(support_operator)("post", f"/staff/appeals/{registered.number}/take")
    assert response.status_code == 200
    assert response.json()["in_your_queue"] is True


def test_the_page_returns_to_the_queue_and_says_where_the_appeal_went(registered, support_operator):
    client = signed_in(support_operator)
    response = client.post(
        f"/console/appeals/{registered.number}/redirect/",
        {"redirect-department": "services", "redirect-reason": "По компетенции ведомства."},
    )
    assert response.status_code == 302
    assert response["Location"] == "/console/"
    queue = client.get("/console/").content.decode()
    assert "Обращение перенаправлено." in queue
    assert registered.display_number in queue
    assert "в вашей очереди его больше нет" in queue
