"""Filing an appeal: submit, validation per field, idempotency, drafts and edits."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from priemnaya.accounts.roles import Role
from priemnaya.appeals import services
from priemnaya.appeals.deadlines import first_response_due, resolution_due
from priemnaya.appeals.models import Appeal, Event
from priemnaya.appeals.selectors import appeal_get, appeals_visible_to
from priemnaya.appeals.states import Channel, EventType, Status
from priemnaya.catalog.calendars import work_calendar
from priemnaya.catalog.models import Theme
from priemnaya.core.deadlines import LastDay, Unit, term_last_day
from priemnaya.core.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from priemnaya.core.numbering import format_number, is_valid
from tests.appeals.helpers import call_once, refuse
from tests.factories import appeal_input, make_user


def test_submit_registers_numbers_routes_and_times_the_appeal(citizen):
    # given
    before = timezone.now()
    # when
    appeal, event = call_once(services.appeal_submit, actor=citizen, data=appeal_input())
    # then
    appeal.refresh_from_db()
    assert appeal.status == Status.REGISTERED
    assert is_valid(appeal.number)
    assert appeal.number[:2] == f"{timezone.localtime().year % 100:02d}"
    assert appeal.display_number == format_number(appeal.number)
    assert appeal.department.code == "support"  # the theme's default department
    assert appeal.applicant == citizen
    assert appeal.applicant_name == citizen.full_name
    assert appeal.channel == Channel.PORTAL
    assert before <= appeal.registered_at <= timezone.now()
    # the support policy: 5 working days, a first reaction within 24 working hours (SPEC §5)
    assert appeal.policy.code == "support"
    terms = {"policy": appeal.policy, "department": appeal.department}
    assert appeal.due_at == resolution_due(**terms, registered_at=appeal.registered_at)
    assert appeal.first_response_due_at == first_response_due(
        **terms, registered_at=appeal.registered_at
    )
    assert appeal.first_response_due_at >= appeal.registered_at + timedelta(hours=24)
    assert appeal.original_due_at == appeal.due_at
    assert appeal.assignee is None
    assert (event.type, event.from_status, event.to_status) == ("registered", "", "registered")
    assert event.actor == citizen
    assert event.is_public
    assert event.data["number"] == appeal.number


def test_a_59_fz_complaint_gets_a_calendar_term_and_no_first_response_target(complaint):
    assert complaint.department.code == "services"
    assert (complaint.policy.code, complaint.regime) == ("fz59", "fz59")
    assert complaint.due_at == resolution_due(
        policy=complaint.policy,
        department=complaint.department,
        registered_at=complaint.registered_at,
    )
    assert complaint.first_response_due_at is None
    # 30 calendar days from the day after registration, a day off moved to the preceding
    # working day (the exact cases across holidays are in tests/legal/test_calendar_rules.py)
    registered = timezone.localdate(complaint.registered_at)
    due = timezone.localdate(complaint.due_at)
    assert due == term_last_day(
        work_calendar(), registered, 30, Unit.CALENDAR_DAYS, LastDay.PRECEDING
    )
    assert work_calendar().is_working(due)
    assert registered < due <= registered + timedelta(days=30)


def test_numbers_are_distinct_and_follow_each_other(citizen, submit):
    # when
    numbers = [submit(citizen, subject=f"Обращение {i}").number for i in range(5)]
    # then
    sequences = [int(n[2:9]) for n in numbers]
    assert sequences == list(range(sequences[0], sequences[0] + 5))
    assert len(set(numbers)) == 5


def test_text_is_stored_trimmed_with_contacts_normalised(citizen, submit):
    appeal = submit(
        citizen,
        subject="  Не приходит SMS  ",
        text="\r\n Код «не приходит» — уже 3 дня.\r\nОператор: МТС № 1 \n",
        contact_email=" Reply@Example.RU ",
        contact_phone="8 (916) 123-45-67",
    )
    appeal.refresh_from_db()
    assert appeal.subject == "Не приходит SMS"
    assert appeal.text == "Код «не приходит» — уже 3 дня.\nОператор: МТС № 1"
    assert appeal.contact_email == "Reply@example.ru"
    assert appeal.contact_phone == "+79161234567"


def test_a_postal_address_alone_is_a_way_to_reply(citizen, submit):
    appeal = submit(citizen, contact_email="", contact_address="г. Москва, ул. Тверская, д. 1")
    assert appeal.contact_address == "г. Москва, ул. Тверская, д. 1"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"subject": "   "}, "subject", "Укажите, о чём обращение."),
        ({"text": ""}, "text", "Опишите ситуацию."),
        ({"text": "ы" * 5001}, "text", "Не больше 5000 символов (сейчас 5001)."),
        ({"subject": "ы" * 201}, "subject", "Не больше 200 символов"),
        ({"text": "Нажал\x1bи всё"}, "text", "управляющие символы"),
        ({"contact_phone": "123"}, "contact_phone", "+7XXXXXXXXXX"),
        ({"contact_email": "bad@"}, "contact_email", "name@example.ru"),
        ({"contact_email": ""}, "contact_email", "хотя бы один способ связи"),
        ({"theme": "nope"}, "theme", "Выберите тему из каталога."),
        ({"theme": ""}, "theme", "Выберите тему обращения."),
        ({"kind": "nope"}, "kind", "Выберите вид обращения из списка."),
        ({"incident_at": timezone.localdate() + timedelta(days=2)}, "incident_at", "в будущем"),
        (
            {"incident_at": timezone.now() + timedelta(hours=1)},
            "incident_at",
            "Дата события не может быть в будущем.",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field(citizen, overrides, field, message):
    # when
    error = refuse(
        ValidationFailed, services.appeal_submit, actor=citizen, data=appeal_input(**overrides)
    )
    # then
    assert field in error.errors
    assert any(message in m for m in error.errors[field]), error.errors
    assert Appeal.objects.count() == 0


def test_every_bad_field_is_reported_at_once(citizen):
    error = refuse(
        ValidationFailed,
        services.appeal_submit,
        actor=citizen,
        data=appeal_input(subject="", text="", theme="nope", contact_email="x", contact_phone="1"),
    )
    assert set(error.errors) == {"subject", "text", "theme", "contact_email", "contact_phone"}
    assert error.field == "theme" or error.field in error.errors


def test_an_inactive_theme_cannot_be_chosen(citizen):
    Theme.objects.filter(code="tech-login").update(is_active=False)
    error = refuse(ValidationFailed, services.appeal_submit, actor=citizen, data=appeal_input())
    assert list(error.errors) == ["theme"]


@pytest.mark.parametrize(
    ("required", "field", "label"),
    [
        ("service_code", "service_code", "код госуслуги"),
        ("incident_at", "incident_at", "дату события"),
        ("desired_result", "desired_result", "желаемый результат"),
    ],
)
def test_theme_required_fields_are_enforced(citizen, required, field, label):
    # given the administrator made a field required for the theme
    Theme.objects.filter(code="tech-login").update(required_fields=[required])
    # when
    error = refuse(ValidationFailed, services.appeal_submit, actor=citizen, data=appeal_input())
    # then
    assert error.errors[field] == [f"Для темы «Вход и авторизация» укажите {label}."]


def test_theme_required_field_filled_in_is_accepted(citizen, submit):
    Theme.objects.filter(code="tech-login").update(required_fields=["service_code", "incident_at"])
    appeal = submit(citizen, service_code="10000000001", incident_at=timezone.localdate())
    assert appeal.service_code == "10000000001"
    assert appeal.incident_at == timezone.make_aware(
        datetime.combine(timezone.localdate(), datetime.min.time())
    )


def test_a_naive_past_incident_time_is_taken_as_local_time(citizen, submit):
    appeal = submit(citizen, incident_at=datetime(2026, 1, 15, 10, 30))  # noqa: DTZ001
    assert timezone.localtime(appeal.incident_at).hour == 10
    assert timezone.is_aware(appeal.incident_at)


def test_same_client_token_returns_the_first_appeal(citizen):
    # given
    first = services.appeal_submit(actor=citizen, data=appeal_input(), client_token="form-1")
    events = Event.objects.count()
    # when the form is submitted again (double click, reload)
    again = services.appeal_submit(
        actor=citizen, data=appeal_input(subject="Другой текст"), client_token="form-1"
    )
    # then
    assert again.pk == first.pk
    assert again.subject == first.subject
    assert Appeal.objects.count() == 1
    assert Event.objects.count() == events


def test_client_tokens_are_per_applicant(citizen, other_citizen):
    mine = services.appeal_submit(actor=citizen, data=appeal_input(), client_token="t")
    theirs = services.appeal_submit(actor=other_citizen, data=appeal_input(), client_token="t")
    assert mine.pk != theirs.pk
    assert theirs.applicant == other_citizen


def test_a_client_token_longer_than_its_column_still_deduplicates(citizen):
    token = "k" * 300
    first = services.appeal_submit(actor=citizen, data=appeal_input(), client_token=token)
    again = services.appeal_submit(actor=citizen, data=appeal_input(), client_token=token)
    other = services.appeal_submit(actor=citizen, data=appeal_input(), client_token=token + "!")
    assert again.pk == first.pk
    assert other.pk != first.pk
    assert Appeal.objects.count() == 2


def test_an_operator_registers_a_phone_call_for_a_named_caller(operator):
    # when
    appeal, event = call_once(
        services.appeal_submit,
        actor=operator,
        data=appeal_input(applicant_name="Сидоров Иван", contact_phone="+79161234567"),
        channel=Channel.PHONE,
    )
    # then
    assert appeal.applicant is None
    assert appeal.applicant_name == "Сидоров Иван"
    assert appeal.channel == Channel.PHONE
    assert event.actor == operator


def test_an_operator_must_name_the_caller(operator):
    error = refuse(
        ValidationFailed,
        services.appeal_submit,
        actor=operator,
        data=appeal_input(),
        channel=Channel.PHONE,
    )
    assert list(error.errors) == ["applicant_name"]


@pytest.mark.parametrize(
    ("role", "channel"),
    [(Role.CITIZEN, Channel.PHONE), (Role.OPERATOR, Channel.PORTAL)],
)
def test_the_channel_must_fit_who_files(catalog, role, channel):
    actor = make_user(role, departments=("support",) if role == Role.OPERATOR else ())
    error = refuse(
        ValidationFailed,
        services.appeal_submit,
        actor=actor,
        data=appeal_input(applicant_name="Сидоров Иван"),
        channel=channel,
    )
    assert list(error.errors) == ["channel"]


def test_an_auditor_cannot_file(auditor):
    refuse(NotPermitted, services.appeal_submit, actor=auditor, data=appeal_input())
    assert Appeal.objects.count() == 0


def test_a_draft_has_no_number_and_is_seen_only_by_its_author(citizen, operator, supervisor):
    # when
    draft, event = call_once(
        services.appeal_draft_save,
        actor=citizen,
        data=services.AppealInput(kind="support", theme="tech-login", subject="Черн"),
    )
    # then
    assert draft.status == Status.DRAFT
    assert draft.number is None
    assert event.type == EventType.DRAFT_SAVED
    assert not event.is_public
    assert list(Appeal.objects.filter(applicant=citizen)) == [draft]
    for staff in (operator, supervisor):
        assert not appeals_visible_to(user=staff).filter(pk=draft.pk).exists()


def test_a_draft_checks_only_what_was_typed(citizen):
    error = refuse(
        ValidationFailed,
        services.appeal_draft_save,
        actor=citizen,
        data=services.AppealInput(kind="support", theme="tech-login", contact_email="bad@"),
    )
    assert list(error.errors) == ["contact_email"]


def test_submitting_a_draft_registers_the_same_record(citizen):
    # given
    draft = services.appeal_draft_save(
        actor=citizen, data=services.AppealInput(kind="support", theme="tech-login")
    )
    # when
    appeal, event = call_once(
        services.appeal_submit_draft, actor=citizen, draft=draft, data=appeal_input()
    )
    # then
    assert appeal.pk == draft.pk
    assert appeal.status == Status.REGISTERED
    assert is_valid(appeal.number)
    assert (event.from_status, event.to_status) == ("draft", "registered")


def test_nobody_else_can_submit_a_draft(citizen, other_citizen):
    draft = services.appeal_draft_save(
        actor=citizen, data=services.AppealInput(kind="support", theme="tech-login")
    )
    refuse(
        NotFound,
        services.appeal_submit_draft,
        actor=other_citizen,
        draft=draft,
        data=appeal_input(),
    )


def test_edit_changes_what_the_applicant_wrote_and_journals_the_fields(registered, citizen):
    # when
    appeal, event = call_once(
        services.appeal_edit,
        appeal=registered,
        actor=citizen,
        data=appeal_input(kind="complaint", theme="personal-data", text="Уточнённый текст."),
    )
    # then
    appeal.refresh_from_db()
    assert appeal.text == "Уточнённый текст."
    assert (appeal.kind.code, appeal.theme.code) == ("support", "tech-login")  # kept
    assert event.type == EventType.EDITED
    assert event.data == {"fields": ["text"]}
    assert event.to_status == Status.REGISTERED


def test_edit_refuses_bad_input_and_keeps_the_appeal(registered, citizen):
    error = refuse(
        ValidationFailed,
        services.appeal_edit,
        appeal=registered,
        actor=citizen,
        data=appeal_input(subject=""),
    )
    assert list(error.errors) == ["subject"]


def test_edit_is_refused_once_someone_took_the_appeal(in_progress, citizen):
    refuse(
        InvalidTransition,
        services.appeal_edit,
        appeal=in_progress,
        actor=citizen,
        data=appeal_input(),
    )


def test_staff_cannot_edit_what_the_applicant_wrote(registered, operator):
    refuse(
        NotPermitted, services.appeal_edit, appeal=registered, actor=operator, data=appeal_input()
    )


def test_another_citizen_cannot_edit(registered, other_citizen):
    refuse(
        NotFound, services.appeal_edit, appeal=registered, actor=other_citizen, data=appeal_input()
    )
    with pytest.raises(NotFound):
        appeal_get(user=other_citizen, number=registered.number)
