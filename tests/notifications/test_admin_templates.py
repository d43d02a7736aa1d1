"""Administrators edit notification templates (checked, previewed) and read the delivery log."""

from __future__ import annotations

import html

import pytest

from priemnaya.accounts.roles import Role
from priemnaya.appeals.states import EventType
from priemnaya.notifications import rendering
from priemnaya.notifications.models import (
    Channel,
    DeliveryAttempt,
    Notification,
    Preference,
    PushSubscription,
    State,
    Template,
)
from tests.factories import make_user, signed_in


@pytest.fixture(autouse=True)
def _templates_cache():
    rendering.templates_cache_clear()
    yield
    rendering.templates_cache_clear()


@pytest.fixture
def admin_client(catalog):
    return signed_in(make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))


def template_form(**overrides) -> dict:
    return {
        "event_type": EventType.ANSWERED,
        "channel": Channel.EMAIL,
        "audience": "applicant",
        "subject": "Ответ по обращению № {{ number }}",
        "body": "{{ greeting }}\n\nОтвет готов: {{ link }}",
        "is_active": "on",
        **overrides,
    }


@pytest.fixture
def delivered(registered, citizen):
    row = Notification.objects.create(
        event=registered.events.first(),
        appeal=registered,
        user=citizen,
        channel=Channel.EMAIL,
        address=citizen.email,
        audience="applicant",
        state=State.SENT,
        subject="Обращение зарегистрировано",
        body="Текст",
    )
    DeliveryAttempt.objects.create(notification=row, ok=False, error="421 try later")
    DeliveryAttempt.objects.create(notification=row, ok=True, provider_answer="250 OK")
    return row


# ---- every page renders -------------------------------------------------------------------------


def test_every_notifications_admin_page_renders(admin_client, delivered, citizen):
    template = Template.objects.create(
        event_type=EventType.ANSWERED,
        channel=Channel.SMS,
        audience="applicant",
        body="{{ number }}",
    )
    subscription = PushSubscription.objects.create(
        user=citizen, endpoint="https://push.example.ru/abc", p256dh="x", auth="y"
    )
    preference = Preference.objects.create(user=citizen)
    pages = [
        "/admin/notifications/",
        "/admin/notifications/template/",
        "/admin/notifications/template/add/",
        f"/admin/notifications/template/{template.pk}/change/",
        "/admin/notifications/template/?channel__exact=sms&audience__exact=applicant",
        "/admin/notifications/notification/",
        f"/admin/notifications/notification/{delivered.pk}/change/",
        "/admin/notifications/notification/?channel__exact=email&state__exact=sent",
        "/admin/notifications/notification/?audience__exact=applicant",
        "/admin/notifications/notification/?q=nothing-like-this",
        "/admin/notifications/pushsubscription/",
        f"/admin/notifications/pushsubscription/{subscription.pk}/change/",
        "/admin/notifications/preference/",
        "/admin/notifications/preference/add/",
        f"/admin/notifications/preference/{preference.pk}/change/",
    ]
    for page in pages:
        assert admin_client.get(page).status_code == 200, page


def test_notification_admin_is_read_only_with_its_attempts(admin_client, delivered):
    page = admin_client.get(f"/admin/notifications/notification/{delivered.pk}/change/")

    content = page.content.decode()
    assert "421 try later" in content
    assert "250 OK" in content
    assert admin_client.get("/admin/notifications/notification/add/").status_code == 403
    deleted = admin_client.post(
        f"/admin/notifications/notification/{delivered.pk}/delete/", {"post": "yes"}
    )
    assert deleted.status_code == 403
    assert Notification.objects.filter(pk=delivered.pk).exists()


def test_notifications_are_found_by_the_number_as_read_and_by_address(
    admin_client, delivered, registered, citizen
):
    number = f"{registered.number[:2]}-{registered.number[2:-1]}-{registered.number[-1]}"

    by_number = admin_client.get("/admin/notifications/notification/", {"q": number})
    by_address = admin_client.get("/admin/notifications/notification/", {"q": citizen.email})
    neither = admin_client.get("/admin/notifications/notification/", {"q": "nobody@example.ru"})

    assert by_number.context["cl"].result_count == 1
    assert by_address.context["cl"].result_count == 1
    assert neither.context["cl"].result_count == 0


