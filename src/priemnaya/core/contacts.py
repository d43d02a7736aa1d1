"""Normalisation of phone numbers and e-mail addresses (phonenumbers, email-validator).

A contact identifies a person (sign-in, registration, replies), so look-alike characters are
refused before it does: an address mixing alphabets in one part (``сitizen@example.ru`` with a
Cyrillic «с», ``user@exаmple.ru``) is checked with ``confusable_homoglyphs``; a Cyrillic-only
address or IDN domain (``иван@почта.рф``, ``user@почта.рф``) stays valid.
"""

from __future__ import annotations

import string

import phonenumbers
from confusable_homoglyphs import categories, confusables
from email_validator import EmailNotValidError, validate_email


class ContactInvalid(ValueError):
    """The contact is not a valid phone number or e-mail address; the message is Russian."""


def normalize_phone(value: str) -> str:
    """Return a Russian phone number as +7XXXXXXXXXX; accept 8XXXXXXXXXX and common spacing."""
    raw = (value or "").strip()
    if any(c.isdigit() and not c.isascii() for c in raw):
        # Full-width or other alphabets' digits look like ours but are different characters.
        raise ContactInvalid(PHONE_LOOKALIKE)
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
    """Return the e-mail address with its domain normalised; syntax and look-alikes checked.

    Raises ContactInvalid for a malformed address (RFC 5322) and for one whose local part or a
    domain label mixes alphabets, or whose Cyrillic local part only imitates Latin letters.
    """
    try:
        result = validate_email((value or "").strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ContactInvalid("Укажите адрес электронной почты в формате name@example.ru.") from exc
    if email_lookalike(result.local_part, result.domain):
        raise ContactInvalid(EMAIL_LOOKALIKE)
    return result.normalized


EMAIL_LOOKALIKE = (
    "Адрес электронной почты содержит буквы разных алфавитов (например, русскую «с» вместо "
    "латинской «c»). Наберите адрес заново в одной раскладке."
)
PHONE_LOOKALIKE = "Телефон содержит символы, похожие на цифры. Наберите номер цифрами 0–9."
_LATIN = set(string.ascii_letters)


def _scripts(text: str) -> set[str]:
    """The alphabets of the letters in ``text`` (digits and punctuation count as none)."""
    return categories.unique_aliases(text) - {"COMMON", "INHERITED"}


def _imitates_latin(text: str) -> bool:
    """Every letter of a non-Latin word has a plain Latin twin («асе» reads as «ace»)."""
    found = confusables.is_confusable(text, preferred_aliases=["latin"], greedy=True) or []
    twins = {
        item["character"]
        for item in found
        if any(glyph["c"] in _LATIN for glyph in item["homoglyphs"])
    }
    letters = {c for c in text if c.isalpha()}
    return bool(letters) and letters <= twins


def email_lookalike(local_part: str, domain: str) -> bool:
    """Whether the address is built to look like another: mixed alphabets or imitated Latin."""
    labels = domain.split(".")
    if any(len(_scripts(part)) > 1 for part in [local_part, *labels]):
        return True
    # A Cyrillic name at a Latin domain is fine unless each of its letters has a Latin twin.
    domain_latin = _scripts(domain) <= {"LATIN"}
    return (
        domain_latin and _scripts(local_part) - {"LATIN"} != set() and _imitates_latin(local_part)
    )
