"""Live chat in Chromium (issue 13): a citizen with the bot and an operator, the console, the
appeal made from the chat and the rating — pages from the live server, WebSockets from the
project's ASGI app in uvicorn on another port (as the demo serves them from port + 1)."""

from __future__ import annotations

import copy

import pytest
from playwright.sync_api import expect

from priemnaya.appeals.models import Appeal
from priemnaya.chat.models import Chat, State
from tests import factories
from tests.chat.asgi_server import asgi_server
from tests.chat.conftest import open_around_the_clock, publish_sms_article
from tests.e2e.test_answer_review import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def websockets_beside(settings):
    """The ASGI server on its own port; pages told where it is, the CSP allowing it."""
    with asgi_server(host="localhost") as base:
        settings.PRIEMNAYA_WS_URL = f"{base}/ws/"
        policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
        policy["DIRECTIVES"]["connect-src"].append(base)
        settings.CONTENT_SECURITY_POLICY = policy
        yield base


@pytest.fixture
def always_open(settings):
    open_around_the_clock(settings)


@pytest.fixture
def sms_article(catalog):
    return publish_sms_article()


def test_citizen_talks_to_the_bot_and_an_operator_who_makes_an_appeal(
    transactional_db, live_server, browser, shot, websockets_beside, always_open, sms_article
):
    citizen = factories.make_citizen(full_name="Петрова Анна Игоревна")
    operator = factories.make_operator(full_name="Иванова Мария Петровна")
    base = live_server.url
    me = browser.new_context(viewport={"width": 375, "height": 800}, locale="ru-RU").new_page()
    sign_in(me, base, citizen.email)
    me.get_by_test_id("nav-chat").click()
    me.get_by_test_id("chat-start").click()
    expect(me.locator("[data-conn]")).to_contain_text("На связи")
    me.get_by_label("Сообщение").fill("Не приходит смс с кодом")
    me.get_by_test_id("chat-send").click()
    expect(me.get_by_role("link", name="Не приходит код из СМС")).to_be_visible()
    expect(me.get_by_label("Сообщение")).to_have_value("")
    shot(me, "chat-01-bot-375")

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU").new_page()
    sign_in(desk, base, operator.email)
    desk.goto(f"{base}/console/chat/")
    expect(desk.locator("[data-conn]")).to_contain_text("На связи")
    # «Соединить с оператором»: she has the console open, so the chat goes to her at once.
    me.get_by_test_id("chat-handover").click()
    expect(me.get_by_text("Оператор Мария подключился к чату.")).to_be_visible()
    panel = desk.get_by_test_id("chat-panel")
    expect(panel).to_contain_text("Петрова Анна Игоревна")
    expect(panel).to_contain_text("Не приходит смс с кодом")
    # Typing and the reply arrive live, without a reload.
    me.get_by_label("Сообщение").press_sequentially("Жду")
    expect(panel.locator("[data-typing]")).to_be_visible()
    panel.get_by_label("Ответ").fill("Проверьте номер телефона в профиле.")
    panel.get_by_test_id("chat-reply").click()
    expect(me.get_by_text("Проверьте номер телефона в профиле.")).to_be_visible()
    expect(panel.locator("[data-read]").last).to_be_visible()  # the citizen has read it
    shot(desk, "chat-02-console-1280")

    # «Создать обращение из чата»: the staff form, filled from the chat.
    panel.get_by_test_id("chat-to-appeal").click()
    expect(desk.locator("#id_applicant_name")).to_have_value("Петрова Анна Игоревна")
    desk.locator("#id_kind").select_option("complaint")
    desk.locator("#id_theme").select_option("tech-sms")
    desk.get_by_test_id("chat-appeal-submit").click()
    appeal = Appeal.objects.get()
    expect(
        desk.get_by_text(f"Обращение зарегистрировано: № {appeal.display_number}.")
    ).to_be_visible()
    expect(me.get_by_text(f"зарегистрировано обращение № {appeal.display_number}")).to_be_visible()

    # The operator ends the chat; the citizen rates it.
    desk.goto(f"{base}/console/chat/")
    desk.get_by_test_id("chat-panel").get_by_test_id("chat-close").click()
    expect(me.get_by_text("Оцените чат")).to_be_visible()
    me.get_by_label("5").check()
    me.get_by_test_id("chat-rate").click()
    expect(me.get_by_text("Спасибо за оценку!")).to_be_visible()
    shot(me, "chat-03-rated-375")
    chat = Chat.objects.get()
    assert (chat.state, chat.rating, chat.appeal) == (State.CLOSED, 5, appeal)


def test_the_chat_works_without_javascript(
    transactional_db, live_server, browser, always_open, sms_article
):
    page = browser.new_context(
        viewport={"width": 375, "height": 800}, locale="ru-RU", java_script_enabled=False
    ).new_page()
    page.goto(f"{live_server.url}/chat/")
    page.get_by_test_id("chat-start").click()
    page.get_by_label("Сообщение").fill("Не приходит смс с кодом")
    page.get_by_test_id("chat-send").click()
    expect(page.get_by_role("link", name="Не приходит код из СМС")).to_be_visible()
    page.get_by_test_id("chat-handover").click()
    expect(page.get_by_text("вы в очереди: 1")).to_be_visible()
    assert Chat.objects.get().state == State.WAITING
