"""What notifications say: defaults per event, channel and audience; SMS length; templates."""

from __future__ import annotations

import logging

import pytest
from django.test import override_settings

from priemnaya.appeals.states import EventType
from priemnaya.notifications import rendering
from priemnaya.notifications.models import Audience, Channel, Template
from priemnaya.notifications.rendering import (
    compile_template,
    context_for,
    render,
    sample_context,
    short_url,
    sms_segments,
)
from tests.notifications.channel_events import SHAPES, make_event

LONG_SITE = "https://priemnaya.gosuslugi.example.ru"


@pytest.fixture(autouse=True)
def _templates_cache():
    # Template rows roll back with the test; their cached copies must go with them.
    rendering.templates_cache_clear()
    yield
    rendering.templates_cache_clear()


@pytest.fixture
def appeal(registered):
    return registered


def test_every_event_type_has_a_shape():
    assert set(SHAPES) == set(EventType.values)


# ---- sms_segments -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("[" * 80, 1),  # extension characters take two septets each
        ("[" * 81, 2),
        ("я" * 70, 1),
        ("я" * 71, 2),
        ("я" * 134, 2),
        ("я" * 135, 3),
        ("a" * 69 + "€", 1),  # € is GSM-7 (extended), not a reason for UCS-2
        ("😀" * 35, 1),  # outside the BMP: two UTF-16 units each
        ("😀" * 36, 2),
    ],
)
def test_sms_segments_counts_gsm7_and_ucs2(text, segments):
    assert sms_segments(text) == segments


# ---- defaults -----------------------------------------------------------------------------------


@override_settings(PRIEMNAYA_SITE_URL=LONG_SITE)
@pytest.mark.parametrize("audience", [Audience.APPLICANT, Audience.STAFF])
def test_sms_of_every_event_type_fits_two_segments(appeal, operator, audience):
    # given every kind of journal event with a long site address
    for event_type in EventType.values:
        event = make_event(appeal, event_type, actor=operator)
        # when
        sms = render(event, channel=Channel.SMS, audience=audience).text
        # then it carries the number and the short link and fits two Cyrillic segments
        assert sms_segments(sms) <= 2, (event_type, len(sms), sms)
        assert sms.startswith("Обращение № 26-")
        assert sms.endswith(short_url(appeal)), sms
        assert short_url(appeal).startswith(f"{LONG_SITE}/a/26-")


@override_settings(PRIEMNAYA_SITE_URL=LONG_SITE)
def test_answered_sms_reads_like_the_issue_example(appeal, operator):
    event = make_event(appeal, EventType.ANSWERED, actor=operator)

    sms = render(event, channel=Channel.SMS, audience=Audience.APPLICANT).text

    number = context_for(event, Audience.APPLICANT)["number"]
    assert sms == f"Обращение № {number}: ответ готов. Подробнее: {LONG_SITE}/a/{number}"


def test_registered_sms_names_the_due_date_through_format_date(appeal, operator):
    event = make_event(appeal, EventType.REGISTERED, actor=operator)

    sms = render(event, channel=Channel.SMS, audience=Audience.APPLICANT).text

    assert ": получено, ответ до 23.12.2026. Подробнее: " in sms


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.SMS, Channel.PUSH, Channel.FEED])
@pytest.mark.parametrize("audience", [Audience.APPLICANT, Audience.STAFF])
def test_every_event_renders_for_every_channel_and_audience(appeal, operator, channel, audience):
    for event_type in EventType.values:
        event = make_event(appeal, event_type, actor=operator)

        rendered = render(event, channel=channel, audience=audience)

        # A feed item may be its heading alone: the page shows the number and time beside it.
        assert rendered.text or channel == Channel.FEED, (event_type, channel, audience)
        assert "{" not in rendered.text, rendered.text
        assert "None" not in rendered.text, rendered.text
        if channel in (Channel.EMAIL, Channel.PUSH, Channel.FEED):
            assert rendered.subject, (event_type, channel)
        if channel == Channel.EMAIL:
            assert rendered.html.startswith("<!DOCTYPE html>")


