"""Issue 10 on the pages: files with the appeal form (no JavaScript), the staging endpoints of the
page script, removal before submit, documents added later, the clarification and the answer with
files, and downloads with their access rules."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from priemnaya.appeals.models import Appeal
from priemnaya.attachments.models import Attachment
from priemnaya.audit.models import AuditEntry
from tests.attachments import samples
from tests.factories import APPEAL_FORM, signed_in

PDF = samples.pdf("Паспорт")


def pdf(name: str = "Паспорт заявителя.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def png(name: str = "скриншот ошибки.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, samples.png(), content_type="image/png")


def fake_pdf(name: str = "вирус.pdf") -> SimpleUploadedFile:
    # An executable renamed to .pdf: refused from its content, whatever the name says.
    return SimpleUploadedFile(name, samples.EXE, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "attachments"), "base_url": None},
        },
    }


def files_of(appeal: Appeal) -> list[str]:
    return sorted(a.name for a in Attachment.objects.filter(appeal=appeal))


# ---- the appeal form without JavaScript ----------------------------------------------------


def test_the_form_offers_a_file_input_with_the_limits(citizen):
    html = signed_in(citizen).get("/cabinet/new/").content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file"' in html
    assert "multiple" in html
    assert 'accept=".pdf,.doc,.docx,.jpg,.jpeg,.png' in html
    assert "до 5 МБ каждый, всего до 10 МБ и не больше 10 файлов" in html
    assert 'aria-describedby="id_files_help"' in html
    assert "web/attachments.js" in html


def test_files_go_with_the_form_without_javascript(citizen):
    client = signed_in(citizen)
    response = client.post("/cabinet/new/", {**APPEAL_FORM, "files": [pdf(), png()]})
    assert response.status_code == 302, response.content.decode()[:2000]
    appeal = Appeal.objects.get(subject=APPEAL_FORM["subject"])
    assert files_of(appeal) == ["Паспорт заявителя.pdf", "скриншот ошибки.png"]
    page = client.get(f"/cabinet/appeals/{appeal.number}/").content.decode()
    assert "Паспорт заявителя.pdf" in page
    att = Attachment.objects.get(appeal=appeal, name="Паспорт заявителя.pdf")
    assert f'href="/cabinet/appeals/{appeal.number}/files/{att.pk}"' in page


def test_a_refused_round_keeps_the_form_and_the_staged_files(citizen):
    client = signed_in(citizen)
    # when: the subject is missing, but a good file came with the form
    first = client.post("/cabinet/new/", {**APPEAL_FORM, "subject": "", "files": [pdf()]})
    # then: the form comes back with what was typed and the file listed, staged
    assert first.status_code == 400
    html = first.content.decode()
    staged = Attachment.objects.get(name="Паспорт заявителя.pdf")
    assert staged.appeal_id is None
    assert staged.uploaded_by == citizen
    assert APPEAL_FORM["text"] in html
    assert f'name="attachment_ids" value="{staged.pk}"' in html
    assert f'name="remove_attachments" value="{staged.pk}"' in html
    # when: the next round carries the id back with the subject filled in
    second = client.post("/cabinet/new/", {**APPEAL_FORM, "attachment_ids": [staged.pk]})
    # then: the appeal has the file
    assert second.status_code == 302
    appeal = Appeal.objects.get(subject=APPEAL_FORM["subject"])
    assert files_of(appeal) == ["Паспорт заявителя.pdf"]


def test_a_refused_file_is_named_with_the_reason_and_the_rest_is_kept(citizen):
    client = signed_in(citizen)
    staged = signed_in(citizen).post("/cabinet/attachments/", {"file": png()}).json()
    response = client.post(
        "/cabinet/new/", {**APPEAL_FORM, "attachment_ids": [staged["id"]], "files": [fake_pdf()]}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "вирус.pdf" in html
    assert 'id="id_files_error"' in html
    assert 'aria-invalid="true"' in html
    assert "id_files_help id_files_error" in html
    # the staged file from before is still there, the typed text too, nothing was filed
    assert f'name="attachment_ids" value="{staged["id"]}"' in html
    assert APPEAL_FORM["subject"] in html
    assert not Appeal.objects.filter(subject=APPEAL_FORM["subject"]).exists()
    assert not Attachment.objects.filter(name="вирус.pdf").exists()


def test_a_file_ticked_for_removal_is_discarded_before_submit(citizen):
    client = signed_in(citizen)
    keep = client.post("/cabinet/attachments/", {"file": pdf()}).json()["id"]
    drop = client.post("/cabinet/attachments/", {"file": png()}).json()["id"]
    response = client.post(
        "/cabinet/new/",
        {**APPEAL_FORM, "attachment_ids": [keep, drop], "remove_attachments": [drop]},
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get(subject=APPEAL_FORM["subject"])
    assert files_of(appeal) == ["Паспорт заявителя.pdf"]
    assert not Attachment.objects.filter(pk=drop).exists()


def test_another_persons_staged_file_cannot_be_carried_into_an_appeal(citizen, other_citizen):
    theirs = signed_in(other_citizen).post("/cabinet/attachments/", {"file": pdf()}).json()["id"]
    client = signed_in(citizen)
    response = client.post("/cabinet/new/", {**APPEAL_FORM, "attachment_ids": [theirs]})
    assert response.status_code in (302, 400)
    assert Attachment.objects.get(pk=theirs).appeal_id is None


def test_a_draft_keeps_its_files_until_it_is_submitted(citizen):
    client = signed_in(citizen)
    saved = client.post("/cabinet/new/", {**APPEAL_FORM, "save_draft": "", "files": [pdf()]})
    assert saved.status_code == 302
    edit = client.get(saved["Location"]).content.decode()
    att = Attachment.objects.get(name="Паспорт заявителя.pdf")
    assert f'name="attachment_ids" value="{att.pk}"' in edit
    submitted = client.post(saved["Location"], {**APPEAL_FORM, "attachment_ids": [att.pk]})
    assert submitted.status_code == 302
    att.refresh_from_db()
    assert att.appeal is not None
    assert att.appeal.subject == APPEAL_FORM["subject"]


# ---- the page script's endpoints -----------------------------------------------------------


def test_staging_answers_json_and_removal_discards(citizen):
    client = signed_in(citizen)
    response = client.post("/cabinet/attachments/", {"file": pdf()})
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Паспорт заявителя.pdf"
    assert body["size"] == len(PDF)
    assert "no-store" in response["Cache-Control"]
    att = Attachment.objects.get(pk=body["id"])
    assert att.appeal_id is None
    assert att.uploaded_by == citizen
    assert att.purpose == "appeal"
    # «Удалить» before submitting: the staged file is gone
    assert client.post(f"/cabinet/attachments/{body['id']}/delete").status_code == 200
    assert not Attachment.objects.filter(pk=body["id"]).exists()


def test_staging_refusal_is_422_naming_the_file(citizen):
    response = signed_in(citizen).post("/cabinet/attachments/", {"file": fake_pdf()})
    assert response.status_code == 422
    errors = response.json()["errors"]["files"]
    assert any("вирус.pdf" in e for e in errors)


def test_a_stranger_cannot_remove_a_staged_file(citizen, other_citizen):
    att = signed_in(citizen).post("/cabinet/attachments/", {"file": pdf()}).json()["id"]
    response = signed_in(other_citizen).post(f"/cabinet/attachments/{att}/delete")
    assert response.status_code == 404
    assert Attachment.objects.filter(pk=att).exists()


def test_staff_cannot_stage_in_the_cabinet_nor_citizens_in_the_console(citizen, operator):
    assert signed_in(operator).post("/cabinet/attachments/", {"file": pdf()}).status_code == 403
    assert signed_in(citizen).post("/console/attachments/", {"file": pdf()}).status_code == 403
    assert Client().post("/cabinet/attachments/").status_code == 401


# ---- later: documents, the clarification, the answer ----------------------------------------


def test_documents_added_later_with_a_comment(citizen, in_progress):
    client = signed_in(citizen)
    page = client.get(f"/cabinet/appeals/{in_progress.number}/").content.decode()
    assert "Добавить документы" in page
    response = client.post(
        f"/cabinet/appeals/{in_progress.number}/add-documents/",
        {"add-documents-text": "Прилагаю справку.", "add-documents-files": [pdf("Справка.pdf")]},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert files_of(in_progress) == ["Справка.pdf"]
    assert Attachment.objects.get(name="Справка.pdf").purpose == "addition"
    page = client.get(f"/cabinet/appeals/{in_progress.number}/").content.decode()
    assert "Справка.pdf" in page


def test_documents_without_a_file_are_refused_on_the_field(citizen, in_progress):
    response = signed_in(citizen).post(
        f"/cabinet/appeals/{in_progress.number}/add-documents/",
        {"add-documents-text": "Прилагаю справку."},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_add-documents-files_error"' in html or "Прилагаю справку." in html


def test_clarification_reply_carries_a_file(citizen, needs_info):
    client = signed_in(citizen)
    page = client.get(f"/cabinet/appeals/{needs_info.number}/").content.decode()
    assert 'name="provide-info-files"' in page
    response = client.post(
        f"/cabinet/appeals/{needs_info.number}/provide-info/",
        {"provide-info-text": "Браузер Firefox, скриншот приложен.", "provide-info-files": [png()]},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert files_of(needs_info) == ["скриншот ошибки.png"]


def test_staff_answer_with_a_file_reaches_the_applicant(citizen, operator, in_progress):
    staff = signed_in(operator)
    page = staff.get(f"/console/appeals/{in_progress.number}/").content.decode()
    assert 'name="answer-files"' in page
    assert 'data-upload-url="/console/attachments/"' in page
    staged = staff.post(
        "/console/attachments/", {"file": pdf("Ответ ведомства.pdf"), "purpose": "answer"}
    )
    assert staged.status_code == 201
    response = staff.post(
        f"/console/appeals/{in_progress.number}/answer/",
        {
            "answer-outcome": "resolved",
            "answer-text": "Проблема устранена, подробности во вложении.",
            "answer-contacts_readable": "on",
            "answer-attachment_ids": [staged.json()["id"]],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    att = Attachment.objects.get(name="Ответ ведомства.pdf")
    assert att.appeal_id == in_progress.pk
    assert att.answer_id is not None
    # the applicant sees and downloads it
    client = signed_in(citizen)
    page = client.get(f"/cabinet/appeals/{in_progress.number}/").content.decode()
    assert "Ответ ведомства.pdf" in page
    download = client.get(f"/cabinet/appeals/{in_progress.number}/files/{att.pk}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_the_console_lists_every_file_with_who_gave_it(citizen, operator, in_progress):
    client = signed_in(citizen)
    client.post(
        f"/cabinet/appeals/{in_progress.number}/add-documents/",
        {"add-documents-files": [pdf("Справка.pdf")]},
    )
    page = signed_in(operator).get(f"/console/appeals/{in_progress.number}/").content.decode()
    att = Attachment.objects.get(name="Справка.pdf")
    assert f'href="/console/appeals/{in_progress.number}/files/{att.pk}"' in page
    assert "дополнение; заявитель" in page
    assert "PDF" in page


# ---- downloads ------------------------------------------------------------------------------


@pytest.fixture
def with_file(citizen):
    client = signed_in(citizen)
    client.post("/cabinet/new/", {**APPEAL_FORM, "files": [pdf("Заявление №1.pdf")]})
    appeal = Appeal.objects.get(subject=APPEAL_FORM["subject"])
    return appeal, Attachment.objects.get(appeal=appeal)


def test_the_owner_downloads_with_the_cyrillic_name(citizen, with_file):
    appeal, att = with_file
    response = signed_in(citizen).get(f"/cabinet/appeals/{appeal.number}/files/{att.pk}")
    assert response.status_code == 200
    assert response.streaming
    assert b"".join(response.streaming_content) == PDF
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote('Заявление №1.pdf')}" in disposition.lower().replace(
        quote("Заявление №1.pdf").lower(), quote("Заявление №1.pdf")
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"] == "application/pdf"


def test_another_citizen_and_a_wrong_pair_get_404(citizen, other_citizen, with_file, submit):
    appeal, att = with_file
    assert (
        signed_in(other_citizen).get(f"/cabinet/appeals/{appeal.number}/files/{att.pk}").status_code
        == 404
    )
    # the file of one appeal through the number of another (own) appeal: 404 too
    own_other = submit(citizen, subject="Второе обращение")
    path = f"/cabinet/appeals/{own_other.number}/files/{att.pk}"
    assert signed_in(citizen).get(path).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, with_file):
    appeal, att = with_file
    response = client.get(f"/cabinet/appeals/{appeal.number}/files/{att.pk}")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_staff_in_reach_download_and_it_is_audited(operator, specialist, with_file):
    appeal, att = with_file
    response = signed_in(operator).get(f"/console/appeals/{appeal.number}/files/{att.pk}")
    assert response.status_code == 200
    assert AuditEntry.objects.filter(
        action="appeal.file_downloaded", target_id=str(att.pk)
    ).exists()
    # a specialist of another department does not reach the appeal
    response = signed_in(specialist).get(f"/console/appeals/{appeal.number}/files/{att.pk}")
    assert response.status_code == 404


def test_too_many_files_at_submit_keep_the_form_and_the_files(citizen, settings):
    settings.PRIEMNAYA_APPEAL_ATTACHMENTS_MAX_COUNT = 1
    client = signed_in(citizen)
    ids = [client.post("/cabinet/attachments/", {"file": f}).json()["id"] for f in (pdf(), png())]
    response = client.post("/cabinet/new/", {**APPEAL_FORM, "attachment_ids": ids})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_files_error"' in html
    for attachment_id in ids:
        assert f'name="attachment_ids" value="{attachment_id}"' in html
    assert APPEAL_FORM["text"] in html
    assert not Appeal.objects.filter(subject=APPEAL_FORM["subject"]).exists()
