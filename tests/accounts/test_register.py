"""Registration (security.registration.registration_start): per-field errors, no enumeration.

The flow's pages, codes and the equal answers are in tests/security/test_registration.py.
"""

from __future__ import annotations

import re

import pytest

from priemnaya.accounts.models import User
from priemnaya.accounts.roles import Role
from priemnaya.core.errors import ValidationFailed
from priemnaya.security.registration import Pending, registration_start

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Vesna-2026!"
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


@pytest.fixture(autouse=True)
def _outbox(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def register(**overrides) -> Pending:
    data = {
        "full_name": "Иванова Мария Петровна",
        "email": "maria@example.ru",
        "phone": "",
        "password": GOOD_PASSWORD,
        "consent": True,
    }
    data.update(overrides)
    return registration_start(**data)


def errors_of(**overrides) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        register(**overrides)
    for messages in caught.value.errors.values():
        assert all(CYRILLIC.search(m) for m in messages), messages
    return caught.value.errors


def test_register_with_email_creates_an_unconfirmed_citizen():
    # when
    register(email="  Maria@Example.RU ")
    # then
    user = User.objects.get()
    assert user.role == Role.CITIZEN
    assert user.email == "Maria@example.ru"
    assert user.phone is None
    assert user.check_password(GOOD_PASSWORD)
    assert user.password != GOOD_PASSWORD
    assert user.email_confirmed_at is None
    assert not user.identity_confirmed


def test_register_with_phone_only_stores_it_as_plus_seven():
    pending = register(email="", phone="8 (916) 123-45-67")
    user = User.objects.get()
    assert user.phone == "+79161234567"
    assert user.email is None
    assert user.phone_confirmed_at is None
    assert pending.phone == "+79161234567"


def test_register_trims_and_normalises_the_name():
    register(full_name="  Иванова  Мария \r\n")
    assert User.objects.get().full_name == "Иванова  Мария"


def test_every_bad_field_is_named_at_once():
    # when
    errors = errors_of(full_name="  ", email="maria@", phone="123", password="short", consent=False)
    # then
    assert set(errors) == {"full_name", "email", "phone", "password", "consent"}
    assert errors["full_name"] == ["Заполните это поле."]
    assert User.objects.count() == 0


def test_a_login_is_required():
    errors = errors_of(email="", phone="")
    assert errors == {"email": ["Укажите e-mail или телефон — по нему вы будете входить."]}


def test_consent_is_required():
    errors = errors_of(consent=False)
    assert errors == {"consent": ["Без согласия на обработку данных мы не сможем ответить вам."]}
    assert User.objects.count() == 0


def test_full_name_with_control_characters_is_refused():
    errors = errors_of(full_name="Иван\x00ов")
    assert set(errors) == {"full_name"}


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("Aa1!x", "слишком короткий"),
        ("vesna-2026!", "строчные и заглавные"),
        ("VESNA-2026!", "строчные и заглавные"),
        ("Vesna-vesna!", "цифру"),
        ("Vesna2026ok", "специальный символ"),
        ("Vesnaaaa-26!", "четыре раза подряд"),
        ("P@ssw0rd", "распространён"),
        ("Password1!", "распространён"),
    ],
)
def test_password_rules_of_spec_13(password, rule):
    # when
    errors = errors_of(password=password)
    # then only the password is at fault and the message says which rule
    assert list(errors) == ["password"]
    assert any(rule in message for message in errors["password"]), errors["password"]
    assert User.objects.count() == 0


def test_password_similar_to_the_email_is_refused():
    errors = errors_of(email="vesnushka2026@example.ru", password="Vesnushka2026!")
    assert list(errors) == ["password"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"email": "maria@example.ru"}, {"email": "MARIA@example.ru"}),
        ({"email": "", "phone": "+79161234567"}, {"email": "", "phone": "8 916 123-45-67"}),
        (
            {"email": "", "phone": "+79161234567"},
            {"email": "new@example.ru", "phone": "+79161234567"},
        ),
    ],
    ids=["email-any-case", "phone-any-format", "new-email-taken-phone"],
)
def test_a_taken_login_creates_nothing_and_answers_like_a_new_one(first, second):
    # given
    register(**first)
    # when: no error, no hint — the same next step as for a new account
    pending = register(full_name="Другой Человек", **second)
    # then
    assert User.objects.count() == 1
    assert not User.objects.filter(full_name="Другой Человек").exists()
    fresh = register(full_name="Третий", email="", phone="+79031112233")
    assert (pending.phone is None) == (second.get("phone", "") == "")
    assert pending.problem == fresh.problem == ""
