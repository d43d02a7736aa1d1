"""Registration pages: equal answers for new and taken contacts, consent, codes, e-mail link.

LEGAL.md §6 rule 7 and SPEC §13: an account is created unconfirmed and not signed in; the SMS
code confirms the phone and signs the person in; a taken e-mail or phone creates nothing, its
owner gets a notice, and the caller sees exactly what a new registrant sees.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client

from priemnaya.accounts.consent import CONSENT_VERSION
from priemnaya.accounts.models import Consent, User
from priemnaya.audit.models import AuditEntry
from priemnaya.core import clock
from priemnaya.security.registration import NOTICE_SMS, PENDING_KEY
from tests.factories import PASSWORD, make_citizen
from tests.security.identity_helpers import form, last_code, page_text, sms_sent, wrong

pytestmark = pytest.mark.django_db
NEW_PHONE = "+79161234567"
TAKEN_PHONE = "+79031234567"


@pytest.fixture(autouse=True)
def _outbox(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def owner():
    """Someone registered long ago with TAKEN_PHONE and owner@example.ru, both confirmed."""
    return make_citizen(phone=TAKEN_PHONE, email="owner@example.ru")


def register(client: Client, **overrides):
    return client.post("/accounts/register/", form(**overrides), REMOTE_ADDR="203.0.113.7")


def masked(phone: str) -> str:
    return f"{phone[:2]} {phone[2:5]} ***-**-{phone[-2:]}"


# ---- a new account ------------------------------------------------------------------------------


def test_a_new_account_is_unconfirmed_not_signed_in_and_gets_a_code(client):
    # when
    response = register(client, email="anna@example.ru")
    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/register/confirm/"
    user = User.objects.get(phone=NEW_PHONE)
    assert user.phone_confirmed_at is None
    assert user.email_confirmed_at is None
    assert "_auth_user_id" not in client.session
    assert client.get("/cabinet/").status_code == 302  # not signed in
    assert re.fullmatch(r"\d{6}", last_code(NEW_PHONE))
    assert "/accounts/confirm-email/" in mail.outbox[-1].body
    page = client.get("/accounts/register/confirm/").content.decode()
    assert "Введите код из SMS" in page
    assert masked(NEW_PHONE) in page


def test_consent_is_recorded_with_version_time_and_ip_and_audited(client):
    # when
    moment = clock.now().replace(microsecond=0)
    with clock.travel_to(moment):
        register(client)
    # then
    user = User.objects.get(phone=NEW_PHONE)
    consent = Consent.objects.get(user=user)
    assert consent.text_version == CONSENT_VERSION
    assert consent.accepted_at == moment
    assert consent.ip == "203.0.113.7"
    entry = AuditEntry.objects.get(action="consent.given")
    assert entry.target_id == str(user.pk)
    assert entry.details == {"version": CONSENT_VERSION}
    assert NEW_PHONE not in str(entry.details)


def test_without_consent_nothing_is_created(client):
    response = register(client, consent=None)
    assert response.status_code == 200
    assert "Без согласия на обработку данных" in response.content.decode()
    assert not User.objects.exists()
    assert not Consent.objects.exists()


def test_the_consent_text_is_public_and_linked_from_the_form(client):
    text = client.get("/legal/consent/")
    assert text.status_code == 200
    assert "Согласие на обработку персональных данных" in text.content.decode()
    assert CONSENT_VERSION in text.content.decode()
    assert 'href="/legal/consent/"' in client.get("/accounts/register/").content.decode()


def test_the_right_code_confirms_the_phone_and_signs_in(client):
    register(client)
    # when
    response = client.post(
        "/accounts/register/confirm/", {"code": last_code(NEW_PHONE), "confirm": ""}
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == "/cabinet/"
    user = User.objects.get(phone=NEW_PHONE)
    assert user.phone_confirmed_at is not None
    assert user.identity_confirmed  # phone only: every login contact is confirmed
    assert client.session["_auth_user_id"] == str(user.pk)
    assert PENDING_KEY not in client.session
    assert AuditEntry.objects.filter(
        action="contact.confirmed", target_id=str(user.pk), details={"contact": "phone"}
    ).exists()
    assert client.get("/cabinet/").status_code == 200


def test_a_wrong_expired_or_replayed_code_is_refused_on_the_field(client):
    register(client)
    code = last_code(NEW_PHONE)
    # wrong
    page = client.post("/accounts/register/confirm/", {"code": wrong(code), "confirm": ""})
    assert 'id="id_code_error"' in page.content.decode()
    assert "Неверный код" in page.content.decode()
    # expired
    with clock.travel_to(clock.now() + timedelta(minutes=11)):
        late = client.post("/accounts/register/confirm/", {"code": code, "confirm": ""})
    assert "Код устарел" in late.content.decode()
    assert User.objects.get(phone=NEW_PHONE).phone_confirmed_at is None


def test_a_used_code_does_not_work_twice(client):
    register(client)
    code = last_code(NEW_PHONE)
    client.post("/accounts/register/confirm/", {"code": code, "confirm": ""})
    # when the pending registration is replayed from a stale session copy
    stale = Client()
    session = stale.session
    session[PENDING_KEY] = {
        "phone": NEW_PHONE,
        "email": None,
        "phone_user_id": User.objects.get(phone=NEW_PHONE).pk,
        "email_user_id": None,
        "decoy": False,
        "problem": "",
    }
    session.save()
    replay = stale.post("/accounts/register/confirm/", {"code": code, "confirm": ""})
    assert "уже использован" in replay.content.decode()
    assert "_auth_user_id" not in stale.session


def test_a_form_sent_twice_still_confirms_the_new_account(client):
    # given: a double click sends the form twice; the second send finds the new account
    register(client)
    register(client)
    assert User.objects.count() == 1
    # when the code of the first send is typed in
    response = client.post(
        "/accounts/register/confirm/", {"code": last_code(NEW_PHONE), "confirm": ""}
    )
    # then the person is in
    assert response["Location"] == "/cabinet/"
    assert User.objects.get().phone_confirmed_at is not None


def test_a_stranger_with_the_code_of_an_unconfirmed_account_is_not_signed_in(client, catalog):
    # given: an account whose phone is unconfirmed; its owner asked for a code
    holder = make_citizen(phone=TAKEN_PHONE)
    User.objects.filter(pk=holder.pk).update(phone_confirmed_at=None)
    holder.refresh_from_db()
    from priemnaya.security.registration import contact_phone_code_send

    contact_phone_code_send(user=holder)
    code = last_code(TAKEN_PHONE)
    # when whoever reads that phone registers with it at once (the holder's code stays live)
    # and types the code
    register(client, phone=TAKEN_PHONE)
    response = client.post("/accounts/register/confirm/", {"code": code, "confirm": ""})
    # then: no sign-in into the holder's account, and the answer is a plain wrong code
    assert "_auth_user_id" not in client.session
    assert "Неверный код" in response.content.decode()
    holder.refresh_from_db()
    assert holder.phone_confirmed_at is None


def test_resend_waits_a_minute_and_then_sends_a_new_code(client):
    register(client)
    first = last_code(NEW_PHONE)
    # at once: refused with the wait
    soon = client.post("/accounts/register/confirm/", {"resend": ""})
    assert soon.status_code == 429
    assert "Новый код можно запросить через" in soon.content.decode()
    assert len(sms_sent(NEW_PHONE)) == 1
    # after the pause
    with clock.travel_to(clock.now() + timedelta(seconds=61)):
        again = client.post("/accounts/register/confirm/", {"resend": ""})
        assert again.status_code == 302
        second = last_code(NEW_PHONE)
        assert len(sms_sent(NEW_PHONE)) == 2
        if second != first:  # the first code no longer works
            refused = client.post("/accounts/register/confirm/", {"code": first, "confirm": ""})
            assert "Неверный код" in refused.content.decode()
        ok = client.post("/accounts/register/confirm/", {"code": second, "confirm": ""})
    assert ok.status_code == 302


def test_the_confirm_page_without_a_registration_goes_back_to_the_form(client):
    response = client.get("/accounts/register/confirm/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/register/"


# ---- a taken contact: the same answer -----------------------------------------------------------


def test_a_taken_phone_creates_nothing_and_its_owner_is_told(client, owner):
    before = User.objects.count()
    # when
    response = register(client, phone="8 903 123-45-67", full_name="Захватчик")
    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/register/confirm/"
    assert User.objects.count() == before
    assert not User.objects.filter(full_name="Захватчик").exists()
    notices = sms_sent(TAKEN_PHONE)
    assert [m["text"] for m in notices] == [NOTICE_SMS]
    assert "войдите или восстановите пароль" in NOTICE_SMS
    assert not re.search(r"\d{6}", NOTICE_SMS)
    assert "_auth_user_id" not in client.session


def test_a_taken_email_tells_its_owner_by_mail(client, owner):
    register(client, phone="", email="OWNER@example.ru")
    assert User.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["owner@example.ru"]]
    assert "пытались зарегистрироваться" in mail.outbox[0].body
    assert "/accounts/confirm-email/" not in mail.outbox[0].body


def test_new_and_taken_phones_get_the_same_pages(owner):
    new, taken = Client(), Client()
    # when
    first = register(new, phone=NEW_PHONE, email="fresh@example.ru")
    second = register(taken, phone=TAKEN_PHONE, email="owner@example.ru")
    # then: the same redirect, the same page (modulo the CSRF token and the number typed)
    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"])
    pages = [
        page_text(new.get("/accounts/register/confirm/"), masked(NEW_PHONE), "f***@example.ru"),
        page_text(taken.get("/accounts/register/confirm/"), masked(TAKEN_PHONE), "o***@example.ru"),
    ]
    assert pages[0] == pages[1]
    assert "Введите код из SMS" in pages[0]
    # a wrong code reads the same
    answers = [
        page_text(
            c.post("/accounts/register/confirm/", {"code": "000001", "confirm": ""}), masked(p), e
        )
        for c, p, e in (
            (new, NEW_PHONE, "f***@example.ru"),
            (taken, TAKEN_PHONE, "o***@example.ru"),
        )
    ]
    assert answers[0] == answers[1]
    assert "Неверный код" in answers[0]
    # so do too many tries, an early resend and a late code
    for client in (new, taken):
        for _ in range(4):
            client.post("/accounts/register/confirm/", {"code": "000002", "confirm": ""})
    exhausted = [
        c.post("/accounts/register/confirm/", {"code": "000003", "confirm": ""})
        for c in (new, taken)
    ]
    assert all("Слишком много неверных попыток" in r.content.decode() for r in exhausted)
    early = [c.post("/accounts/register/confirm/", {"resend": ""}) for c in (new, taken)]
    assert [r.status_code for r in early] == [429, 429]
    assert page_text(early[0], masked(NEW_PHONE), "f***@example.ru") == page_text(
        early[1], masked(TAKEN_PHONE), "o***@example.ru"
    )
    with clock.travel_to(clock.now() + timedelta(minutes=11)):
        late = [
            c.post("/accounts/register/confirm/", {"code": "000004", "confirm": ""})
            for c in (new, taken)
        ]
    assert all("Код устарел" in r.content.decode() for r in late)
    # and nobody got into the owner's account
    assert "_auth_user_id" not in taken.session


def test_the_decoy_never_signs_in_even_with_the_owners_code(client, owner):
    # given: the owner of the taken phone asked for a code themselves a while ago … and the
    # caller somehow knows the code sent for the registration attempt
    register(client, phone=TAKEN_PHONE)
    from priemnaya.accounts.codes import code_issue
    from priemnaya.accounts.models import CodePurpose

    with clock.travel_to(clock.now() + timedelta(seconds=61)):
        known = code_issue(
            user=owner, purpose=CodePurpose.CONFIRM_PHONE, channel="sms", destination=TAKEN_PHONE
        )
        response = client.post("/accounts/register/confirm/", {"code": known, "confirm": ""})
    assert "Неверный код" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_registration_hashes_the_password_for_a_taken_contact_too(client, owner, monkeypatch):
    calls = []
    import priemnaya.security.registration as registration

    real = registration.make_password
    monkeypatch.setattr(registration, "make_password", lambda p: calls.append(p) or real(p))
    register(client, phone=TAKEN_PHONE)
    assert calls == [PASSWORD]


# ---- confusable characters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    ["сitizen@example.ru", "citizen@exаmple.ru", "асе@example.ru", "ivan@почтa.рф"],
    ids=["cyrillic-c-in-latin", "cyrillic-a-in-domain", "cyrillic-imitating-latin", "latin-in-idn"],
)
def test_look_alike_emails_are_refused_naming_the_field(client, email):
    response = register(client, phone="", email=email)
    html = response.content.decode()
    assert response.status_code == 200
    error = re.search(r'id="id_email_error">(.*?)</div>', html, re.S)
    assert error is not None
    assert "разных алфавитов" in error.group(1)
    assert not User.objects.exists()


@pytest.mark.parametrize("email", ["иван@почта.рф", "user@почта.рф", "ivan.petrov@example.ru"])
def test_single_script_addresses_and_cyrillic_domains_are_accepted(client, email):
    response = register(client, phone="", email=email)
    assert response.status_code == 302
    assert User.objects.filter(email=email).exists()


def test_look_alike_digits_in_a_phone_are_refused(client):
    response = register(client, phone="+7 916 １２３ 45 67")
    assert "похожие на цифры" in response.content.decode()
    assert not User.objects.exists()
