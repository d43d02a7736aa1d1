"""Exports of the applicant's documents (issue 10, part 6): one appeal and the whole history as
PDF, the evidence bundle as ZIP."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from priemnaya.answers.exports import (
    appeal_summary_pdf,
    applicant_history_pdf,
    evidence_bundle,
    safe_name,
)
from priemnaya.answers.renditions import renditions_issue
from priemnaya.answers.signing import Signature, verify
from priemnaya.appeals import services
from priemnaya.appeals.presenters import due_date, format_date
from priemnaya.appeals.states import Status
from priemnaya.core.errors import NotFound
from tests import factories
from tests.answers.conftest import attach

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def pdf_text(data: bytes) -> str:
    """The PDF's text with every run of whitespace made one space (lines wrap anywhere)."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def answered_with_files(answered, citizen, operator, attachments_dir):
    services.appeal_comment(appeal=answered, actor=citizen, text="Прилагаю снимок экрана.")
    services.appeal_note(appeal=answered, actor=operator, text="Внутреннее: проверить логи.")
    attach(answered, "скриншот входа.png", b"\x89PNG fake image", content_type="image/png")
    attach(answered, "скриншот входа.png", b"second file, same name", content_type="image/png")
    answered.refresh_from_db()
    return answered


def test_the_summary_holds_the_exact_facts_of_the_appeal(answered_with_files, citizen, operator):
    appeal = answered_with_files
    answer = appeal.answers.get()
    text = pdf_text(appeal_summary_pdf(appeal, for_user=citizen, at=AT))
    assert f"Обращение № {appeal.display_number}" in text
    assert "Не могу войти в кабинет" in text
    assert "После ввода пароля страница обновляется и снова просит логин." in text
    assert f"Зарегистрировано: {format_date(appeal.registered_at)}" in text
    assert f"Срок ответа: {format_date(due_date(appeal))}" in text
    assert f"Дата ответа: {format_date(appeal.answered_at)}" in text
    assert f"Заявитель: {appeal.applicant_name}" in text
    assert "reply@example.ru" in text
    # The answer: outcome, code and executor.
    assert "Результат: Выполнено" in text
    assert f"Код результата: {answer.result_code}" in text
    assert operator.full_name in text
    assert "Проблема устранена." in text
    # The public journal and conversation, without the internal note.
    assert "Обращение зарегистрировано" in text
    assert "Дан ответ" in text
    assert "Прилагаю снимок экрана." in text
    assert "проверить логи" not in text
    # Files with size and hash.
    assert "скриншот входа.png" in text
    assert hashlib.sha256(b"\x89PNG fake image").hexdigest() in text


def test_a_superseded_answer_is_marked(answered, citizen, operator):
    answer = answered.answers.get()
    answer.superseded_at = AT
    answer.save(update_fields=["superseded_at"])
    text = pdf_text(appeal_summary_pdf(answered, for_user=citizen, at=AT))
    assert f"Заменён новым ответом {format_date(AT)}." in text


def test_staff_in_reach_get_the_summary_and_others_get_not_found(
    answered, operator, other_citizen, specialist
):
    assert appeal_summary_pdf(answered, for_user=operator).startswith(b"%PDF")
    for stranger in (other_citizen, specialist):
        with pytest.raises(NotFound):
            appeal_summary_pdf(answered, for_user=stranger)


def test_the_evidence_bundle_is_the_owners_alone(answered, operator, other_citizen):
    for user in (operator, other_citizen):
        with pytest.raises(NotFound):
            evidence_bundle(answered, for_user=user)


def _history_queries(user) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        text = pdf_text(applicant_history_pdf(user, at=AT))
    return len(ctx.captured_queries), text


def test_the_history_lists_every_sent_appeal_in_a_fixed_number_of_queries(
    citizen, operator, attachments_dir
):
    first = factories.make_appeal(
        Status.ANSWERED, applicant=citizen, staff=operator, subject="Первое обращение"
    )
    attach(first, "справка.pdf", b"%PDF-1.4 fake")
    factories.save_draft(citizen, subject="Черновик не отправлен")
    few_queries, text = _history_queries(citizen)
    assert "Первое обращение" in text
    assert "Черновик не отправлен" not in text
    for i in range(4):
        appeal = factories.make_appeal(
            Status.ANSWERED, applicant=citizen, staff=operator, subject=f"Обращение {i + 2}"
        )
        attach(appeal, f"файл {i}.pdf", b"x" * (i + 1))
        services.appeal_comment(appeal=appeal, actor=citizen, text=f"Комментарий {i}")
    many_queries, text = _history_queries(citizen)
    assert "Обращений: 5" in text
    for i in range(4):
        assert f"Обращение {i + 2}" in text
        assert f"Комментарий {i}" in text
    # The appeals, their departments' calendars and the prefetches: the same for 1 and 5.
    assert many_queries == few_queries
    assert many_queries == 5


