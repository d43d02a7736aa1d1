"""Verification of a signed answer (issue 10, item 5): POST /api/v1/verify and the /verify/ page."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from priemnaya.answers.models import Rendition
from priemnaya.answers.renditions import rendition_get
from priemnaya.answers.signing import key_generate, sign
from priemnaya.answers.verification import MAX_FILE
from tests.answers.conftest import APPLICANT, EXECUTOR, SUBJECT


def _post(files: dict[str, bytes]):
    uploads = {name: SimpleUploadedFile(f"{name}.bin", data) for name, data in files.items()}
    return Client().post("/api/v1/verify", uploads)


def _flip(data: bytes, at: int | None = None) -> bytes:
    altered = bytearray(data)
    altered[len(altered) // 2 if at is None else at] ^= 0x01
    return bytes(altered)


def _flip_text(stored: Rendition) -> bytes:
    """One byte changed in the answer's text (where the code is not)."""
    data = bytes(stored.content)
    if stored.format == "pdf":
        return _flip(data)
    at = data.index("восстановлен".encode())
    return _flip(data, at + 1)


@pytest.mark.parametrize("fmt", ["pdf", "json", "xml"])
def test_a_rendition_with_its_signature_is_authentic_and_intact(issued, fmt):
    stored = rendition_get(issued.answer, fmt)
    response = _post({"file": bytes(stored.content), "signature": stored.signature.encode()})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["authentic"] is True
    assert body["intact"] is True
    assert body["number"] == issued.appeal.display_number
    assert body["issued_at"].startswith(issued.answer.issued_at.date().isoformat()[:4])
    assert body["issuer"] == {
        "department": issued.appeal.department.name,
        "executor": EXECUTOR,
        "position": "Главный специалист",
    }
    assert (body["algorithm"], body["key_id"]) == (stored.algorithm, stored.key_id)
    assert body["format"] == fmt
    # What the public answer never holds: the applicant's personal data.
    assert APPLICANT not in response.content.decode()


@pytest.mark.parametrize("fmt", ["pdf", "json", "xml"])
def test_one_flipped_byte_is_seen_as_altered_with_and_without_the_signature(issued, fmt):
    stored = rendition_get(issued.answer, fmt)
    altered = _flip_text(stored)
    with_sig = _post({"file": altered, "signature": stored.signature.encode()}).json()
    assert with_sig["authentic"] is True
    assert with_sig["intact"] is False
    assert "изменён" in with_sig["reason"]
    by_code = _post({"file": altered}).json()
    assert by_code["authentic"] is True  # the code in it names an answer we issued
    assert by_code["intact"] is False
    assert "изменён" in by_code["reason"]
    assert by_code["number"] == issued.appeal.display_number


@pytest.mark.parametrize("fmt", ["pdf", "json", "xml"])
def test_a_rendition_alone_is_verified_by_the_code_it_carries(issued, fmt):
    stored = rendition_get(issued.answer, fmt)
    body = _post({"file": bytes(stored.content)}).json()
    assert (body["authentic"], body["intact"]) == (True, True)
    assert body["format"] == fmt
    assert body["key_id"] == stored.key_id


def test_the_signature_may_come_as_a_plain_form_field(issued):
    stored = rendition_get(issued.answer, "pdf")
    upload = SimpleUploadedFile("otvet.pdf", _flip(bytes(stored.content)))
    body = Client().post("/api/v1/verify", {"file": upload, "signature": stored.signature}).json()
    assert (body["authentic"], body["intact"]) == (True, False)


def test_a_signature_by_another_key_is_not_authentic(issued):
    stored = rendition_get(issued.answer, "json")
    forged = sign(bytes(stored.content), key_generate())
    body = _post({"file": bytes(stored.content), "signature": forged.as_json().encode()}).json()
    assert body["authentic"] is False
    assert body["intact"] is False
    assert body["number"] is None
    assert body["issuer"] is None
    assert "не ключом службы" in body["reason"]


