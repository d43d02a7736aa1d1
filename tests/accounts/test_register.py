"""Registration (accounts.services.user_register): per-field Russian errors, no enumeration."""

from __future__ import annotations

import re

import pytest

from priemnaya.accounts.models import User
from priemnaya.accounts.roles import Role
from priemnaya.accounts.services import user_register
from priemnaya.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Vesna-2026!"
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def register(**overrides) -> User:
    data = {
        "full_name": "Иванова Мария Петровна",
        "email": "maria@example.ru",
        "phone": "",
        "password": GOOD_PASSWORD,
    }
    data.update(overrides)
    return user_register(**data)


def errors_of(**overrides) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        register(**overrides)
    for messages in caught.value.errors.values():
        assert all(CYRILLIC.search(m) for m in messages), messages
    return caught.value.errors


def test_register_with_email_creates_a_citizen_who_can_sign_in():
    # when
    user = register(email="  Maria@Example.RU ")
    # then
    assert user.pk is not None
    assert user.role == Role.CITIZEN
    assert user.email == "Maria@example.ru"
    assert user.phone is None
    assert user.check_password(GOOD_PASSWORD)
    assert user.password != GOOD_PASSWORD


def test_register_with_phone_only_stores_it_as_plus_seven():
    user = register(email="", phone="8 (916) 123-45-67")
    assert user.phone == "+79161234567"
    assert user.email is None


def test_register_trims_and_normalises_the_name():
    user = register(full_name="  Иванова  Мария \r\n")
    assert user.full_name == "Иванова  Мария"


def test_every_bad_field_is_named_at_once():
    # when
    errors = errors_of(full_name="  ", email="maria@", phone="123", password="short")
    # then
    assert set(errors) == {"full_name", "email", "phone", "password"}
    assert errors["full_name"] == ["Заполните это поле."]
    assert User.objects.count() == 0


def test_a_login_is_required():
    errors = errors_of(email="", phone="")
    assert errors == {"email": ["Укажите e-mail или телефон — по нему вы будете входить."]}


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
def test_a_taken_login_is_refused_without_saying_the_account_exists(first, second):
    # given
    register(**first)
    # when
    with pytest.raises(ValidationFailed) as caught:
        register(full_name="Другой Человек", **second)
    # then one neutral message, not «такой пользователь уже существует»
    message = caught.value.message
    assert message == (
        "Не удалось зарегистрироваться с этими данными. "
        "Если у вас уже есть учётная запись, войдите."
    )
    assert "существует" not in message
    assert "занят" not in message
    assert caught.value.field in {"email", "phone"}
    assert User.objects.count() == 1


def test_the_same_message_for_a_taken_email_and_a_taken_phone():
    # given
    register(email="maria@example.ru", phone="+79161234567")
    # when
    with pytest.raises(ValidationFailed) as by_email:
        register(email="maria@example.ru", phone="")
    with pytest.raises(ValidationFailed) as by_phone:
        register(email="", phone="+79161234567")
    # then
    assert by_email.value.message == by_phone.value.message
