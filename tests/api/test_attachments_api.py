"""The attachments API (issue 10 contract): upload, add, list, download, answer files."""

from __future__ import annotations

import hashlib
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.attachments import samples
from tests.factories import APPEAL_BODY, api, api_token, make_operator


def _file(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


class Multipart:
    """Post multipart forms to /api/v1 with a bearer token."""

    def __init__(self, user):
        self.client = Client()
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token(user, client=self.client)}"}

    def post(self, path: str, data: dict):
        return self.client.post(f"/api/v1{path}", data, **self.auth)

    def get(self, path: str):
        return self.client.get(f"/api/v1{path}", **self.auth)

    def delete(self, path: str):
        return self.client.delete(f"/api/v1{path}", **self.auth)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def own(citizen):
    return Multipart(citizen)


def test_files_uploaded_first_go_with_a_new_appeal(citizen, own):
    png, pdf = samples.png(), samples.pdf()
    response = own.post(
        "/attachments",
        {"files": [_file("Скан паспорта.png", png), _file("Заявление.pdf", pdf)]},
    )
    assert response.status_code == 201, response.content
    staged = response.json()
    assert [f["name"] for f in staged] == ["Скан паспорта.png", "Заявление.pdf"]
    assert staged[0]["sha256"] == hashlib.sha256(png).hexdigest()
    assert staged[0]["url"] is None
    ids = [f["id"] for f in staged]
    created = api(citizen)("post", "/appeals", {**APPEAL_BODY, "attachments": ids})
    assert created.status_code == 201, created.content
    body = created.json()
    assert [f["id"] for f in body["attachments"]] == ids
    assert body["attachments"][0]["content_type"] == "image/png"
    number = body["number"]
    assert body["attachments"][0]["url"] == f"/api/v1/appeals/{number}/attachments/{ids[0]}"
    # and the journal says what came with it
    events = api(citizen)("get", f"/appeals/{number}/events").json()
    assert events[0]["data"]["attachments"][1]["name"] == "Заявление.pdf"
    assert "«Заявление.pdf»" in events[0]["details"][-1]


def test_refusals_are_422_naming_every_file_and_reason(own):
    response = own.post(
        "/attachments",
        {
            "files": [
                _file("хороший.png", samples.png()),
                _file("программа.pdf", samples.EXE),
                _file("страница.jpg", samples.HTML),
                _file("пустой.docx", b""),
                _file("скрипт.pdf", samples.pdf_with_javascript()),
                _file("бомба.docx", samples.docx_bomb(120)),
                _file("обрезан.png", samples.png()[:-40]),
            ]
        },
    )
    assert response.status_code == 422
    body = response.json()
    messages = [e["message"] for e in body["errors"]]
    assert {e["field"] for e in body["errors"]} == {"files"}
    assert len(messages) == 6
    for name in ("программа.pdf", "страница.jpg", "пустой.docx", "скрипт.pdf", "бомба.docx"):
        assert any(m.startswith(f"«{name}»: ") for m in messages), (name, messages)
    assert body["detail"] == messages[0]


