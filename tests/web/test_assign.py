"""Heads and quality control choose who works an appeal in the console."""

from __future__ import annotations

import pytest

from priemnaya.appeals.models import Appeal
from priemnaya.appeals.states import EventType
from tests.factories import signed_in


def test_head_assigns_a_colleague_on_the_appeal_page(citizen, head, colleague, submit):
    appeal = submit(citizen)
    client = signed_in(head)
    page = client.get(f"/console/appeals/{appeal.number}/").content.decode()
    assert "Назначить исполнителя" in page
    assert colleague.full_name in page
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
