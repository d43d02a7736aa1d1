"""E-mail intake end to end: smtplib → our aiosmtpd endpoint → requests, replies, refusals."""

from __future__ import annotations

import io
import smtplib

import pytest
from PIL import Image

from priemnaya.appeals.models import Appeal, Message
from priemnaya.appeals.states import Channel, MessageKind, Status
from priemnaya.attachments.models import Attachment
from priemnaya.catalog.models import Regime
from priemnaya.core.numbering import format_number
from priemnaya.mail_intake.models import InboundMessage, Outcome, State
from tests.mail_intake.conftest import MAILBOX, letter

pytestmark = pytest.mark.django_db(transaction=True)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


def _only_request() -> Appeal:
    (appeal,) = Appeal.objects.filter(channel=Channel.EMAIL)
    return appeal


def test_a_new_letter_becomes_a_support_request_and_the_sender_gets_the_number(intake, outgoing):
    intake.send(letter())
    appeal = _only_request()
    # a support request, never a 59-FZ appeal (547-FZ), for the sender's address
    assert appeal.kind.code == "support"
    assert appeal.regime != Regime.FZ59
    assert appeal.applicant is None
    assert appeal.contact_email == "ivanova@example.ru"
    assert appeal.applicant_name == "Иванова Мария"
    assert appeal.subject == "Не приходит код подтверждения"
    assert "Третий день" in appeal.text
    stored = InboundMessage.objects.get()
    assert (stored.state, stored.outcome, stored.appeal) == (
        State.PROCESSED,
        Outcome.CREATED,
        appeal,
    )
    assert stored.auto_answered
    # the letter is kept as it came
    assert stored.size == len(bytes(stored.raw))
    assert stored.message_id in bytes(stored.raw).decode()
    # one answer, with the number, the status link and the way to a 59-FZ appeal
    (answer,) = outgoing.deliver().to("ivanova@example.ru")
    number = format_number(appeal.number)
    assert number in answer["Subject"]
    body = answer.get_body(("plain",)).get_content()
    assert number in body
    assert "/status/?number=" in body
    assert "key=" in body
    assert "59-ФЗ" in body
    assert "/cabinet/new/" in body
    assert "547-ФЗ" in body
    assert answer["Auto-Submitted"] == "auto-replied"


def test_a_reply_with_the_number_in_the_subject_joins_the_request(intake, outgoing):
    intake.send(letter())
    appeal = _only_request()
    number = format_number(appeal.number)
    intake.send(letter(subject=f"Re: Обращение № {number}", text="Дополняю: оператор МТС."))
    assert Appeal.objects.filter(channel=Channel.EMAIL).count() == 1
    note = Message.objects.get(appeal=appeal, kind=MessageKind.NOTE)
    assert "Дополняю: оператор МТС." in note.text
    assert "ivanova@example.ru" in note.text
    last = InboundMessage.objects.latest("pk")
    assert (last.state, last.outcome, last.appeal_id) == (
        State.PROCESSED,
        Outcome.JOINED,
        appeal.pk,
    )
    assert not last.auto_answered


def test_a_reply_to_our_letter_joins_by_in_reply_to(intake, outgoing):
    intake.send(letter())
    appeal = _only_request()
    (answer,) = outgoing.deliver().to("ivanova@example.ru")
    reply = letter(subject="Re: спасибо", text="Код так и не пришёл.")
    reply["In-Reply-To"] = answer["Message-ID"]
    reply["References"] = answer["Message-ID"]
    intake.send(reply)
    assert Appeal.objects.count() == 1
    assert "Код так и не пришёл." in Message.objects.get(appeal=appeal).text


def test_a_reply_from_another_address_is_parked(intake):
    intake.send(letter())
    appeal = _only_request()
    intake.send(
        letter(sender="stranger@example.com", subject=f"Re: № {format_number(appeal.number)}")
    )
    last = InboundMessage.objects.latest("pk")
    assert last.state == State.PARKED
    assert "не с адреса заявителя" in last.reason
    assert not Message.objects.filter(appeal=appeal).exists()


