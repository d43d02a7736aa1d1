"""Choosing an answer template on the console appeal page, with and without JS (issue 12)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from priemnaya.accounts.roles import Role
from priemnaya.answers.canned import template_save
from priemnaya.appeals.models import Answer
from priemnaya.appeals.states import Status
from priemnaya.catalog.models import Theme
from tests import factories
from tests.e2e.test_answer_review import sign_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("width", [1280, 375])
def test_the_operator_chooses_a_template_edits_it_and_answers(
    transactional_db, live_server, browser, shot, citizen, operator, in_progress, javascript, width
):
    admin = factories.make_user(Role.ADMINISTRATOR)
    template_save(
        actor=admin,
        template=None,
        title="Вход восстановлен",
        body="Уважаемый(ая) {имя}! По обращению № {номер} доступ восстановлен.",
        themes=[Theme.objects.get(code=in_progress.theme.code)],
        kinds=[],
    )
    earlier = factories.submit_appeal(citizen, subject="Опять не войти")
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="ru-RU", java_script_enabled=javascript
    )
    page = context.new_page()
    sign_in(page, live_server.url, operator.email)
    page.goto(f"{live_server.url}/console/appeals/{in_progress.number}/")
    # the applicant's other appeal is listed
    assert earlier.display_number in page.get_by_test_id("earlier-appeals").inner_text()
    # when the operator chooses the template
    block = page.get_by_test_id("canned-responses")
    block.get_by_role("link", name="Вход восстановлен").click()
    page.wait_for_load_state()
    # then the answer form is open with the filled text, nothing sent
    text = page.get_by_label("Текст ответа")
    expect(text).to_be_visible()
    expected = f"По обращению № {in_progress.display_number} доступ восстановлен."
    assert expected in text.input_value()
    assert "{" not in text.input_value()
    assert not Answer.objects.filter(appeal=in_progress).exists()
    shot(page, f"canned-01-chosen-{width}-{'js' if javascript else 'nojs'}")
    # the operator edits before sending
    text.fill(text.input_value() + " Войдите снова.")
    page.locator("#id_answer-outcome").select_option("resolved")
    page.locator("#action-answer").get_by_role("button", name="Ответить").click()
    page.wait_for_load_state()
    in_progress.refresh_from_db()
    assert in_progress.status == Status.ANSWERED
    assert Answer.objects.get(appeal=in_progress).text.endswith(
        "доступ восстановлен. Войдите снова."
    )
