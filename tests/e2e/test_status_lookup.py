"""Status without an account in Chromium at 375 px: a caller registered by phone types the number,
gets a code by SMS (the dev outbox) and sees the status — never with the number alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from priemnaya.appeals import services
from tests import factories
from tests.security.identity_helpers import last_code

pytestmark = pytest.mark.e2e

PHONE = "+79161234567"


def test_a_phone_applicant_checks_the_status_with_the_number_and_a_code(
    transactional_db, live_server, browser, shot, operator, settings, tmp_path
):
    settings.VAR_DIR = tmp_path  # the live server's SMS land in tmp_path/outbox/sms
    # given: a call registered by an operator for a caller without an account
    data = factories.appeal_input(
        applicant_name="Сидоров Пётр Ильич", contact_email="", contact_phone=PHONE
    )
    appeal = services.appeal_submit(actor=operator, data=data, channel="phone")
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="ru-RU")
    page = context.new_page()

    # when: the number alone is typed on «Статус по номеру»
    page.goto(f"{live_server.url}/status/")
    page.get_by_label("Номер обращения").fill(appeal.display_number)
    page.get_by_role("button", name="Проверить").click()
    # then: nothing of the appeal, the offer of a code
    expect(page.get_by_role("heading", name="Подтвердите, что обращение ваше")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(appeal.subject)
    page.get_by_role("button", name="Получить код").click()
    expect(page.locator(".status-code .notice")).to_contain_text("+7 *** ***-45-67")
    shot(page, "status-lookup-code-sent-375")

    # when: the code from the SMS is typed
    page.get_by_label("Код из SMS или письма").fill(last_code(PHONE))
    page.get_by_role("button", name="Показать статус").click()

    # then: the applicant's words, the dates; no horizontal scrolling on a phone
    result = page.locator(".status-public")
    expect(result).to_contain_text(f"№ {appeal.display_number}")
    expect(result).to_contain_text("Получено")
    expect(result).to_contain_text("Срок ответа")
    shot(page, "status-lookup-status-375")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
