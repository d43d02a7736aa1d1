"""LEGAL.md §6 rules 8, 10, 11, 12, 15, 17: outcomes of 59-FZ art. 11, reply channel, withdrawal.

Each rule is a table of cases run through the services (and the pages or API where the applicant
reads the result); the test names carry the rule number.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from priemnaya.appeals import services
from priemnaya.appeals.deadlines import local_day
from priemnaya.appeals.models import Answer, Appeal, Event
from priemnaya.appeals.states import (
    GROUND_CODES,
    GROUND_NOTICES,
    EventType,
    NoAnswerGround,
    Outcome,
    Status,
)
from priemnaya.core import clock
from priemnaya.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from tests.appeals.helpers import refuse
from tests.factories import api, appeal_input, make_head, signed_in

G = NoAnswerGround


def _answer(appeal: Appeal, actor, **kwargs) -> Answer:
    services.appeal_answer(appeal=appeal, actor=actor, **kwargs)
    return Answer.objects.get(appeal=appeal, superseded_at__isnull=True)


# ---- rule 8: no surname or reply address → no_answer; a crime report → forwarded ---------------


def test_rule_8_no_name_or_address_is_left_without_answer(in_progress, operator, citizen):
    answer = _answer(
        in_progress,
        operator,
        outcome="no_answer",
        legal_ground="no_name_or_address",
        text="Оставлено без ответа.",
    )
    assert (answer.outcome, answer.result_code) == (Outcome.NO_ANSWER, 41)
    assert answer.notice == GROUND_NOTICES[G.NO_NAME_OR_ADDRESS]
    assert answer.forward_to == ""
    assert Event.objects.filter(type=EventType.ANSWERED).count() == 1


def test_rule_8_a_crime_report_is_forwarded_to_the_competent_body(in_progress, operator, citizen):
    # when staff mark the anonymous appeal as a report of a crime
    answer = _answer(
        in_progress,
        operator,
        outcome="no_answer",
        legal_ground="no_name_or_address",
        crime_report=True,
        forward_to="ОМВД России по Тверскому району г. Москвы",
        text="Направлено по компетенции.",
    )
    # then it is forwarded instead, with its own code, notice and journal event
    assert (answer.outcome, answer.result_code) == (Outcome.FORWARDED, 5)
    assert answer.forward_to == "ОМВД России по Тверскому району г. Москвы"
    assert "направлено в ОМВД России по Тверскому району" in answer.notice
    event = Event.objects.get(type=EventType.FORWARDED)
    assert event.is_public
    assert event.data["forward_to"] == answer.forward_to
    assert not Event.objects.filter(type=EventType.ANSWERED).exists()
    # and the applicant reads where it went
    page = signed_in(citizen).get(f"/cabinet/appeals/{in_progress.number}/").content.decode()
    assert "Направлено в орган по компетенции" in page
    assert "ОМВД России по Тверскому району" in page


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"legal_ground": "no_name_or_address", "crime_report": True}, "forward_to"),
        (
            {"legal_ground": "obscene", "crime_report": True, "forward_to": "ОМВД"},
            "crime_report",
        ),
    ],
    ids=["no-body", "wrong-ground"],
)
def test_rule_8_a_forward_needs_the_body_and_the_ground(in_progress, operator, kwargs, field):
    error = refuse(
        ValidationFailed,
        services.appeal_answer,
        appeal=in_progress,
        actor=operator,
        outcome="no_answer",
        text="…",
        **kwargs,
    )
    assert field in error.errors


# ---- rule 10: obscene or threats → without answer on the merits + abuse-of-right notice ---------


def test_rule_10_obscene_or_threat_gets_the_abuse_of_right_notice(in_progress, operator, citizen):
    answer = _answer(
        in_progress, operator, outcome="no_answer", legal_ground="obscene", text="Без ответа."
    )
    assert (answer.outcome, answer.result_code) == (Outcome.NO_ANSWER, 42)
    assert "недопустимости злоупотребления правом" in answer.notice
    # the applicant sees the notice with the answer, on the page and in the API
    page = signed_in(citizen).get(f"/cabinet/appeals/{in_progress.number}/").content.decode()
    assert "недопустимости злоупотребления правом" in page
    body = api(citizen)("get", f"/appeals/{in_progress.number}").json()
    assert "недопустимости злоупотребления правом" in body["answer"]["notice"]
    assert body["answer"]["legal_ground"] == "obscene"


# ---- rule 11: unreadable or substance unclear → closed; notice by D+7 if name/address readable --


@pytest.mark.parametrize(
    ("ground", "code", "days_later", "readable", "in_time"),
    [
        ("unreadable", 43, 3, True, True),
        ("unreadable", 43, 7, True, True),
        ("substance_unclear", 45, 8, True, False),
        ("substance_unclear", 45, 2, False, None),
    ],
    ids=["unreadable-day-3", "unreadable-day-7", "unclear-day-8-late", "unclear-no-address"],
)
def test_rule_11_unreadable_or_unclear_notice_by_registration_plus_7_days(
    registered, operator, ground, code, days_later, readable, in_time
):
    day = local_day(registered.department, registered.registered_at)
    appeal = services.appeal_take(appeal=registered, actor=operator)
    with clock.travel_to(registered.registered_at + timedelta(days=days_later)):
        answer = _answer(
            appeal,
            operator,
            outcome="no_answer",
            legal_ground=ground,
            contacts_readable=readable,
            text="Обращение не рассматривается.",
        )
    assert (answer.outcome, answer.result_code) == (Outcome.NO_ANSWER, code)
    assert answer.notice == GROUND_NOTICES[NoAnswerGround(ground)]
    assert answer.notice_due_on == (day + timedelta(days=7) if readable else None)
    assert answer.notice_in_time is in_time
    assert Appeal.objects.get().status == Status.ANSWERED


def test_rule_11_the_answer_form_shows_the_notice_deadline(in_progress, operator):
    day = local_day(in_progress.department, in_progress.registered_at) + timedelta(days=7)
    page = signed_in(operator).get(f"/console/appeals/{in_progress.number}/").content.decode()
    assert f"уведомить заявителя нужно до {day:%d.%m.%Y}" in page


def test_every_ground_has_its_own_code_and_notice():
    assert set(GROUND_CODES) == set(NoAnswerGround) == set(GROUND_NOTICES)
    assert len(set(GROUND_CODES.values())) == len(GROUND_CODES)


# ---- rule 12: stop correspondence ----------------------------------------------------------------


@pytest.fixture
def twice_answered(citizen, operator, submit):
    """Two earlier appeals of the citizen on the same question, answered by «support»."""
    for _ in range(2):
        appeal = submit(citizen)
        appeal = services.appeal_take(appeal=appeal, actor=operator)
        services.appeal_answer(appeal=appeal, actor=operator, outcome="resolved", text="Ответ.")


def _stop(appeal, actor, **overrides):
    kwargs = {
        "outcome": "no_answer",
        "legal_ground": "repeated",
        "no_new_arguments": True,
        "decision": "Решение № 12 от 01.12.2026: переписку прекратить.",
        "text": "Уведомляем о прекращении переписки.",
        **overrides,
    }
    return services.appeal_answer(appeal=appeal, actor=actor, **kwargs)


def test_rule_12_the_head_stops_correspondence_after_two_answers(
    twice_answered, citizen, operator, submit
):
    head = make_head("support")
    appeal = services.appeal_take(appeal=submit(citizen), actor=operator)
    _stop(appeal, head)
    answer = Answer.objects.get(appeal=appeal)
    assert (answer.outcome, answer.result_code, answer.legal_ground) == (
        "no_answer",
        44,
        "repeated",
    )
    assert answer.no_new_arguments
    assert answer.decision.startswith("Решение № 12")
    # the answer is the notice: the applicant reads it
    page = signed_in(citizen).get(f"/cabinet/appeals/{appeal.number}/").content.decode()
    assert "Переписка с вами по этому вопросу прекращена" in page
    # and an appeal with new arguments is registered and worked as usual (the case re-opens)
    later = submit(
        citizen, text="Новые обстоятельства: пароль сброшен, вход всё равно не работает."
    )
    assert later.status == Status.REGISTERED
    later = services.appeal_take(appeal=later, actor=operator)
    services.appeal_answer(appeal=later, actor=operator, outcome="resolved", text="Решено.")
    assert Appeal.objects.get(pk=later.pk).status == Status.ANSWERED


@pytest.mark.parametrize(
    ("who", "overrides", "error", "field"),
    [
        ("operator", {}, NotPermitted, "legal_ground"),
        ("head", {"no_new_arguments": False}, ValidationFailed, "no_new_arguments"),
        ("head", {"decision": ""}, ValidationFailed, "decision"),
    ],
    ids=["not-a-head", "new-arguments", "no-decision"],
)
def test_rule_12_stop_needs_a_head_no_new_arguments_and_a_decision(
    twice_answered, citizen, operator, submit, who, overrides, error, field
):
    actor = make_head("support") if who == "head" else operator
    appeal = services.appeal_take(appeal=submit(citizen), actor=operator)
    refused = refuse(error, _stop, appeal=appeal, actor=actor, **overrides)
    assert refused.field == field


@pytest.mark.parametrize("earlier", [0, 1])
def test_rule_12_stop_needs_two_earlier_answers(citizen, operator, submit, earlier):
    for _ in range(earlier):
        appeal = services.appeal_take(appeal=submit(citizen), actor=operator)
        services.appeal_answer(appeal=appeal, actor=operator, outcome="resolved", text="Ответ.")
    # an unanswered earlier appeal on the same question does not count either
    submit(citizen)
    appeal = services.appeal_take(appeal=submit(citizen), actor=operator)
    refused = refuse(ValidationFailed, _stop, appeal=appeal, actor=make_head("support"))
    assert f"найдено ответов: {earlier}" in refused.message


def test_rule_12_answers_to_someone_else_or_on_another_theme_do_not_count(
    citizen, other_citizen, operator, submit
):
    for applicant, theme in [
        (other_citizen, "tech-login"),
        (other_citizen, "tech-login"),
        (citizen, "tech-upload"),
    ]:
        appeal = services.appeal_take(appeal=submit(applicant, theme=theme), actor=operator)
        services.appeal_answer(appeal=appeal, actor=operator, outcome="resolved", text="Ответ.")
    appeal = services.appeal_take(appeal=submit(citizen), actor=operator)
    refused = refuse(ValidationFailed, _stop, appeal=appeal, actor=make_head("support"))
    assert "найдено ответов: 0" in refused.message


# ---- rule 15: the answer channel follows the intake channel --------------------------------------


@pytest.mark.parametrize(
    ("channel", "reply"),
    [
        ("portal", "electronic"),
        ("email", "electronic"),
        ("chat", "electronic"),
        ("letter", "post"),
        ("mfc", "post"),
        ("phone", "phone_post"),
    ],
)
def test_rule_15_the_reply_channel_follows_the_intake_channel(
    catalog, citizen, operator, channel, reply
):
    if channel == "portal":
        appeal = services.appeal_submit(actor=citizen, data=appeal_input())
    else:
        data = appeal_input(
            applicant_name="Петров Пётр Петрович", contact_address="Москва, ул. Тверская, 1"
        )
        appeal = services.appeal_submit(actor=operator, data=data, channel=channel)
    appeal = services.appeal_take(appeal=appeal, actor=operator)
    answer = _answer(appeal, operator, outcome="resolved", text="Готово.")
    assert answer.reply_channel == reply
    body = api(operator)("get", f"/staff/appeals/{appeal.number}").json()
    assert body["answer"]["reply_channel"] == reply


def test_rule_15_the_applicant_reads_how_the_answer_was_sent(answered, citizen):
    page = signed_in(citizen).get(f"/cabinet/appeals/{answered.number}/").content.decode()
    assert "Ответ направлен в личный кабинет / на e-mail." in page


# ---- rule 17: withdrawal before the answer only --------------------------------------------------


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (Status.REGISTERED, True),
        (Status.IN_PROGRESS, True),
        (Status.NEEDS_INFO, True),
        (Status.ANSWERED, False),
        (Status.CLOSED, False),
    ],
)
def test_rule_17_withdrawal_is_allowed_before_the_answer_only(
    registered, move, citizen, status, allowed
):
    appeal = move(registered, status)
    if allowed:
        appeal = services.appeal_withdraw(appeal=appeal, actor=citizen, reason="Решил сам.")
        assert appeal.status == Status.WITHDRAWN
    else:
        refuse(InvalidTransition, services.appeal_withdraw, appeal=appeal, actor=citizen)
        assert Appeal.objects.get().status == status
