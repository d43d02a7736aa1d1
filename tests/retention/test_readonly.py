"""An archived appeal is read-only: every action refuses with the archive's message (API: 409)."""

from __future__ import annotations

import pytest

from priemnaya.appeals import services
from priemnaya.appeals.follow_ups import FollowUp, follow_ups_possible
from priemnaya.appeals.permissions import ARCHIVED
from priemnaya.appeals.selectors import appeal_actions
from priemnaya.core import clock
from priemnaya.core.errors import InvalidTransition
from priemnaya.retention.services import retention_run
from tests import factories
from tests.retention.factories_retention import NOW, closed_on, years_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def archived(citizen, operator):
    appeal = closed_on(years_ago(6), applicant=citizen, staff=operator)
    with clock.travel_to(NOW):
        retention_run()
    appeal.refresh_from_db()
    assert appeal.archived_at is not None
    return appeal


@pytest.mark.parametrize(
    ("who", "call"),
    [
        ("citizen", lambda a, u: services.appeal_comment(appeal=a, actor=u, text="Ещё вопрос")),
        ("citizen", lambda a, u: services.appeal_rate(appeal=a, actor=u, rating=2, comment="")),
        ("operator", lambda a, u: services.appeal_note(appeal=a, actor=u, text="Заметка")),
        ("head", lambda a, u: services.appeal_reopen(appeal=a, actor=u, reason="Пересмотр")),
        (
            "operator",
            lambda a, u: services.appeal_answer(appeal=a, actor=u, outcome="resolved", text="Да"),
        ),
        (
            "citizen",
            lambda a, u: services.appeal_submit_follow_up(
                actor=u, data=factories.appeal_input(), link=FollowUp.CONTEST, source=a
            ),
        ),
    ],
    ids=["comment", "rate", "note", "reopen", "answer", "contest"],
)
def test_every_action_on_an_archived_appeal_is_refused(archived, request, who, call):
    actor = request.getfixturevalue(who)
    with clock.travel_to(NOW), pytest.raises(InvalidTransition) as refused:
        call(archived, actor)
    assert refused.value.message == ARCHIVED
    archived.refresh_from_db()
    assert archived.status == "closed"


def test_pages_offer_no_action_and_no_follow_up(archived, citizen, head):
    assert appeal_actions(appeal=archived, user=citizen) == []
    assert appeal_actions(appeal=archived, user=head) == []
    assert follow_ups_possible(appeal=archived, user=citizen) == []


def test_the_api_answers_409_naming_the_reason(archived, citizen, operator):
    number = archived.number
    response = factories.api(citizen)("post", f"/appeals/{number}/rate", {"rating": 3})
    assert response.status_code == 409
    assert response.json()["errors"] == [
        {"field": "status", "message": ARCHIVED, "code": "archived"}
    ]
    response = factories.api(operator)("post", f"/staff/appeals/{number}/note", {"text": "Заметка"})
    assert response.status_code == 409
    assert "архив" in response.json()["detail"]


def test_the_citizen_still_sees_it_marked_archived(archived, citizen):
    page = factories.signed_in(citizen).get(f"/cabinet/appeals/{archived.number}/")
    assert page.status_code == 200
    assert "В архиве" in page.content.decode()


def test_the_staff_api_lists_the_archive_only_when_asked(archived, supervisor):
    call = factories.api(supervisor)
    closed = call("get", "/staff/appeals?status=closed").json()["items"]
    assert archived.display_number not in {item["number"] for item in closed}
    archive = call("get", "/staff/appeals?archived=true").json()["items"]
    assert {item["number"] for item in archive} == {archived.display_number}