def test_a_number_with_a_wrong_check_digit_is_not_taken_for_a_reply(intake):
    intake.send(letter())
    appeal = _only_request()
    wrong = appeal.number[:-1] + str((int(appeal.number[-1]) + 1) % 10)
    intake.send(letter(subject=f"Re: № {format_number(wrong)}"))
    # not a number of ours: a new request, not a join
    assert Appeal.objects.filter(channel=Channel.EMAIL).count() == 2


@pytest.mark.parametrize(
    ("headers", "mail_from", "why"),
    [
        ({"Auto-Submitted": "auto-replied"}, "", "Auto-Submitted"),
        ({"Precedence": "bulk"}, "", "Precedence"),
        ({"X-Autoreply": "yes"}, "", "X-Autoreply"),
        ({"X-Auto-Response-Suppress": "All"}, "", "X-Auto-Response-Suppress"),
    ],
)
def test_automatic_letters_get_no_request_and_no_answer(intake, outgoing, headers, mail_from, why):
    intake.send(letter(headers=headers))
    assert not Appeal.objects.exists()
    stored = InboundMessage.objects.get()
    assert stored.state == State.IGNORED
    assert why in stored.reason
    assert outgoing.deliver().messages() == []


def test_a_bounce_is_ignored(intake, outgoing):
    bounce = (
        b"From: MAILER-DAEMON@example.ru\r\nTo: priem@priemnaya.local\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <bounce-1@example.ru>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; "
        b'boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nThis is the mail system.'
        b"\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.example.ru\r\n--b--\r\n"
    )
    with intake.smtp() as client:
        client.sendmail("<>", [MAILBOX], bounce)
    intake.settle()
    stored = InboundMessage.objects.get()
    assert stored.state == State.IGNORED
    assert "недоставке" in stored.reason or "почтового сервера" in stored.reason
    assert not Appeal.objects.exists()
    assert outgoing.deliver().messages() == []


def test_the_same_message_twice_makes_one_request(intake, outgoing):
    message = letter()
    intake.send(message)
    intake.send(message)
    assert Appeal.objects.count() == 1
    _first, second = InboundMessage.objects.order_by("pk")
    assert second.state == State.IGNORED
    assert "Повтор" in second.reason
    assert len(outgoing.deliver().to("ivanova@example.ru")) == 1


def test_a_robot_that_answers_every_answer_is_stopped(intake, outgoing, settings):
    settings.PRIEMNAYA_MAIL_ANSWERS_PER_HOUR = 2
    for n in range(4):
        intake.send(letter(subject=f"Ваше письмо получено {n}"))
    assert Appeal.objects.count() == 2
    parked = InboundMessage.objects.filter(state=State.PARKED)
    assert parked.count() == 2
    assert all("петля" in m.reason for m in parked)
    assert len(outgoing.deliver().to("ivanova@example.ru")) == 2


def test_a_20_mb_letter_is_refused_with_552_and_the_server_goes_on(intake):
    big = letter(text="x" * 100)
    big.add_attachment(b"A" * (20 * 1024 * 1024), maintype="application", subtype="octet-stream",
                       filename="big.bin")  # fmt: skip
    with pytest.raises(smtplib.SMTPException) as refused:
        intake.send(big)
    assert "552" in str(refused.value)
    assert not InboundMessage.objects.exists()
    intake.send(letter())
    assert Appeal.objects.count() == 1


def test_a_wrong_recipient_is_refused_with_550(intake):
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        intake.send(letter(), to="someone-else@priemnaya.local")
    assert refused.value.recipients["someone-else@priemnaya.local"][0] == 550
    assert not InboundMessage.objects.exists()


def test_an_unknown_charset_is_read_with_replacements_and_kept_raw(intake):
    raw = (
        (
            b"From: Petrov <petrov@example.ru>\r\nTo: priem@priemnaya.local\r\n"
            b"Subject: =?x-unknown?q?=C7=E4=F0?=\r\nMessage-ID: <charset-1@example.ru>\r\n"
            b"Content-Type: text/plain; charset=x-unknown-8\r\n\r\n"
        )
        + "Прошу помочь".encode("cp1251")
        + b"\r\n"
    )
    intake.send(raw, mail_from="petrov@example.ru")
    stored = InboundMessage.objects.get()
    assert stored.state == State.PROCESSED
    assert bytes(stored.raw) == raw
    assert "Неизвестная кодировка" in stored.remarks
    assert "\ufffd" in _only_request().text


