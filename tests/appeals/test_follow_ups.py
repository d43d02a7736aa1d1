"""Repeat and contest of an earlier appeal (SPEC §4: «Повторить обращение», обжалование)."""

from __future__ import annotations

import pytest

from priemnaya.appeals import services
from priemnaya.appeals.follow_ups import FollowUp, follow_ups_possible
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.states import EventType, Status
from priemnaya.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from tests.appeals.helpers import call_once, snapshot
from tests.factories import appeal_input

pytestmark = pytest.mark.django_db


def follow(actor, link, source, **overrides):
    return services.appeal_submit_follow_up(
        actor=actor, data=appeal_input(**overrides), link=link, source=source
    )


@pytest.mark.parametrize("state", [Status.ANSWERED, Status.CLOSED, Status.WITHDRAWN])
def test_a_repeat_is_a_new_linked_appeal_and_the_old_one_is_untouched(
    citizen, registered, move, state
):
    # given
    source = move(registered, state)
    before = snapshot(source)
    # when
    repeat, event = call_once(
        services.appeal_submit_follow_up,
        actor=citizen,
        data=appeal_input(subject="Снова не могу войти"),
        link=FollowUp.REPEAT,
        source=source,
    )
    # then
    assert repeat.pk != source.pk
    assert repeat.status == Status.REGISTERED
    assert repeat.repeat_of == source
    assert repeat.kind.code == "support"
    assert repeat.department.code == "support"
    assert event.appeal == repeat
    assert event.type == EventType.REGISTERED
    assert event.data["repeat_of"] == source.number
    assert snapshot(source) == before


@pytest.mark.parametrize("state", [Status.ANSWERED, Status.CLOSED])
def test_a_contest_takes_the_contest_kind_and_goes_a_level_up(citizen, registered, move, state):
    # given an answer from «support», whose parent is quality control
    source = move(registered, state)
    # when
    contest = follow(citizen, FollowUp.CONTEST, source, subject="Не согласен с ответом")
    # then
    assert contest.contest_of == source
    assert contest.kind.code == "contest"
    assert contest.department.code == "quality"
    assert contest.department != source.department
    # 59-FZ term for a contest, not the 5 working days of technical support
    assert (contest.due_at - contest.registered_at).days >= 28
    assert contest.events.get().data["contest_of"] == source.number


def test_a_contest_of_a_nested_department_goes_to_its_parent(citizen, specialist, submit):
    # given an answered request routed to «services-support» (a child of «services»)
    source = submit(citizen, kind="request", theme="services-status", subject="Где моё заявление")
    source = services.appeal_take(appeal=source, actor=specialist)
    source = services.appeal_answer(
        appeal=source, actor=specialist, outcome="resolved", text="Заявление готово."
    )
    # when
    contest = follow(citizen, FollowUp.CONTEST, source)
    # then
    assert source.department.code == "services-support"
    assert contest.department.code == "services"


@pytest.mark.parametrize("state", [Status.REGISTERED, Status.IN_PROGRESS, Status.NEEDS_INFO])
@pytest.mark.parametrize("link", list(FollowUp))
def test_an_appeal_still_in_work_cannot_be_followed_up(citizen, registered, move, state, link):
    source = move(registered, state)
    count = Appeal.objects.count()
    with pytest.raises(InvalidTransition) as caught:
        follow(citizen, link, source)
    assert caught.value.field == link.field
    assert Appeal.objects.count() == count


def test_a_withdrawn_appeal_cannot_be_contested(citizen, registered, move):
    source = move(registered, Status.WITHDRAWN)
    with pytest.raises(InvalidTransition):
        follow(citizen, FollowUp.CONTEST, source)


@pytest.mark.parametrize("link", list(FollowUp))
def test_nobody_follows_up_another_persons_appeal(other_citizen, operator, registered, move, link):
    source = move(registered, Status.CLOSED)
    for stranger in (other_citizen, operator):
        with pytest.raises(NotFound) as caught:
            follow(stranger, link, source)
        assert caught.value.field == link.field


def test_one_contest_at_a_time_then_another_once_it_ends(citizen, supervisor, registered, move):
    # given a contest under consideration
    source = move(registered, Status.ANSWERED)
    first = follow(citizen, FollowUp.CONTEST, source)
    # when / then a second one is refused, naming the first
    with pytest.raises(Conflict) as caught:
        follow(citizen, FollowUp.CONTEST, source)
    assert first.display_number in caught.value.message
    assert follow_ups_possible(appeal=source, user=citizen) == [FollowUp.REPEAT]
    # when the first is answered and closed, a new contest is possible again
    services.appeal_take(appeal=first, actor=supervisor)
    services.appeal_answer(appeal=first, actor=supervisor, outcome="rejected", text="Ответ верен.")
    services.appeal_close(appeal=first, actor=citizen)
    assert follow(citizen, FollowUp.CONTEST, source).contest_of == source


def test_the_contest_is_still_validated_like_any_appeal(citizen, registered, move):
    source = move(registered, Status.CLOSED)
    with pytest.raises(ValidationFailed) as caught:
        follow(citizen, FollowUp.CONTEST, source, subject="")
    assert "subject" in caught.value.errors


def test_buttons_follow_the_rules(citizen, other_citizen, registered, move):
    assert follow_ups_possible(appeal=registered, user=citizen) == []
    answered = move(registered, Status.ANSWERED)
    assert follow_ups_possible(appeal=answered, user=citizen) == list(FollowUp)
    assert follow_ups_possible(appeal=answered, user=other_citizen) == []