def test_applicant_email_carries_number_time_change_next_step_and_link(appeal, operator):
    # given a question from the specialist, with characters that HTML must escape
    event = make_event(appeal, EventType.INFO_REQUESTED, actor=operator)
    ctx = context_for(event, Audience.APPLICANT)

    # when
    mail = render(event, channel=Channel.EMAIL, audience=Audience.APPLICANT)

    # then the plain text has what SPEC §9 asks for, in the applicant's words
    assert mail.subject == f"Обращение № {ctx['number']}: Специалист просит уточнить"
    assert mail.text.startswith(f"Здравствуйте, {appeal.applicant_name}!")
    assert f"Специалист просит уточнить — {ctx['when']}." in mail.text
    assert "Вопрос специалиста:\nУточните <браузер> & версию." in mail.text
    assert "Что дальше: Ответьте на вопрос специалиста" in mail.text
    assert f"Открыть обращение: {ctx['link']}" in mail.text
    assert "/cabinet/appeals/" in ctx["link"]
    # and the HTML alternative escapes the content and loads nothing from outside
    assert "Уточните &lt;браузер&gt; &amp; версию." in mail.html
    assert "<браузер>" not in mail.html
    assert f'href="{ctx["link"]}"' in mail.html
    assert 'lang="ru"' in mail.html
    for tag in ("<img", "<link", "<script", "<style"):
        assert tag not in mail.html
    assert "src=" not in mail.html


def test_staff_email_uses_working_words_changes_and_next_step(appeal, operator):
    event = make_event(appeal, EventType.TAKEN, actor=operator)

    mail = render(event, channel=Channel.EMAIL, audience=Audience.STAFF)

    assert mail.subject.endswith(": Взято в работу")
    assert "Состояние: Получено → В работе" in mail.text
    assert f"Кто: {operator.full_name}" in mail.text
    assert "/console/appeals/" in mail.text
    assert "Здравствуйте!" in mail.text


def test_internal_text_reaches_staff_only(appeal, operator):
    event = make_event(appeal, EventType.NOTE_ADDED, actor=operator)

    staff = render(event, channel=Channel.EMAIL, audience=Audience.STAFF)
    applicant = render(event, channel=Channel.EMAIL, audience=Audience.APPLICANT)

    assert "Позвонить в ИТ." in staff.text
    assert "Позвонить в ИТ." not in applicant.text


def test_extension_names_the_new_date_everywhere(appeal, operator):
    event = make_event(appeal, EventType.EXTENDED, actor=operator)

    mail = render(event, channel=Channel.EMAIL, audience=Audience.APPLICANT)
    sms = render(event, channel=Channel.SMS, audience=Audience.APPLICANT)
    push = render(event, channel=Channel.PUSH, audience=Audience.APPLICANT)

    assert "Новый срок: до 22.01.2027" in mail.text
    assert "срок ответа продлён до 22.01.2027" in sms.text
    assert push.subject == "Срок рассмотрения продлён"
    assert "продлён до 22.01.2027" in push.text


def test_closed_appeal_promises_no_deadline(appeal, operator):
    event = make_event(appeal, EventType.CLOSED, actor=None)

    ctx = context_for(event, Audience.APPLICANT)
    sms = render(event, channel=Channel.SMS, audience=Audience.APPLICANT).text

    assert ctx["due"] == ""
    assert ctx["title"] == "Обращение завершено автоматически"
    assert ": рассмотрение завершено. Подробнее:" in sms


def test_context_is_plain_strings_and_lists(appeal, operator):
    event = make_event(appeal, EventType.REDIRECTED, actor=operator)

    for audience in Audience.values:
        ctx = context_for(event, audience)
        for key, value in ctx.items():
            assert isinstance(value, str | list), key
            if isinstance(value, list):
                assert all(isinstance(item, str) for item in value), key
        assert set(ctx) == set(rendering.CONTEXT_HELP)
    assert set(sample_context()) == set(rendering.CONTEXT_HELP)


# ---- custom templates ---------------------------------------------------------------------------


