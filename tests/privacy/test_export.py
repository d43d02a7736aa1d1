"""A citizen's export (152-FZ art. 14): all own data, nothing of anyone else, audited without PD."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from priemnaya.accounts.models import Consent
from priemnaya.appeals import services
from priemnaya.appeals.states import Status
from priemnaya.audit.models import AuditEntry
from priemnaya.core.errors import NotPermitted
from priemnaya.privacy.export import personal_data_export
from priemnaya.privacy.requests import subject_request_file
from tests import factories


@pytest.fixture
def story(citizen, other_citizen, operator):
    """Two citizens with appeals, a comment, an internal note and an answer."""
    mine = factories.make_appeal(
        Status.IN_PROGRESS,
        applicant=citizen,
        staff=operator,
        subject="Моя тема про вход",
        text="Мой секретный текст обращения.",
    )
    services.appeal_comment(appeal=mine, actor=citizen, text="Мой комментарий к обращению.")
    services.appeal_note(appeal=mine, actor=operator, text="СЛУЖЕБНАЯ заметка оператора.")
    answered = factories.make_appeal(Status.ANSWERED, applicant=citizen, staff=operator)
    theirs = factories.make_appeal(
        Status.IN_PROGRESS,
        applicant=other_citizen,
        staff=operator,
        subject="Чужая тема",
        text="Чужой текст другого гражданина.",
        contact_email="stranger@example.ru",
    )
    Consent.objects.create(user=citizen, text_version="2026-1", ip="10.0.0.1")
    Consent.objects.create(user=other_citizen, text_version="2026-1", ip="10.9.9.9")
    subject_request_file(user=citizen, kind="access")
    return mine, answered, theirs


def test_export_holds_own_data_and_nothing_of_another_citizen(citizen, other_citizen, story):
    mine, answered, theirs = story

    doc = personal_data_export(user=citizen)
    text = json.dumps(doc, ensure_ascii=False)

    assert doc["account"]["email"] == citizen.email
    assert doc["account"]["full_name"] == citizen.full_name
    assert {a["number"] for a in doc["appeals"]} == {mine.display_number, answered.display_number}
    assert "Мой секретный текст обращения." in text
    assert "Мой комментарий к обращению." in text
    assert any(a["answers"] for a in doc["appeals"])  # the answer text is there
    assert "Проблема устранена." in text
    assert all(a["journal"] for a in doc["appeals"])
    assert doc["consents"][0]["ip"] == "10.0.0.1"
    assert doc["subject_requests"][0]["kind"] == "access"
    # nothing of the other citizen, and no internal note
    for foreign in (
        theirs.display_number,
        "Чужой текст",
        "stranger@example.ru",
        other_citizen.email,
        other_citizen.full_name,
        "10.9.9.9",
        "СЛУЖЕБНАЯ",
    ):
        assert foreign not in text


def test_export_is_audited_without_personal_data(citizen, story):
    personal_data_export(user=citizen)

    entry = AuditEntry.objects.filter(action="personal_data.exported").get()
    assert entry.actor_id == citizen.pk
    assert entry.target_id == str(citizen.pk)
    flat = json.dumps(entry.details, ensure_ascii=False)
    assert citizen.email not in flat
    assert citizen.full_name not in flat


def test_staff_have_no_citizen_export(operator):
    with pytest.raises(NotPermitted):
        personal_data_export(user=operator)


def test_page_download_is_valid_json_attachment(citizen, story):
    client = factories.signed_in(citizen)

    response = client.get("/cabinet/privacy/export.json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    doc = json.loads(response.content.decode("utf-8"))
    assert doc["format"] == "priemnaya.personal-data/1"
    assert doc["account"]["id"] == citizen.pk


def test_api_export_is_the_same_document(citizen, story):
    response = factories.api(citizen)("get", "/account/export")

    assert response.status_code == 200, response.content
    doc = response.json()
    assert doc["account"]["email"] == citizen.email
    assert len(doc["appeals"]) == 2
    assert "no-store" in response["Cache-Control"]
    assert AuditEntry.objects.filter(action="personal_data.exported", actor_id=citizen.pk).exists()


def test_api_export_needs_a_caller():
    response = factories.api()("get", "/account/export")
    assert response.status_code == 401


@pytest.mark.django_db
def test_api_export_refuses_staff(operator):
    response = factories.api(operator)("get", "/account/export")
    assert response.status_code == 403
    assert response.json()["errors"]


def test_summary_page_shows_own_data(citizen, other_citizen, story):
    mine, _, theirs = story
    response = factories.signed_in(citizen).get("/cabinet/privacy/summary/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Мой секретный текст обращения." in body
    assert mine.display_number in body
    assert theirs.display_number not in body
    assert "Чужой текст" not in body
    assert "СЛУЖЕБНАЯ" not in body
    assert AuditEntry.objects.filter(
        action="personal_data.exported", details__format="html"
    ).exists()


def test_export_queries_do_not_grow_with_appeals(citizen, operator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            personal_data_export(user=citizen)
        return len(ctx.captured_queries)

    factories.make_appeal(Status.ANSWERED, applicant=citizen, staff=operator)
    personal_data_export(user=citizen)  # the audit chain's head row is made by the first entry
    one = count()
    for _ in range(3):
        factories.make_appeal(Status.ANSWERED, applicant=citizen, staff=operator)
    assert count() == one


def test_export_holds_own_chats_and_letters_from_the_confirmed_address(citizen, other_citizen):
    from priemnaya.chat import services as chat_services
    from priemnaya.chat.models import Side
    from priemnaya.mail_intake.models import InboundMessage

    mine = chat_services.chat_start(user=citizen, visitor="")
    chat_services.message_post(
        chat=mine, side=Side.CITIZEN, author=citizen, text="Мой вопрос в чате."
    )
    theirs = chat_services.chat_start(user=other_citizen, visitor="")
    chat_services.message_post(
        chat=theirs, side=Side.CITIZEN, author=other_citizen, text="Чужой вопрос в чате."
    )
    for sender, body in ((citizen.email.lower(), "Моё письмо."), ("x@example.ru", "Чужое.")):
        InboundMessage.objects.create(
            sender=sender, subject="Письмо", raw=f"From: {sender}\r\n\r\n{body}".encode()
        )

    document = personal_data_export(user=citizen)

    assert [c["id"] for c in document["chats"]] == [mine.pk]
    texts = [m["text"] for m in document["chats"][0]["messages"]]
    assert "Мой вопрос в чате." in texts
    assert "Чужой" not in json.dumps(document, ensure_ascii=False)
    assert [letter["text"].endswith("Моё письмо.") for letter in document["letters"]] == [True]


def test_letters_from_an_unconfirmed_address_are_not_exported(catalog):
    from priemnaya.mail_intake.models import InboundMessage

    unconfirmed = factories.make_citizen(
        email="new@example.ru", phone="+79161112233", phone_confirmed_at=timezone.now()
    )
    assert unconfirmed.email_confirmed_at is None
    InboundMessage.objects.create(sender="new@example.ru", subject="?", raw=b"From: x\r\n\r\nX")

    assert personal_data_export(user=unconfirmed)["letters"] == []
