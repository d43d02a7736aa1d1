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


# ---- look-alike characters (issue 9): refused before a contact identifies anyone ---------------

LOOKALIKE = "Адрес электронной почты содержит буквы разных алфавитов"


@pytest.mark.parametrize(
    "typed",
    [
        "сitizen@example.ru",  # Cyrillic «с» in a Latin name
        "citizen@exаmple.ru",  # Cyrillic «а» in a Latin domain label
        "ivan@почтa.рф",  # Latin «a» in a Cyrillic domain label
        "асе@example.ru",  # all Cyrillic, every letter a twin of a Latin one: reads «ace»
    ],
)
def test_look_alike_email_addresses_are_refused(typed):
    with pytest.raises(ContactInvalid) as caught:
        normalize_email(typed)
    assert str(caught.value).startswith(LOOKALIKE)


@pytest.mark.parametrize(
    "typed",
    ["иван@почта.рф", "user@почта.рф", "ivan@пример.рф", "иван@example.ru", "a.b-c_1@example.ru"],
)
def test_single_script_parts_and_cyrillic_domains_stay_valid(typed):
    assert normalize_email(typed) == typed


@pytest.mark.parametrize("typed", ["+7 916 １２３ 45 67", "+7 916 ١٢٣ 45 67"])
def test_digits_of_other_scripts_in_a_phone_are_refused(typed):
    with pytest.raises(ContactInvalid, match="похожие на цифры"):
        normalize_phone(typed)


def test_sign_in_lookup_and_appeal_contacts_refuse_look_alikes(db):
    from priemnaya.accounts.models import User
    from priemnaya.accounts.selectors import user_find_by_login
    from priemnaya.appeals.inputs import AppealInput, appeal_input_problems

    User.objects.create_user(email="citizen@example.ru", full_name="Гражданин", password="x")
    assert user_find_by_login(login="citizen@example.ru") is not None
    assert user_find_by_login(login="сitizen@example.ru") is None
    problems = appeal_input_problems(
        AppealInput(kind="", theme="", contact_email="сitizen@example.ru"), partial=True
    )
    assert any(LOOKALIKE in m for m in problems.get("contact_email", [])), problems
