"""Issue 10 in the browser: a citizen picks two files, watches them upload, removes one, submits,
and downloads the other from the appeal page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from priemnaya.appeals.models import Appeal
from priemnaya.attachments.models import Attachment
from tests.attachments import samples
from tests.e2e.test_round_trip import sign_in

pytestmark = pytest.mark.e2e

PDF = samples.pdf("Справка о доходах")


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "attachments"), "base_url": None},
        },
    }


@pytest.mark.parametrize("width", [375])
def test_pick_upload_remove_submit_download(
    transactional_db, live_server, browser, shot, citizen, width, tmp_path
):
    base = live_server.url
    ctx = browser.new_context(
        viewport={"width": width, "height": 800}, locale="ru-RU", accept_downloads=True
    )
    page = ctx.new_page()
    sign_in(page, base, citizen.email)
    page.goto(base + "/cabinet/new/?theme=tech-login")
    page.get_by_label("Вид обращения").select_option("support")
    page.get_by_label("Кратко, о чём обращение").fill("Не открывается личный кабинет")
    page.get_by_label("Описание").fill("После входа страница пустая, скриншот и справка приложены.")

    # when: two files are chosen at once
    page.get_by_label("Приложить файлы (необязательно)").set_input_files(
        [
            {"name": "Справка о доходах.pdf", "mimeType": "application/pdf", "buffer": PDF},
            {"name": "скриншот.png", "mimeType": "image/png", "buffer": samples.png()},
        ]
    )
    # then: each uploads (its progress bar completes and gives way to «Удалить»)
    files = page.locator("[data-files-list] li")
    remove_pdf = page.get_by_role("button", name="Удалить файл «Справка о доходах.pdf»")
    remove_png = page.get_by_role("button", name="Удалить файл «скриншот.png»")
    expect(remove_pdf).to_be_visible()
    expect(remove_png).to_be_visible()
    expect(page.locator("[data-files-list] progress")).to_have_count(0)
    expect(files).to_have_count(2)
    assert Attachment.objects.filter(appeal__isnull=True).count() == 2
    shot(page, f"attachments-01-uploaded-{width}")

    # when: the screenshot is removed with the keyboard
    remove_png.focus()
    page.keyboard.press("Enter")
    # then: it is gone from the list and from the server, and the status says so
    expect(files).to_have_count(1)
    expect(page.locator("[data-files-status]")).to_have_text("Файл «скриншот.png» удалён.")
    assert not Attachment.objects.filter(name="скриншот.png").exists()

    # when: the form is sent
    page.get_by_role("button", name="Отправить обращение").click()
    page.wait_for_url(re.compile(r"/submitted/$"))
    appeal = Appeal.objects.get(subject="Не открывается личный кабинет")
    assert [a.name for a in appeal.attachments.all()] == ["Справка о доходах.pdf"]

    # then: the appeal page lists the file, and it downloads under its own name
    page.goto(f"{base}/cabinet/appeals/{appeal.number}/")
    link = page.get_by_test_id("attachments").get_by_role("link", name="Справка о доходах.pdf")
    expect(link).to_be_visible()
    shot(page, f"attachments-02-appeal-{width}")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "Справка о доходах.pdf"
    target = tmp_path / "downloaded.pdf"
    download.save_as(target)
    assert target.read_bytes() == PDF
    ctx.close()
