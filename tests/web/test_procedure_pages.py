"""Console pages of the 59-FZ procedure: extension, redirect window, received date, regime."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from priemnaya.core import clock
from tests.factories import signed_in


def test_the_extend_form_says_who_may_extend_and_how_far(registered, operator, head):
    # given the support policy: the head approves, 5 working days at most
    # when
    head_page = signed_in(head).get(f"/console/appeals/{registered.number}/").content.decode()
    operator_page = signed_in(operator).get(f"/console/appeals/{registered.number}/")
    # then the head gets the form with who and how far
    assert "Продлить срок" in head_page
    assert "Продлевает руководитель отдела (или вышестоящего) либо контроль качества." in head_page
    assert "Новый срок — не позже" in head_page
    # and the operator is not offered it
    assert f"/console/appeals/{registered.number}/extend/" not in operator_page.content.decode()


def test_after_the_due_date_the_extend_form_is_gone(registered, head):
    # given the term has run out
    with clock.travel_to(registered.due_at + timedelta(seconds=1)):
        # when
        page = signed_in(head).get(f"/console/appeals/{registered.number}/").content.decode()
        response = signed_in(head).post(
            f"/console/appeals/{registered.number}/extend/",
            {
                "extend-due_date": (timezone.localdate(registered.due_at) + timedelta(days=1)),
                "extend-reason": "Поздно",
            },
        )
    # then
    assert f"/console/appeals/{registered.number}/extend/" not in page
    assert response.status_code == 400
    assert "Срок ответа уже истёк — продлить его нельзя." in response.content.decode()
