"""A new citizen registers in Chromium, types the SMS code from the dev outbox, confirms the
e-mail by its link and files a 59-FZ complaint (refused before the identity is confirmed)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from priemnaya.accounts.models import Consent, User
from priemnaya.appeals.models import Appeal
from tests.security.identity_helpers import last_code

pytestmark = pytest.mark.e2e
PASSWORD = "Vesna-2026-okno!"
LINK = re.compile(r"http://[^\s]+(/accounts/confirm-email/\d+/[^/\s]+/)")


def test_register_confirm_and_file_a_complaint(
    transactional_db, live_server, browser, shot, catalog, settings, tmp_path
):
    settings.VAR_DIR = tmp_path  # the live server's SMS land in tmp_path/outbox/sms
    base = live_server.url
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = ctx.new_page()

    # given: the registration form, filled in with a look-alike e-mail first
    page.goto(base + "/accounts/register/")
    page.get_by_label("Фамилия, имя, отчество").fill("Новикова Анна Сергеевна")
    page.get_by_label("Электронная почта").fill("аnna@example.ru")  # Cyrillic «а»
    page.get_by_label("Телефон").fill("8 916 123-45-67")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_label("Пароль ещё раз").fill(PASSWORD)
    page.get_by_label("Я даю согласие на обработку персональных данных").check()
    shot(page, "identity-01-register-form")
    page.get_by_role("button", name="Зарегистрироваться").click()
    assert "разных алфавитов" in page.locator("#id_email_error").inner_text()
    shot(page, "identity-02-lookalike-refused")

    # when: the address is typed again in one alphabet
    page.get_by_label("Электронная почта").fill("anna@example.ru")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_label("Пароль ещё раз").fill(PASSWORD)
    page.get_by_role("button", name="Зарегистрироваться").click()

    # then: «Введите код из SMS», not signed in yet
    page.wait_for_url(re.compile(r"/accounts/register/confirm/$"))
    expect(page.get_by_role("heading", name="Введите код из SMS")).to_be_visible()
    assert "+7 916 ***-**-67" in page.content()
    shot(page, "identity-03-enter-code")
    user = User.objects.get(phone="+79161234567")
    assert user.phone_confirmed_at is None
    assert Consent.objects.filter(user=user).exists()

    # a wrong code first, then the one from the dev outbox
    page.get_by_label("Код из SMS").fill("000000" if last_code(user.phone) != "000000" else "1")
    page.get_by_role("button", name="Подтвердить").click()
    # is_visible() does not wait: the refusal comes on the page the press loads
    expect(page.locator("#id_code_error")).to_be_visible()
    shot(page, "identity-04-wrong-code")
    page.get_by_label("Код из SMS").fill(last_code(user.phone))
    page.get_by_role("button", name="Подтвердить").click()

    # then: in the cabinet, with the banner (the e-mail is not confirmed yet)
    page.wait_for_url(re.compile(r"/cabinet/$"))
    expect(page.get_by_test_id("identity-banner")).to_be_visible()
    shot(page, "identity-05-cabinet-banner")

    # a complaint (59-FZ) is refused on the kind field, with the way to confirm
    page.goto(base + "/cabinet/new/?theme=tech-login")
    page.get_by_label("Вид обращения").select_option("complaint")
    page.get_by_label("Кратко, о чём обращение").fill("Не приходит SMS с кодом")
    page.get_by_label("Описание").fill("Код подтверждения по SMS не приходит уже второй день.")
    page.get_by_role("button", name="Отправить обращение").click()
    assert "после подтверждения личности" in page.locator("#id_kind_error").inner_text()
    shot(page, "identity-06-complaint-refused")
    assert not Appeal.objects.exists()

    # the e-mail link: the page asks for a press, then confirms
    path = LINK.search(mail.outbox[-1].body).group(1)
    page.goto(base + path)
    shot(page, "identity-07-email-link")
    page.get_by_role("button", name="Подтвердить адрес").click()
    # the press posts a form: wait for the answer page rather than look at the one being left
    expect(page.get_by_text("Адрес электронной почты подтверждён.")).to_be_visible()
    page.get_by_role("link", name="В личный кабинет").click()
    page.wait_for_url(re.compile(r"/cabinet/$"))
    assert page.get_by_test_id("identity-banner").count() == 0

    # when: the complaint is filed again
    page.goto(base + "/cabinet/new/?theme=tech-login")
    page.get_by_label("Вид обращения").select_option("complaint")
    page.get_by_label("Кратко, о чём обращение").fill("Не приходит SMS с кодом")
    page.get_by_label("Описание").fill("Код подтверждения по SMS не приходит уже второй день.")
    page.get_by_role("button", name="Отправить обращение").click()

    # then: it is registered as a 59-FZ appeal
    page.wait_for_url(re.compile(r"/submitted/$"))
    shot(page, "identity-08-complaint-submitted")
    appeal = Appeal.objects.get()
    assert appeal.kind.code == "complaint"
    assert appeal.regime == "fz59"
    assert appeal.applicant == user
    ctx.close()
