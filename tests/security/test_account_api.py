"""POST /api/v1/auth/register, /auth/confirm-phone and /account/*: equal answers, 4xx never 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from priemnaya.accounts.models import Consent, User
from priemnaya.core import clock
from tests.factories import PASSWORD, api, make_citizen
from tests.security.identity_helpers import last_code, wrong

pytestmark = pytest.mark.django_db
BODY = {
    "full_name": "Новикова Анна",
    "email": "anna@example.ru",
    "phone": "+79161234567",
    "password": PASSWORD,
    "consent": True,
}


@pytest.fixture(autouse=True)
def _outbox(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def test_register_answers_202_the_same_for_new_and_taken_logins():
    make_citizen(email="owner@example.ru", phone="+79031234567")
    # when
    new = api()("post", "/auth/register", BODY)
    taken = api()(
        "post", "/auth/register", {**BODY, "email": "owner@example.ru", "phone": "+79031234567"}
    )
    # then
    assert new.status_code == taken.status_code == 202
    assert new.json() == taken.json()
    assert new.json()["confirm"] == ["phone", "email"]
    assert User.objects.count() == 2
    assert Consent.objects.count() == 1


def test_register_refuses_bad_input_per_field():
    response = api()(
        "post",
        "/auth/register",
        {**BODY, "email": "сitizen@example.ru", "password": "short", "consent": False},
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"email", "password", "consent"}
    missing = api()("post", "/auth/register", {"full_name": "Анна"})
    assert missing.status_code == 422
    assert {e["field"] for e in missing.json()["errors"]} == {"password"}
    assert not User.objects.exists()


def test_confirm_phone_with_the_code_then_sign_in_for_a_token():
    api()("post", "/auth/register", BODY)
    code = last_code("+79161234567")
    # a wrong code
    bad = api()("post", "/auth/confirm-phone", {"phone": "8 916 123-45-67", "code": wrong(code)})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "code"
    # the right one
    ok = api()("post", "/auth/confirm-phone", {"phone": "8 916 123-45-67", "code": code})
    assert ok.status_code == 200
    user = User.objects.get(phone="+79161234567")
    assert user.phone_confirmed_at is not None
    # replayed
    again = api()("post", "/auth/confirm-phone", {"phone": "+79161234567", "code": code})
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "code"
    token = api()("post", "/auth/token", {"login": "+79161234567", "password": PASSWORD})
    assert token.status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"phone": "+79990000000", "code": "123456"}, "code"),
        ({"phone": "not a phone", "code": "123456"}, "phone"),
        ({"phone": "+79161234567"}, "code"),
    ],
)
def test_confirm_phone_refuses_unknown_phones_like_wrong_codes(body, field):
    response = api()("post", "/auth/confirm-phone", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_confirming_a_taken_phone_never_succeeds():
    owner = make_citizen(phone="+79031234567")
    api()("post", "/auth/register", {**BODY, "phone": "+79031234567", "email": ""})
    response = api()("post", "/auth/confirm-phone", {"phone": "+79031234567", "code": "123456"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "code"
    owner.refresh_from_db()
    assert owner.phone_confirmed_at is not None  # untouched


def test_own_profile_and_confirming_contacts_when_signed_in():
    user = make_citizen(phone="+79161234567", email="anna@example.ru")
    User.objects.filter(pk=user.pk).update(phone_confirmed_at=None, email_confirmed_at=None)
    call = api(user)
    profile = call("get", "/account")
    assert profile.status_code == 200
    assert profile.json() == {
        "full_name": user.full_name,
        "email": "anna@example.ru",
        "phone": "+79161234567",
        "email_confirmed": False,
        "phone_confirmed": False,
        "identity_confirmed": False,
        "role": "citizen",
    }
    assert call("post", "/account/phone/code").status_code == 200
    too_soon = call("post", "/account/phone/code")
    assert too_soon.status_code == 429
    assert 1 <= int(too_soon["Retry-After"]) <= 61
    code = last_code("+79161234567")
    assert call("post", "/account/phone/confirm", {"code": wrong(code)}).status_code == 422
    assert call("post", "/account/phone/confirm", {"code": code}).status_code == 200
    assert call("post", "/account/email/link").status_code == 200
    assert "/accounts/confirm-email/" in mail.outbox[-1].body
    assert call("get", "/account").json()["phone_confirmed"] is True
    # a confirmed phone needs no code
    done = call("post", "/account/phone/code")
    assert done.status_code == 422
    assert done.json()["errors"][0]["field"] == "phone"


def test_the_account_endpoints_need_sign_in():
    for method, path in [
        ("get", "/account"),
        ("post", "/account/phone/code"),
        ("post", "/account/email/link"),
    ]:
        assert api()(method, path).status_code == 401


def test_an_hourly_limit_on_codes_answers_429():
    user = make_citizen(phone="+79161234567")
    User.objects.filter(pk=user.pk).update(phone_confirmed_at=None)
    call = api(user)
    start = clock.now()
    for minute in range(5):
        with clock.travel_to(start + timedelta(minutes=2 * minute)):
            assert call("post", "/account/phone/code").status_code == 200
    with clock.travel_to(start + timedelta(minutes=11)):
        refused = call("post", "/account/phone/code")
    assert refused.status_code == 429
    assert "Retry-After" in refused
