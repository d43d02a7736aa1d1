"""Sign-in by e-mail or phone (LoginBackend) and API bearer tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.utils import timezone

from priemnaya.accounts.models import ApiToken, User
from priemnaya.accounts.selectors import user_find_by_login, user_for_api_token
from priemnaya.accounts.services import AuthenticationFailed, api_token_issue

pytestmark = pytest.mark.django_db

PASSWORD = "Vesna-2026!"


def _request():
    # The lockout (django-axes, first of AUTHENTICATION_BACKENDS) needs the request of each try.
    return RequestFactory().post("/accounts/login/")


@pytest.fixture
def person():
    return User.objects.create_user(
        full_name="Петров Пётр", email="petrov@example.ru", phone="+79161234567", password=PASSWORD
    )


@pytest.mark.parametrize(
    "login",
    [
        "petrov@example.ru",
        "  PETROV@EXAMPLE.RU ",
        "petrov@Example.Ru",
        "+79161234567",
        "89161234567",
        "8 (916) 123-45-67",
        "+7 916 123 45 67",
    ],
)
def test_sign_in_by_email_or_phone_in_any_usual_spelling(person, login):
    assert authenticate(_request(), username=login, password=PASSWORD) == person


@pytest.mark.parametrize(
    ("login", "password"),
    [
        ("petrov@example.ru", "Vesna-2026?"),
        ("+79161234567", ""),
        ("ivanov@example.ru", PASSWORD),
        ("+79990000000", PASSWORD),
        ("не логин", PASSWORD),
        ("", PASSWORD),
    ],
)
def test_wrong_password_or_unknown_login_is_refused(person, login, password):
    assert authenticate(_request(), username=login, password=password) is None


def test_an_inactive_user_cannot_sign_in(person):
    # given
    person.is_active = False
    person.save()
    # then
    assert authenticate(_request(), username="petrov@example.ru", password=PASSWORD) is None
    assert user_find_by_login(login="petrov@example.ru") == person


def test_a_password_is_required(person):
    assert authenticate(_request(), username="petrov@example.ru", password=None) is None


def test_issued_token_is_stored_hashed_and_finds_its_user(person):
    # when
    key = api_token_issue(request=_request(), login="+7 916 123-45-67", password=PASSWORD)
    # then
    token = ApiToken.objects.get(user=person)
    assert token.key_hash == ApiToken.hash_key(key)
    assert key not in token.key_hash
    assert token.expires_at > timezone.now() + timedelta(days=29)
    assert user_for_api_token(key=key) == person


def test_each_issue_gives_a_new_token(person):
    first = api_token_issue(request=_request(), login="petrov@example.ru", password=PASSWORD)
    second = api_token_issue(request=_request(), login="petrov@example.ru", password=PASSWORD)
    assert first != second
    assert ApiToken.objects.filter(user=person).count() == 2


def test_token_is_refused_for_a_wrong_password(person):
    with pytest.raises(AuthenticationFailed) as caught:
        api_token_issue(request=_request(), login="petrov@example.ru", password="wrong")
    assert caught.value.field == "login"
    assert caught.value.status == 401
    assert ApiToken.objects.count() == 0


def test_an_expired_token_is_refused(person):
    # given
    key = api_token_issue(request=_request(), login="petrov@example.ru", password=PASSWORD)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    # then
    assert user_for_api_token(key=key) is None


def test_a_token_of_a_deactivated_user_is_refused(person):
    key = api_token_issue(request=_request(), login="petrov@example.ru", password=PASSWORD)
    person.is_active = False
    person.save()
    assert user_for_api_token(key=key) is None


def test_an_unknown_token_is_refused(person):
    api_token_issue(request=_request(), login="petrov@example.ru", password=PASSWORD)
    assert user_for_api_token(key="not-a-token") is None


def test_authenticate_without_a_request_is_refused_by_the_lockout(person):
    from axes.exceptions import AxesBackendRequestParameterRequired

    with pytest.raises(AxesBackendRequestParameterRequired):
        authenticate(None, username="petrov@example.ru", password=PASSWORD)
