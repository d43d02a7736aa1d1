"""Renditions of an issued answer (issue 10, item 3): PDF, JSON, XML, schemas, codes, signatures."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess

import jsonschema
import pytest
import xmlschema
from pypdf import PdfReader

from priemnaya.answers.models import Rendition
from priemnaya.answers.renditions import (
    CODE_ALPHABET,
    JSON_SCHEMA,
    XSD,
    SigningUnavailable,
    code_normalize,
    render,
    rendition_get,
    renditions_issue,
)
from priemnaya.answers.signing import GOST, Signature, key_generate, keys_load, verify
from priemnaya.appeals import outbox
from priemnaya.appeals.models import Answer
from tests.answers.conftest import ANSWER_TEXT, APPLICANT, EXECUTOR, SUBJECT, issue_answer

CODE = re.compile(r"^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$")


def _renditions(answer: Answer) -> dict[str, Rendition]:
    return {r.format: r for r in renditions_issue(answer)}


def test_the_json_rendition_fits_the_shipped_json_schema_and_the_schema_is_strict(issued):
    content = bytes(_renditions(issued.answer)["json"].content)
    schema = json.loads(JSON_SCHEMA.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    validator = jsonschema.Draft202012Validator(schema)
    data = json.loads(content.decode("utf-8"))
    validator.validate(data)
    # Canonical: sorted keys, UTF-8 (not \u escapes), compact.
    assert (
        content
        == (
            json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
        ).encode()
    )
    assert data["appeal"]["applicant_name"] == APPLICANT
    assert data["answer"]["executor"] == {
        "name": EXECUTOR,
        "position": "Главный специалист",
        "work_phone": "+74951234567",
    }
    assert data["answer"]["files"] == [
        {"name": "Справка о восстановлении доступа.pdf", "size": 2048, "sha256": "ab" * 32}
    ]
    assert data["answer"]["outcome_label"] == "Выполнено"
    assert data["answer"]["result_code"] == issued.answer.result_code
    # The schema rejects what is not an answer of ours.
    broken = json.loads(content)
    del broken["answer"]["text"]
    assert not validator.is_valid(broken)
    broken = json.loads(content)
    broken["verification"]["code"] = "0000-1111-OOOO"
    assert not validator.is_valid(broken)


def test_the_xml_rendition_fits_the_shipped_xsd_and_the_xsd_is_strict(issued):
    content = bytes(_renditions(issued.answer)["xml"].content)
    schema = xmlschema.XMLSchema(str(XSD))
    schema.validate(content.decode("utf-8"))
    text = content.decode("utf-8")
    assert 'xmlns="urn:priemnaya:answer:1"' in text
    assert f"<applicantName>{APPLICANT}</applicantName>" in text
    assert not schema.is_valid(text.replace("<text>", "<texte>").replace("</text>", "</texte>"))
    assert not schema.is_valid(re.sub(r"resultCode=\"\d+\"", 'resultCode="x"', text))


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _expected_strings(issued, code: str) -> list[str]:
    return [
        f"№ {issued.appeal.display_number}",
        APPLICANT,
        SUBJECT,
        EXECUTOR,
        "Главный специалист",
        "Выполнено (код 1)",
        "Справка о восстановлении доступа.pdf",
        code,
        "Проверка подлинности",
    ]


def test_the_pdf_carries_the_cyrillic_text_exactly_for_pypdf(issued):
    pdf = _renditions(issued.answer)["pdf"]
    content = bytes(pdf.content)
    text = _pdf_text(content)
    for expected in _expected_strings(issued, pdf.code):
        assert expected in text, expected
    # The answer's text wraps: the lines joined give it back word for word, no stretched gaps.
    assert ANSWER_TEXT in " ".join(text.split())
    assert "  " not in text
    # The code is in the raw bytes too (the keywords), where verification by code finds it.
    assert f"verification-code:{pdf.code}".encode() in content
    assert PdfReader(io.BytesIO(content)).metadata["/Keywords"] == f"verification-code:{pdf.code}"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_pdf_carries_the_cyrillic_text_exactly_for_pdftotext(issued, tmp_path):
    pdf = _renditions(issued.answer)["pdf"]
    path = tmp_path / "answer.pdf"
    path.write_bytes(bytes(pdf.content))
    pdftotext = shutil.which("pdftotext")
    assert pdftotext is not None
    out = subprocess.run(  # noqa: S603 - our own file, a fixed argument list
        [pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    for expected in _expected_strings(issued, pdf.code):
        assert expected in out, expected
    assert ANSWER_TEXT in " ".join(out.split())
    assert "  " not in out


def test_one_code_per_answer_the_same_in_all_three_and_renditions_are_stored_once(issued):
    first = _renditions(issued.answer)
    codes = {r.code for r in first.values()}
    assert len(codes) == 1
    (code,) = codes
    assert CODE.match(code)
    assert set(code.replace("-", "")) <= set(CODE_ALPHABET)
    assert code.encode() in bytes(first["json"].content)
    assert code.encode() in bytes(first["xml"].content)
    # Asked again, the stored rows come back (the exact signed bytes), nothing new is made.
    again = rendition_get(issued.answer, "pdf")
    assert again.pk == first["pdf"].pk
    assert bytes(again.content) == bytes(first["pdf"].content)
    assert Rendition.objects.filter(answer=issued.answer).count() == 3
    # Another answer gets another code.
    other = issue_answer(issued.applicant, issued.executor, subject="Другой вопрос")
    assert rendition_get(other.answer, "json").code != code


def test_a_missing_format_is_completed_with_the_answers_code(issued):
    pdf = rendition_get(issued.answer, "pdf")
    Rendition.objects.filter(answer=issued.answer, format="xml").delete()
    again = _renditions(issued.answer)
    assert again["xml"].code == pdf.code
    assert again["pdf"].pk == pdf.pk


@pytest.mark.parametrize("fmt", ["pdf", "json", "xml"])
def test_renditions_are_reproducible_from_the_stored_answer(issued, fmt):
    stored = rendition_get(issued.answer, fmt)
    fresh = Answer.objects.get(pk=issued.answer.pk)
    assert render(fresh, fmt, stored.code) == bytes(stored.content)
    assert stored.sha256 == hashlib.sha256(bytes(stored.content)).hexdigest()


@pytest.mark.parametrize("fmt", ["pdf", "json", "xml"])
def test_each_rendition_is_signed_with_the_service_key(issued, fmt):
    stored = rendition_get(issued.answer, fmt)
    signature = Signature.from_json(stored.signature)
    assert (signature.algorithm, signature.key_id) == (stored.algorithm, stored.key_id)
    assert verify(bytes(stored.content), signature, keys_load())
    altered = bytearray(stored.content)
    altered[len(altered) // 2] ^= 0x01
    assert not verify(bytes(altered), signature, keys_load())


def test_a_gost_key_signs_the_renditions(issued, gost_key):
    stored = rendition_get(issued.answer, "pdf")
    assert (stored.algorithm, stored.key_id) == (GOST, gost_key.key_id)
    assert verify(bytes(stored.content), Signature.from_json(stored.signature), [gost_key])


def test_without_a_key_nothing_is_rendered_and_the_reason_is_clear(issued, no_key):
    with pytest.raises(SigningUnavailable, match="ключ подписи"):
        rendition_get(issued.answer, "pdf")
    assert not Rendition.objects.exists()


def test_an_unknown_format_is_refused_naming_the_field(issued):
    from priemnaya.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        rendition_get(issued.answer, "docx")
    assert refused.value.field == "format"


def test_a_typed_code_is_normalised():
    assert code_normalize("abcd efgh jkmn") == "ABCD-EFGH-JKMN"
    assert code_normalize("ABCD-EFGH-JKM") is None
    assert code_normalize("ABCD-EFGH-JKM!") is None


def test_the_consumer_pre_generates_the_renditions_on_answer(applicant, executor):
    issued = issue_answer(applicant, executor)
    assert not Rendition.objects.filter(answer=issued.answer).exists()
    for _ in range(50):
        if not outbox.relay_once():
            break
    stored = Rendition.objects.filter(answer=issued.answer)
    assert sorted(stored.values_list("format", flat=True)) == ["json", "pdf", "xml"]
    assert len(set(stored.values_list("code", flat=True))) == 1


def test_the_deploy_check_warns_when_no_key_signs(no_key, settings):
    from priemnaya.answers.checks import signing_key_check

    (warning,) = signing_key_check()
    assert warning.id == "answers.W001"
    assert "keys generate" in warning.hint
    settings.PRIEMNAYA_SIGNING_KEY = key_generate().as_json()
    assert signing_key_check() == []
