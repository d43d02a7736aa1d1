"""Actions that move an appeal without changing its state: redirect, escalate, extend, assign."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from priemnaya.accounts.roles import Role
from priemnaya.appeals import services
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.selectors import appeal_get
from priemnaya.appeals.states import EventType, Status
from priemnaya.catalog.models import Approver, Department, Policy, Theme
from priemnaya.core import clock
from priemnaya.core.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from tests.appeals.helpers import call_once, refuse
from tests.factories import make_head, make_user

# --- redirect ---------------------------------------------------------------------------------


def test_redirect_hands_the_appeal_to_another_department(in_progress, operator, specialist):
    # when
    appeal, event = call_once(
        services.appeal_redirect,
        appeal=in_progress,
        actor=operator,
        department_code="services",
        reason="Вопрос об услуге, не о портале.",
    )
    # then
    appeal.refresh_from_db()
    assert appeal.department.code == "services"
    assert appeal.assignee is None
    assert appeal.status == Status.IN_PROGRESS
    assert event.type == EventType.REDIRECTED
    assert event.is_public  # the applicant is told
    assert event.data["source"] == "support"
    assert event.data["target"] == "services"
    assert event.text == "Вопрос об услуге, не о портале."
    # and the new department sees it while the old one no longer does
    assert appeal_get(user=specialist, number=appeal.number) == appeal
    with pytest.raises(NotFound):
        appeal_get(user=operator, number=appeal.number)


@pytest.mark.parametrize(
    ("department", "reason", "field"),
    [
        ("nope", "Причина", "department"),
        ("services", " ", "reason"),
        ("support", "Туда же", "department"),
    ],
)
def test_redirect_needs_a_real_other_department_and_a_reason(
    registered, operator, department, reason, field
):
    error = refuse(
        ValidationFailed,
        services.appeal_redirect,
        appeal=registered,
        actor=operator,
        department_code=department,
        reason=reason,
    )
    assert list(error.errors) == [field]


def test_redirect_to_an_inactive_department_is_refused(registered, operator):
    Department.objects.filter(code="services").update(is_active=False)
    refuse(
        ValidationFailed,
        services.appeal_redirect,
        appeal=registered,
        actor=operator,
        department_code="services",
        reason="Причина",
    )


def test_the_applicant_cannot_redirect(registered, citizen):
    refuse(
        NotPermitted,
        services.appeal_redirect,
        appeal=registered,
        actor=citizen,
        department_code="services",
        reason="Хочу туда",
    )


def test_staff_of_another_department_cannot_redirect(registered, specialist):
    refuse(
        NotFound,
        services.appeal_redirect,
        appeal=registered,
        actor=specialist,
        department_code="services",
        reason="Заберу себе",
    )


# --- escalate ---------------------------------------------------------------------------------


def test_escalate_goes_to_the_parent_department(in_progress, operator):
    # given support → parent «quality»
    appeal, event = call_once(
        services.appeal_escalate, appeal=in_progress, actor=operator, reason="Сложный случай"
    )
    appeal.refresh_from_db()
    assert appeal.escalation_level == 1
    assert appeal.department.code == "quality"
    assert appeal.assignee is None
    assert appeal.status == Status.IN_PROGRESS
    assert event.type == EventType.ESCALATED
    assert event.data == {
        "level": 1,
        "source": "support",
        "target": "quality",
        "target_name": appeal.department.name,
        "by": "staff",
    }


def test_escalate_climbs_one_level_at_a_time(citizen, submit, specialist, supervisor):
    # given a service-documents appeal in «services-support», whose parent is «services»
    appeal = submit(citizen, theme="services-documents")
    assert appeal.department.code == "services-support"
    # when
    appeal = services.appeal_escalate(appeal=appeal, actor=specialist, reason="Нужен департамент")
    assert (appeal.department.code, appeal.escalation_level) == ("services", 1)
    appeal = services.appeal_escalate(appeal=appeal, actor=specialist, reason="Нужен контроль")
    assert (appeal.department.code, appeal.escalation_level) == ("quality", 2)
    # and quality control is the top: nothing goes above it
    error = refuse(
        InvalidTransition,
        services.appeal_escalate,
        appeal=appeal,
        actor=supervisor,
        reason="Ещё выше",
    )
    assert "выше эскалировать некуда" in error.message


def test_a_top_level_department_escalates_to_quality_control(citizen, submit, catalog):
    # given a department outside the tree (no parent)
    lonely = Department.objects.create(code="archive", name="Архив")
    Theme.objects.create(code="archive-q", name="Архивные справки", default_department=lonely)
    staff = make_user(Role.SPECIALIST, departments=("archive",))
    appeal = submit(citizen, theme="archive-q")
    # when
    appeal = services.appeal_escalate(appeal=appeal, actor=staff, reason="Не наш вопрос")
    # then
    assert appeal.department.code == "quality"
    assert appeal.escalation_level == 1


def test_the_applicant_may_escalate_once_the_first_reaction_is_late(registered, citizen):
    with clock.travel_to(registered.first_response_due_at + timedelta(minutes=1)):
        appeal, event = call_once(
            services.appeal_escalate, appeal=registered, actor=citizen, reason="Долго нет ответа"
        )
    assert appeal.escalation_level == 1
    assert event.data["by"] == "applicant"


def test_the_system_escalates_on_breach(registered):
    appeal, event = call_once(
        services.appeal_escalate, appeal=registered, actor=None, reason="Срок нарушен"
    )
    assert appeal.escalation_level == 1
    assert (event.actor, event.data["by"]) == (None, "system")


def test_escalate_needs_a_reason(registered, citizen):
    error = refuse(
        ValidationFailed, services.appeal_escalate, appeal=registered, actor=citizen, reason=""
    )
    assert list(error.errors) == ["reason"]


def test_a_closed_appeal_is_not_escalated(answered, citizen):
    closed = services.appeal_close(appeal=answered, actor=citizen)
    refuse(InvalidTransition, services.appeal_escalate, appeal=closed, actor=citizen, reason="!")


# --- extend -----------------------------------------------------------------------------------


@pytest.fixture
def services_head(catalog):
    """The head of «services», where complaints about refused services go: may extend there."""
    return make_head("services")


def test_a_59_fz_appeal_is_extended_once_by_up_to_30_days(complaint, services_head):
    # given
    due = complaint.due_at
    # when
    appeal, event = call_once(
        services.appeal_extend,
        appeal=complaint,
        actor=services_head,
        due_date=due + timedelta(days=30),
        reason="Запрошены документы в другом ведомстве.",
    )
    # then
    appeal.refresh_from_db()
    assert appeal.due_at == due + timedelta(days=30)
    assert appeal.extended
    assert appeal.extension_reason == "Запрошены документы в другом ведомстве."
    assert event.type == EventType.EXTENDED
    assert event.is_public  # the applicant is told
    assert event.data == {
        "old_due_date": timezone.localdate(due).isoformat(),
        "due_date": timezone.localdate(due + timedelta(days=30)).isoformat(),
    }
    # and a second extension is refused
    error = refuse(
        ValidationFailed,
        services.appeal_extend,
        appeal=appeal,
        actor=services_head,
        due_date=appeal.due_at + timedelta(days=1),
        reason="Ещё",
    )
    assert error.errors == {"due_date": ["Срок по 59-ФЗ можно продлить только один раз."]}


@pytest.mark.parametrize(
    "extra",
    [timedelta(days=31), timedelta(days=30, hours=12), timedelta(days=30, seconds=1)],
    ids=["31d", "30d12h", "30d1s"],
)
def test_no_extension_is_longer_than_30_days(complaint, services_head, extra):
    error = refuse(
        ValidationFailed,
        services.appeal_extend,
        appeal=complaint,
        actor=services_head,
        due_date=complaint.due_at + extra,
        reason="Очень долго",
    )
    ceiling = timezone.localdate(complaint.due_at) + timedelta(days=30)
    assert error.errors == {
        "due_date": [
            f"Продлить можно не больше чем на 30 календарных дней — не позже {ceiling:%d.%m.%Y}."
        ]
    }


def test_after_a_pause_the_extension_still_counts_calendar_days(
    complaint, services_head, specialist, citizen
):
    # given the clock was paused, so the due date no longer falls at the end of a day
    appeal = services.appeal_take(appeal=complaint, actor=specialist)
    appeal = services.appeal_request_info(
        appeal=appeal, actor=services_head, question="Копия отказа?"
    )
    Appeal.objects.filter(pk=appeal.pk).update(paused_at=timezone.now() - timedelta(hours=30))
    appeal = services.appeal_provide_info(appeal=appeal, actor=citizen, text="Прилагаю.")
    day = timezone.localdate(appeal.due_at)
    # when extended to the 30th day after it, and then beyond it
    refuse(
        ValidationFailed,
        services.appeal_extend,
        appeal=appeal,
        actor=services_head,
        due_date=day + timedelta(days=31),
        reason="Причина",
    )
    extended = services.appeal_extend(
        appeal=appeal, actor=services_head, due_date=day + timedelta(days=30), reason="Причина"
    )
    # then
    assert timezone.localdate(extended.due_at) == day + timedelta(days=30)


@pytest.mark.parametrize("shift", [timedelta(0), -timedelta(days=1)], ids=["same", "earlier"])
def test_the_new_due_date_must_be_later(complaint, services_head, shift):
    error = refuse(
        ValidationFailed,
        services.appeal_extend,
        appeal=complaint,
        actor=services_head,
        due_date=complaint.due_at + shift,
        reason="Причина",
    )
    assert error.errors == {"due_date": ["Новый срок должен быть позже текущего."]}


def test_extend_to_a_date_means_the_end_of_that_day(complaint, services_head):
    day = timezone.localtime(complaint.due_at).date() + timedelta(days=10)
    appeal = services.appeal_extend(
        appeal=complaint, actor=services_head, due_date=day, reason="Причина"
    )
    local = timezone.localtime(appeal.due_at)
    assert (local.date(), local.hour, local.minute, local.second) == (day, 23, 59, 59)


def test_a_message_may_be_extended_as_often_as_its_policy_allows(registered, operator):
    # given a message policy that allows two extensions, approved by any staff member
    Policy.objects.filter(pk=registered.policy_id).update(
        max_extensions=2, extension_approver=Approver.STAFF
    )
    first = services.appeal_extend(
        appeal=registered,
        actor=operator,
        due_date=registered.due_at + timedelta(days=1),
        reason="Ждём разработчиков",
    )
    # when
    second, _ = call_once(
        services.appeal_extend,
        appeal=first,
        actor=operator,
        due_date=first.due_at + timedelta(days=1),
        reason="Ещё ждём",
    )
    # then
    assert second.extension_count == 2
    assert timezone.localdate(second.due_at) == timezone.localdate(registered.due_at) + timedelta(
        days=2
    )
    # and a third is refused
    error = refuse(
        ValidationFailed,
        services.appeal_extend,
        appeal=second,
        actor=operator,
        due_date=second.due_at + timedelta(days=1),
        reason="И ещё",
    )
    assert error.errors == {"due_date": ["Срок можно продлить не больше 2 раз."]}


def test_extend_needs_a_reason(complaint, services_head):
    error = refuse(
        ValidationFailed,
        services.appeal_extend,
        appeal=complaint,
        actor=services_head,
        due_date=complaint.due_at + timedelta(days=1),
        reason="",
    )
    assert list(error.errors) == ["reason"]


def test_the_applicant_cannot_extend(complaint, citizen):
    refuse(
        NotPermitted,
        services.appeal_extend,
        appeal=complaint,
        actor=citizen,
        due_date=complaint.due_at + timedelta(days=1),
        reason="Мне не к спеху",
    )


def test_an_answered_appeal_is_not_extended(answered, operator):
    refuse(
        InvalidTransition,
        services.appeal_extend,
        appeal=answered,
        actor=operator,
        due_date=answered.due_at + timedelta(days=1),
        reason="Поздно",
    )


# --- assign -----------------------------------------------------------------------------------


def test_quality_control_assigns_a_member_of_the_department(registered, supervisor, operator):
    appeal, event = call_once(
        services.appeal_assign, appeal=registered, actor=supervisor, assignee_id=operator.pk
    )
    assert Appeal.objects.get(pk=appeal.pk).assignee == operator
    assert appeal.status == Status.REGISTERED
    assert event.type == EventType.ASSIGNED
    assert not event.is_public
    assert event.data == {"assignee_id": operator.pk, "assignee_name": operator.full_name}


def test_only_members_of_the_department_can_be_assigned(registered, supervisor, specialist):
    error = refuse(
        ValidationFailed,
        services.appeal_assign,
        appeal=registered,
        actor=supervisor,
        assignee_id=specialist.pk,
    )
    assert list(error.errors) == ["assignee_id"]


def test_an_ordinary_operator_cannot_assign(registered, operator):
    refuse(
        NotPermitted,
        services.appeal_assign,
        appeal=registered,
        actor=operator,
        assignee_id=operator.pk,
    )


def test_the_department_head_may_assign(registered, operator, head):
    appeal, _ = call_once(
        services.appeal_assign, appeal=registered, actor=head, assignee_id=operator.pk
    )
    assert appeal.assignee == operator


def test_nothing_about_a_closed_appeal_changes_hands(answered, citizen, supervisor, operator):
    closed = services.appeal_close(appeal=answered, actor=citizen)
    refuse(
        InvalidTransition,
        services.appeal_assign,
        appeal=closed,
        actor=supervisor,
        assignee_id=operator.pk,
    )
    refuse(
        InvalidTransition,
        services.appeal_extend,
        appeal=closed,
        actor=supervisor,
        due_date=closed.due_at + timedelta(days=1),
        reason="!",
    )


# --- redirect: the due day across zones -------------------------------------------------------


def test_a_redirect_keeps_the_due_day_in_the_target_zone(in_progress, operator):
    # given the target department works in Vladivostok time
    Department.objects.filter(code="services").update(timezone="Asia/Vladivostok")
    day = timezone.localdate(in_progress.due_at)
    # when
    appeal = services.appeal_redirect(
        appeal=in_progress, actor=operator, department_code="services", reason="По компетенции"
    )
    # then the due day is the same, and it ends at the end of that day in Vladivostok
    vladivostok = ZoneInfo("Asia/Vladivostok")
    local = appeal.due_at.astimezone(vladivostok)
    assert (local.date(), local.hour, local.minute) == (day, 23, 59)
    assert appeal.original_due_at.astimezone(vladivostok).date() == day
