"""E-mail through a real SMTP server: parts, Russian text, threading and unsubscribe headers,
the staff digest, and the unsubscribe link's token."""

from __future__ import annotations

import pytest
from django.core import signing

from priemnaya.appeals import services
from priemnaya.notifications import sender
from priemnaya.notifications.channels.email import mail_domain
from priemnaya.notifications.models import (
    DeliveryAttempt,
    Notification,
    Preference,
    State,
    Suppression,
)
from priemnaya.notifications.unsubscribe import unsubscribe_apply, unsubscribe_token
from tests import factories
from tests.notifications.conftest import relay


def test_the_email_has_text_and_html_in_russian_with_number_link_and_headers(
    citizen, submit, smtp, settings
):
    # given a planned confirmation with an HTML version
    settings.PRIEMNAYA_SITE_URL = "https://priemnaya.example"
    appeal = submit(citizen)
    relay()
    row = Notification.objects.get(channel="email")
    Notification.objects.filter(pk=row.pk).update(html="<p>Обращение <b>получено</b>.</p>")
    # when it is sent
    sender.deliver_once(channel="email")
    # then one multipart message arrived with both parts, in Russian
    (message,) = smtp.to(citizen.email)
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert appeal.display_number in message["Subject"]
    assert appeal.display_number in text
    assert "Здравствуйте" in text
    assert f"https://priemnaya.example/cabinet/appeals/{appeal.number}" in text.replace("-", "")
    assert "получено" in html
    # and the headers thread the appeal and offer one-click unsubscribe
    domain = mail_domain()
    assert message["Message-ID"] == f"<notification-{row.pk}@{domain}>"
    assert message["References"] == f"<appeal-{appeal.number}@{domain}>"
    assert message["In-Reply-To"] == f"<appeal-{appeal.number}@{domain}>"
    unsubscribe = message["List-Unsubscribe"].strip()  # a long header is folded
    assert unsubscribe.startswith("<https://priemnaya.example/u/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = unsubscribe[len("<https://priemnaya.example/u/") : -2]
    assert signing.loads(token, salt="notifications.unsubscribe") == {
        "a": citizen.email,
        "u": citizen.pk,
    }


def test_letters_of_one_appeal_share_the_thread(citizen, submit, operator, smtp):
    appeal = submit(citizen)
    services.appeal_take(appeal=appeal, actor=operator)
    relay()
    sender.deliver_once(channel="email")
    letters = smtp.to(citizen.email)
    assert len(letters) == 2
    assert len({m["References"] for m in letters}) == 1
    assert len({m["Message-ID"] for m in letters}) == 2


def test_many_staff_emails_at_once_go_as_one_digest(catalog, smtp, head):
    # given five appeals assigned to one operator at once
    operator = factories.make_operator()
    appeals = [factories.submit_appeal(factories.make_citizen()) for _ in range(5)]
    for appeal in appeals:
        services.appeal_assign(appeal=appeal, actor=head, assignee_id=operator.pk)
    relay()
    staff = Notification.objects.filter(channel="email", address=operator.email)
    assert staff.count() == 5
    # when the sender takes them in one claim
    sender.deliver_once(channel="email")
    # then the operator gets one «Сводка» listing every appeal with its link
    (digest,) = smtp.to(operator.email)
    assert digest["Subject"].strip() == "Сводка: 5 событий по обращениям"
    text = digest.get_body(("plain",)).get_content()
    for appeal in appeals:
        assert appeal.display_number in text
        assert f"/console/appeals/{appeal.number}" in text.replace("-", "")
    assert digest.get_body(("html",)) is not None
    # and every row is sent with the same answer, one attempt each
    assert set(staff.values_list("state", flat=True)) == {State.SENT}
    answers = DeliveryAttempt.objects.filter(notification__in=staff).values_list(
        "provider_answer", flat=True
    )
    assert len(answers) == 5
    assert len(set(answers)) == 1


def test_no_digest_for_who_turned_it_off(catalog, smtp, head):
    operator = factories.make_operator()
    Preference.objects.create(user=operator, digest=False)
    for _ in range(3):
        appeal = factories.submit_appeal(factories.make_citizen())
        services.appeal_assign(appeal=appeal, actor=head, assignee_id=operator.pk)
    relay()
    sender.deliver_once(channel="email")
    letters = smtp.to(operator.email)
    assert len(letters) == 3
    assert not any("Сводка" in m["Subject"] for m in letters)


def test_unsubscribing_an_account_turns_its_email_off(citizen):
    address = unsubscribe_apply(unsubscribe_token(address=citizen.email, user_id=citizen.pk))
    assert address == citizen.email
    assert Preference.objects.get(user=citizen).email is False


def test_unsubscribing_an_address_without_account_suppresses_it(db):
    token = unsubscribe_token(address="caller@example.ru", user_id=None)
    assert "/" not in token
    assert unsubscribe_apply(token) == "caller@example.ru"
    assert unsubscribe_apply(token) == "caller@example.ru"  # twice is harmless
    assert Suppression.objects.filter(address="caller@example.ru", channel="email").count() == 1


@pytest.mark.parametrize("token", ["", "garbage", "eyJhIjoieEB5LnJ1IiwidSI6bnVsbH0:bad:sig"])
def test_a_forged_token_is_refused_in_russian(db, token):
    with pytest.raises(ValueError, match="Ссылка для отказа"):
        unsubscribe_apply(token)


def test_a_subject_with_a_line_break_is_never_sent_as_a_header(citizen, submit, smtp):
    # given a notification whose subject (an administrator's template) carries a line break
    submit(citizen)
    relay()
    row = Notification.objects.get(channel="email")
    Notification.objects.filter(pk=row.pk).update(subject="Тема\nBcc: victim@example.ru")
    # when it is sent
    sender.deliver_once(channel="email")
    # then nothing left and the row is parked with the reason
    row.refresh_from_db()
    assert not smtp.envelopes
    assert row.state == State.FAILED
    assert "cannot build" in row.last_error


def test_an_international_domain_goes_through_djangos_encoder(citizen, submit, smtp):
    submit(citizen)
    relay()
    row = Notification.objects.get(channel="email")
    Notification.objects.filter(pk=row.pk).update(address="ivan@пример.рф")
    sender.deliver_once(channel="email")
    row.refresh_from_db()
    assert row.state == State.SENT
    assert smtp.envelopes[0].rcpt_tos == ["ivan@xn--e1afmkfd.xn--p1ai"]
