"""Normalisation of phone numbers and e-mail addresses (phonenumbers, email-validator)."""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email


class ContactInvalid(ValueError):
    """The contact is not a valid phone number or e-mail address; the message is Russian."""


def normalize_phone(value: str) -> str:
    """Return a Russian phone number as +7XXXXXXXXXX; accept 8XXXXXXXXXX and common spacing."""
    raw = (value or "").strip()
    if raw.startswith("8") and len([c for c in raw if c.isdigit()]) == 11:
        raw = "+7" + raw[1:]
    try:
        parsed = phonenumbers.parse(raw, "RU")
    except phonenumbers.NumberParseException as exc:
        raise ContactInvalid("Телефон указывается в формате +7XXXXXXXXXX.") from exc
    if parsed.country_code != 7 or not phonenumbers.is_valid_number(parsed):
        raise ContactInvalid("Телефон указывается в формате +7XXXXXXXXXX.")
    formatted = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if len(formatted) != 12:
        raise ContactInvalid("Телефон указывается в формате +7XXXXXXXXXX.")
    return formatted


def normalize_email(value: str) -> str:
    """Return the e-mail address with its domain normalised; syntax checked per RFC 5322."""
    try:
        result = validate_email((value or "").strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ContactInvalid("Укажите адрес электронной почты в формате name@example.ru.") from exc
    return result.normalized
