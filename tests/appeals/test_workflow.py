"""State transitions of SPEC §4: take, request/provide info, answer, close, withdraw, reopen,
rate and the auto-close timer. Each success writes one event; each refusal writes none."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from priemnaya.accounts.roles import Role
from priemnaya.appeals import services
from priemnaya.appeals.models import Answer, Appeal, Event, Message
from priemnaya.appeals.selectors import appeal_current_answer
from priemnaya.appeals.states import EventType, MessageKind, Status
from priemnaya.catalog.models import Policy
from priemnaya.core import clock
from priemnaya.core.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from priemnaya.core.numbering import compose_number
from tests import factories
from tests.appeals.helpers import call_once, refuse

ANSWER = {"outcome": "resolved", "text": "Сбой устранён, войдите снова."}


# --- take -------------------------------------------------------------------------------------


def test_take_starts_work_and_makes_the_actor_the_assignee(registered, operator):
    # when
    appeal, event = call_once(services.appeal_take, appeal=registered, actor=operator)
    # then
    appeal.refresh_from_db()
    assert appeal.status == Status.IN_PROGRESS
    assert appeal.assignee == operator
    assert appeal.first_response_at is not None
    assert (event.type, event.from_status, event.to_status) == (
        EventType.TAKEN,
        Status.REGISTERED,
        Status.IN_PROGRESS,
    )
    assert (event.actor, event.actor_role) == (operator, Role.OPERATOR)


def test_a_supervisor_may_take_an_appeal_of_any_department(registered, supervisor):
    appeal, _ = call_once(services.appeal_take, appeal=registered, actor=supervisor)
    assert appeal.assignee == supervisor


def test_take_twice_is_an_invalid_transition(in_progress, operator):
    error = refuse(InvalidTransition, services.appeal_take, appeal=in_progress, actor=operator)
    assert error.field == "status"
    assert "«В работе»" in error.message


def test_the_applicant_cannot_take_their_own_appeal(registered, citizen):
    refuse(NotPermitted, services.appeal_take, appeal=registered, actor=citizen)


def test_the_timer_cannot_take(registered):
    refuse(NotPermitted, services.appeal_take, appeal=registered, actor=None)


@pytest.mark.parametrize("outsider", ["other_citizen", "specialist", "auditor"])
def test_outsiders_get_not_found_rather_than_forbidden(registered, outsider, request):
    # given someone who may not know the appeal exists (specialist works other departments)
    actor = request.getfixturevalue(outsider)
    # when / then
    error = refuse(NotFound, services.appeal_take, appeal=registered, actor=actor)
    assert error.message == "Обращение не найдено."


def test_a_deactivated_operator_is_an_outsider(registered, operator):
    operator.is_active = False
    operator.save()
    refuse(NotFound, services.appeal_take, appeal=registered, actor=operator)


# --- request_info / provide_info: the clock pauses and resumes --------------------------------


def test_request_info_asks_the_applicant_and_pauses_the_clock(in_progress, operator):
    # when
    appeal, event = call_once(
        services.appeal_request_info,
        appeal=in_progress,
        actor=operator,
        question="Какой браузер вы используете?",
    )
    # then
    appeal.refresh_from_db()
    assert appeal.status == Status.NEEDS_INFO
    assert appeal.paused_at is not None
    assert (event.type, event.from_status, event.to_status) == (
        EventType.INFO_REQUESTED,
        Status.IN_PROGRESS,
        Status.NEEDS_INFO,
    )
    assert event.text == "Какой браузер вы используете?"
    assert event.message.kind == MessageKind.QUESTION
    assert event.is_public


def test_request_info_needs_a_question(in_progress, operator):
    error = refuse(
        ValidationFailed,
        services.appeal_request_info,
        appeal=in_progress,
        actor=operator,
        question="  ",
    )
    assert list(error.errors) == ["question"]


def test_request_info_before_taking_is_refused(registered, operator):
    refuse(
        InvalidTransition,
        services.appeal_request_info,
        appeal=registered,
        actor=operator,
        question="?",
    )


def test_the_applicant_cannot_ask_themselves(in_progress, citizen):
    refuse(
        NotPermitted,
        services.appeal_request_info,
        appeal=in_progress,
        actor=citizen,
        question="?",
    )


def test_provide_info_returns_the_appeal_to_work_and_journals_it_as_supplemented(
    needs_info, citizen
):
    # when
    appeal, event = call_once(
        services.appeal_provide_info, appeal=needs_info, actor=citizen, text="Firefox 128."
    )
    # then
    assert appeal.status == Status.IN_PROGRESS
    assert appeal.paused_at is None
    assert event.type == EventType.INFO_PROVIDED
    assert event.get_type_display() == "Обращение дополнено"
    assert (event.from_status, event.to_status) == (Status.NEEDS_INFO, Status.IN_PROGRESS)
    assert Message.objects.get(pk=event.message_id).kind == MessageKind.REPLY


# registered (Moscow), kind, the question day, the reply day, due before, due after
PAUSES = [
    # a 59-FZ complaint counts calendar days: 3 days waited move 20.01 → 23.01, a Saturday,
    # so it ends on the next working day (a pause never shortens the term)
    ("2026-12-21", "complaint", "2026-12-22", "2026-12-25", "2027-01-20", "2027-01-25"),
    # a support message counts working days: Mon→Thu waited 3 working days, 5 wd term
    ("2026-11-23", "support", "2026-11-23", "2026-11-26", "2026-11-30", "2026-12-03"),
    # issue 7: a one-day pause moved Fri 25.12.2026 to Sat 26.12 00:00:00.001
    ("2026-11-25", "complaint", "2026-11-30", "2026-12-01", "2026-12-25", "2026-12-28"),
]


@pytest.mark.parametrize(("registered", "kind", "asked", "replied", "before", "after"), PAUSES)
def test_the_due_date_moves_later_by_the_days_spent_waiting(
    citizen, operator, specialist, registered, kind, asked, replied, before, after
):
    def at(day: str) -> datetime:
        return datetime.combine(date.fromisoformat(day), time(11, 0), ZoneInfo("Europe/Moscow"))

    staff = specialist if kind == "complaint" else operator
    theme = {"kind": kind, "theme": "services-refusal"} if kind == "complaint" else {"kind": kind}
    with clock.travel_to(at(registered)):
        appeal = factories.submit_appeal(citizen, **theme)
    assert timezone.localdate(appeal.due_at) == date.fromisoformat(before)
    with clock.travel_to(at(asked)):
        appeal = factories.bring_to(appeal, Status.NEEDS_INFO, applicant=citizen, staff=staff)
    with clock.travel_to(at(replied)):
        appeal = services.appeal_provide_info(appeal=appeal, actor=citizen, text="Ответ.")
    # then the due day moved later and still ends at the end of a local working day
    due = timezone.localtime(appeal.due_at)
    assert due.date() == date.fromisoformat(after)
    assert (due.hour, due.minute, due.second) == (23, 59, 59)


@pytest.mark.parametrize("hours_waited", [0.5, 5])
def test_a_reply_on_the_day_of_the_question_keeps_the_due_day(needs_info, citizen, hours_waited):
    # given the question was asked at 09:00 local time and answered the same day
    morning = clock.days_ago(0, at=time(9, 0))
    due_before = timezone.localtime(Appeal.objects.get(pk=needs_info.pk).due_at)
    Appeal.objects.filter(pk=needs_info.pk).update(paused_at=morning)
    # when
    with clock.travel_to(morning + timedelta(hours=hours_waited)):
        appeal = services.appeal_provide_info(appeal=needs_info, actor=citizen, text="Ответ.")
    # then neither the day nor the instant moves (no «до 16.12» on one page, 17.12 on another)
    assert timezone.localtime(appeal.due_at) == due_before


def test_a_waiting_appeal_is_never_overdue(needs_info):
    # given the due date passed while the appeal waited for the applicant
    Appeal.objects.filter(pk=needs_info.pk).update(due_at=timezone.now() - timedelta(days=1))
    # then
    assert not Appeal.objects.get(pk=needs_info.pk).is_overdue


def test_an_open_appeal_past_its_due_date_is_overdue(in_progress):
    Appeal.objects.filter(pk=in_progress.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    assert Appeal.objects.get(pk=in_progress.pk).is_overdue


def test_staff_cannot_provide_info_for_the_applicant(needs_info, operator):
    refuse(
        NotPermitted,
        services.appeal_provide_info,
        appeal=needs_info,
        actor=operator,
        text="За заявителя",
    )


def test_provide_info_without_a_question_is_refused(in_progress, citizen):
    refuse(
        InvalidTransition,
        services.appeal_provide_info,
        appeal=in_progress,
        actor=citizen,
        text="Дополнение",
    )


def test_provide_info_needs_text(needs_info, citizen):
    error = refuse(
        ValidationFailed, services.appeal_provide_info, appeal=needs_info, actor=citizen, text=""
    )
    assert list(error.errors) == ["text"]


# --- answer -----------------------------------------------------------------------------------


def test_answer_issues_a_structured_answer(in_progress, operator):
    # given
    operator.position = "Оператор 1-й линии"
    operator.work_phone = "+7 495 000-00-00"
    operator.save()
    # when
    appeal, event = call_once(services.appeal_answer, appeal=in_progress, actor=operator, **ANSWER)
    # then
    appeal.refresh_from_db()
    assert appeal.status == Status.ANSWERED
    assert appeal.answered_at is not None
    answer = appeal_current_answer(appeal=appeal)
    assert (answer.outcome, answer.result_code, answer.text) == ("resolved", 1, ANSWER["text"])
    assert (answer.executor, answer.executor_name) == (operator, operator.full_name)
    assert answer.executor_position == "Оператор 1-й линии"
    assert answer.superseded_at is None
    assert (event.type, event.to_status) == (EventType.ANSWERED, Status.ANSWERED)
    assert event.data == {"answer_id": answer.pk, "outcome": "resolved"}


@pytest.mark.parametrize(("outcome", "code"), [("rejected", 2), ("clarify", 3)])
def test_each_outcome_has_its_result_code(in_progress, operator, outcome, code):
    appeal = services.appeal_answer(appeal=in_progress, actor=operator, outcome=outcome, text="…")
    assert appeal_current_answer(appeal=appeal).result_code == code


def test_no_answer_on_the_merits_needs_a_legal_ground(in_progress, operator):
    # when the ground is missing
    error = refuse(
        ValidationFailed,
        services.appeal_answer,
        appeal=in_progress,
        actor=operator,
        outcome="no_answer",
        text="Оставлено без ответа.",
    )
    assert list(error.errors) == ["legal_ground"]
    # when it is given
    appeal = services.appeal_answer(
        appeal=in_progress,
        actor=operator,
        outcome="no_answer",
        text="Текст не поддаётся прочтению.",
        legal_ground="unreadable",
    )
    answer = appeal_current_answer(appeal=appeal)
    # each ground has its own result code (docs/decisions.md)
    assert (answer.result_code, answer.legal_ground) == (43, "unreadable")


def test_answer_names_every_bad_field(in_progress, operator):
    error = refuse(
        ValidationFailed,
        services.appeal_answer,
        appeal=in_progress,
        actor=operator,
        outcome="maybe",
        text="",
    )
    assert set(error.errors) == {"outcome", "text"}
    assert Answer.objects.count() == 0


def test_answer_before_taking_is_refused(registered, operator):
    refuse(InvalidTransition, services.appeal_answer, appeal=registered, actor=operator, **ANSWER)
    assert Answer.objects.count() == 0


def test_the_applicant_cannot_answer(in_progress, citizen):
    refuse(NotPermitted, services.appeal_answer, appeal=in_progress, actor=citizen, **ANSWER)


def test_an_answer_cannot_be_issued_twice(answered, operator):
    refuse(InvalidTransition, services.appeal_answer, appeal=answered, actor=operator, **ANSWER)
    assert Answer.objects.count() == 1


# --- close ------------------------------------------------------------------------------------


def test_the_applicant_closes_an_answered_appeal(answered, citizen):
    appeal, event = call_once(services.appeal_close, appeal=answered, actor=citizen)
    assert appeal.status == Status.CLOSED
    assert appeal.closed_at is not None
    assert (event.from_status, event.to_status) == (Status.ANSWERED, Status.CLOSED)
    assert event.data == {"by": "applicant"}


def test_the_timer_closes_an_answered_appeal(answered):
    appeal, event = call_once(services.appeal_close, appeal=answered, actor=None)
    assert appeal.status == Status.CLOSED
    assert event.actor is None
    assert event.actor_role == "system"
    assert event.data == {"by": "timer"}


def test_staff_cannot_close_for_the_applicant(answered, operator):
    refuse(NotPermitted, services.appeal_close, appeal=answered, actor=operator)


def test_an_unanswered_appeal_cannot_be_closed(in_progress, citizen):
    refuse(InvalidTransition, services.appeal_close, appeal=in_progress, actor=citizen)


# --- withdraw ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.REGISTERED, Status.IN_PROGRESS, Status.NEEDS_INFO])
def test_the_applicant_may_withdraw_before_the_answer(registered, move, citizen, status):
    # given
    appeal = move(registered, status)
    # when
    appeal, event = call_once(
        services.appeal_withdraw, appeal=appeal, actor=citizen, reason="  Решилось само.  "
    )
    # then
    assert appeal.status == Status.WITHDRAWN
    assert appeal.closed_at is not None
    assert appeal.paused_at is None
    assert (event.from_status, event.to_status, event.text) == (
        status,
        Status.WITHDRAWN,
        "Решилось само.",
    )


def test_an_answered_appeal_cannot_be_withdrawn(answered, citizen):
    refuse(InvalidTransition, services.appeal_withdraw, appeal=answered, actor=citizen)


def test_staff_cannot_withdraw_for_the_applicant(registered, operator):
    refuse(NotPermitted, services.appeal_withdraw, appeal=registered, actor=operator)


# --- reopen: the quality loop keeps the old answer as superseded -------------------------------


def test_quality_control_reopens_and_the_old_answer_is_kept_superseded(
    answered, supervisor, operator
):
    # given
    first = appeal_current_answer(appeal=answered)
    # when
    appeal, event = call_once(
        services.appeal_reopen,
        appeal=answered,
        actor=supervisor,
        reason="Ответ не по существу.",
    )
    # then
    assert appeal.status == Status.IN_PROGRESS
    assert appeal.answered_at is None
    assert (event.type, event.from_status, event.to_status) == (
        EventType.REOPENED,
        Status.ANSWERED,
        Status.IN_PROGRESS,
    )
    first.refresh_from_db()
    assert first.superseded_at is not None
    assert first.text == "Проблема устранена."  # an issued answer never changes
    assert appeal_current_answer(appeal=appeal) is None
    # and a new answer becomes the current one, the old one stays on record
    services.appeal_answer(appeal=appeal, actor=operator, outcome="resolved", text="Новый ответ.")
    assert appeal_current_answer(appeal=appeal).text == "Новый ответ."
    assert Answer.objects.filter(appeal=appeal).count() == 2


def test_the_department_head_may_reopen(answered, head):
    appeal, _ = call_once(services.appeal_reopen, appeal=answered, actor=head, reason="Проверка")
    assert appeal.status == Status.IN_PROGRESS


def test_an_ordinary_operator_cannot_reopen(answered, operator):
    error = refuse(
        NotPermitted, services.appeal_reopen, appeal=answered, actor=operator, reason="Ещё раз"
    )
    assert "руководителю отдела" in error.message
    assert appeal_current_answer(appeal=answered).superseded_at is None


def test_a_closed_appeal_cannot_be_reopened(answered, citizen, supervisor):
    closed = services.appeal_close(appeal=answered, actor=citizen)
    refuse(InvalidTransition, services.appeal_reopen, appeal=closed, actor=supervisor, reason="?")


def test_reopen_needs_a_reason(answered, supervisor):
    error = refuse(
        ValidationFailed, services.appeal_reopen, appeal=answered, actor=supervisor, reason=""
    )
    assert list(error.errors) == ["reason"]


REOPEN_CASES = [
    # (case, reopened on, due after): a support appeal of 02.11.2026, 5 working days → 10.11
    ("before the due date: the term stays", date(2026, 11, 9), date(2026, 11, 10)),
    ("after it: 5 working days from the reopening", date(2026, 11, 16), date(2026, 11, 23)),
]


@pytest.mark.parametrize(
    ("reopened_on", "due"),
    [case[1:] for case in REOPEN_CASES],
    ids=[case[0] for case in REOPEN_CASES],
)
def test_a_reopened_appeal_gets_a_fresh_term_if_its_own_has_passed(
    citizen, operator, supervisor, reopened_on, due
):
    # given a support appeal registered on Monday 02.11.2026, due 10.11, answered on 05.11
    with clock.travel_to(_moscow(date(2026, 11, 2))):
        appeal = factories.submit_appeal(citizen)
    with clock.travel_to(_moscow(date(2026, 11, 5))):
        appeal = factories.bring_to(appeal, Status.ANSWERED, applicant=citizen, staff=operator)
    old_due = appeal.due_at
    assert timezone.localdate(old_due) == date(2026, 11, 10)
    # when quality control reopens it
    with clock.travel_to(_moscow(reopened_on)):
        reopened, event = call_once(
            services.appeal_reopen, appeal=appeal, actor=supervisor, reason="Ответ неполный."
        )
    # then
    assert timezone.localdate(reopened.due_at) == due
    assert reopened.due_at >= old_due  # never earlier than the old one
    if reopened.due_at == old_due:
        assert "due_date" not in event.data
    else:
        assert event.data["old_due_date"] == "2026-11-10"
        assert event.data["due_date"] == due.isoformat()
        assert reopened.breached_at is None


def _moscow(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


# --- rate -------------------------------------------------------------------------------------


@pytest.mark.parametrize("close_first", [False, True])
def test_the_applicant_rates_the_answer(answered, citizen, close_first):
    appeal = services.appeal_close(appeal=answered, actor=citizen) if close_first else answered
    appeal, event = call_once(
        services.appeal_rate, appeal=appeal, actor=citizen, rating=2, comment="Долго."
    )
    assert (appeal.rating, appeal.rating_comment) == (2, "Долго.")
    assert (event.type, event.data) == (EventType.RATED, {"rating": 2, "review": True})
    assert event.from_status == event.to_status == appeal.status


@pytest.mark.parametrize("rating", [0, 6, -1, "5", 4.5, None])
def test_a_rating_is_a_whole_number_from_1_to_5(answered, citizen, rating):
    error = refuse(
        ValidationFailed, services.appeal_rate, appeal=answered, actor=citizen, rating=rating
    )
    assert list(error.errors) == ["rating"]


def test_an_unanswered_appeal_cannot_be_rated(in_progress, citizen):
    refuse(InvalidTransition, services.appeal_rate, appeal=in_progress, actor=citizen, rating=5)


def test_staff_cannot_rate(answered, operator):
    refuse(NotPermitted, services.appeal_rate, appeal=answered, actor=operator, rating=5)


# --- after the end: closed and withdrawn appeals are immutable except for the rating -----------


@pytest.mark.parametrize(
    ("action", "side", "kwargs"),
    [
        ("take", "staff", {}),
        ("answer", "staff", ANSWER),
        ("request_info", "staff", {"question": "?"}),
        ("comment", "staff", {"text": "!"}),
        ("comment", "applicant", {"text": "!"}),
        ("note", "staff", {"text": "!"}),
        ("escalate", "applicant", {"reason": "!"}),
        ("redirect", "staff", {"department_code": "services", "reason": "!"}),
        ("withdraw", "applicant", {}),
        ("close", "applicant", {}),
        ("provide_info", "applicant", {"text": "!"}),
    ],
)
@pytest.mark.parametrize("final", [Status.CLOSED, Status.WITHDRAWN])
def test_a_finished_appeal_refuses_every_change(
    registered, move, citizen, operator, final, action, side, kwargs
):
    appeal = move(registered, final)
    actor = citizen if side == "applicant" else operator
    refuse(
        InvalidTransition,
        getattr(services, f"appeal_{action}"),
        appeal=appeal,
        actor=actor,
        **kwargs,
    )


# --- auto-close -------------------------------------------------------------------------------


def test_autoclose_closes_answers_older_than_the_period(citizen, operator, submit, move, settings):
    # given AUTOCLOSE_DAYS = 10 and three answered appeals of different age, one still in work
    assert settings.PRIEMNAYA["AUTOCLOSE_DAYS"] == 10
    old, fresh, borderline = (move(submit(citizen), Status.ANSWERED) for _ in range(3))
    working = move(submit(citizen), Status.IN_PROGRESS)
    now = timezone.now()
    Appeal.objects.filter(pk=old.pk).update(answered_at=now - timedelta(days=10, minutes=1))
    Appeal.objects.filter(pk=fresh.pk).update(answered_at=now - timedelta(days=9))
    Appeal.objects.filter(pk=borderline.pk).update(answered_at=now - timedelta(days=10))
    events = Event.objects.count()
    # when
    closed = services.appeals_autoclose(now=now)
    # then
    assert closed == 1
    statuses = dict(Appeal.objects.values_list("pk", "status"))
    assert statuses[old.pk] == Status.CLOSED
    assert statuses[fresh.pk] == statuses[borderline.pk] == Status.ANSWERED
    assert statuses[working.pk] == Status.IN_PROGRESS
    event = Event.objects.get(appeal=old, type=EventType.CLOSED)
    assert (event.actor, event.data) == (None, {"by": "timer"})
    assert Event.objects.count() == events + 1
    # and running it again finds nothing more
    assert services.appeals_autoclose(now=now) == 0


def test_autoclose_follows_the_configured_period(citizen, submit, move):
    # the policy's days (tests/appeals/test_sweeps.py: the setting when there is no policy)
    Policy.objects.filter(code="support").update(autoclose_days=3)
    appeal = move(submit(citizen), Status.ANSWERED)
    assert services.appeals_autoclose(now=timezone.now() + timedelta(days=2)) == 0
    assert services.appeals_autoclose(now=timezone.now() + timedelta(days=3, seconds=1)) == 1
    assert Appeal.objects.get(pk=appeal.pk).status == Status.CLOSED


def test_autoclose_closes_many_appeals_in_one_sweep(citizen, submit, move):
    # given many answered appeals
    first = move(submit(citizen), Status.ANSWERED)
    for i in range(2, 41):
        copy = Appeal.objects.get(pk=first.pk)
        copy.pk = None
        copy.number = compose_number(2000 + int(first.number[:2]), 1000 + i)
        copy.save()
    assert Appeal.objects.filter(status=Status.ANSWERED).count() == 40
    # when
    closed = services.appeals_autoclose(now=timezone.now() + timedelta(days=30))
    # then
    assert closed == 40
    assert not Appeal.objects.filter(status=Status.ANSWERED).exists()
    assert Event.objects.filter(type=EventType.CLOSED).count() == 40


def test_a_change_is_stamped_with_the_service_clock(registered, operator):
    # given a history replayed at its own time (the demo does this)
    moment = clock.days_ago(3)
    # when
    with clock.travel_to(moment):
        appeal = services.appeal_take(appeal=registered, actor=operator)
    # then the appeal says it changed then, not when the replay ran
    assert Appeal.objects.get(pk=appeal.pk).updated_at == moment
