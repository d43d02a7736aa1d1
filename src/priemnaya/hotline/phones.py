"""A line's number in its two forms: as dialled (the tel: link) and as written for people."""

from __future__ import annotations

from priemnaya.core.contacts import ContactInvalid, normalize_phone
from priemnaya.core.errors import ValidationFailed


def line_phone(value: str) -> str:
    """Return the number as dialled (+7XXXXXXXXXX), or raise ValidationFailed on ``phone``."""
    try:
        return normalize_phone(value)
    except ContactInvalid as exc:
        raise ValidationFailed.single("phone", str(exc)) from None


def line_phone_display(phone: str) -> str:
    """Return how a number is written for people: 8 800 555-35-35, +7 495 123-45-67."""
    digits = phone.removeprefix("+7")
    if len(digits) != 10 or not digits.isdigit():
        return phone
    code, a, b, c = digits[:3], digits[3:6], digits[6:8], digits[8:]
    # Free 8 800 numbers are written with 8, as the seeds and every poster write them.
    prefix = "8" if code.startswith("80") else "+7"
    return f"{prefix} {code} {a}-{b}-{c}"
