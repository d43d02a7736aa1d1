"""«Почта» in the console: parked and skipped letters, reading one safely, handling it by hand,
and the 59-FZ registration of an e-mailed request after identifying the sender."""

from __future__ import annotations

import pytest

from priemnaya.appeals.models import Appeal, Message
from priemnaya.appeals.states import Channel, MessageKind
from priemnaya.audit.models import AuditEntry
from priemnaya.catalog.models import Regime
from priemnaya.core.numbering import format_number
from priemnaya.mail_intake.models import IdentityCheck, IdentityMethod, InboundMessage, State
from priemnaya.mail_intake.services import inbound_process, inbound_store
from tests.factories import make_operator, signed_in
from tests.mail_intake.conftest import MAILBOX, letter

pytestmark = pytest.mark.django_db


def _arrive(message) -> InboundMessage:
    raw = message if isinstance(message, bytes) else message.as_bytes()
    stored = inbound_store(raw, mail_from="ivanova@example.ru", rcpt_to=[MAILBOX])
    return inbound_process(stored.pk)


def _request() -> Appeal:
    return _arrive(letter()).appeal


def test_parked_and_skipped_letters_are_listed_with_their_reason(catalog, operator):
    skipped = _arrive(letter(subject="Я в отпуске", headers={"Auto-Submitted": "auto-replied"}))
    made = _arrive(letter(subject="Обычное письмо"))
    page = signed_in(operator).get("/console/mail/").content.decode()
    assert "Я в отпуске" in page
    assert skipped.reason.split(":")[0] in page
    assert "Обычное письмо" not in page  # handled by itself: not waiting for anyone
    assert made.state == State.PROCESSED


def test_a_letter_is_shown_as_text_never_as_html(catalog, operator):
    message = letter(headers={"Auto-Submitted": "auto-generated"})
    message.set_content('<p>Привет</p><script>alert("x")</script>', subtype="html")
    stored = _arrive(message)
    response = signed_in(operator).get(f"/console/mail/{stored.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page or "Привет" in page
    assert 'data-testid="mail-raw"' in page


def test_an_operator_makes_a_request_of_a_skipped_letter(catalog, operator):
    stored = _arrive(letter(subject="Важное", headers={"Precedence": "bulk"}))
    assert stored.state == State.IGNORED
    response = signed_in(operator).post(f"/console/mail/{stored.pk}/request/")
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.state == State.PROCESSED
    assert stored.appeal.channel == Channel.EMAIL
    assert stored.appeal.subject == "Важное"
    assert not stored.auto_answered
    assert AuditEntry.objects.filter(action="mail.request_created", actor_id=operator.pk).exists()
    # a second click finds it handled
    again = signed_in(operator).post(f"/console/mail/{stored.pk}/request/")
    assert again.status_code == 302
    assert Appeal.objects.filter(channel=Channel.EMAIL).count() == 1


def test_an_operator_attaches_a_parked_letter_to_an_appeal(catalog, operator):
    first_line = make_operator(departments=("citizens",))
    appeal = _request()
    stranger = letter(sender="husband@example.com", subject=f"Re: № {format_number(appeal.number)}")
    stored = _arrive(stranger)
    assert stored.state == State.PARKED
    # not the support operator's appeal: as if there were none
    theirs = signed_in(operator).post(
        f"/console/mail/{stored.pk}/attach/", {"number": appeal.display_number}
    )
    assert theirs.status_code == 400
    assert "не найдено" in theirs.content.decode()
    client = signed_in(first_line)
    wrong = client.post(f"/console/mail/{stored.pk}/attach/", {"number": "26-0001234-0"})
    assert wrong.status_code == 400
    assert "ошибка" in wrong.content.decode()
    done = client.post(f"/console/mail/{stored.pk}/attach/", {"number": appeal.display_number})
    assert done.status_code == 302
    note = Message.objects.get(appeal=appeal, kind=MessageKind.NOTE)
    assert "husband@example.com" in note.text


def test_a_citizen_or_specialist_may_not_open_the_mailbox(catalog, citizen, specialist):
    assert signed_in(citizen).get("/console/mail/").status_code == 403
    assert signed_in(specialist).get("/console/mail/").status_code == 403


def test_a_59fz_appeal_from_an_emailed_request_needs_the_identity_record(catalog, operator):
    source = _request()
    assert source.regime != Regime.FZ59
    client = signed_in(operator)
    url = f"/console/mail/fz59/{source.display_number}/"
    form = {
        "kind": "complaint",
        "theme": "services-refusal",
        "subject": "Жалоба на отказ",
        "text": "Мне отказали в услуге без причины.",
        "applicant_name": "Иванова Мария Петровна",
        "contact_email": "ivanova@example.ru",
        "contact_address": "г. Тверь, ул. Советская, д. 1, кв. 2",
    }
    refused = client.post(url, form)
    assert refused.status_code == 400
    assert "Укажите, как установлена личность заявителя." in refused.content.decode()
    assert not Appeal.objects.filter(regime=Regime.FZ59).exists()
    not_fz59 = client.post(url, {**form, "kind": "request", "method": "in_person", "details": "x"})
    assert not_fz59.status_code == 400
    done = client.post(
        url, {**form, "method": IdentityMethod.IN_PERSON, "details": "Паспорт 28 10 123456"}
    )
    assert done.status_code == 302, done.content.decode()
    appeal = Appeal.objects.get(regime=Regime.FZ59)
    check = IdentityCheck.objects.get(appeal=appeal)
    assert (check.request, check.checked_by) == (source, operator)
    assert appeal.registered_by == operator
    assert AuditEntry.objects.filter(action="mail.fz59_registered", actor_id=operator.pk).exists()
    assert "Паспорт 28 10 123456" in Message.objects.get(appeal=appeal).text
    assert format_number(appeal.number) in Message.objects.get(appeal=source).text


def test_the_request_page_offers_the_59fz_registration(catalog, supervisor):
    source = _request()
    page = signed_in(supervisor).get(f"/console/appeals/{source.number}/").content.decode()
    assert "Электронная почта" in page
    assert f"/console/mail/fz59/{source.number}/" in page


def test_an_identity_check_names_its_day_in_the_services_time():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from priemnaya.mail_intake.models import IdentityCheck, IdentityMethod

    # 22:30 UTC on 27 November is already 28 November in Moscow.
    check = IdentityCheck(
        method=IdentityMethod.values[0],
        checked_at=datetime(2026, 11, 27, 22, 30, tzinfo=ZoneInfo("UTC")),
    )
    assert str(check).endswith("(28.11.2026)")