def test_a_file_we_never_issued_is_not_authentic(issued):
    document = json.dumps({"verification": {"code": "ABCD-EFGH-JKMN"}}).encode()
    body = _post({"file": document}).json()
    assert (body["authentic"], body["intact"], body["number"]) == (False, False, None)
    body = _post({"file": b"just some text"}).json()
    assert body["authentic"] is False
    assert body["reason"]


def test_gost_signed_renditions_verify_end_to_end(issued, gost_key):
    stored = rendition_get(issued.answer, "xml")
    assert stored.algorithm == "gost2012-256"
    body = _post({"file": bytes(stored.content), "signature": stored.signature.encode()}).json()
    assert (body["authentic"], body["intact"], body["algorithm"]) == (True, True, "gost2012-256")
    body = _post({"file": _flip_text(stored), "signature": stored.signature.encode()}).json()
    assert (body["authentic"], body["intact"]) == (True, False)


def _errors(response) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def test_bad_input_is_422_naming_the_field(issued):
    stored = rendition_get(issued.answer, "pdf")
    assert "file" in _errors(Client().post("/api/v1/verify", {}))
    assert "file" in _errors(_post({"file": b""}))
    assert "file" in _errors(_post({"file": b"x" * (MAX_FILE + 1)}))
    garbage = _post({"file": bytes(stored.content), "signature": b"not a signature"})
    assert "signature" in _errors(garbage)
    assert "signature" in _errors(_post({"file": bytes(stored.content), "signature": b""}))


def test_verify_is_public_and_csrf_exempt(issued):
    stored = rendition_get(issued.answer, "pdf")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/verify", {"file": SimpleUploadedFile("otvet.pdf", bytes(stored.content))}
    )
    assert response.status_code == 200
    assert response.json()["intact"] is True


def test_the_page_shows_authentic_and_intact_in_words(issued):
    stored = rendition_get(issued.answer, "pdf")
    client = Client()
    assert "Проверка подлинности" in client.get("/verify/").content.decode()
    good = client.post(
        "/verify/",
        {
            "file": SimpleUploadedFile("otvet.pdf", bytes(stored.content)),
            "signature": SimpleUploadedFile("otvet.pdf.sig", stored.signature.encode()),
        },
    )
    page = good.content.decode()
    assert good.status_code == 200
    assert "Подлинный" in page
    assert "Не изменён" in page
    assert issued.appeal.display_number in page
    assert EXECUTOR in page
    altered = client.post(
        "/verify/", {"file": SimpleUploadedFile("otvet.pdf", _flip(bytes(stored.content)))}
    )
    page = altered.content.decode()
    assert "ИЗМЕНЁН" in page
    assert "Не изменён" not in page
    missing = client.post("/verify/", {})
    assert missing.status_code == 400
    assert "Выберите файл ответа." in missing.content.decode()


def test_the_page_form_is_csrf_protected(issued):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/verify/", {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")})
    assert response.status_code == 403


def test_a_code_shows_what_it_refers_to_without_personal_data(issued):
    renditions = {fmt: rendition_get(issued.answer, fmt) for fmt in ("pdf", "json", "xml")}
    code = renditions["pdf"].code
    response = Client().get("/verify/", {"code": code.lower().replace("-", " ")})
    page = response.content.decode()
    assert response.status_code == 200
    assert issued.appeal.display_number in page
    assert EXECUTOR in page
    for stored in renditions.values():
        assert stored.sha256 in page
    assert APPLICANT not in page
    assert SUBJECT not in page
    unknown = Client().get("/verify/", {"code": "ABCD-EFGH-JKMN"})
    assert unknown.status_code == 404
    assert "не выдавала" in unknown.content.decode()


def test_the_footer_links_the_verification_page(db):
    assert 'href="/verify/"' in Client().get("/").content.decode()
