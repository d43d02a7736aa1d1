"""The theme suggestion while typing (issue 12 item 7): shown live, chosen only by a click."""

from __future__ import annotations

import pytest

from priemnaya.search import suggest
from tests.e2e.test_round_trip import sign_in
from tests.search.suggest_corpus import corpus

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [1280, 375])
def test_live_suggestion_is_chosen_only_by_a_click(
    transactional_db, live_server, browser, shot, citizen, width
):
    suggest._cached = None
    suggest.train(extra=corpus())
    base = live_server.url
    page = browser.new_context(viewport={"width": width, "height": 900}, locale="ru-RU").new_page()
    sign_in(page, base, citizen.email)
    page.goto(f"{base}/cabinet/new/")
    page.select_option("#id_theme", "tech-login")
    # with JS the server round trip is not offered: the suggestion comes while typing
    assert not page.get_by_role("button", name="Проверить по тексту").is_visible()
    page.fill("#id_text", "Не приходит смс с кодом подтверждения на телефон, помогите")
    note = page.get_by_test_id("theme-suggestion")
    note.wait_for(state="visible")
    assert "Подтверждение по SMS" in note.inner_text()
    assert page.locator("#id_theme").input_value() == "tech-login"  # not changed by itself
    shot(page, f"theme-suggest-{width}")
    page.get_by_role("button", name="Выбрать «Подтверждение по SMS»").click()
    assert page.locator("#id_theme").input_value() == "tech-sms"
    assert page.locator("#id_text").input_value().startswith("Не приходит смс")
    assert not note.is_visible()
    suggest._cached = None
