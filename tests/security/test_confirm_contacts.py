"""The e-mail link, «Подтверждение контактов» and the cabinet banner for unconfirmed accounts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client

from priemnaya.accounts.models import User
from priemnaya.audit.models import AuditEntry
from priemnaya.core import clock
from tests.factories import make_citizen, signed_in
from tests.security.identity_helpers import form, last_code, sms_sent, wrong

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://[^\s]+/accounts/confirm-email/(\d+)/([^/\s]+)/")


@pytest.fixture(autouse=True)
def _outbox(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def unconfirmed(catalog):
    """A citizen who registered before confirmation existed: phone and e-mail unconfirmed."""
    user = make_citizen(phone="+79161234567", email="anna@example.ru")
    User.objects.filter(pk=user.pk).update(email_confirmed_at=None, phone_confirmed_at=None)
    user.refresh_from_db()
    return user


def link_path() -> str:
    match = LINK.search(mail.outbox[-1].body)
    assert match is not None, mail.outbox[-1].body
    return f"/accounts/confirm-email/{match.group(1)}/{match.group(2)}/"


# ---- the e-mail link ----------------------------------------------------------------------------


def test_the_link_confirms_only_after_the_button(client):
    client.post("/accounts/register/", form(phone="", email="anna@example.ru"))
    path = link_path()
    user = User.objects.get(email="anna@example.ru")
    # when a mail scanner opens the link
    page = client.get(path)
    # then nothing is spent
    assert page.status_code == 200
    assert "Подтвердить адрес" in page.content.decode()
    user.refresh_from_db()
    assert user.email_confirmed_at is None
    # when the person presses the button
    done = client.post(path)
    assert done.status_code == 200
    assert "Адрес электронной почты подтверждён" in done.content.decode()
    user.refresh_from_db()
    assert user.email_confirmed_at is not None
    assert AuditEntry.objects.filter(
        action="contact.confirmed", target_id=str(user.pk), details={"contact": "email"}
    ).exists()
    # and the same link again is a clear page, not a 500
    again = client.post(path)
    assert again.status_code == 400
    assert "уже подтверждён" in again.content.decode()


def test_the_email_only_registration_asks_to_open_the_link(client):
    response = client.post(
        "/accounts/register/", form(phone="", email="anna@example.ru"), follow=True
    )
    html = response.content.decode()
    assert "Подтвердите адрес почты" in html
    assert "a***@example.ru" in html
    assert 'name="code"' not in html


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/confirm-email/{id}/not-the-secret/",
        "/accounts/confirm-email/999999/whatever/",
        "/accounts/confirm-email/{id}/{secret}x/",
    ],
)
def test_a_bad_link_is_a_clear_page(client, path):
    client.post("/accounts/register/", form(phone="", email="anna@example.ru"))
    good = LINK.search(mail.outbox[-1].body)
    user_id, secret = good.group(1), good.group(2)
    response = client.post(path.format(id=user_id, secret=secret))
    assert response.status_code == 400
    assert "Ссылка устарела или уже использована" in response.content.decode()
    assert User.objects.get(email="anna@example.ru").email_confirmed_at is None


def test_an_expired_link_is_refused(client):
    client.post("/accounts/register/", form(phone="", email="anna@example.ru"))
    path = link_path()
    with clock.travel_to(clock.now() + timedelta(minutes=11)):
        response = client.post(path)
    assert response.status_code == 400
    assert "Ссылка устарела" in response.content.decode()


# ---- «Подтверждение контактов» ---------------------------------------------------------------


def test_the_cabinet_shows_the_banner_until_contacts_are_confirmed(unconfirmed):
    client = signed_in(unconfirmed)
    page = client.get("/cabinet/").content.decode()
    assert 'data-testid="identity-banner"' in page
    assert 'href="/accounts/contacts/"' in page
    assert 'data-testid="identity-banner"' in client.get("/cabinet/new/").content.decode()
    confirmed = signed_in(make_citizen())
    assert 'data-testid="identity-banner"' not in confirmed.get("/cabinet/").content.decode()


def test_a_signed_in_person_confirms_phone_and_email(unconfirmed):
    client = signed_in(unconfirmed)
    page = client.get("/accounts/contacts/")
    assert page.status_code == 200
    assert "не подтверждён" in page.content.decode()
    # phone
    sent = client.post("/accounts/contacts/", {"send_code": ""})
    assert sent.status_code == 302
    code = last_code("+79161234567")
    bad = client.post("/accounts/contacts/", {"code": wrong(code), "confirm_phone": ""})
    assert "Неверный код" in bad.content.decode()
    ok = client.post("/accounts/contacts/", {"code": code, "confirm_phone": ""})
    assert ok.status_code == 302
    # e-mail
    assert client.post("/accounts/contacts/", {"send_link": ""}).status_code == 302
    assert client.post(link_path()).status_code == 200
    unconfirmed.refresh_from_db()
    assert unconfirmed.identity_confirmed
    assert 'data-testid="identity-banner"' not in client.get("/cabinet/").content.decode()


def test_asking_for_codes_too_often_shows_the_wait(unconfirmed):
    client = signed_in(unconfirmed)
    client.post("/accounts/contacts/", {"send_code": ""})
    again = client.post("/accounts/contacts/", {"send_code": ""})
    assert again.status_code == 429
    assert "Новый код можно запросить через" in again.content.decode()
    assert len(sms_sent("+79161234567")) == 1


def test_the_contacts_page_needs_sign_in():
    response = Client().get("/accounts/contacts/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
