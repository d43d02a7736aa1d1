import pytest
from playwright.sync_api import expect

from tests.e2e.test_attachments import PDF, _storage  # noqa: F401
from tests.e2e.test_round_trip import sign_in

pytestmark = pytest.mark.e2e


def test_scratch(transactional_db, live_server, browser, shot, citizen, operator, in_progress):
    base = live_server.url
    ctx = browser.new_context(viewport={"width": 375, "height": 800}, locale="ru-RU")
    page = ctx.new_page()
    sign_in(page, base, citizen.email)
    page.goto(f"{base}/cabinet/new/")
    page.get_by_label("Приложить файлы (необязательно)").set_input_files(
        [
            {"name": "вирус.pdf", "mimeType": "application/pdf", "buffer": b"MZ" + b"\0" * 100},
            {"name": "Справка.pdf", "mimeType": "application/pdf", "buffer": PDF},
        ]
    )
    expect(page.get_by_role("button", name="Удалить файл «Справка.pdf»")).to_be_visible()
    expect(page.locator("#id_files_error")).to_contain_text("вирус.pdf")
    page.locator("#id_files_error").scroll_into_view_if_needed()
    page.screenshot(path="test-artifacts/e2e/scratch-refused-375.png")
    print(page.locator("#id_files").get_attribute("aria-describedby"))
    # no-JS-like server round: submit empty subject
    page.get_by_role("button", name="Отправить обращение").click()
    page.wait_for_load_state()
    li = page.locator("[data-files-list] li")
    expect(li).to_have_count(1)
    page.locator("[data-files]").scroll_into_view_if_needed()
    page.screenshot(path="test-artifacts/e2e/scratch-roundtrip-375.png")
    page.goto(f"{base}/cabinet/appeals/{in_progress.number}/")
    page.locator("summary", has_text="Добавить документы").click()
    page.locator("#id_add-documents-files").focus()
    page.screenshot(path="test-artifacts/e2e/scratch-add-docs-375.png", full_page=True)
    ctx2 = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    p2 = ctx2.new_page()
    sign_in(p2, base, operator.email)
    p2.goto(f"{base}/console/appeals/{in_progress.number}/")
    p2.locator("summary", has_text="Ответить").first.click()
    p2.locator("#id_answer-files").set_input_files(
        [{"name": "Ответ.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    expect(p2.get_by_role("button", name="Удалить файл «Ответ.pdf»")).to_be_visible()
    p2.keyboard.press("Tab")
    p2.get_by_role("button", name="Удалить файл «Ответ.pdf»").focus()
    p2.screenshot(path="test-artifacts/e2e/scratch-console-1280.png", full_page=True)