def test_the_file_limit_is_a_422_naming_the_file(own, settings):
    settings.PRIEMNAYA_ATTACHMENT_MAX_BYTES = 2000
    response = own.post("/attachments", {"files": [_file("фото.png", samples.noisy_png(60, 60))]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"].startswith("«фото.png»: файл больше")


def test_a_path_in_the_name_is_dropped_by_the_form_parser(own):
    response = own.post("/attachments", {"files": [_file("../../etc/скан.png", samples.png())]})
    assert response.status_code == 201, response.content
    assert response.json()[0]["name"] == "скан.png"


def test_no_files_is_a_422(own):
    response = own.post("/attachments", {"text": "без файлов"})
    assert response.status_code == 422


def test_staged_files_can_be_removed_before_submitting(own, other_citizen):
    [staged] = own.post("/attachments", {"files": [_file("лишний.png", samples.png())]}).json()
    stranger = Multipart(other_citizen)
    assert stranger.delete(f"/attachments/{staged['id']}").status_code == 404
    assert own.delete(f"/attachments/{staged['id']}").status_code == 204
    assert own.delete(f"/attachments/{staged['id']}").status_code == 404


def test_documents_are_added_to_own_appeal_and_downloaded(citizen, own, registered):
    pdf = samples.pdf("Справка о доходах")
    response = own.post(
        f"/appeals/{registered.number}/attachments",
        {"files": [_file("Справка о доходах.pdf", pdf)], "text": "Прилагаю справку."},
    )
    assert response.status_code == 201, response.content
    [added] = response.json()
    assert added["purpose"] == "addition"
    listed = own.get(f"/appeals/{registered.number}/attachments").json()
    assert [f["id"] for f in listed] == [added["id"]]
    download = own.get(f"/appeals/{registered.number}/attachments/{added['id']}")
    assert download.status_code == 200
    assert _body(download) == pdf
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download["Cache-Control"]
    disposition = download["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Spravka o dokhodakh.pdf"')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "Справка о доходах.pdf"
    detail = api(citizen)("get", f"/appeals/{registered.number}").json()
    assert [f["name"] for f in detail["attachments"]] == ["Справка о доходах.pdf"]


def test_adding_to_anothers_appeal_is_404_and_stores_nothing(other_citizen, registered):
    from priemnaya.attachments.models import Attachment

    before = Attachment.objects.count()
    response = Multipart(other_citizen).post(
        f"/appeals/{registered.number}/attachments", {"files": [_file("a.png", samples.png())]}
    )
    assert response.status_code == 404
    assert Attachment.objects.count() == before


def test_refused_addition_is_422_and_adds_nothing(own, registered):
    response = own.post(
        f"/appeals/{registered.number}/attachments",
        {"files": [_file("a.png", samples.png()), _file("b.jpg", samples.HTML)]},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"].startswith("«b.jpg»: ")
    assert own.get(f"/appeals/{registered.number}/attachments").json() == []


def test_downloads_are_for_the_owner_and_staff_of_the_department(
    citizen, other_citizen, operator, specialist, own, registered
):
    [added] = own.post(
        f"/appeals/{registered.number}/attachments", {"files": [_file("a.png", samples.png())]}
    ).json()
    path = f"/appeals/{registered.number}/attachments/{added['id']}"
    assert Multipart(operator).get(path).status_code == 200
    assert Multipart(other_citizen).get(path).status_code == 404
    assert Multipart(specialist).get(path).status_code == 404
    assert Multipart(make_operator(departments=("services",))).get(path).status_code == 404
    assert (
        Multipart(other_citizen).get(f"/appeals/{registered.number}/attachments").status_code == 404
    )
    assert own.get(f"/appeals/{registered.number}/attachments/999999").status_code == 404


def test_a_file_of_one_appeal_is_not_reached_through_another(citizen, own, registered, submit):
    [added] = own.post(
        f"/appeals/{registered.number}/attachments", {"files": [_file("a.png", samples.png())]}
    ).json()
    other = submit(citizen)
    response = own.get(f"/appeals/{other.number}/attachments/{added['id']}")
    assert response.status_code == 404


def test_staff_answer_with_files(citizen, operator, in_progress):
    staff = Multipart(operator)
    response = staff.post(
        f"/staff/appeals/{in_progress.number}/answer/attachments",
        {"files": [_file("Ответ.pdf", samples.pdf("Ответ"))]},
    )
    assert response.status_code == 201, response.content
    ids = [f["id"] for f in response.json()]
    answered = api(operator)(
        "post",
        f"/staff/appeals/{in_progress.number}/answer",
        {"outcome": "resolved", "text": "Сделано.", "attachments": ids},
    )
    assert answered.status_code == 200, answered.content
    assert [f["name"] for f in answered.json()["answer"]["attachments"]] == ["Ответ.pdf"]
    seen = api(citizen)("get", f"/appeals/{in_progress.number}").json()
    assert [f["id"] for f in seen["answer"]["attachments"]] == ids
    download = Multipart(citizen).get(f"/appeals/{in_progress.number}/attachments/{ids[0]}")
    assert download.status_code == 200


def test_a_citizen_cannot_stage_answer_files_nor_answer_with_anothers(
    citizen, operator, colleague, in_progress
):
    response = Multipart(citizen).post(
        f"/staff/appeals/{in_progress.number}/answer/attachments",
        {"files": [_file("a.pdf", samples.pdf())]},
    )
    assert response.status_code == 403
    [theirs] = (
        Multipart(colleague)
        .post(
            f"/staff/appeals/{in_progress.number}/answer/attachments",
            {"files": [_file("a.pdf", samples.pdf())]},
        )
        .json()
    )
    answered = api(operator)(
        "post",
        f"/staff/appeals/{in_progress.number}/answer",
        {"outcome": "resolved", "text": "Сделано.", "attachments": [theirs["id"]]},
    )
    assert answered.status_code == 422
    assert answered.json()["errors"][0]["field"] == "attachments"


def test_provide_info_with_documents(citizen, own, needs_info):
    [staged] = own.post("/attachments", {"files": [_file("чек.jpg", samples.jpeg())]}).json()
    response = api(citizen)(
        "post",
        f"/appeals/{needs_info.number}/provide-info",
        {"text": "Чек прилагаю.", "attachments": [staged["id"]]},
    )
    assert response.status_code == 200, response.content
    assert [f["id"] for f in response.json()["attachments"]] == [staged["id"]]
