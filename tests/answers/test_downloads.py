"""Downloads of a signed answer and its signature (issue 10): the API contract and the pages."""

from __future__ import annotations

import pytest

from priemnaya.answers.models import Rendition
from priemnaya.answers.signing import Signature, keys_load, verify
from priemnaya.appeals import services
from priemnaya.appeals.models import Answer
from tests import factories
from tests.answers.conftest import APPLICANT, issue_answer

CONTENT_TYPES = {"pdf": "application/pdf", "json": "application/json", "xml": "application/xml"}


def _api_path(issued, fmt: str, suffix: str = "") -> str:
    return f"/appeals/{issued.appeal.display_number}/answer/{fmt}{suffix}"


@pytest.mark.parametrize("fmt", ["pdf", "json", "xml"])
def test_the_owner_downloads_each_rendition_and_its_signature_through_the_api(issued, fmt):
    api = factories.api(issued.applicant)
    response = api("get", _api_path(issued, fmt))
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    number = issued.appeal.display_number
    assert response["Content-Disposition"] == f'attachment; filename="otvet-{number}.{fmt}"'
    assert "no-store" in response["Cache-Control"]
    stored = Rendition.objects.get(answer=issued.answer, format=fmt)
    assert response.content == bytes(stored.content)
    signed = api("get", _api_path(issued, fmt, "/signature"))
    assert signed.status_code == 200
    assert signed["Content-Type"] == "application/json"
    assert signed["Content-Disposition"] == f'attachment; filename="otvet-{number}.{fmt}.sig"'
    signature = Signature.from_json(signed.content)
    assert verify(response.content, signature, keys_load())


def test_staff_of_the_department_download_and_others_hear_not_found(
    issued, other_citizen, specialist
):
    path = _api_path(issued, "json")
    assert factories.api(issued.executor)("get", path).status_code == 200
    # Another citizen and the staff of another department do not learn the appeal exists.
    for stranger in (other_citizen, specialist):
        assert factories.api(stranger)("get", path).status_code == 404
        assert factories.api(stranger)("get", path + "/signature").status_code == 404
    refused = factories.api()("get", path)
    assert refused.status_code == 401


def test_no_answer_yet_is_not_found_and_an_unknown_format_is_refused(issued, citizen, operator):
    appeal = factories.make_appeal("in_progress", applicant=citizen, staff=operator)
    response = factories.api(citizen)("get", f"/appeals/{appeal.display_number}/answer/pdf")
    assert response.status_code == 404
    assert "Ответа" in response.json()["detail"]
    response = factories.api(issued.applicant)("get", _api_path(issued, "docx"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "format"


def test_an_earlier_superseded_answer_is_downloaded_with_its_id(issued, head):
    old = issued.answer
    old_pdf = Rendition.objects.filter(answer=old).first() or None
    services.appeal_reopen(appeal=issued.appeal, actor=head, reason="Ответ неполный.")
    appeal = services.appeal_answer(
        appeal=issued.appeal.__class__.objects.get(pk=issued.appeal.pk),
        actor=head,
        outcome="resolved",
        text="Дополненный ответ: доступ восстановлен полностью.",
    )
    new = Answer.objects.get(appeal=appeal, superseded_at__isnull=True)
    assert new.pk != old.pk
    api = factories.api(issued.applicant)
    current = api("get", _api_path(issued, "json")).json()
    assert current["answer"]["id"] == new.pk
    assert current["answer"]["text"] == "Дополненный ответ: доступ восстановлен полностью."
    earlier = api("get", _api_path(issued, "json") + f"?answer={old.pk}")
    assert earlier.status_code == 200
    assert earlier.json()["answer"]["id"] == old.pk
    assert earlier.json()["answer"]["superseded"] is True
    assert earlier.json()["verification"]["code"] != current["verification"]["code"]
    assert old_pdf is None  # nothing was pre-rendered: the download rendered it lazily
    # Another appeal's answer id is not reachable through this appeal.
    other = issue_answer(issued.applicant, issued.executor, subject="Другое")
    assert api("get", _api_path(issued, "json") + f"?answer={other.answer.pk}").status_code == 404
    # The page of an earlier answer is addressed the same way.
    page = factories.signed_in(issued.applicant).get(
        f"/cabinet/appeals/{issued.appeal.number}/answer.json?answer={old.pk}"
    )
    assert page.status_code == 200
    assert b'"superseded":true' in page.content


def test_without_a_signing_key_downloads_are_503_with_the_reason(issued, no_key):
    response = factories.api(issued.applicant)("get", _api_path(issued, "pdf", "/signature"))
    assert response.status_code == 503
    assert "ключ подписи" in response.json()["detail"]
    page = factories.signed_in(issued.applicant).get(
        f"/cabinet/appeals/{issued.appeal.number}/answer.pdf.sig"
    )
    assert page.status_code == 503
    assert "ключ подписи" in page.content.decode()


def test_the_cabinet_and_console_pages_link_the_downloads_and_serve_them(issued, other_citizen):
    number = issued.appeal.number
    cabinet = factories.signed_in(issued.applicant)
    page = cabinet.get(f"/cabinet/appeals/{number}/").content.decode()
    assert "Скачать ответ:" in page
    for fmt in ("pdf", "json", "xml"):
        assert f'href="/cabinet/appeals/{number}/answer.{fmt}"' in page
        assert f'href="/cabinet/appeals/{number}/answer.{fmt}.sig"' in page
    assert 'href="/verify/"' in page
    pdf = cabinet.get(f"/cabinet/appeals/{number}/answer.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    sig = cabinet.get(f"/cabinet/appeals/{number}/answer.pdf.sig")
    assert Signature.from_json(sig.content).key_id == Rendition.objects.first().key_id
    # Another citizen: 404; staff use the console's addresses.
    stranger = factories.signed_in(other_citizen)
    assert stranger.get(f"/cabinet/appeals/{number}/answer.pdf").status_code == 404
    console = factories.signed_in(issued.executor)
    page = console.get(f"/console/appeals/{number}/").content.decode()
    assert f'href="/console/appeals/{number}/answer.xml.sig"' in page
    xml = console.get(f"/console/appeals/{number}/answer.xml")
    assert xml.status_code == 200
    assert APPLICANT in xml.content.decode()
    # An unknown format is a 404 page, never a 500.
    assert console.get(f"/console/appeals/{number}/answer.docx").status_code == 404
    # Anonymous: to the sign-in page.
    from django.test import Client

    anonymous = Client().get(f"/cabinet/appeals/{number}/answer.pdf")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
