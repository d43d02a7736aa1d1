"""The sign-in page and the token endpoint: remember-me, one answer for wrong and unknown, CSRF,
the second factor owed after the password, the history and the audit entries."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from priemnaya.accounts.models import ApiToken, SignInEvent
from priemnaya.audit.models import AuditEntry
from priemnaya.security.second_factor import PENDING_KEY
from tests.factories import PASSWORD, make_citizen, make_operator
from tests.security.conftest import last_code, sms_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(catalog):
    return make_citizen(email="in@example.ru", phone="+79161112233")


def _post(client, login, password, **extra):
    return client.post("/accounts/login/", {"login": login, "password": password, **extra})


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_sign_in_by_email_or_phone(person):
    for login in ("in@example.ru", "8 916 111-22-33"):
        client = Client()
        assert _post(client, login, PASSWORD).status_code == 302
        assert client.session["_auth_user_id"] == str(person.pk)


def test_the_page_offers_remember_me_and_reset(person):
    page = Client().get("/accounts/login/").content.decode()
    assert 'name="remember"' in page
    assert "Запомнить меня" in page
    assert 'href="/accounts/reset/"' in page


def test_remembered_session_lasts_thirty_days(person, settings):
    client = Client()
    _post(client, "in@example.ru", PASSWORD, remember="on")
    assert client.session.get_expire_at_browser_close() is False
    assert client.session.get_expiry_age() == 30 * 86_400
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == 30 * 86_400


def test_remember_days_come_from_settings(person, settings):
    settings.PRIEMNAYA_REMEMBER_DAYS = 7
    client = Client()
    _post(client, "in@example.ru", PASSWORD, remember="on")
    assert client.session.get_expiry_age() == 7 * 86_400


def test_a_session_not_remembered_ends_with_the_browser(person, settings):
    client = Client()
    _post(client, "in@example.ru", PASSWORD)
    assert client.session.get_expire_at_browser_close() is True
    assert not client.cookies[settings.SESSION_COOKIE_NAME]["max-age"]


def test_wrong_password_and_unknown_login_read_the_same(person):
    wrong = _post(Client(), "in@example.ru", "Wrong-pass-1!")
    unknown = _post(Client(), "out@example.ru", "Wrong-pass-1!")
    assert wrong.status_code == unknown.status_code == 200
    page_wrong = _without_csrf(wrong.content.decode()).replace("in@example.ru", "LOGIN")
    page_unknown = _without_csrf(unknown.content.decode()).replace("out@example.ru", "LOGIN")
    assert page_wrong == page_unknown
    assert "Неверный логин или пароль." in page_wrong


def test_a_post_without_the_csrf_token_is_refused(person):
    client = Client(enforce_csrf_checks=True)
    answer = _post(client, "in@example.ru", PASSWORD)
    assert answer.status_code == 403
    assert "_auth_user_id" not in client.session
    assert not SignInEvent.objects.exists()


def test_next_is_followed_only_on_this_site(person):
    assert _post(Client(), "in@example.ru", PASSWORD, next="/status/")["Location"] == "/status/"
    answer = _post(Client(), "in@example.ru", PASSWORD, next="https://evil.example/")
    assert answer["Location"] == "/cabinet/"


def test_a_sign_in_is_recorded(person):
    client = Client(HTTP_USER_AGENT="Firefox/130")
    _post(client, "in@example.ru", "Wrong-pass-1!")
    _post(client, "in@example.ru", PASSWORD)
    events = list(SignInEvent.objects.filter(user=person).order_by("pk"))
    assert [(e.method, e.outcome) for e in events] == [
        ("password", "bad_password"),
        ("password", "ok"),
    ]
    assert events[-1].ip == "127.0.0.1"
    assert events[-1].user_agent == "Firefox/130"
    ok = AuditEntry.objects.get(action="signin.ok")
    assert (ok.actor_id, ok.target_id) == (person.pk, str(person.pk))
    failed = AuditEntry.objects.get(action="signin.failed")
    assert failed.details["reason"] == "bad_password"
    assert failed.target_id == str(person.pk)


def test_a_failure_of_an_unknown_login_has_no_target_and_no_login(person):
    _post(Client(), "secret-person@example.ru", "Wrong-pass-1!")
    failed = AuditEntry.objects.get(action="signin.failed")
    assert failed.target_id == ""
    assert "secret-person" not in str(failed.details)
    assert SignInEvent.objects.get().user is None


# ---- the second factor ---------------------------------------------------------------------------


@pytest.fixture
def staff_second_factor(settings):
    settings.PRIEMNAYA_STAFF_SECOND_FACTOR = True


def test_a_right_password_with_a_second_factor_owed_does_not_sign_in(catalog, staff_second_factor):
    operator = make_operator(email="op@example.ru")
    client = Client()
    answer = _post(client, "op@example.ru", PASSWORD, remember="on", next="/console/")
    assert answer.status_code == 302
    assert answer["Location"] == "/accounts/second-factor/"
    assert "_auth_user_id" not in client.session
    pending = client.session[PENDING_KEY]
    assert pending["user_id"] == operator.pk
    assert pending["remember"] is True
    assert pending["next"] == "/console/"
    assert pending["at"]
    assert not AuditEntry.objects.filter(action="signin.ok").exists()


def test_a_citizen_without_a_second_factor_signs_in_at_once(person, staff_second_factor):
    client = Client()
    assert _post(client, "in@example.ru", PASSWORD)["Location"] == "/cabinet/"
    assert PENDING_KEY not in client.session


def _token(body, **headers):
    return Client(**headers).post("/api/v1/auth/token", body, content_type="application/json")


def test_the_token_needs_the_second_factor_and_sends_an_sms_code(catalog, staff_second_factor):
    operator = make_operator(email="op@example.ru", phone="+79165550011")
    body = {"login": "op@example.ru", "password": PASSWORD}
    owed = _token(body)
    assert owed.status_code == 401
    error = owed.json()["errors"][0]
    assert (error["code"], error["field"]) == ("otp_required", "otp")
    assert len(sms_to("+79165550011")) == 1
    code = last_code("+79165550011")
    wrong = _token({**body, "otp": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 401
    assert wrong.json()["errors"][0]["code"] == "otp_invalid"
    ok = _token({**body, "otp": code})
    assert ok.status_code == 200, ok.content
    assert ApiToken.objects.filter(user=operator).count() == 1


def test_no_token_without_the_second_factor_for_staff_without_a_phone(catalog, staff_second_factor):
    make_operator(email="op@example.ru")
    owed = _token({"login": "op@example.ru", "password": PASSWORD})
    assert owed.json()["errors"][0]["code"] == "otp_required"
    assert not ApiToken.objects.exists()


def test_a_token_records_its_device_and_address(person):
    answer = _token(
        {"login": "in@example.ru", "password": PASSWORD},
        HTTP_USER_AGENT="PriemnayaApp/2.1",
        REMOTE_ADDR="10.1.2.3",
    )
    assert answer.status_code == 200
    token = ApiToken.objects.get(user=person)
    assert (token.name, token.created_ip) == ("PriemnayaApp/2.1", "10.1.2.3")
    named = _token({"login": "in@example.ru", "password": PASSWORD, "device": "Мой телефон"})
    assert named.status_code == 200
    assert ApiToken.objects.filter(name="Мой телефон").count() == 1
    assert list(SignInEvent.objects.filter(user=person).values_list("method", "outcome")) == [
        ("token", "ok"),
        ("token", "ok"),
    ]
