"""The analytics dashboard in the browser: a supervisor signs in, filters, reads the charts."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.analytics.lifecycle import relay_all, story
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def sign_in(page, base: str, login: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail или телефон").fill(login)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()


def test_a_supervisor_reads_the_dashboard(transactional_db, live_server, browser, shot, supervisor):
    story()
    relay_all()
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU").new_page()
    sign_in(page, base, supervisor.email)
    page.get_by_test_id("nav-analytics").click()
    expect(page.get_by_role("heading", name="Аналитика", level=1)).to_be_visible()
    page.get_by_label("С", exact=True).fill("2026-03-01")
    page.get_by_label("По", exact=True).fill("2026-03-31")
    page.get_by_role("button", name="Показать").click()
    expect(page.get_by_test_id("analytics-period")).to_contain_text("01.03.2026")
    cards = page.get_by_test_id("analytics-cards")
    expect(cards).to_contain_text("Обращений")
    expect(cards.locator(".an-card").first.locator("dd")).to_have_text("5")
    expect(page.locator("svg.an-svg").first).to_be_visible()
    expect(page.get_by_role("table", name="Обращений по ведомствам")).to_be_visible()
    shot(page, "analytics-01-supervisor")

    phone = browser.new_context(viewport={"width": 375, "height": 740}, locale="ru-RU").new_page()
    sign_in(phone, base, supervisor.email)
    phone.goto(f"{base}/console/analytics/?from=2026-03-01&to=2026-03-31")
    expect(phone.get_by_test_id("analytics-cards")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    shot(phone, "analytics-02-phone")
