"""LEGAL.md §6, the procedure rules (1, 4, 5, 6, 18, 19, 20), one table-driven test per rule.

Each case is given / when / then against the real services; the names carry the rule's number.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from priemnaya.accounts.roles import Role
from priemnaya.appeals import services
from priemnaya.appeals.selectors import appeal_timeline
from priemnaya.appeals.states import EventType
from priemnaya.catalog.models import Department, Membership, Policy, PolicyAssignment, Theme
from priemnaya.core import clock
from priemnaya.core.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from tests.appeals.helpers import call_once, refuse
from tests.factories import appeal_input, make_supervisor, make_user


def _moscow(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


def _services_staff(*, heads: tuple[str, ...] = (), member_of: tuple[str, ...] = ()):
    """A staff member of the services branch: head where said, an ordinary member elsewhere."""
    user = make_user(Role.OPERATOR)
    for code in heads + member_of:
        Membership.objects.create(
            user=user, department=Department.objects.get(code=code), is_head=code in heads
        )
    return user


def services_timeline(appeal, user):
    return appeal_timeline(appeal=appeal, user=user)


def _complaint(citizen, submit, *, theme="services-refusal"):
    return submit(
        citizen,
        kind="complaint",
        theme=theme,
        subject="Отказ в приёме заявления",
        text="Заявление отклонено без объяснения причин.",
    )


# --- rule 1: received on R → registered by R+3, later → late_registration ------------------------

RECEIVED = date(2026, 11, 16)
REGISTRATION_CASES = [
    # (case, channel, days after receipt, late)
    ("letter registered the same day", "letter", 0, False),
    ("call registered on R+3", "phone", 3, False),
    ("МФЦ visit registered on R+4", "mfc", 4, True),
    ("e-mail registered a week later", "email", 7, True),
]


@pytest.mark.parametrize(
    ("channel", "days", "late"),
    [case[1:] for case in REGISTRATION_CASES],
    ids=[case[0] for case in REGISTRATION_CASES],
)
def test_rule_1_late_registration(operator, channel, days, late):
    # given a complaint that reached the service on R
    data = appeal_input(
        kind="complaint", theme="services-refusal", applicant_name="Петров", received_on=RECEIVED
    )
    registered_on = RECEIVED + timedelta(days=days)
    # when it is registered on R + days, at the end of that working day
    with clock.travel_to(_moscow(registered_on, hour=17)):
        appeal, event = call_once(
            services.appeal_submit, actor=operator, data=data, channel=channel
        )
    # then the mark and the journal say whether the 3 days were kept
    assert appeal.late_registration is late
    assert event.data["received_date"] == RECEIVED.isoformat()
    assert event.data.get("late_registration", False) is late
    # and the term still counts from registration (59-FZ art. 12), not from receipt
    assert appeal.registered_at.date() == registered_on


# --- rule 5: one extension, ≤ original + 30, a reason, an approver, before the due date, notice ---

DAY_BEFORE = -timedelta(days=1)
LAST_HOUR = -timedelta(hours=1)
MINUTE_LATE = timedelta(minutes=1)
EXTENSION_CASES = [
    # (case, approver, days after the current due day, reason, decided at due_at + this, error)
    ("head of the department, +30, in time", "head", 30, "Запрос в МВД", DAY_BEFORE, None),
    ("quality control may approve too", "supervisor", 10, "Запрос в МВД", DAY_BEFORE, None),
    ("head of the department above", "parent_head", 10, "Запрос в МВД", DAY_BEFORE, None),
    ("in the last hour of the term", "head", 10, "Запрос в МВД", LAST_HOUR, None),
    ("beyond original + 30", "head", 31, "Запрос в МВД", DAY_BEFORE, ValidationFailed),
    ("no reason", "head", 10, "", DAY_BEFORE, ValidationFailed),
    ("an ordinary specialist", "specialist", 10, "Запрос в МВД", DAY_BEFORE, NotPermitted),
    ("after the due date passed", "head", 10, "Запрос в МВД", MINUTE_LATE, InvalidTransition),
]


@pytest.mark.parametrize(
    ("approver", "days", "reason", "decided", "error"),
    [case[1:] for case in EXTENSION_CASES],
    ids=[case[0] for case in EXTENSION_CASES],
)
def test_rule_5_extension(citizen, submit, specialist, approver, days, reason, decided, error):
    # given a request (59-FZ policy for this test) in «services-support», under «services»
    appeal = submit(
        citizen, kind="petition", theme="services-status", subject="Статус", text="Где заявление?"
    )
    assert appeal.department.code == "services-support"
    actor = {
        "head": lambda: _services_staff(heads=("services-support",)),
        "parent_head": lambda: _services_staff(
            heads=("services",), member_of=("services-support",)
        ),
        "supervisor": make_supervisor,
        "specialist": lambda: specialist,
    }[approver]()
    due_day = timezone.localdate(appeal.due_at)
    moment = appeal.due_at + decided
    kwargs = {
        "appeal": appeal,
        "actor": actor,
        "due_date": due_day + timedelta(days=days),
        "reason": reason,
    }
    with clock.travel_to(moment):
        # when / then
        if error is not None:
            refuse(error, services.appeal_extend, **kwargs)
            return
        extended, event = call_once(services.appeal_extend, **kwargs)
    assert timezone.localdate(extended.due_at) == due_day + timedelta(days=days)
    assert event.type == EventType.EXTENDED
    assert event.is_public  # the applicant is told, with the reason
    assert event.text == reason
    # and a second extension of a 59-FZ appeal is refused
    with clock.travel_to(moment):
        error = refuse(
            ValidationFailed,
            services.appeal_extend,
            appeal=extended,
            actor=actor,
            due_date=timezone.localdate(extended.due_at) + timedelta(days=1),
            reason="Ещё раз",
        )
    assert error.errors == {"due_date": ["Срок по 59-ФЗ можно продлить только один раз."]}


# --- rule 6: redirect until D+7 with a notice at once; never to the body complained about --------

REDIRECT_CASES = [
    # (case, days after registration, complained about, target, error)
    ("on the day of registration", 0, "", "quality", None),
    ("on D+7, the last day", 7, "", "quality", None),
    ("on D+8, too late", 8, "", "quality", InvalidTransition),
    ("a complaint to the body complained about", 1, "esign", "esign", ValidationFailed),
    (
        "a complaint to a body under the one complained about",
        1,
        "services",
        "esign",
        ValidationFailed,
    ),
    ("a complaint to another body", 1, "esign", "quality", None),
]


@pytest.mark.parametrize(
    ("days", "complained", "target", "error"),
    [case[1:] for case in REDIRECT_CASES],
    ids=[case[0] for case in REDIRECT_CASES],
)
def test_rule_6_redirect(citizen, specialist, days, complained, target, error):
    # given a complaint registered on D (10:00 Moscow) in «services»
    registered_on = date(2026, 11, 2)
    with clock.travel_to(_moscow(registered_on)):
        appeal = services.appeal_submit(
            actor=citizen,
            data=appeal_input(
                kind="complaint", theme="services-refusal", complained_department=complained
            ),
        )
    kwargs = {
        "appeal": appeal,
        "actor": specialist,
        "department_code": target,
        "reason": "Вопрос в компетенции другого органа",
    }
    # when it is redirected on D + days, at the end of that day
    with clock.travel_to(_moscow(registered_on + timedelta(days=days), hour=23)):
        if error is not None:
            failure = refuse(error, services.appeal_redirect, **kwargs)
            assert failure.field == "department"
            return
        redirected, event = call_once(services.appeal_redirect, **kwargs)
    # then the applicant is told at once: the event is public and on their timeline
    assert redirected.department.code == target
    assert event.type == EventType.REDIRECTED
    assert event.is_public
    timeline = services_timeline(redirected, citizen)
    assert "Передано в другое ведомство" in [e.title for e in timeline]


# --- rule 20: only the right staff re-route, answer in the target department, extend -------------

ROLE_CASES = [
    # (case, action, who, error)
    ("a supervisor re-routes", "redirect", "supervisor", None),
    ("staff of the department re-route", "redirect", "operator", None),
    ("a citizen cannot re-route", "redirect", "citizen", NotPermitted),
    ("staff of another department cannot re-route", "redirect", "specialist", NotFound),
    ("the target department answers", "answer", "specialist", None),
    ("the source department cannot answer any more", "answer", "operator", NotFound),
    ("the head extends", "extend", "head", None),
    ("an operator cannot extend", "extend", "operator", NotPermitted),
]


@pytest.mark.parametrize(
    ("action", "who", "error"),
    [case[1:] for case in ROLE_CASES],
    ids=[case[0] for case in ROLE_CASES],
)
def test_rule_20_only_the_right_staff_act(
    registered, citizen, operator, specialist, supervisor, head, action, who, error
):
    people = {
        "supervisor": supervisor,
        "operator": operator,
        "citizen": citizen,
        "specialist": specialist,
        "head": head,
    }
    appeal = registered
    if action == "answer":
        # given the appeal was re-routed from «support» to «services» and taken there
        appeal = services.appeal_redirect(
            appeal=appeal, actor=operator, department_code="services", reason="По компетенции"
        )
        if who == "specialist":
            appeal = services.appeal_take(appeal=appeal, actor=specialist)
    call = {
        "redirect": lambda: (
            services.appeal_redirect,
            {"department_code": "services", "reason": "По компетенции"},
        ),
        "answer": lambda: (
            services.appeal_answer,
            {"outcome": "resolved", "text": "Ответ по существу."},
        ),
        "extend": lambda: (
            services.appeal_extend,
            {
                "due_date": timezone.localdate(appeal.due_at) + timedelta(days=1),
                "reason": "Ждём ответа разработчиков",
            },
        ),
    }
    service, kwargs = call[action]()
    # when / then
    if error is not None:
        refuse(error, service, appeal=appeal, actor=people[who], **kwargs)
    else:
        call_once(service, appeal=appeal, actor=people[who], **kwargs)


# --- rule 4: a migration appeal to a governor → due = D + 20 -------------------------------------

MIGRATION_CASES = [
    # (case, registered, due): D + 20 calendar days, a non-working last day → the preceding one
    ("an ordinary day", date(2026, 3, 2), date(2026, 3, 20)),  # 22.03 is a Sunday → Friday 20.03
    ("over the May holidays", date(2026, 4, 21), date(2026, 5, 8)),  # 11.05 off → Friday 08.05
    ("a plain weekday", date(2026, 6, 1), date(2026, 6, 19)),  # 21.06 Sunday → Friday 19.06
    ("lands on a working day", date(2026, 6, 3), date(2026, 6, 23)),
]


@pytest.mark.parametrize(
    ("registered", "due"),
    [case[1:] for case in MIGRATION_CASES],
    ids=[case[0] for case in MIGRATION_CASES],
)
def test_rule_4_migration_appeal_due_in_20_days(citizen, registered, due):
    # given the migration policy is assigned to a theme
    PolicyAssignment.objects.create(
        theme=Theme.objects.get(code="services-refusal"),
        policy=Policy.objects.get(code="fz59-migration"),
    )
    # when a petition on that theme is registered on D
    with clock.travel_to(_moscow(registered)):
        appeal = services.appeal_submit(
            actor=citizen, data=appeal_input(kind="petition", theme="services-refusal")
        )
    # then
    assert appeal.policy.code == "fz59-migration"
    assert timezone.localdate(appeal.due_at) == due


# --- rule 18: every item has a type, and a change of type is journaled ---------------------------

REGIME_CASES = [
    # (case, kind, theme, new regime, who, policy, due, error)
    (
        "a support message becomes a 59-FZ appeal",
        "support",
        "tech-login",
        "fz59",
        "supervisor",
        "fz59",
        date(2026, 12, 2),  # D=02.11.2026 + 30 = 02.12 (Wednesday)
        None,
    ),
    (
        "a complaint becomes a message",
        "complaint",
        "services-refusal",
        "message",
        "supervisor",
        "message",
        date(2026, 11, 17),  # D=02.11.2026 + 10 working days; 04.11 is a holiday
        None,
    ),
    (
        "the same regime again",
        "support",
        "tech-login",
        "message",
        "supervisor",
        "",
        None,
        ValidationFailed,
    ),
    ("an operator may not", "support", "tech-login", "fz59", "operator", "", None, NotPermitted),
]


@pytest.mark.parametrize(
    ("kind", "theme", "regime", "who", "policy", "due", "error"),
    [case[1:] for case in REGIME_CASES],
    ids=[case[0] for case in REGIME_CASES],
)
def test_rule_18_regime_change_is_journaled(
    citizen, operator, supervisor, kind, theme, regime, who, policy, due, error
):
    # given an item registered on Monday 02.11.2026
    with clock.travel_to(_moscow(date(2026, 11, 2))):
        appeal = services.appeal_submit(actor=citizen, data=appeal_input(kind=kind, theme=theme))
    actor = {"supervisor": supervisor, "operator": operator}[who]
    kwargs = {"appeal": appeal, "actor": actor, "regime": regime, "reason": "Вид определён иначе"}
    with clock.travel_to(_moscow(date(2026, 11, 3))):
        # when / then
        if error is not None:
            refuse(error, services.appeal_change_regime, **kwargs)
            return
        changed, event = call_once(services.appeal_change_regime, **kwargs)
    # the type, the policy and the term counted again from registration
    assert (changed.regime, changed.policy.code) == (regime, policy)
    assert timezone.localdate(changed.due_at) == due
    assert changed.original_due_at == changed.due_at
    assert changed.extension_count == 0
    # and the journal has it, the applicant reads it
    assert event.type == EventType.REGIME_CHANGED
    assert event.is_public
    assert event.data["old_regime"] != regime
    described = next(e for e in appeal_timeline(appeal=changed, user=citizen) if e.id == event.id)
    assert described.title == "Изменён порядок рассмотрения"
    assert described.details[0].startswith("Обращение рассматривается как ")
    assert f"срок ответа до {due:%d.%m.%Y}" in described.details[0]


# --- rule 19: a message in working days, with real registration ----------------------------------

MESSAGE_CASES = [
    # (case, registered, working days, due)
    ("over the New Year, 10 working days", date(2025, 12, 30), 10, date(2026, 1, 23)),
    ("over the New Year, 8 working days", date(2025, 12, 30), 8, date(2026, 1, 21)),
    ("over the May holidays, 10 working days", date(2026, 4, 30), 10, date(2026, 5, 18)),
]


@pytest.mark.parametrize(
    ("registered", "days", "due"),
    [case[1:] for case in MESSAGE_CASES],
    ids=[case[0] for case in MESSAGE_CASES],
)
def test_rule_19_message_due_in_working_days(citizen, registered, days, due):
    # given a message policy of N working days for the theme
    policy = Policy.objects.get(code="message")
    policy.pk, policy.code, policy.is_default = None, f"message-{days}", False
    policy.resolution_value = days
    policy.save()
    PolicyAssignment.objects.create(theme=Theme.objects.get(code="tech-login"), policy=policy)
    # when a gratitude message on it is registered on D
    with clock.travel_to(_moscow(registered)):
        appeal = services.appeal_submit(
            actor=citizen, data=appeal_input(kind="gratitude", theme="tech-login")
        )
    # then
    assert appeal.regime == "message"
    assert timezone.localdate(appeal.due_at) == due
