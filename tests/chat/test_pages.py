"""The chat without JavaScript: plain POSTs and reloads, for citizens, visitors and operators."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from priemnaya.appeals.models import Appeal
from priemnaya.appeals.states import Channel
from priemnaya.audit.models import AuditEntry
from priemnaya.chat import services
from priemnaya.chat.models import Chat, ChatFile, Side, State
from tests import factories
from tests.attachments.samples import png

pytestmark = pytest.mark.django_db


def test_a_visitor_chats_with_the_bot_by_plain_forms(client, sms_article):
    page = client.get("/chat/")
    assert "Начать чат" in page.content.decode()
    assert client.post("/chat/start/").status_code == 302
    chat = Chat.objects.get()
    assert chat.citizen is None
    assert chat.visitor
    answer = client.post(f"/chat/{chat.pk}/send/", {"text": "Не приходит смс с кодом"})
    assert answer.status_code == 302
    page = client.get("/chat/").content.decode()
    assert "Не приходит смс с кодом" in page
    assert 'href="/help/vhod/ne-prihodit-kod/"' in page
    # Another browser (another session) cannot write into it or read its files.
    assert Client().post(f"/chat/{chat.pk}/send/", {"text": "чужое"}).status_code == 404


def test_a_citizen_sends_files_and_sees_refusals_named(client, citizen):
    client.force_login(citizen)
    client.post("/chat/start/")
    chat = Chat.objects.get(citizen=citizen)
    files = [SimpleUploadedFile("скан.png", png(), content_type="image/png")]
    assert client.post(f"/chat/{chat.pk}/send/", {"text": "", "files": files}).status_code == 302
    attachment = ChatFile.objects.get().attachment
    download = client.get(f"/chat/{chat.pk}/files/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == png()
    other = Client()
    other.force_login(factories.make_citizen())
    assert other.get(f"/chat/{chat.pk}/files/{attachment.pk}/").status_code == 404
    # An operator may open it, and that is written in the audit log.
    desk = Client()
    desk.force_login(factories.make_operator())
    assert desk.get(f"/chat/{chat.pk}/files/{attachment.pk}/").status_code == 200
    entry = AuditEntry.objects.filter(action="chat.file_downloaded").get()
    assert entry.target_id == str(attachment.pk)
    disguised = SimpleUploadedFile("фото.png", b"<html><script>alert(1)</script></html>")
    refused = client.post(f"/chat/{chat.pk}/send/", {"text": "", "files": [disguised]}, follow=True)
    assert "фото.png" in refused.content.decode()
    as_json = client.post(
        f"/chat/{chat.pk}/send/", {"text": " "}, headers={"accept": "application/json"}
    )
    assert as_json.status_code == 400
    assert as_json.json()["field"] == "text"


def test_handover_close_and_rating_by_forms(client, citizen, always_open):
    client.force_login(citizen)
    client.post("/chat/start/")
    chat = Chat.objects.get(citizen=citizen)
    client.post(f"/chat/{chat.pk}/handover/")
    chat.refresh_from_db()
    assert chat.state == State.WAITING
    client.post(f"/chat/{chat.pk}/close/")
    page = client.get("/chat/").content.decode()
    assert "Оцените чат" in page
    refused = client.post(f"/chat/{chat.pk}/rate/", {"rating": "9"}, follow=True)
    assert "Оценка — число от 1 до 5." in refused.content.decode()
    client.post(f"/chat/{chat.pk}/rate/", {"rating": "5", "comment": "Спасибо"})
    chat.refresh_from_db()
    assert chat.rating == 5


def test_the_operator_takes_answers_and_turns_the_chat_into_an_appeal(
    citizen, operator, always_open
):
    chat = services.chat_start(user=citizen, visitor="")
    services.message_post(chat=chat, side=Side.CITIZEN, author=citizen, text="Не приходит SMS")
    services.handover(chat=chat)
    desk = Client()
    desk.force_login(operator)
    queue = desk.get("/console/chat/").content.decode()
    assert f"Чат №{chat.pk}" in queue
    assert "Петрова Анна Игоревна" in queue
    desk.post(f"/console/chat/{chat.pk}/take/")
    desk.post(f"/console/chat/{chat.pk}/send/", {"text": "Проверьте номер телефона."})
    chat.refresh_from_db()
    assert (chat.state, chat.operator) == (State.OPERATOR, operator)
    panel = desk.get("/console/chat/").content.decode()
    assert "Проверьте номер телефона." in panel
    assert "Обращения заявителя" in panel
    assert "Готовые фразы" in panel
    form = desk.get(f"/console/chat/{chat.pk}/appeal/")
    assert form.context["form"].initial["applicant_name"] == "Петрова Анна Игоревна"
    data = {
        **form.context["form"].initial,
        "kind": "complaint",
        "theme": "tech-sms",
        "client_token": "",
    }
    done = desk.post(f"/console/chat/{chat.pk}/appeal/", data)
    assert done.status_code == 302, done.content.decode()[:3000]
    appeal = Appeal.objects.get()
    assert appeal.channel == Channel.CHAT
    chat.refresh_from_db()
    assert chat.appeal == appeal
    [transcript] = appeal.attachments.all()
    assert transcript.content_type == "application/pdf"
    from priemnaya.attachments.services import attachment_open

    with attachment_open(transcript) as content:
        text = "".join(page.extract_text() for page in PdfReader(content).pages)
    assert "Не приходит SMS" in text
    assert "Проверьте номер телефона." in text
    # The citizen hears of it in the chat; a second appeal from the same chat is refused.
    assert chat.messages.filter(text__contains=appeal.display_number).exists()
    again = desk.post(f"/console/chat/{chat.pk}/appeal/", data)
    assert "уже создано" in again.content.decode()


def test_citizens_and_specialists_have_no_chat_console(citizen):
    client = Client()
    client.force_login(citizen)
    assert client.get("/console/chat/").status_code == 403
    specialist = Client()
    specialist.force_login(factories.make_specialist())
    assert specialist.get("/console/chat/").status_code == 403
