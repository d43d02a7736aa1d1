"""The head's review in the browser: send to review, return with remarks, resubmit, approve."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from priemnaya.appeals.models import Appeal
from priemnaya.appeals.states import Status
from priemnaya.catalog.models import Policy
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def sign_in(page, base: str, login: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail или телефон").fill(login)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()


def test_answer_goes_through_the_heads_review(
    transactional_db, live_server, browser, shot, citizen, operator, head, in_progress
):
    Policy.objects.filter(pk=in_progress.policy_id).update(answer_review=True)
    base, number = live_server.url, in_progress.number
    url = f"{base}/console/appeals/{number}/"
    # the executor sends the answer to review
    executor = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = executor.new_page()
    sign_in(page, base, operator.email)
    page.goto(url)
    page.locator("summary", has_text="Направить на проверку руководителю").click()
    page.locator("#id_answer-outcome").select_option("resolved")
    page.get_by_label("Текст ответа").fill("Доступ восстановлен, войдите снова.")
    shot(page, "review-01-executor-form")
    page.get_by_role("button", name="Направить на проверку руководителю").click()
    expect(page.get_by_text("Ответ направлен на проверку руководителю.")).to_be_visible()
    assert page.get_by_test_id("answer-draft").get_attribute("data-state") == "pending"
    shot(page, "review-02-executor-pending")

    # the head finds it in «Ответы на проверке» and returns it with remarks
    boss_ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    boss = boss_ctx.new_page()
    sign_in(boss, base, head.email)
    boss.get_by_test_id("nav-answer-reviews").click()
    shot(boss, "review-03-head-queue")
    boss.get_by_role("link", name=in_progress.display_number).click()
    boss.locator("summary", has_text="Вернуть на доработку").click()
    boss.get_by_label("Что доработать (увидит исполнитель)").fill("Укажите, когда восстановлен.")
    shot(boss, "review-04-head-decision")
    boss.get_by_test_id("review-return").click()
    expect(boss.get_by_text("Ответ возвращён исполнителю на доработку.")).to_be_visible()

    # the author reads the remarks, revises the pre-filled text and sends it again
    page.goto(url)
    assert "Укажите, когда восстановлен." in page.get_by_test_id("draft-remarks").inner_text()
    page.locator("summary", has_text="Направить на проверку руководителю").click()
    text = page.get_by_label("Текст ответа")
    assert text.input_value() == "Доступ восстановлен, войдите снова."
    shot(page, "review-05-executor-returned")
    text.fill("Доступ восстановлен 12.03 в 10:00, войдите снова.")
    page.get_by_role("button", name="Направить на проверку руководителю").click()

    # the head approves: the answer is issued
    boss.goto(url)
    boss.locator("summary", has_text="Утвердить и выдать").click()
    boss.get_by_test_id("review-approve").click()
    expect(boss.get_by_text("Ответ утверждён и выдан заявителю.")).to_be_visible()
    assert Appeal.objects.get().status == Status.ANSWERED

    # the applicant reads the answer with its executor (the author), on a phone-size screen too
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="ru-RU").new_page()
    sign_in(phone, base, citizen.email)
    phone.goto(f"{base}/cabinet/appeals/{number}/")
    assert operator.full_name in phone.get_by_test_id("answer-executor").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    shot(phone, "review-06-citizen-answer-phone")
    executor.close()
    boss_ctx.close()
