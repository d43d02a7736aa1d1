"""The help in Chromium: search from /help/, open the article, answer «Да» (no JS needed)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

# The knowledge base's fixtures: an administrator, a section and a published article.
from tests.knowledge.conftest import administrator, section, write  # noqa: F401

pytestmark = pytest.mark.e2e


@pytest.fixture
def article(write):  # noqa: F811 — the imported fixture
    return write(
        "Не приходит код из СМС",
        "Проверьте номер телефона и память устройства. Новый код — через минуту.",
        keywords="смс код",
        slug="ne-prihodit-kod",
    )


@pytest.mark.parametrize("width", [375, 1280])
def test_search_open_the_article_and_say_it_helped(
    transactional_db, live_server, browser, shot, article, width
):
    base = live_server.url
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ru-RU")
    page = context.new_page()
    page.goto(f"{base}/")
    page.get_by_test_id("nav-help").click()
    expect(page.get_by_role("heading", name="Помощь", exact=True)).to_be_visible()
    page.get_by_label("Поиск по справке").fill("не приходят коды")
    page.get_by_role("button", name="Найти").click()
    results = page.get_by_test_id("kb-results")
    expect(results.locator("mark").first).to_be_visible()
    shot(page, f"help-search-{width}")
    results.get_by_role("link", name=article.title).click()
    expect(page.get_by_test_id("kb-body")).to_contain_text("Проверьте номер телефона")
    page.get_by_test_id("kb-yes").click()
    expect(page.get_by_test_id("kb-thanks")).to_contain_text("Спасибо")
    shot(page, f"help-article-{width}")
    # no horizontal scrolling on a phone
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    article.refresh_from_db()
    assert article.helpful_yes == 1
    context.close()
