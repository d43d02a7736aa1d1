"""The contacts page in Chromium at 375 px: from the footer's link to the lines (no JS needed)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_open_the_contacts_from_the_footer_on_a_phone(transactional_db, live_server, browser, shot):
    from priemnaya.hotline.services import line_load_defaults

    line_load_defaults()  # a transactional test before this one may have flushed migration 0002
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="ru-RU")
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    page.get_by_test_id("footer-contacts").click()
    expect(page).to_have_url(re.compile(r"/contacts/$"))
    expect(page.get_by_role("heading", name="Контакты", exact=True)).to_be_visible()
    lines = page.get_by_test_id("line")
    expect(lines).to_have_count(5)
    main = lines.filter(has_text="Единый контакт-центр")
    expect(main.get_by_role("link", name="8 800 555-35-35")).to_have_attribute(
        "href", "tel:+78005553535"
    )
    # the live server's clock is the real one: either status, never none
    expect(main.get_by_test_id("line-status")).to_have_text(
        re.compile(r"^\s*(Работает сейчас, до 22:00|Откроется (сегодня|завтра) в 08:00)\s*$")
    )
    tech = lines.filter(has_text="Техническая поддержка")
    expect(tech.get_by_test_id("line-status")).to_contain_text("Работает круглосуточно")
    expect(main.get_by_role("table")).to_contain_text("Ежедневно")
    shot(page, "contacts-375")
    # no horizontal scrolling on a phone
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