def test_broken_mime_is_accepted_with_what_could_be_read(intake):
    raw = (
        b"From: petrov@example.ru\r\nTo: priem@priemnaya.local\r\nSubject: broken\r\n"
        b"Message-ID: <broken-1@example.ru>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="never-closed"\r\n\r\n'
        b"--never-closed\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        + "Текст до поломки".encode()
        + b"\r\n--never-closed\r\nContent-Type: application/pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64"
    )
    intake.send(raw, mail_from="petrov@example.ru")
    stored = InboundMessage.objects.get()
    assert stored.state == State.PROCESSED
    assert "Текст до поломки" in _only_request().text
    assert "повреждена" in stored.remarks


def test_an_html_only_letter_becomes_text(intake):
    message = letter()
    message.set_content(
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head>"
        "<body><p>Не работает <b>вход</b></p><p>Помогите</p></body></html>",
        subtype="html",
    )
    intake.send(message)
    text = _only_request().text
    assert "Не работает вход" in text
    assert "Помогите" in text
    assert "<" not in text
    assert "alert" not in text
    assert "color" not in text


def test_a_disguised_attachment_is_refused_with_its_reason_and_a_real_one_kept(intake):
    message = letter()
    message.add_attachment(_png(), maintype="image", subtype="png", filename="screen.png")
    message.add_attachment(b"MZ\x90\x00" + b"\x00" * 200, maintype="application",
                           subtype="pdf", filename="scan.pdf")  # fmt: skip
    intake.send(message)
    appeal = _only_request()
    (kept,) = Attachment.objects.filter(appeal=appeal)
    assert kept.name == "screen.png"
    stored = InboundMessage.objects.get()
    assert "scan.pdf" in stored.remarks
    assert "исполняемый" in stored.remarks


def test_a_reply_to_a_closed_appeal_becomes_a_new_request_naming_it(intake, outgoing):
    intake.send(letter())
    closed = _only_request()
    # (the way there — answered, then closed — is the appeals' own business)
    Appeal.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    intake.send(letter(subject=f"Re: № {format_number(closed.number)}", text="Опять не работает."))
    new = Appeal.objects.exclude(pk=closed.pk).get()
    assert f"завершённое обращение № {format_number(closed.number)}" in new.text
    assert "Опять не работает." in new.text
    assert not Message.objects.filter(appeal=closed).exists()
    assert len(outgoing.deliver().to("ivanova@example.ru")) == 2


def test_a_letter_from_our_own_address_is_ignored(intake, outgoing):
    intake.send(letter(sender="noreply@priemnaya.local"))
    assert InboundMessage.objects.get().state == State.IGNORED
    assert not Appeal.objects.exists()


def test_a_letter_whose_handling_failed_is_kept_and_handled_later(intake, monkeypatch):
    from priemnaya.mail_intake import services

    real = services._decide
    monkeypatch.setattr(services, "_decide", lambda message: 1 / 0)
    intake.send(letter())
    stored = InboundMessage.objects.get()
    # accepted (the sender heard 250) and kept, not handled yet, the failure counted
    assert (stored.state, stored.attempts) == (State.NEW, 1)
    assert "ZeroDivisionError" in stored.reason
    assert not Appeal.objects.exists()
    monkeypatch.setattr(services, "_decide", real)
    intake.handler.sweep()
    intake.settle()
    stored.refresh_from_db()
    assert stored.state == State.PROCESSED
    assert _only_request() == stored.appeal


def test_a_very_long_letter_keeps_its_start_and_says_so(intake):
    intake.send(letter(text="Очень длинное письмо. " * 400))
    assert len(_only_request().text) <= 5000
    assert "длиннее 5000" in InboundMessage.objects.get().remarks


def test_a_letter_that_cannot_be_registered_is_parked_with_the_reason(intake, settings):
    settings.PRIEMNAYA_MAIL_THEME = "net-takoy-temy"
    intake.send(letter())
    stored = InboundMessage.objects.get()
    assert stored.state == State.PARKED
    assert stored.reason.startswith("Не зарегистрировано:")
    assert "тем" in stored.reason.lower()
    assert not Appeal.objects.exists()
