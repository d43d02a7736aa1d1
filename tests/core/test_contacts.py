"""Phone numbers as +7XXXXXXXXXX and e-mail addresses per RFC 5322 (priemnaya.core.contacts)."""

from __future__ import annotations

import pytest

from priemnaya.core.contacts import ContactInvalid, normalize_email, normalize_phone

PHONE_FORMAT = "Телефон указывается в формате +7XXXXXXXXXX."
EMAIL_FORMAT = "Укажите адрес электронной почты в формате name@example.ru."


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+79161234567", "+79161234567"),
        ("+7 916 123-45-67", "+79161234567"),
        ("+7 (916) 123 45 67", "+79161234567"),
        ("89161234567", "+79161234567"),
        ("8 (916) 123-45-67", "+79161234567"),
        ("8-800-555-35-35", "+78005553535"),
        ("  +7 495 123 45 67  ", "+74951234567"),
    ],
)
def test_russian_phone_numbers_are_normalised_to_plus_seven(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "123",
        "телефон",
        "+7916123456",  # one digit short
        "+791612345678",  # one digit too many
        "8916123456",  # 8 and only ten digits
        "+1 202 555 0143",  # not a +7 number
        "+44 20 7946 0958",
    ],
)
def test_bad_phone_numbers_are_refused_in_russian(typed):
    with pytest.raises(ContactInvalid) as caught:
        normalize_phone(typed)
    assert str(caught.value) == PHONE_FORMAT


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("reply@example.ru", "reply@example.ru"),
        ("  Ivan.Petrov@Example.RU ", "Ivan.Petrov@example.ru"),
        ("иван@пример.рф", "иван@пример.рф"),
    ],
)
def test_email_domain_is_normalised(typed, stored):
    assert normalize_email(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "bad@",
        "@example.ru",
        "no-at-sign",
        "a b@example.ru",
        "a@b",
        "a@@example.ru",
        "x@localhost",
    ],
)
def test_bad_email_addresses_are_refused_in_russian(typed):
    with pytest.raises(ContactInvalid) as caught:
        normalize_email(typed)
    assert str(caught.value) == EMAIL_FORMAT