def test_an_empty_history_is_a_document_too(citizen):
    assert "Обращений нет." in pdf_text(applicant_history_pdf(citizen, at=AT))


def _zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def test_the_bundle_holds_summary_files_signed_answers_and_a_manifest_that_matches(
    answered_with_files, citizen
):
    appeal = answered_with_files
    answer = appeal.answers.get()
    issued = {r.format: r for r in renditions_issue(answer)}
    bundle = _zip(evidence_bundle(appeal, for_user=citizen, at=AT))
    names = bundle.namelist()
    number = appeal.number
    assert names == [
        f"obrashchenie-{number}.pdf",
        "files/скриншот входа.png",
        "files/скриншот входа (2).png",
        "answer/answer-1.pdf",
        "answer/answer-1.pdf.sig.json",
        "answer/answer-1.json",
        "answer/answer-1.json.sig.json",
        "answer/answer-1.xml",
        "answer/answer-1.xml.sig.json",
        "README.txt",
        "MANIFEST.json",
        "SHA256SUMS",
    ]
    assert bundle.read("files/скриншот входа.png") == b"\x89PNG fake image"
    assert bundle.read("files/скриншот входа (2).png") == b"second file, same name"
    for fmt, stored in issued.items():
        # The signed bytes exactly as issued, each with a signature that verifies over them.
        content = bundle.read(f"answer/answer-1.{fmt}")
        assert content == bytes(stored.content)
        signature = Signature.from_json(bundle.read(f"answer/answer-1.{fmt}.sig.json").decode())
        assert verify(content, signature)
    manifest = json.loads(bundle.read("MANIFEST.json"))
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    assert set(listed) == set(names) - {"README.txt", "MANIFEST.json", "SHA256SUMS"}
    for path, digest in listed.items():
        assert hashlib.sha256(bundle.read(path)).hexdigest() == digest
    sums = bundle.read("SHA256SUMS").decode().splitlines()
    assert sums == [f"{listed[p]}  {p}" for p in names[:-3]]
    readme = bundle.read("README.txt").decode()
    assert "/verify/" in readme
    assert "/api/v1/verify" in readme
    assert f"№ {appeal.display_number}" in readme
    assert "Не могу войти в кабинет" in pdf_text(bundle.read(f"obrashchenie-{number}.pdf"))


def test_the_bundle_is_the_same_bytes_for_the_same_state(answered_with_files, citizen):
    one = evidence_bundle(answered_with_files, for_user=citizen, at=AT)
    two = evidence_bundle(answered_with_files, for_user=citizen, at=AT)
    assert one == two
    stamps = {info.date_time for info in _zip(one).infolist()}
    assert len(stamps) == 1


def test_a_missing_file_leaves_a_note_not_a_failure(answered, citizen, attachments_dir):
    att = attach(answered, "акт.pdf", b"%PDF act")
    (attachments_dir / att.key).unlink()
    names = _zip(evidence_bundle(answered, for_user=citizen, at=AT)).namelist()
    assert "files/акт.pdf.missing.txt" in names


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        (".hidden", "hidden"),
        ("a:b*c?.txt", "a_b_c_.txt"),
        ("\x00\x1f", "file"),
        ("отчёт.pdf", "отчёт.pdf"),
    ],
)
def test_names_inside_the_zip_are_safe(given, safe):
    assert safe_name(given) == safe


def test_files_of_an_internal_note_stay_out(answered, citizen, operator, attachments_dir):
    note = services.appeal_note(appeal=answered, actor=operator, text="Служебное.")
    attach(answered, "служебная записка.pdf", b"%PDF internal", message=note)
    attach(answered, "заявление.pdf", b"%PDF mine")
    names = _zip(evidence_bundle(answered, for_user=citizen, at=AT)).namelist()
    assert "files/заявление.pdf" in names
    assert "files/служебная записка.pdf" not in names
    text = pdf_text(appeal_summary_pdf(answered, for_user=citizen, at=AT))
    assert "служебная записка" not in text
