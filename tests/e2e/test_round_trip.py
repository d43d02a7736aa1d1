"""A citizen files an appeal, an operator takes and answers it, the citizen reads the answer."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from priemnaya.appeals.models import Appeal
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def sign_in(page, base: str, login: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail или телефон").fill(login)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()


def test_round_trip_through_the_pages(
    transactional_db, live_server, browser, shot, citizen, operator
):
    base = live_server.url
    # given: a citizen in the cabinet
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = ctx.new_page()
    page.goto(base + "/")
    shot(page, "01-home")
    sign_in(page, base, citizen.email)
    assert page.url.endswith("/cabinet/")
    shot(page, "02-cabinet-empty")

    # when: the citizen files an appeal; an empty subject is refused first, in Russian
    page.goto(base + "/cabinet/new/?theme=tech-login")
    assert "Способ входа" in page.get_by_label("Описание").input_value()
    page.get_by_label("Вид обращения").select_option("support")
    page.get_by_role("button", name="Отправить обращение").click()
    assert page.locator("#id_subject_error").inner_text() == "Укажите, о чём обращение."
    # the error summary opens the form and has the focus; its link leads to the field
    summary = page.get_by_role("alert").filter(has_text="Исправьте ошибки")
    assert summary.evaluate("node => node === document.activeElement")
    summary.get_by_role("link", name="Укажите, о чём обращение.").click()
    assert page.url.endswith("#id_subject")
    shot(page, "03-form-errors")
    page.get_by_label("Кратко, о чём обращение").fill("Не приходит SMS с кодом")
    page.get_by_label("Описание").fill("Код подтверждения по SMS не приходит уже второй день.")
    page.get_by_role("button", name="Отправить обращение").click()

    # then: a confirmation with number, date-time and status
    page.wait_for_url(re.compile(r"/submitted/(#id_subject)?$"))  # the browser keeps the anchor
    number = page.get_by_test_id("appeal-number").inner_text()
    assert re.fullmatch(r"\d{2}-\d{7}-\d", number)
    expect(page.get_by_text("Получено").first).to_be_visible()
    shot(page, "04-submitted")
    appeal = Appeal.objects.get()
    assert appeal.display_number == number

    # when: an operator takes it and answers
    staff_ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    staff = staff_ctx.new_page()
    sign_in(staff, base, operator.email)
    assert staff.url.endswith("/console/")
    shot(staff, "05-console-queue")
    staff.get_by_role("link", name=number).click()
    staff.get_by_role("button", name="Взять в работу").click()
    expect(staff.get_by_text("Обращение взято в работу.")).to_be_visible()
    staff.locator("summary", has_text="Ответить").click()
    staff.locator("#id_answer-outcome").select_option("resolved")
    staff.get_by_label("Текст ответа").fill(
        "Мы перезапустили отправку SMS, код придёт в течение минуты."
    )
    shot(staff, "06-console-answer-form")
    staff.get_by_role("button", name="Ответить").click()
    expect(staff.get_by_text("Ответ выдан заявителю.")).to_be_visible()
    shot(staff, "07-console-answered")

    # then: the citizen sees the answer and closes the appeal
    page.goto(f"{base}/cabinet/appeals/{appeal.number}/")
    assert "перезапустили отправку SMS" in page.get_by_test_id("answer-text").inner_text()
    shot(page, "08-citizen-answer")
    page.get_by_role("button", name="Завершить — вопрос решён").click()
    expect(page.get_by_text("Обращение завершено. Спасибо!")).to_be_visible()
    appeal.refresh_from_db()
    assert appeal.status == "closed"
    shot(page, "09-citizen-closed")

    # and the pages fit a phone screen without sideways scrolling
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="ru-RU").new_page()
    sign_in(phone, base, citizen.email)
    phone.goto(f"{base}/cabinet/appeals/{appeal.number}/")
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    shot(phone, "10-phone-detail")
    ctx.close()
    staff_ctx.close()


def test_form_works_without_javascript(transactional_db, live_server, browser, shot, citizen):
    ctx = browser.new_context(java_script_enabled=False, locale="ru-RU")
    page = ctx.new_page()
    sign_in(page, live_server.url, citizen.email)
    page.goto(live_server.url + "/cabinet/new/?theme=tech-sms")
    page.get_by_label("Вид обращения").select_option("support")
    page.get_by_label("Кратко, о чём обращение").fill("Без JavaScript")
    page.get_by_role("button", name="Отправить обращение").click()
    page.wait_for_url(re.compile(r"/submitted/$"))
    assert Appeal.objects.get().subject == "Без JavaScript"
    shot(page, "11-no-js-submitted")
    ctx.close()
