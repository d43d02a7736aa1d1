"""Lockout (django-axes): 5 failures lock a login for 30 minutes, on the page and the token API.

The right password is refused while locked; an unknown login is counted, locked and answered the
same; «+7 916…» and «8916…» are one login; the lock ends by itself after 30 minutes.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client

from priemnaya.accounts.models import SignInEvent
from priemnaya.audit.models import AuditEntry
from priemnaya.security.lockout import lock_state, login_key
from tests.factories import PASSWORD, make_citizen

pytestmark = pytest.mark.django_db

PHONE = "+79161234567"


@pytest.fixture
def person(catalog):
    return make_citizen(email="lock@example.ru", phone=PHONE)


def _page(client: Client, login: str, password: str):
    return client.post("/accounts/login/", {"login": login, "password": password})


def _token(client: Client, login: str, password: str, **extra):
    return client.post(
        "/api/v1/auth/token",
        {"login": login, "password": password, **extra},
        content_type="application/json",
    )


def _fail(login: str, times: int = 5, client: Client | None = None):
    client = client or Client()
    return [_page(client, login, "Wrong-pass-1!") for _ in range(times)]


def _age_attempts(minutes: int) -> None:
    # axes compares attempt times with django.utils.timezone.now(): move them into the past.
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= timedelta(minutes=minutes)
        attempt.save(update_fields=["attempt_time"])


def test_login_keys_are_normalised(db):
    assert login_key("+7 916 123-45-67") == login_key("89161234567") == PHONE
    assert login_key(" Lock@Example.RU ") == login_key("lock@example.ru")
    assert login_key("") is None


def test_every_login_of_an_account_shares_its_key(person):
    key = f"account:{person.pk}"
    assert login_key("Lock@Example.ru") == login_key("8 (916) 123-45-67") == key


def test_four_failures_do_not_lock_and_the_fifth_does(person):
    answers = _fail("lock@example.ru", 4)
    assert [a.status_code for a in answers] == [200] * 4
    assert "Неверный логин или пароль." in answers[-1].content.decode()
    assert not lock_state("lock@example.ru").locked
    fifth = _fail("lock@example.ru", 1)[0]
    assert fifth.status_code == 429
    assert 1700 < int(fifth["Retry-After"]) <= 1800
    page = fifth.content.decode()
    assert "Вход временно заблокирован" in page
    assert "30 мин" in page
    assert 'href="/accounts/unlock/"' in page


def test_the_right_password_is_refused_while_locked_on_the_page(person):
    _fail("lock@example.ru")
    client = Client()
    answer = _page(client, "lock@example.ru", PASSWORD)
    assert answer.status_code == 429
    assert int(answer["Retry-After"]) > 1700
    assert "_auth_user_id" not in client.session


def test_the_right_password_is_refused_while_locked_on_the_token_endpoint(person):
    _fail("lock@example.ru")
    answer = _token(Client(), "lock@example.ru", PASSWORD)
    assert answer.status_code == 429
    assert int(answer["Retry-After"]) > 1700
    body = answer.json()
    assert body["errors"][0]["code"] == "locked"
    assert "заблокирован" in body["detail"]


def test_failures_on_the_token_endpoint_lock_the_page_too(person):
    client = Client()
    answers = [_token(client, PHONE, "Wrong-pass-1!") for _ in range(5)]
    assert [a.status_code for a in answers] == [401] * 4 + [429]
    # The account is locked, whichever of its logins is typed.
    assert _page(Client(), "lock@example.ru", PASSWORD).status_code == 429
    assert _page(Client(), "8 (916) 123-45-67", PASSWORD).status_code == 429


@pytest.mark.parametrize("with_account", [True, False])
def test_phone_spellings_count_together(catalog, with_account):
    if with_account:
        make_citizen(phone=PHONE, email=None)
    client = Client()
    for login in ("+7 916 123-45-67", "89161234567", "8 916 123 45 67", "+79161234567"):
        _page(client, login, "Wrong-pass-1!")
    assert not lock_state(PHONE).locked
    assert _page(client, "+7(916)1234567", "Wrong-pass-1!").status_code == 429
    assert lock_state("89161234567").locked


def test_an_unknown_login_is_locked_and_answered_the_same(person):
    known = _fail("lock@example.ru", 6)
    unknown = _fail("nobody@example.ru", 6)
    assert [a.status_code for a in known] == [a.status_code for a in unknown]
    assert known[-1]["Retry-After"] == unknown[-1]["Retry-After"]
    assert known[3].content.decode().count("Неверный логин или пароль.") == 1
    assert unknown[3].content.decode().count("Неверный логин или пароль.") == 1
    token_known = _token(Client(), "lock@example.ru", PASSWORD)
    token_unknown = _token(Client(), "nobody@example.ru", PASSWORD)
    assert token_known.status_code == token_unknown.status_code == 429
    assert token_known.json() == token_unknown.json()


def test_wrong_password_and_unknown_login_get_the_same_token_answer(person):
    wrong = _token(Client(), "lock@example.ru", "Wrong-pass-1!")
    unknown = _token(Client(), "nobody@example.ru", "Wrong-pass-1!")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_the_lock_ends_after_thirty_minutes(person):
    _fail("lock@example.ru")
    _age_attempts(29)
    assert _page(Client(), "lock@example.ru", PASSWORD).status_code == 429
    _age_attempts(2)
    client = Client()
    answer = _page(client, "lock@example.ru", PASSWORD)
    assert answer.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def test_tries_while_locked_do_not_extend_the_lock(person):
    _fail("lock@example.ru")
    _age_attempts(20)
    _fail("lock@example.ru", 3)
    _age_attempts(11)
    assert _page(Client(), "lock@example.ru", PASSWORD).status_code == 302


def test_a_right_password_resets_the_count(person):
    _fail("lock@example.ru", 4)
    assert _page(Client(), "lock@example.ru", PASSWORD).status_code == 302
    assert _fail("lock@example.ru", 4)[-1].status_code == 200


def test_the_lock_is_recorded_in_history_and_audit(person):
    _fail("lock@example.ru", 6)
    outcomes = list(
        SignInEvent.objects.filter(user=person).order_by("pk").values_list("outcome", flat=True)
    )
    assert outcomes == ["bad_password"] * 5 + ["locked"]
    locked = AuditEntry.objects.filter(action="account.locked")
    assert locked.count() == 1
    assert locked.get().target_id == str(person.pk)
    failed = AuditEntry.objects.filter(action="signin.failed").order_by("pk")
    assert [e.details["reason"] for e in failed] == ["bad_password"] * 5 + ["locked"]
    for entry in AuditEntry.objects.all():
        assert "lock@example.ru" not in str(entry.details)
        assert entry.target_id in ("", str(person.pk))


def test_a_per_ip_failure_limit_stops_guessing_across_logins(person, settings):
    settings.PRIEMNAYA_RATE_LIMITS = {**settings.PRIEMNAYA_RATE_LIMITS, "signin_failures": "6/h"}
    client = Client()
    for n in range(6):
        assert _page(client, f"guess{n}@example.ru", "Wrong-pass-1!").status_code == 200
    refused = _page(client, "lock@example.ru", PASSWORD)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert _page(other, "lock@example.ru", PASSWORD).status_code == 302


def test_under_asgi_the_lockout_answers_the_same(person):
    # axes' async middleware calls the lockout callable as (request, credentials) and replaces
    # the answer: the token endpoint must still get its JSON and the page its page.
    from asgiref.sync import async_to_sync
    from django.test import AsyncClient

    client = AsyncClient()
    post = async_to_sync(client.post)
    body = {"login": "lock@example.ru", "password": "Wrong-pass-1!"}
    answers = [post("/api/v1/auth/token", body, content_type="application/json") for _ in range(5)]
    assert [a.status_code for a in answers] == [401] * 4 + [429]
    locked = post(
        "/api/v1/auth/token", {**body, "password": PASSWORD}, content_type="application/json"
    )
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 1700
    assert locked.json()["errors"][0]["code"] == "locked"
    page = post("/accounts/login/", {"login": "lock@example.ru", "password": PASSWORD})
    assert page.status_code == 429
    assert "Вход временно заблокирован" in page.content.decode()
