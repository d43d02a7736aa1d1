"""Help before filing in the browser (issue 12 item 5): offers appear while typing, sending is
never blocked, and a text of two questions becomes two drafts on request."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from priemnaya.appeals.models import Appeal
from priemnaya.appeals.states import Status
from priemnaya.knowledge.models import Section
from priemnaya.knowledge.services import ArticleData, article_publish, article_save
from priemnaya.search import suggest
from tests import factories
from tests.e2e.test_round_trip import sign_in
from tests.search.suggest_corpus import corpus

pytestmark = pytest.mark.e2e

SMS = "Третий день не приходит смс с кодом подтверждения на телефон."
PAYMENT = "Оплата госпошлины не проходит картой, деньги списали дважды."


@pytest.fixture
def model(catalog):
    suggest._cached = None
    suggest.train(extra=corpus())
    yield
    suggest._cached = None


@pytest.fixture
def article(catalog):
    admin = factories.make_user("administrator")
    section = Section.objects.create(slug="vhod", title="Вход и учётная запись", order=1)
    data = ArticleData(
        title="Не приходит код из СМС",
        section=section,
        summary="Что делать, если код подтверждения не пришёл.",
        body="Проверьте номер телефона. Новый код можно запросить через минуту.",
        keywords="смс код подтверждения",
        themes=[],
        slug="ne-prihodit-kod",
    )
    return article_publish(actor=admin, article=article_save(actor=admin, data=data))


@pytest.mark.parametrize("width", [375])
def test_offers_while_typing_then_split_into_two_drafts(
    transactional_db, live_server, browser, shot, citizen, model, article, width
):
    earlier = factories.submit_appeal(citizen, subject="Нет СМС", text=SMS)
    base = live_server.url
    page = browser.new_context(viewport={"width": width, "height": 900}, locale="ru-RU").new_page()
    sign_in(page, base, citizen.email)
    page.goto(f"{base}/cabinet/new/")
    # with JS the round trip is not offered: the offers come while typing
    expect(page.get_by_role("button", name="Проверить по тексту")).to_be_hidden()
    page.get_by_label("Вид обращения").select_option("support")
    page.get_by_label("Тема").select_option("tech-sms")
    page.get_by_label("Кратко, о чём обращение").fill("Нет СМС и не проходит оплата")
    page.get_by_label("Описание").fill(f"{SMS}\n\n{PAYMENT}")

    offers = page.get_by_test_id("before-filing")
    expect(offers).to_be_visible()
    expect(offers.get_by_role("link", name=re.compile("Не приходит код из СМС"))).to_be_visible()
    expect(offers.get_by_test_id("similar-appeals")).to_contain_text(earlier.display_number)
    split = offers.get_by_role("button", name="Разделить на 2 черновика")
    expect(split).to_be_visible()
    shot(page, f"before-filing-{width}")

    split.click()
    page.wait_for_url(re.compile(r"/cabinet/drafts/\d+/$"))
    expect(page.get_by_text("Сохранено черновиков: 2")).to_be_visible()
    drafts = Appeal.objects.filter(applicant=citizen, status=Status.DRAFT).order_by("pk")
    assert [d.theme.code for d in drafts] == ["tech-sms", "services-payment"]
    assert page.get_by_label("Описание").input_value() == SMS


def test_sending_is_not_stopped_when_the_offers_were_shown_live(
    transactional_db, live_server, browser, citizen, model, article
):
    base = live_server.url
    page = browser.new_context(locale="ru-RU").new_page()
    sign_in(page, base, citizen.email)
    page.goto(f"{base}/cabinet/new/")
    page.get_by_label("Вид обращения").select_option("support")
    page.get_by_label("Тема").select_option("tech-sms")
    page.get_by_label("Кратко, о чём обращение").fill("Нет СМС")
    page.get_by_label("Описание").fill(SMS)
    expect(page.get_by_test_id("kb-articles")).to_be_visible()
    page.get_by_role("button", name="Отправить обращение").click()
    page.wait_for_url(re.compile(r"/submitted/$"))
    assert Appeal.objects.filter(applicant=citizen, status=Status.REGISTERED).count() == 1
