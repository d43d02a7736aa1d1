"""Appeal numbers: two digits of the year, a seven-digit sequence and a Damm check digit.

>>> format_number(compose_number(2026, 1234))
'26-0001234-9'

The Damm check digit catches every single-digit error and every transposition of adjacent digits,
so a number misheard over the phone is refused before any lookup.
"""

from __future__ import annotations

import re

# Totally anti-symmetric quasigroup of order 10 (Damm, 2004).
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
SEQUENCE_DIGITS = 7
NUMBER_LENGTH = 2 + SEQUENCE_DIGITS + 1
NUMBER_SEPARATORS = re.compile(r"[\s\-–—./№#]+")


class MalformedNumber(ValueError):
    """The text is not a well-formed appeal number (wrong length, characters or check digit)."""


def damm_digit(digits: str) -> int:
    """Return the Damm check digit of a string of decimal digits."""
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][ord(ch) - 48]
    return interim


def is_valid(digits: str) -> bool:
    """Return True if the last digit is the Damm check digit of the others."""
    return digits.isascii() and digits.isdigit() and damm_digit(digits) == 0


def compose_number(year: int, sequence: int) -> str:
    """Return the stored (digits only) number for a sequence value in a year."""
    if not 0 < sequence < 10**SEQUENCE_DIGITS:
        raise ValueError(f"sequence {sequence} out of range")
    body = f"{year % 100:02d}{sequence:0{SEQUENCE_DIGITS}d}"
    return body + str(damm_digit(body))


def normalize_number(text: str) -> str:
    """Return the digits-only form of a number typed with or without separators.

    Raise MalformedNumber if it has the wrong length, a non-digit or a wrong check digit.
    """
    digits = NUMBER_SEPARATORS.sub("", text or "")
    if not digits:
        raise MalformedNumber("Укажите номер обращения.")
    if not (digits.isascii() and digits.isdigit()) or len(digits) != NUMBER_LENGTH:
        raise MalformedNumber(f"Номер обращения состоит из 10 цифр, например {EXAMPLE_NUMBER}.")
    if not is_valid(digits):
        raise MalformedNumber("В номере обращения ошибка: проверьте цифры.")
    return digits


def format_number(digits: str) -> str:
    """Return the number grouped for reading aloud: YY-NNNNNNN-C."""
    if len(digits) != NUMBER_LENGTH:
        return digits
    return f"{digits[:2]}-{digits[2:-1]}-{digits[-1]}"


# The number shown as an example in placeholders and messages: a real one, so it passes the check.
EXAMPLE_NUMBER = format_number(compose_number(2026, 1234))
