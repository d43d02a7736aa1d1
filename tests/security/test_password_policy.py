"""PRIEMNAYA_PASSWORD_POLICY: SPEC §13 («spec», the default) or ASVS 5 / NIST 800-63B («nist»)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import override_settings

from priemnaya.accounts.models import User
from priemnaya.accounts.password_policy import password_hint, password_validators


def problems(password: str, policy: str, user: User | None = None) -> list[str]:
    with override_settings(AUTH_PASSWORD_VALIDATORS=password_validators(policy)):
        try:
            validate_password(password, user=user)
        except ValidationError as exc:
            return list(exc.messages)
    return []


def test_the_default_policy_is_spec_13():
    assert settings.PRIEMNAYA_PASSWORD_POLICY == "spec"
    assert password_validators("spec") == settings.AUTH_PASSWORD_VALIDATORS


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("Aa1!x", "слишком короткий"),
        ("vesna-2026!", "строчные и заглавные"),
        ("Vesna-vesna!", "цифру"),
        ("Vesna2026ok", "специальный символ"),
        ("Vesnaaaa-26!", "четыре раза подряд"),
        ("Password1!", "распространён"),
        ("Aa1!" + "x" * 200, "длиннее 128"),
    ],
)
def test_spec_refuses(password, rule):
    assert any(rule in m for m in problems(password, "spec")), problems(password, "spec")


def test_spec_accepts_a_strong_short_password():
    assert problems("Vesna-2026!", "spec") == []


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("Vesna-2026!", "слишком короткий"),  # 11 characters: fine for spec, short for nist
        ("password1234", "распространён"),  # on the breached list shipped with Django
        ("1q2w3e4r5t6y", "распространён"),
        ("x" * 129, "длиннее 128"),
    ],
)
def test_nist_refuses(password, rule):
    assert any(rule in m for m in problems(password, "nist")), problems(password, "nist")


@pytest.mark.parametrize(
    "password",
    [
        "корова ест траву утром",  # a passphrase: no digits, no capitals, no specials
        "aaaa bbbb cccc dddd",  # runs are fine in nist
        "x" * 64 + "y" * 64,  # 128 characters allowed
    ],
)
def test_nist_has_no_composition_rules(password):
    assert problems(password, "nist") == []
    assert problems(password, "spec") != []


def test_nist_refuses_a_password_like_the_own_contacts():
    user = User(full_name="Петров Пётр", email="vesnushka2026@example.ru")
    assert problems("vesnushka2026!!", "nist", user)
    assert not problems("vesnushka2026!!", "nist")


def test_an_unknown_policy_stops_the_start():
    with pytest.raises(ImproperlyConfigured, match="PRIEMNAYA_PASSWORD_POLICY"):
        password_validators("weak")


def test_the_registration_form_says_the_rule_of_the_policy(client, db, settings):
    assert password_hint("spec") in client.get("/accounts/register/").content.decode()
    settings.PRIEMNAYA_PASSWORD_POLICY = "nist"
    settings.AUTH_PASSWORD_VALIDATORS = password_validators("nist")
    assert password_hint("nist") in client.get("/accounts/register/").content.decode()
    response = client.post(
        "/accounts/register/",
        {
            "full_name": "Анна",
            "email": "anna@example.ru",
            "password": "Vesna-2026!",
            "password2": "Vesna-2026!",
            "consent": "on",
        },
    )
    assert "слишком короткий" in response.content.decode()
    assert not User.objects.exists()
