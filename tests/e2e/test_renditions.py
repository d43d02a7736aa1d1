"""A signed answer in Chromium: download the PDF and its signature, verify, then alter a byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.answers.conftest import issue_answer
from tests.e2e.test_round_trip import sign_in

pytestmark = pytest.mark.e2e


def test_download_and_verify_a_signed_answer(
    transactional_db, live_server, browser, shot, citizen, operator, tmp_path
):
    base = live_server.url
    issued = issue_answer(citizen, operator)
    page = browser.new_context(viewport={"width": 390, "height": 900}, locale="ru-RU").new_page()
    sign_in(page, base, citizen.email)
    page.goto(f"{base}/cabinet/appeals/{issued.appeal.number}/")
    links = page.get_by_test_id("answer-downloads")
    with page.expect_download() as pdf_download:
        links.get_by_role("link", name="PDF", exact=True).click()
    with page.expect_download() as sig_download:
        links.get_by_role("link", name="подпись к PDF").click()
    pdf = tmp_path / pdf_download.value.suggested_filename
    sig = tmp_path / sig_download.value.suggested_filename
    pdf_download.value.save_as(pdf)
    sig_download.value.save_as(sig)
    assert pdf.name == f"otvet-{issued.appeal.display_number}.pdf"
    assert sig.name == pdf.name + ".sig"
    shot(page, "renditions-01-downloads")

    # Anyone, signed in or not, checks it on the public page (linked from the footer).
    visitor = browser.new_context(viewport={"width": 390, "height": 900}, locale="ru-RU")
    check = visitor.new_page()
    check.goto(base + "/")
    check.get_by_role("link", name="Проверка подлинности ответа").click()
    check.get_by_label("Файл ответа (PDF, JSON или XML)").set_input_files(str(pdf))
    check.get_by_label("Файл подписи (.sig), если есть").set_input_files(str(sig))
    check.get_by_role("button", name="Проверить").click()
    verdict = check.get_by_test_id("verdict")
    assert "Подлинный" in verdict.get_by_test_id("verdict-authentic").inner_text()
    assert "Не изменён" in verdict.get_by_test_id("verdict-intact").inner_text()
    assert issued.appeal.display_number in verdict.inner_text()
    shot(check, "renditions-02-verified")

    altered = bytearray(Path(pdf).read_bytes())
    altered[len(altered) // 2] ^= 0x01
    bad = tmp_path / "altered.pdf"
    bad.write_bytes(bytes(altered))
    check.get_by_label("Файл ответа (PDF, JSON или XML)").set_input_files(str(bad))
    check.get_by_role("button", name="Проверить").click()
    assert "ИЗМЕНЁН" in check.get_by_test_id("verdict-intact").inner_text()
    shot(check, "renditions-03-altered")
