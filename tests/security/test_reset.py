"""Password reset by a one-time code and password change: every other session and token ends."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client

from priemnaya.accounts.models import ApiToken, UserSession
from priemnaya.audit.models import AuditEntry
from priemnaya.security.lockout import lock_state
from tests.factories import PASSWORD, api_token, make_citizen
from tests.security.conftest import last_code, sms_to

pytestmark = pytest.mark.django_db

NEW = "Novyi-parol-2027!"
PHONE = "+79163334455"


@pytest.fixture
def person(catalog):
    return make_citizen(email="reset@example.ru", phone=PHONE)


def _me(client: Client, token: str):
    return client.get("/api/v1/appeals", HTTP_AUTHORIZATION=f"Bearer {token}")


def _reset_page(client: Client, login: str):
    return client.post("/accounts/reset/", {"login": login}, follow=True)


def _confirm_page(client: Client, login: str, code: str, password: str = NEW, again: str = NEW):
    return client.post(
        "/accounts/reset/confirm/",
        {"login": login, "code": code, "password": password, "password2": again},
    )


def test_reset_by_sms_ends_every_session_and_token(person):
    token = api_token(person)
    other = Client()
    other.force_login(person)
    # Signing in recorded the browser's session (security.sessions).
    assert UserSession.objects.filter(user=person, session_key=other.session.session_key).exists()
    assert _me(Client(), token).status_code == 200
    browser = Client()
    answer = _reset_page(browser, "8 916 333-44-55")
    assert answer.redirect_chain[-1][0] == "/accounts/reset/confirm/"
    assert "мы отправили код" in answer.content.decode()
    code = last_code(PHONE)
    done = _confirm_page(browser, "8 916 333-44-55", code)
    assert done.status_code == 302
    assert done["Location"] == "/accounts/login/"
    person.refresh_from_db()
    assert person.check_password(NEW)
    assert person.password_changed_at is not None
    assert not ApiToken.objects.filter(user=person, revoked_at__isnull=True).exists()
    assert _me(Client(), token).status_code == 401
    assert UserSession.objects.get(user=person).ended_at is not None
    assert not Session.objects.filter(session_key=other.session.session_key).exists()
    assert other.get("/cabinet/").status_code == 302  # back to the sign-in
    entry = AuditEntry.objects.get(action="password.reset")
    assert entry.target_id == str(person.pk)
    # The person signs in with the new password.
    assert (
        Client()
        .post("/accounts/login/", {"login": "reset@example.ru", "password": NEW})
        .status_code
        == 302
    )


def test_a_code_goes_by_email_when_the_phone_is_not_confirmed(catalog):
    person = make_citizen(email="mailonly@example.ru")
    _reset_page(Client(), "mailonly@example.ru")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["mailonly@example.ru"]
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)
    assert _confirm_page(Client(), "mailonly@example.ru", code).status_code == 302
    person.refresh_from_db()
    assert person.check_password(NEW)


def test_nothing_is_sent_to_unconfirmed_contacts(catalog):
    make_citizen(email="unconfirmed@example.ru", email_confirmed_at=None, phone_confirmed_at=None)
    from priemnaya.accounts.models import User

    User.objects.filter(email="unconfirmed@example.ru").update(email_confirmed_at=None)
    answer = _reset_page(Client(), "unconfirmed@example.ru")
    assert "мы отправили код" in answer.content.decode()
    assert mail.outbox == []


def test_an_unknown_login_reads_the_same_and_sends_nothing(person):
    known = _reset_page(Client(), "reset@example.ru")
    unknown = _reset_page(Client(), "nobody@example.ru")
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert sms_to(PHONE)
    assert not mail.outbox
    wrong_known = _confirm_page(Client(), "reset@example.ru", "000000")
    wrong_unknown = _confirm_page(Client(), "nobody@example.ru", "000000")
    assert wrong_known.status_code == wrong_unknown.status_code == 200
    text_known = wrong_known.content.decode()
    assert "Код неверный или устарел" in text_known
    assert text_known.count("Код неверный или устарел") == wrong_unknown.content.decode().count(
        "Код неверный или устарел"
    )


def test_the_password_rules_and_the_repeat_apply(person):
    _reset_page(Client(), "reset@example.ru")
    code = last_code(PHONE)
    weak = _confirm_page(Client(), "reset@example.ru", code, password="12345678", again="12345678")
    assert weak.status_code == 200
    assert 'id="id_password_error"' in weak.content.decode()
    differ = _confirm_page(Client(), "reset@example.ru", code, again="Drugoi-parol-2027!")
    assert "Пароли не совпадают." in differ.content.decode()
    # The code was not spent by the refusals.
    assert _confirm_page(Client(), "reset@example.ru", code).status_code == 302


def test_a_used_code_does_not_work_again(person):
    _reset_page(Client(), "reset@example.ru")
    code = last_code(PHONE)
    assert _confirm_page(Client(), "reset@example.ru", code).status_code == 302
    again = _confirm_page(Client(), "reset@example.ru", code, password="Esche-odin-2028!",
                          again="Esche-odin-2028!")  # fmt: skip
    assert again.status_code == 200
    assert "Код неверный или устарел" in again.content.decode()


def test_a_reset_unlocks_the_login(person):
    for _ in range(5):
        Client().post("/accounts/login/", {"login": "reset@example.ru", "password": "Wrong-1!"})
    assert lock_state("reset@example.ru").locked
    _reset_page(Client(), "reset@example.ru")
    _confirm_page(Client(), "reset@example.ru", last_code(PHONE))
    assert not lock_state("reset@example.ru").locked


# ---- the API ------------------------------------------------------------------------------------


def _api(path: str, body: dict):
    return Client().post(f"/api/v1/auth{path}", body, content_type="application/json")


def test_the_api_reset_answers_202_always_and_confirms_with_the_code(person):
    token = api_token(person)
    known = _api("/password-reset", {"login": "reset@example.ru"})
    unknown = _api("/password-reset", {"login": "nobody@example.ru"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    code = last_code(PHONE)
    confirm = {"login": "reset@example.ru", "password": NEW}
    bad = _api("/password-reset/confirm", {**confirm, "code": "x"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "code"
    weak = _api(
        "/password-reset/confirm", {"login": "reset@example.ru", "code": code, "password": "123"}
    )
    assert weak.status_code == 422
    assert weak.json()["errors"][0]["field"] == "password"
    ok = _api("/password-reset/confirm", {**confirm, "code": code})
    assert ok.status_code == 200, ok.content
    assert _me(Client(), token).status_code == 401
    nobody = _api(
        "/password-reset/confirm", {"login": "nobody@example.ru", "code": code, "password": NEW}
    )
    assert nobody.status_code == 422
    assert nobody.json()["errors"] == bad.json()["errors"]


# ---- password change ----------------------------------------------------------------------------


def test_a_password_change_keeps_this_session_and_ends_the_others(person):
    token = api_token(person)
    here, there = Client(), Client()
    here.post("/accounts/login/", {"login": "reset@example.ru", "password": PASSWORD})
    there.force_login(person)
    for browser in (here, there):
        key = browser.session.session_key
        assert UserSession.objects.filter(user=person, session_key=key).exists()
    answer = here.post(
        "/accounts/password/", {"old_password": PASSWORD, "password": NEW, "password2": NEW}
    )
    assert answer.status_code == 302
    assert here.get("/cabinet/").status_code == 200
    assert there.get("/cabinet/").status_code == 302
    assert _me(Client(), token).status_code == 401
    mine = UserSession.objects.get(session_key=here.session.session_key)
    assert mine.ended_at is None
    assert UserSession.objects.filter(user=person, ended_at__isnull=False).count() == 1
    assert AuditEntry.objects.filter(action="password.changed", target_id=str(person.pk)).exists()


def test_a_password_change_needs_the_old_password(person):
    client = Client()
    client.force_login(person)
    answer = client.post(
        "/accounts/password/", {"old_password": "Wrong-1!", "password": NEW, "password2": NEW}
    )
    assert answer.status_code == 200
    assert "Текущий пароль введён неверно." in answer.content.decode()
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_the_password_page_needs_a_sign_in(db):
    answer = Client().get("/accounts/password/")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login/")


def test_a_token_made_before_the_password_changed_is_refused(person):
    from django.utils import timezone

    from priemnaya.accounts.selectors import user_for_api_token

    key = api_token(person)
    assert user_for_api_token(key=key) == person
    person.password_changed_at = timezone.now()
    person.save()
    assert user_for_api_token(key=key) is None
    fresh = api_token(person)
    assert user_for_api_token(key=fresh) == person
    ApiToken.objects.update(revoked_at=timezone.now())
    assert user_for_api_token(key=fresh) is None
