"""The complaint guide in Chromium: choose the authority, edit the demand, preview, download PDF."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.test_round_trip import sign_in

pytestmark = pytest.mark.e2e

DEMAND = "Провести проверку и обязать дать ответ по существу."


def test_the_complaint_guide_builds_a_pdf(
    transactional_db, live_server, browser, shot, answered, citizen
):
    base = live_server.url
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="ru-RU", accept_downloads=True
    )
    page = context.new_page()
    sign_in(page, base, citizen.email)
    page.goto(f"{base}/cabinet/appeals/{answered.number}/")
    page.get_by_role("link", name="Подать жалобу в вышестоящий орган").click()
    expect(page.get_by_test_id("complaint-step")).to_contain_text("Шаг 1 из 3")

    # step 1: nothing chosen is refused, naming the field (the form is novalidate)
    page.get_by_role("button", name="Далее").click()
    expect(page.locator("#id_authority_error")).to_contain_text("Выберите орган")
    page.get_by_label("Прокуратура").check()
    page.get_by_role("button", name="Далее").click()

    # step 2: the suggestion names the appeal; the citizen writes their own demand
    demand = page.get_by_label("Требование")
    assert answered.display_number in demand.input_value()
    demand.fill(DEMAND)
    page.get_by_role("button", name="Показать жалобу").click()

    # step 3: the preview and the PDF
    preview = page.get_by_test_id("complaint-preview")
    expect(preview).to_contain_text("В Генеральную прокуратуру Российской Федерации")
    expect(page.get_by_test_id("complaint-demand")).to_have_text(DEMAND)
    shot(page, "complaint-01-preview")
    with page.expect_download() as download:
        page.get_by_role("button", name="Жалоба (PDF)").click()
    assert download.value.suggested_filename == f"Жалоба по обращению {answered.display_number}.pdf"
    data = Path(download.value.path()).read_bytes()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert DEMAND in text
    assert f"№ {answered.display_number}" in text
