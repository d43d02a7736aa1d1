"""Staff who redirect or escalate an appeal away from their departments get success, not 404."""

from __future__ import annotations

from priemnaya.appeals.models import Appeal
from tests.factories import api, signed_in


def test_redirect_out_of_ones_departments_answers_200_with_the_new_place(registered, operator):
    call = api(operator)
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


def test_escalate_out_of_ones_departments_answers_200(registered, operator):
    response = api(operator)(
        "post", f"/staff/appeals/{registered.number}/escalate", {"reason": "Нужно решение выше."}
    )
    assert response.status_code == 200
    assert response.json()["in_your_queue"] is False
    assert response.json()["escalation_level"] == 1


def test_an_action_that_keeps_the_appeal_answers_in_your_queue(registered, operator):
    response = api(operator)("post", f"/staff/appeals/{registered.number}/take")
    assert response.status_code == 200
    assert response.json()["in_your_queue"] is True


def test_the_page_returns_to_the_queue_and_says_where_the_appeal_went(registered, operator):
    client = signed_in(operator)
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
