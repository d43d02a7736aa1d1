"""A simulated call end to end in Chromium (issue 13): the CTI simulator rings the operator over
HTTP, the screen pops, the operator files a deferred request, the second line calls back."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from priemnaya.hotline.models import Call, CallOutcome, DeferredRequest, DeferredStatus
from priemnaya.hotline.simulator import hang_up, ring
from tests.e2e.test_answer_review import sign_in

pytestmark = pytest.mark.e2e
SECRET = "e2e-cti-secret"
QUESTION = "Почему не приходит код подтверждения на новый номер?"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_simulated_call_is_deferred_and_called_back(
    transactional_db, live_server, browser, shot, settings, operator, specialist, javascript
):
    from priemnaya.hotline.services import line_load_defaults

    line_load_defaults()
    settings.PRIEMNAYA_CTI_SECRET = SECRET
    base = live_server.url
    first = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="ru-RU", java_script_enabled=javascript
    )
    page = first.new_page()
    sign_in(page, base, operator.email)
    page.goto(f"{base}/console/")
    # the telephone exchange (the simulator) rings this operator through the signed webhook
    call_id, sent = ring(
        base, line="8 800 555-35-35", caller="8 916 123-45-67", agent=operator.email, secret=SECRET
    )
    assert [d.status for d in sent] == [200, 200], [d.body for d in sent]
    if javascript:
        # the screen pops on whatever console page the operator is on
        pop = page.get_by_test_id("screen-pop-link")
        expect(pop).to_be_visible()
        expect(page.get_by_test_id("screen-pop")).to_contain_text("+79161234567")
        shot(page, "hotline-01-screen-pop")
        pop.click()
    else:
        page.get_by_test_id("nav-calls").click()
        current = page.get_by_test_id("current-call")
        expect(current).to_contain_text("+79161234567")
        current.get_by_role("link", name="Открыть карточку звонка").click()
    expect(page.get_by_test_id("call-facts")).to_have_attribute("data-state", "talking")
    expect(page.get_by_test_id("caller-card")).to_contain_text("+79161234567")
    # the operator cannot answer at once: a deferred request for the second line
    page.locator("#action-defer summary").click()
    page.get_by_label("Вопрос для второго уровня").fill(QUESTION)
    page.locator("#id_defer-topic").select_option("tech-login")
    shot(page, "hotline-02-defer-form")
    page.get_by_role("button", name="Передать второму уровню").click()
    expect(page.get_by_test_id("call-outcome")).to_contain_text("отложенное обращение")
    expect(page.get_by_test_id("call-deferred")).to_contain_text("ждёт звонка")
    assert hang_up(base, call_id, 140, secret=SECRET).status == 200
    call = Call.objects.get(cti_id=call_id)
    assert (call.outcome, call.duration, call.topic.code) == (
        CallOutcome.DEFERRED,
        140,
        "tech-login",
    )
    first.close()

    # the second line, on a phone, takes the request and calls back
    second = browser.new_context(
        viewport={"width": 375, "height": 800}, locale="ru-RU", java_script_enabled=javascript
    )
    phone = second.new_page()
    sign_in(phone, base, specialist.email)
    phone.get_by_test_id("nav-callbacks").click()
    item = phone.get_by_test_id("callback").filter(has_text=QUESTION)
    expect(item).to_contain_text("+79161234567")
    item.get_by_role("button", name="Взять").click()
    item = phone.get_by_test_id("callback").filter(has_text=QUESTION)
    expect(item).to_have_attribute("data-status", "taken")
    item.get_by_label("Следующая попытка (для «Не дозвонился»)").fill("")
    item.get_by_role("button", name="Не дозвонился").click()
    expect(phone.get_by_text("Попытка записана.")).to_be_visible()
    item = phone.get_by_test_id("callback").filter(has_text=QUESTION)
    item.get_by_label("Что ответили (для «Перезвонил — решено»)").fill(
        "Перезвонил: код приходит после подтверждения нового номера, объяснил как."
    )
    shot(phone, "hotline-03-callback-375")
    item.get_by_role("button", name="Перезвонил — решено").click()
    expect(phone.get_by_text("вопрос решён")).to_be_visible()
    expect(phone.get_by_test_id("callback-empty")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    request = DeferredRequest.objects.get(call=call)
    assert (request.status, request.taken_by) == (DeferredStatus.DONE, specialist)
    assert [a.reached for a in request.attempts.order_by("id")] == [False, True]
    second.close()