def test_active_template_overrides_the_default_for_its_key_only(appeal, operator):
    # given a template for the applicant's SMS about an answer
    Template.objects.create(
        event_type=EventType.ANSWERED,
        channel=Channel.SMS,
        audience=Audience.APPLICANT,
        body="Готов ответ по № {{ number }}: {{ short_link }}",
    )
    event = make_event(appeal, EventType.ANSWERED, actor=operator)

    # when / then it is used there, and nowhere else
    sms = render(event, channel=Channel.SMS, audience=Audience.APPLICANT).text
    ctx = context_for(event, Audience.APPLICANT)
    assert sms == f"Готов ответ по № {ctx['number']}: {ctx['short_link']}"
    staff_sms = render(event, channel=Channel.SMS, audience=Audience.STAFF).text
    assert staff_sms.startswith("Обращение № ")


def test_inactive_template_is_ignored(appeal, operator):
    Template.objects.create(
        event_type=EventType.ANSWERED,
        channel=Channel.SMS,
        audience=Audience.APPLICANT,
        body="Не то",
        is_active=False,
    )
    event = make_event(appeal, EventType.ANSWERED, actor=operator)

    assert render(event, channel=Channel.SMS, audience=Audience.APPLICANT).text != "Не то"


def test_custom_email_template_gets_an_escaped_html_alternative(appeal, operator):
    Template.objects.create(
        event_type=EventType.ANSWERED,
        channel=Channel.EMAIL,
        audience=Audience.APPLICANT,
        subject="Ответ по № {{ number }}",
        body="Тема: {{ subject }} <b>жирно</b>\n\nСсылка: {{ link }}",
    )
    event = make_event(appeal, EventType.ANSWERED, actor=operator)

    mail = render(event, channel=Channel.EMAIL, audience=Audience.APPLICANT)

    assert mail.subject.startswith("Ответ по № 26-")
    assert "<b>жирно</b>" in mail.text
    assert "&lt;b&gt;жирно&lt;/b&gt;" in mail.html
    assert "<b>жирно</b>" not in mail.html


def test_template_error_falls_back_to_the_default_and_logs(appeal, operator, caplog):
    # given a template whose filter fails when rendered (valid syntax, bad at run time)
    Template.objects.create(
        event_type=EventType.ANSWERED,
        channel=Channel.SMS,
        audience=Audience.APPLICANT,
        body="{{ number|date:'Y' }}{% widthratio 1 0 'x' %}",
    )
    event = make_event(appeal, EventType.ANSWERED, actor=operator)

    with caplog.at_level(logging.ERROR, logger="priemnaya.notifications.rendering"):
        sms = render(event, channel=Channel.SMS, audience=Audience.APPLICANT).text

    assert ": ответ готов. Подробнее: " in sms
    assert "не отрисовался" in caplog.text


@pytest.mark.parametrize(
    "source",
    [
        "{% load static %}",
        "{% include 'base.html' %}",
        "{% extends 'base.html' %}",
        "{% debug %}",
        "{% url 'web:home' %}",
    ],
)
def test_sandbox_refuses_tags_reaching_outside_the_context(source):
    from django.template import TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError):
        compile_template(source)


def test_sandbox_keeps_django_templates_elsewhere_intact(client, db):
    # The sandbox copies the built-in library; the site's own templates still have every tag.
    from django.template import engines

    rendered = engines["django"].from_string("{% load static %}{% static 'x.css' %}").render({})
    assert rendered == "/static/x.css"


def test_active_templates_are_read_once_per_interval(appeal, operator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    events = [make_event(appeal, EventType.COMMENTED, actor=operator) for _ in range(3)]

    with CaptureQueriesContext(connection) as queries:
        for event in events:
            render(event, channel=Channel.SMS, audience=Audience.APPLICANT)

    reads = [q["sql"] for q in queries.captured_queries if "notifications_template" in q["sql"]]
    assert len(reads) == 1


def test_saving_a_template_clears_the_cache(appeal, operator):
    event = make_event(appeal, EventType.ANSWERED, actor=operator)
    render(event, channel=Channel.PUSH, audience=Audience.APPLICANT)  # caches «no templates»

    template = Template.objects.create(
        event_type=EventType.ANSWERED,
        channel=Channel.PUSH,
        audience=Audience.APPLICANT,
        subject="Новое",
        body="Текст",
    )
    assert render(event, channel=Channel.PUSH, audience=Audience.APPLICANT).subject == "Новое"

    template.delete()
    assert render(event, channel=Channel.PUSH, audience=Audience.APPLICANT).subject == "Дан ответ"
