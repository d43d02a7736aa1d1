"""Chat rules: access, the bot citing articles, handover within and outside hours, rating."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from priemnaya.attachments.services import staged_sweep
from priemnaya.chat import selectors, services
from priemnaya.chat.models import Chat, ChatFile, Side, State
from priemnaya.core import clock
from priemnaya.core.errors import Conflict, NotFound, NotPermitted, ValidationFailed
from priemnaya.hotline.services import line_load_defaults
from tests import factories
from tests.attachments.samples import png

MSK = ZoneInfo("Europe/Moscow")
pytestmark = pytest.mark.django_db


def test_a_citizen_reaches_only_own_chat_and_a_visitor_only_their_sessions(citizen, other_citizen):
    mine = services.chat_start(user=citizen, visitor="")
    assert services.chat_for_person(chat_id=mine.pk, user=citizen, visitor="") == mine
    with pytest.raises(NotFound):
        services.chat_for_person(chat_id=mine.pk, user=other_citizen, visitor="")
    visitors = services.chat_start(user=None, visitor="token-a")
    assert services.chat_for_person(chat_id=visitors.pk, user=None, visitor="token-a")
    with pytest.raises(NotFound):
        services.chat_for_person(chat_id=visitors.pk, user=None, visitor="token-b")
    with pytest.raises(NotFound):  # a visitor's token never opens an account's chat
        services.chat_for_person(chat_id=mine.pk, user=None, visitor="")
    with pytest.raises(NotPermitted):
        services.chat_start(user=None, visitor="")
    # Starting again returns the open chat, greeted once by the bot.
    assert services.chat_start(user=citizen, visitor="") == mine
    assert [m.side for m in mine.messages.all()] == [Side.BOT]


def test_the_bot_answers_with_the_articles_it_cites(citizen, sms_article):
    chat = services.chat_start(user=citizen, visitor="")
    stored = services.message_post(
        chat=chat, side=Side.CITIZEN, author=citizen, text="Не приходит смс с кодом подтверждения"
    )
    question, answer = stored
    assert question.side == Side.CITIZEN
    assert answer.side == Side.BOT
    assert answer.articles == [sms_article.pk]
    assert "Не приходит код из СМС" in answer.text
    assert "/help/vhod/ne-prihodit-kod/" in answer.text
    stored = services.message_post(
        chat=chat, side=Side.CITIZEN, author=citizen, text="Где купить слона недорого"
    )
    assert stored[1].articles == []
    assert "Соединить с оператором" in stored[1].text


def test_bad_messages_are_refused_with_the_field(citizen):
    chat = services.chat_start(user=citizen, visitor="")
    with pytest.raises(ValidationFailed) as empty:
        services.message_post(chat=chat, side=Side.CITIZEN, author=citizen, text="   ")
    assert empty.value.field == "text"
    with pytest.raises(ValidationFailed) as long:
        services.message_post(chat=chat, side=Side.CITIZEN, author=citizen, text="я" * 4001)
    assert "4000" in long.value.message
    assert chat.messages.count() == 1


def test_files_go_through_the_attachments_rules_three_at_most(citizen):
    chat = services.chat_start(user=citizen, visitor="")
    files = [SimpleUploadedFile(f"скан{i}.png", png(), content_type="image/png") for i in range(4)]
    with pytest.raises(ValidationFailed) as many:
        services.message_post(chat=chat, side=Side.CITIZEN, author=citizen, text="", uploads=files)
    assert "не больше 3" in " ".join(many.value.errors["files"])
    disguised = SimpleUploadedFile("договор.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    with pytest.raises(ValidationFailed) as bad:
        services.message_post(
            chat=chat, side=Side.CITIZEN, author=citizen, text="", uploads=[disguised]
        )
    assert "договор.pdf" in bad.value.errors["files"][0]
    [message, _bot] = services.message_post(
        chat=chat, side=Side.CITIZEN, author=citizen, text="Скан", uploads=files[:3]
    )
    assert ChatFile.objects.filter(message=message).count() == 3
    # The sweep of staged files leaves chat files alone: they are bound to their message.
    from datetime import timedelta

    assert staged_sweep(timedelta(seconds=-60)) == 0
    assert ChatFile.objects.filter(message=message).count() == 3


def test_handover_goes_to_a_free_operator_within_hours(citizen, operator, always_open):
    chat = services.chat_start(user=citizen, visitor="")
    [waiting] = services.handover(chat=chat)
    chat.refresh_from_db()
    assert chat.state == State.WAITING
    assert "в очереди: 1" in waiting.text
    # An operator with the console open is free: the next chat goes straight to her.
    services.operator_connected(operator, 1)
    second = services.chat_start(user=factories.make_citizen(), visitor="")
    [joined] = services.handover(chat=second)
    second.refresh_from_db()
    assert second.state == State.OPERATOR
    assert second.operator == operator
    assert joined.text == "Оператор Мария подключился к чату."
    # The waiting one is taken from the queue; another operator may not take it then.
    taken, _ = services.chat_take(chat_id=chat.pk, operator=operator)
    assert taken.state == State.OPERATOR
    with pytest.raises(Conflict):
        services.chat_take(chat_id=chat.pk, operator=factories.make_operator())
    with pytest.raises(NotPermitted):
        services.chat_take(chat_id=chat.pk, operator=citizen)


def test_a_busy_operator_is_not_free(citizen, operator, always_open, settings):
    settings.PRIEMNAYA_CHAT_OPERATOR_MAX = 1
    services.operator_connected(operator, 1)
    first = services.chat_start(user=citizen, visitor="")
    services.handover(chat=first)
    second = services.chat_start(user=factories.make_citizen(), visitor="")
    services.handover(chat=second)
    second.refresh_from_db()
    assert second.state == State.WAITING
    services.operator_connected(operator, -1)
    third = services.chat_start(user=factories.make_citizen(), visitor="")
    services.handover(chat=third)
    third.refresh_from_db()
    assert third.state == State.WAITING  # no console open: nobody is free


def test_outside_hours_the_bot_says_when_operators_open_and_offers_an_appeal(citizen):
    line_load_defaults()  # 8 800 555-35-35: daily 08:00–22:00
    chat = services.chat_start(user=citizen, visitor="")
    with clock.travel_to(datetime(2026, 11, 25, 23, 30, tzinfo=MSK)):
        [said] = services.handover(chat=chat)
    chat.refresh_from_db()
    assert chat.state == State.BOT
    assert "Операторы откроются завтра в 08:00" in said.text
    assert "/cabinet/new/" in said.text
    with clock.travel_to(datetime(2026, 11, 25, 12, 0, tzinfo=MSK)):
        [said] = services.handover(chat=chat)
    chat.refresh_from_db()
    assert chat.state == State.WAITING


def test_only_the_chats_operator_replies_and_an_offline_citizen_gets_an_email(
    citizen, operator, always_open, django_capture_on_commit_callbacks
):
    chat = services.chat_start(user=citizen, visitor="")
    services.chat_take(chat_id=chat.pk, operator=operator)
    with pytest.raises(NotPermitted):
        services.message_post(
            chat=chat, side=Side.OPERATOR, author=factories.make_operator(), text="Я тоже тут"
        )
    chat.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(chat=chat, side=Side.OPERATOR, author=operator, text="Здравствуйте!")
        services.message_post(chat=chat, side=Side.OPERATOR, author=operator, text="Вы тут?")
    [notice] = mail.outbox  # one per absence, not one per message
    assert notice.subject == "Оператор ответил в чате"
    assert notice.to == [citizen.email]
    assert "/chat/" in notice.body
    services.citizen_connected(chat, 1)
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(chat=chat, side=Side.OPERATOR, author=operator, text="Ещё вопрос?")
    assert len(mail.outbox) == 1  # online: the reply reaches the page


def test_closing_and_rating_once_from_one_to_five(citizen):
    chat = services.chat_start(user=citizen, visitor="")
    with pytest.raises(Conflict):
        services.chat_rate(chat=chat, rating=5)
    [closing] = services.chat_close(chat=chat, side=Side.CITIZEN, actor=citizen)
    assert "Оцените" in closing.text
    with pytest.raises(Conflict):
        services.message_post(chat=chat, side=Side.CITIZEN, author=citizen, text="Ещё")
    for bad in (0, 6, "пять", None):
        with pytest.raises(ValidationFailed) as refused:
            services.chat_rate(chat=chat, rating=bad)
        assert refused.value.field == "rating"
    rated = services.chat_rate(chat=chat, rating="4", comment="Быстро ответили")
    assert (rated.rating, rated.rating_comment) == (4, "Быстро ответили")
    with pytest.raises(Conflict):
        services.chat_rate(chat=chat, rating=5)
    assert Chat.objects.get(pk=chat.pk).rating == 4


def test_read_marks_cover_the_other_sides_messages(citizen, operator, always_open):
    chat = services.chat_start(user=citizen, visitor="")
    services.chat_take(chat_id=chat.pk, operator=operator)
    chat.refresh_from_db()
    [asked] = services.message_post(chat=chat, side=Side.CITIZEN, author=citizen, text="Вопрос")
    [answered] = services.message_post(chat=chat, side=Side.OPERATOR, author=operator, text="Ответ")
    assert services.mark_read(chat=chat, reader=Side.OPERATOR, up_to=answered.pk) == 1
    asked.refresh_from_db()
    answered.refresh_from_db()
    assert asked.read_at is not None
    assert answered.read_at is None


def test_message_times_are_the_services_local_time(citizen):
    # Pages show «HH:MM» cut from this string: UTC there would read three hours early in Moscow.
    with clock.travel_to(datetime(2026, 11, 27, 15, 43, tzinfo=ZoneInfo("UTC"))):
        chat = services.chat_start(user=citizen, visitor="")
    (greeting,) = selectors.messages_payload(chat.messages.all())
    assert greeting["created_at"].startswith("2026-11-27T18:43")
    assert greeting["created_at"].endswith("+03:00")