# ---- templates ----------------------------------------------------------------------------------


def test_a_template_is_added_and_previewed_with_sample_data(admin_client):
    # when an administrator adds a template and continues editing
    response = admin_client.post(
        "/admin/notifications/template/add/", {**template_form(), "_continue": "1"}
    )

    # then it is saved and its change page shows it rendered with sample data
    assert response.status_code == 302, response.content.decode()[:2000]
    template = Template.objects.get()
    page = admin_client.get(f"/admin/notifications/template/{template.pk}/change/")
    content = page.content.decode()
    sample = rendering.sample_context("applicant")
    assert f"Ответ по обращению № {sample['number']}" in content
    assert "Здравствуйте, Иван Иванович!" in content
    assert "<iframe" in content  # the HTML letter, sandboxed
    srcdoc = content.split('srcdoc="', 1)[1].split('"', 1)[0]
    assert html.unescape(srcdoc).startswith("<!DOCTYPE html>")
    assert "{{ short_link }}" in content  # the list of variables


@pytest.mark.parametrize(
    ("field", "source", "label"),
    [
        ("body", "Ответ {% if %}", "Текст"),
        ("body", "{{ number|nosuchfilter }}", "Текст"),
        ("subject", "Тема {% for x in %}", "Тема письма"),
        ("body", "{% load static %}", "Текст"),
        ("body", "{% include 'base.html' %}", "Текст"),
    ],
)
def test_template_syntax_errors_are_shown_in_russian_naming_the_field(
    admin_client, field, source, label
):
    response = admin_client.post(
        "/admin/notifications/template/add/", template_form(**{field: source})
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors
    assert errors[field][0].startswith(f"Ошибка в шаблоне поля «{label}»")
    assert not Template.objects.exists()


def test_an_sms_template_longer_than_two_segments_is_refused(admin_client):
    response = admin_client.post(
        "/admin/notifications/template/add/",
        template_form(channel=Channel.SMS, subject="", body="Обращение № {{ number }}. " * 6),
    )

    assert response.status_code == 200
    [message] = response.context["adminform"].form.errors["body"]
    assert "Поле «Текст»" in message
    assert "сегм" in message
    assert not Template.objects.exists()


def test_an_sms_template_shows_its_length_in_the_preview(admin_client):
    template = Template.objects.create(
        event_type=EventType.ANSWERED,
        channel=Channel.SMS,
        audience="applicant",
        body="№ {{ number }}: {{ phrase }}. {{ short_link }}",
    )

    content = admin_client.get(f"/admin/notifications/template/{template.pk}/change/")
    content = content.content.decode()

    assert "сегментов SMS: 1" in content


def test_the_same_key_cannot_have_two_templates(admin_client):
    Template.objects.create(
        event_type=EventType.ANSWERED, channel=Channel.EMAIL, audience="applicant", body="x"
    )

    response = admin_client.post("/admin/notifications/template/add/", template_form())

    assert response.status_code == 200
    assert Template.objects.count() == 1


def test_a_saved_template_is_used_at_once(admin_client, registered, operator):
    from tests.notifications.channel_events import make_event

    event = make_event(registered, EventType.ANSWERED, actor=operator)
    rendering.render(event, channel=Channel.EMAIL, audience="applicant")  # warms the cache

    admin_client.post("/admin/notifications/template/add/", template_form())

    mail = rendering.render(event, channel=Channel.EMAIL, audience="applicant")
    assert mail.subject.startswith("Ответ по обращению № 26-")


def test_preference_timezone_is_checked(admin_client, citizen):
    response = admin_client.post(
        "/admin/notifications/preference/add/",
        {
            "user": citizen.pk,
            "email": "on",
            "kinds": "[]",
            "quiet_from": "22:00",
            "quiet_to": "08:00",
            "timezone": "Europe/Atlantis",
        },
    )

    assert response.status_code == 200
    [message] = response.context["adminform"].form.errors["timezone"]
    assert message.startswith("Поле «часовой пояс»")
