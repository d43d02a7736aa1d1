"""Open data in Chromium at 375 px, anonymous: from the footer to the summary, a period chosen
with the plain form, charts beside accessible tables, withheld cells marked (no JS needed)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_open_data_on_a_phone_without_an_account(transactional_db, live_server, browser, shot):
    from django.core.cache import cache

    from priemnaya.catalog.services import catalog_load_defaults
    from tests.opendata.factories_opendata import citizens, file_many, moment, settle

    catalog_load_defaults()
    cache.clear()
    people = citizens()
    file_many(6, moment(2026, 3, 10), people, theme="tech-login", region="77")
    file_many(2, moment(2026, 3, 11), people, theme="tech-sms", region="50")
    file_many(7, moment(2026, 3, 12), people, theme="tech-upload", region="78")
    settle()
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="ru-RU")
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    page.get_by_test_id("footer-open-data").click()
    expect(page).to_have_url(re.compile(r"/open-data/$"))
    expect(page.get_by_role("heading", name="Открытые данные об обращениях")).to_be_visible()
    page.get_by_label("С даты").fill("2026-03-01")
    page.get_by_label("По дату").fill("2026-03-31")
    page.get_by_role("button", name="Показать").click()
    expect(page).to_have_url(re.compile(r"from=2026-03-01"))
    totals = page.get_by_test_id("od-totals")
    expect(totals).to_contain_text("15")
    themes = page.get_by_test_id("od-section-theme")
    table = themes.get_by_role("table")
    expect(table.locator("caption")).to_contain_text("По темам обращений")
    expect(table.get_by_role("row", name=re.compile("Загрузка файлов"))).to_contain_text("7")
    expect(table.get_by_role("row", name=re.compile("Подтверждение по SMS"))).to_contain_text(
        "скрыто"
    )
    expect(themes.get_by_role("img", name=re.compile("доля ответов в срок"))).to_be_visible()
    regions = page.get_by_test_id("od-section-region").get_by_role("table")
    expect(regions).to_contain_text("Санкт-Петербург")
    shot(page, "open-data-375")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
