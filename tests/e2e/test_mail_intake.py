"""E-mail intake in Chromium: a letter sent over SMTP to the local mailbox becomes a request the
console shows, a reply to our answer joins it, and an auto-reply waits in «Почта» with why."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from priemnaya.appeals.models import Appeal
from tests.e2e.test_round_trip import sign_in
from tests.mail_intake.conftest import intake, letter, outgoing  # noqa: F401 — fixtures

pytestmark = pytest.mark.e2e


def test_a_letter_becomes_a_request_and_a_reply_joins_it(
    transactional_db,
    live_server,
    browser,
    shot,
    supervisor,
    intake,  # noqa: F811 — the fixture imported above
    outgoing,  # noqa: F811
):
    base = live_server.url
    # given: a citizen writes to the service's mailbox
    intake.send(letter(subject="Не приходит код подтверждения"))
    appeal = Appeal.objects.get()
    (answer,) = outgoing.deliver().to("ivanova@example.ru")
    assert appeal.display_number in answer["Subject"]

    # then: the request is in the console queue, marked as come by e-mail
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = ctx.new_page()
    sign_in(page, base, supervisor.email)
    page.goto(f"{base}/console/")
    row = page.get_by_role("row").filter(has_text="Не приходит код подтверждения")
    row.get_by_role("link", name=appeal.display_number).click()
    expect(page.get_by_test_id("appeal-number")).to_have_text(appeal.display_number)
    expect(page.locator("body")).to_contain_text("Электронная почта")
    expect(page.get_by_test_id("mail-request")).to_contain_text("547-ФЗ")
    shot(page, "mail-intake-request")

    # when: the citizen answers our letter (the mail client sets In-Reply-To)
    reply = letter(subject="Re: " + str(answer["Subject"]), text="Оператор связи — МТС.")
    reply["In-Reply-To"] = answer["Message-ID"]
    intake.send(reply)
    # then: the reply is on the appeal's page, and no second request was made
    page.reload()
    expect(page.locator("body")).to_contain_text("Оператор связи — МТС.")
    assert Appeal.objects.count() == 1
    shot(page, "mail-intake-reply-joined")

    # when: a vacation robot answers too — it waits in «Почта» with the reason
    intake.send(letter(subject="Я в отпуске", headers={"Auto-Submitted": "auto-replied"}))
    phone = browser.new_context(viewport={"width": 375, "height": 800}, locale="ru-RU")
    small = phone.new_page()
    sign_in(small, base, supervisor.email)
    small.goto(f"{base}/console/mail/")
    row = small.get_by_test_id("mail-list").get_by_role("row").filter(has_text="Я в отпуске")
    expect(row).to_contain_text("Auto-Submitted")
    assert small.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(small, "mail-intake-mailbox-375")
    row.get_by_role("link", name="Я в отпуске").click()
    expect(small.get_by_test_id("mail-state")).to_contain_text("Пропущено")
    shot(small, "mail-intake-letter-375")
    assert Appeal.objects.count() == 1
    ctx.close()
    phone.close()
