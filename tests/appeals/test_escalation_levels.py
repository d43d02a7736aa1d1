"""Escalation levels (issue 7 item 7): when the applicant may press «Эскалация», and the top.

The applicant escalates only after the first-reaction target or the deadline passed without an
answer, or after the answer; once per level and each reason once. Staff and the timer escalate
whenever the appeal is worked; everybody stops at quality control.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from priemnaya.accounts.models import User
from priemnaya.appeals import services
from priemnaya.appeals.deadlines import local_day
from priemnaya.appeals.lifecycle import Action
from priemnaya.appeals.models import Appeal, Event
from priemnaya.appeals.selectors import appeal_actions, appeal_page_of
from priemnaya.appeals.states import EventType, Status
from priemnaya.core import clock
from priemnaya.core.errors import InvalidTransition
from tests.appeals.helpers import refuse
from tests.factories import api, signed_in

MINUTE = timedelta(minutes=1)


def _escalate(appeal: Appeal, actor, reason: str = "Долго нет ответа") -> Appeal:
    return services.appeal_escalate(appeal=appeal, actor=actor, reason=reason)


def _refused(appeal: Appeal, actor, reason: str = "Долго нет ответа") -> InvalidTransition:
    """Escalate expecting a refusal that changes nothing, not even the journal."""
    return refuse(
        InvalidTransition, services.appeal_escalate, appeal=appeal, actor=actor, reason=reason
    )


def test_a_fresh_appeal_cannot_be_escalated_by_the_applicant_and_says_when(registered, citizen):
    # given an appeal registered a minute ago
    first_due = local_day(registered.department, registered.first_response_due_at)
    # when the applicant presses «Эскалация»
    error = _refused(registered, citizen)
    # then the refusal says from when it is possible, and nothing moved
    assert error.message == (
        f"Эскалация станет доступна после {first_due:%d.%m.%Y}, если ответа не будет."
    )
    assert error.field == "escalation_level"
    appeal = Appeal.objects.get()
    assert (appeal.escalation_level, appeal.department.code) == (0, "support")
    assert not Event.objects.filter(type=EventType.ESCALATED).exists()
    assert Action.ESCALATE not in appeal_actions(appeal=appeal, user=citizen)


def test_the_applicant_escalates_once_the_first_reaction_is_late(registered, citizen):
    # when nobody reacted by the first-response target
    with clock.travel_to(registered.first_response_due_at + MINUTE):
        assert Action.ESCALATE in appeal_actions(appeal=registered, user=citizen)
        appeal = _escalate(registered, citizen)
    # then it goes one level up, to the parent department, and the level is recorded
    assert (appeal.escalation_level, appeal.department.code) == (1, "quality")
    assert appeal.applicant_escalated_level == 0
    event = Event.objects.get(type=EventType.ESCALATED)
    assert (event.data["by"], event.data["level"]) == ("applicant", 1)
    assert event.text == "Долго нет ответа"


def test_a_reaction_in_time_leaves_only_the_deadline_as_a_reason(in_progress, citizen):
    # given staff took the appeal in time: the first-reaction target is met
    after_first = in_progress.first_response_due_at + MINUTE
    due = local_day(in_progress.department, in_progress.due_at)
    with clock.travel_to(after_first):
        error = _refused(in_progress, citizen)
    assert error.message == f"Эскалация станет доступна после {due:%d.%m.%Y}, если ответа не будет."
    # when the deadline passes without an answer
    with clock.travel_to(in_progress.due_at + MINUTE):
        appeal = _escalate(in_progress, citizen, "Срок прошёл")
    assert appeal.escalation_level == 1


def test_the_applicant_may_escalate_an_answered_appeal(answered, citizen):
    appeal = _escalate(answered, citizen, "Ответ меня не устраивает")
    # the answer stays given; the higher level decides whether to reopen it
    assert (appeal.status, appeal.escalation_level) == (Status.ANSWERED, 1)


def test_a_fresh_appeal_cannot_be_raised_from_level_to_level_in_seconds(
    citizen, submit, specialist
):
    # given an appeal of «services-support» (→ «services» → quality control) left unanswered
    appeal = submit(citizen, theme="services-documents")
    with clock.travel_to(appeal.due_at + MINUTE):
        appeal = _escalate(appeal, citizen)
        assert (appeal.escalation_level, appeal.department.code) == (1, "services")
        # when the applicant presses «Эскалация» again at once
        error = _refused(appeal, citizen)
    # then the late deadline was already used as a reason: the higher level gets its chance
    assert "дождитесь ответа" in error.message
    assert Appeal.objects.get().escalation_level == 1


def test_a_new_answer_of_the_higher_level_may_be_escalated_again(citizen, submit, specialist):
    # given an answered appeal the applicant escalated to «services»
    appeal = submit(citizen, theme="services-documents")
    appeal = services.appeal_take(appeal=appeal, actor=specialist)
    appeal = services.appeal_answer(appeal=appeal, actor=specialist, outcome="resolved", text="Ок")
    appeal = _escalate(appeal, citizen, "Не согласен")
    assert _refused(appeal, citizen).field == "escalation_level"
    # when the higher level reopens it and answers again
    # a specialist of «services» made its head (read afresh, as the next request would)
    specialist.membership_set.filter(department__code="services").update(is_head=True)
    head = User.objects.get(pk=specialist.pk)
    appeal = services.appeal_reopen(appeal=appeal, actor=head, reason="Проверим")
    appeal = services.appeal_answer(appeal=appeal, actor=head, outcome="resolved", text="Ещё раз")
    # then the applicant may escalate once more, from level 1, to quality control
    appeal = _escalate(appeal, citizen, "Всё равно не согласен")
    assert (appeal.escalation_level, appeal.department.code) == (2, "quality")
    assert appeal.applicant_escalated_level == 1


def test_a_paused_appeal_waits_for_the_applicants_reply(needs_info, citizen):
    with clock.travel_to(needs_info.due_at + timedelta(days=1)):
        error = _refused(needs_info, citizen)
    assert "запрос уточнения" in error.message


@pytest.mark.parametrize("who", ["operator", "system"])
def test_staff_and_the_timer_escalate_at_any_time_with_a_journal_entry(registered, operator, who):
    actor = operator if who == "operator" else None
    appeal = _escalate(registered, actor, "Сложный случай")
    assert (appeal.escalation_level, appeal.department.code) == (1, "quality")
    assert appeal.applicant_escalated_level is None  # the applicant's own chance is untouched
    event = Event.objects.get(type=EventType.ESCALATED)
    assert event.data["by"] == ("staff" if actor else "system")


@pytest.mark.parametrize("who", ["citizen", "supervisor", "system"])
def test_nothing_is_escalated_above_quality_control(registered, operator, citizen, supervisor, who):
    # given the appeal already at quality control
    appeal = _escalate(registered, operator, "Выше")
    actor = {"citizen": citizen, "supervisor": supervisor, "system": None}[who]
    # when anyone asks to go higher, even with every deadline passed
    with clock.travel_to(appeal.due_at + MINUTE):
        error = _refused(appeal, actor, "Ещё выше")
    assert error.message == "Обращение уже у контроля качества: выше эскалировать некуда."
    assert Appeal.objects.get().escalation_level == 1


def test_the_cabinet_offers_the_button_only_when_allowed_and_explains_when(registered, citizen):
    client = signed_in(citizen)
    url = f"/cabinet/appeals/{registered.number}/"
    first_due = local_day(registered.department, registered.first_response_due_at)
    # a fresh appeal: no button, but a note saying when
    page = client.get(url).content.decode()
    assert 'action="/cabinet/appeals/' + registered.number + '/escalate/"' not in page
    assert f"Эскалация станет доступна после {first_due:%d.%m.%Y}, если ответа не будет." in page
    # a posted escalation is refused with the same words
    response = client.post(url + "escalate/", {"escalate-reason": "Долго."})
    assert response.status_code == 400
    assert "Эскалация станет доступна после" in response.content.decode()
    # once the first reaction is late: the button, and no note
    with clock.travel_to(registered.first_response_due_at + MINUTE):
        page = client.get(url).content.decode()
        assert 'action="/cabinet/appeals/' + registered.number + '/escalate/"' in page
        assert "Эскалация станет доступна" not in page
        response = client.post(url + "escalate/", {"escalate-reason": "Долго."})
    assert response.status_code == 302
    assert Appeal.objects.get().escalation_level == 1


def test_the_api_refuses_an_early_escalation_with_the_field_and_reason(registered, citizen):
    response = api(citizen)("post", f"/appeals/{registered.number}/escalate", {"reason": "Долго"})
    assert response.status_code == 409
    error = response.json()["errors"][0]
    assert error["field"] == "escalation_level"
    assert "Эскалация станет доступна после" in error["message"]
    # the detail says the same, and does not offer the action
    detail = api(citizen)("get", f"/appeals/{registered.number}").json()
    assert "escalate" not in detail["actions"]
    assert detail["escalation_note"] == error["message"]


def test_the_page_note_is_empty_for_staff(registered, operator):
    page = appeal_page_of(appeal=registered, user=operator)
    assert page.escalation_note == ""
    assert Action.ESCALATE in page.actions
