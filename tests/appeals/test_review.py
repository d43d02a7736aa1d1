"""The quality loop of SPEC §4: «Не удовлетворён» sends an answer to re-review by the department
head or quality control, who confirm the answer or return the appeal to work."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from priemnaya.appeals import services
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.selectors import AppealFilters, appeal_actions, staff_queue
from priemnaya.appeals.states import EventType, Status
from priemnaya.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from tests.appeals.helpers import call_once

pytestmark = pytest.mark.django_db


@pytest.fixture
def disputed(citizen, answered):
    return services.appeal_rate(
        appeal=answered, actor=citizen, rating=1, comment="Ответ не по существу."
    )


def test_a_low_rating_with_a_reason_asks_for_review(citizen, answered):
    # when
    appeal, event = call_once(
        services.appeal_rate, appeal=answered, actor=citizen, rating=2, comment="Не помогло."
    )
    # then
    assert appeal.review_requested_at is not None
    assert appeal.status == Status.ANSWERED
    assert event.type == EventType.RATED
    assert event.data == {"rating": 2, "review": True}


@pytest.mark.parametrize("rating", [1, 2])
def test_a_low_rating_needs_a_reason(citizen, answered, rating):
    with pytest.raises(ValidationFailed) as caught:
        services.appeal_rate(appeal=answered, actor=citizen, rating=rating, comment="  ")
    assert caught.value.field == "comment"
    answered.refresh_from_db()
    assert answered.rating is None
    assert answered.review_requested_at is None


@pytest.mark.parametrize("rating", [3, 4, 5])
def test_a_fair_rating_asks_for_nothing(citizen, answered, rating):
    appeal = services.appeal_rate(appeal=answered, actor=citizen, rating=rating)
    assert appeal.review_requested_at is None


def test_a_better_rating_later_withdraws_the_request(citizen, disputed):
    appeal = services.appeal_rate(appeal=disputed, actor=citizen, rating=5)
    assert appeal.review_requested_at is None


def test_the_head_confirms_the_answer(citizen, head, disputed):
    # when
    appeal, event = call_once(
        services.appeal_confirm, appeal=disputed, actor=head, comment="Ответ верный."
    )
    # then the answer stands and the applicant reads why
    assert appeal.review_requested_at is None
    assert appeal.status == Status.ANSWERED
    assert event.type == EventType.ANSWER_CONFIRMED
    assert event.is_public
    assert event.text == "Ответ верный."


def test_quality_control_reopens_instead(supervisor, disputed):
    appeal = services.appeal_reopen(appeal=disputed, actor=supervisor, reason="Ответ неполный.")
    assert appeal.status == Status.IN_PROGRESS
    assert appeal.review_requested_at is None


def test_an_ordinary_operator_may_neither_confirm_nor_reopen(operator, disputed):
    with pytest.raises(NotPermitted):
        services.appeal_confirm(appeal=disputed, actor=operator)
    assert "confirm" not in appeal_actions(appeal=disputed, user=operator)
    assert "reopen" not in appeal_actions(appeal=disputed, user=operator)


def test_nothing_to_confirm_without_a_request(head, answered):
    with pytest.raises(InvalidTransition) as caught:
        services.appeal_confirm(appeal=answered, actor=head)
    assert caught.value.field == "review"
    assert "confirm" not in appeal_actions(appeal=answered, user=head)


def test_reviewers_see_disputed_answers_in_their_queue(head, supervisor, answered, disputed):
    assert "confirm" in appeal_actions(appeal=disputed, user=head)
    for user in (head, supervisor):
        queue = staff_queue(user=user, filters=AppealFilters(status="", review=True))
        assert list(queue) == [disputed]


def test_a_closed_appeal_is_reviewed_too_but_cannot_be_reopened(citizen, head, answered):
    closed = services.appeal_close(appeal=answered, actor=citizen)
    closed = services.appeal_rate(appeal=closed, actor=citizen, rating=1, comment="Не решено.")
    assert appeal_actions(appeal=closed, user=head) == ["confirm"]
    with pytest.raises(InvalidTransition):
        services.appeal_reopen(appeal=closed, actor=head, reason="Повторно")
    assert services.appeal_confirm(appeal=closed, actor=head).review_requested_at is None


def test_an_answer_under_review_does_not_close_by_itself(citizen, head, disputed):
    later = timezone.now() + timedelta(days=30)
    assert services.appeals_autoclose(now=later) == 0
    assert Appeal.objects.get(pk=disputed.pk).status == Status.ANSWERED
    # once the answer is confirmed the usual clock applies again
    services.appeal_confirm(appeal=disputed, actor=head)
    assert services.appeals_autoclose(now=later) == 1
