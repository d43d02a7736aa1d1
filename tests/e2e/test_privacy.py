"""«Мои данные» in Chromium: download, a request about personal data and its extension, deletion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from priemnaya.accounts.models import User
from priemnaya.privacy.models import SubjectRequest
from tests.e2e.test_round_trip import sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def test_my_data_request_extension_and_deletion(
    transactional_db, live_server, browser, shot, citizen, supervisor
):
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU").new_page()
    sign_in(page, base, citizen.email)

    # the cabinet menu leads to «Мои данные»; the JSON is a download of one's own data
    page.get_by_role("link", name="Мои данные").click()
    page.wait_for_url(f"{base}/cabinet/privacy/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать всё (JSON)").click()
    doc = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert doc["account"]["email"] == citizen.email

    # a rectification without an explanation is refused, naming the field
    page.get_by_label("Уточнение персональных данных").check()
    page.get_by_role("button", name="Подать запрос").click()
    assert "Заполните поле." in page.locator("#id_text_error").inner_text()
    page.get_by_label("Пояснение").fill("Фамилия указана с ошибкой.")
    page.get_by_role("button", name="Подать запрос").click()
    expect(page.get_by_text("принят. Ответ — не позднее")).to_be_visible()
    request = SubjectRequest.objects.get()
    shot(page, "privacy-01-request-filed")

    # quality control extends it once; a second time there is nothing to press
    staff = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU").new_page()
    sign_in(staff, base, supervisor.email)
    staff.get_by_role("link", name="Персональные данные").click()
    staff.get_by_role("link", name=str(request.pk), exact=True).click()
    staff.get_by_label("Причина продления").fill("Нужна проверка архива.")
    staff.get_by_role("button", name="Продлить срок").click()
    expect(staff.get_by_text("Срок продлён до")).to_be_visible()
    assert staff.get_by_role("button", name="Продлить срок").count() == 0
    shot(staff, "privacy-02-extended")

    page.reload()
    expect(page.get_by_text("Нужна проверка архива.")).to_be_visible()
    # deletion: a wrong password is refused; the right one signs out for good
    page.get_by_role("link", name="Удалить учётную запись…").click()
    page.get_by_label("Пароль").fill("не-тот-пароль")
    page.get_by_label("Я понимаю").check()
    page.get_by_role("button", name="Удалить учётную запись").click()
    assert "Неверный пароль" in page.locator("#id_password_error").inner_text()
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_label("Я понимаю").check()
    page.get_by_role("button", name="Удалить учётную запись").click()
    expect(page.get_by_text("Учётная запись удалена")).to_be_visible()
    shot(page, "privacy-03-deleted")
    assert User.objects.get(pk=citizen.pk).anonymised_at is not None
    sign_in(page, base, citizen.email)
    assert "/accounts/login/" in page.url
