"""The automatic anonymiser of texts to be published, and the check that refuses leftovers.

It removes what identifies the applicant: the parts of their name in any grammatical case (by
stem) and initials beside them, phone numbers, e-mail addresses, postal addresses (the appeal's
own and street-like phrases), the appeal number, long digit runs (passport, СНИЛС, ИНН, account
numbers) and links that carry tokens. Staff read and correct the result before publishing; the
check runs again on what they submit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NAME = "[имя скрыто]"
PHONE = "[телефон скрыт]"
EMAIL = "[e-mail скрыт]"
ADDRESS = "[адрес скрыт]"
NUMBER = "[номер скрыт]"
LINK = "[ссылка скрыта]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A link with a query string, a fragment or a long opaque path segment (a token).
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_TOKENISH = re.compile(r"[?#]|/[A-Za-z0-9_\-]{16,}")
_PHONE = re.compile(r"(?<!\w)(?:\+7|8)[\s\-()]*\d{3}[\s\-()]*\d{3}[\s\-]*\d{2}[\s\-]*\d{2}(?!\d)")
# Passport («45 12 345678»), СНИЛС («123-456-789 01»), ИНН, bank details: 6+ digits in a run,
# spaces and dashes allowed between groups.
_DIGITS = re.compile(r"(?<![\w])\d(?:[\s\-]?\d){5,}(?![\w])")
_STREET = re.compile(
    r"(?:\b(?:ул|улица|пр-?т|проспект|пер|переулок|б-р|бульвар|ш|шоссе|наб|набережная|пл|"
    r"площадь|мкр|микрорайон|проезд|тупик)\b\.?\s+[^\n,;]{1,60}?"
    r"(?:,?\s*(?:д|дом)\.?\s*\d+[а-яА-Я]?(?:/\d+)?)"
    r"(?:,?\s*(?:корп|корпус|к|стр|строение)\.?\s*\d+)?"
    r"(?:,?\s*(?:кв|квартира|оф|офис)\.?\s*\d+)?)",
    re.IGNORECASE,
)
_FLAT = re.compile(r"\b(?:кв|квартира)\.?\s*\d+", re.IGNORECASE)
_INITIAL = r"[А-ЯЁA-Z]\.\s?"
_COLLAPSE = re.compile(re.escape(NAME) + r"(?:\s+" + re.escape(NAME) + r")+")


@dataclass(frozen=True)
class Personal:
    """What identifies the applicant of one appeal."""

    names: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    extra: tuple[str, ...] = field(default=())


def _stem(word: str) -> str:
    """The part of a name that stays in every case: «Иванова» → «Иванов», «Пётр» → «Пёт»."""
    if len(word) <= 3:
        return word
    if len(word) <= 5:
        return word[:-1]
    return word[:-2]


def _name_pattern(part: str) -> re.Pattern[str]:
    stem = re.escape(_stem(part))
    return re.compile(rf"(?<![\w]){stem}[а-яёa-z]{{0,4}}(?![\w])", re.IGNORECASE)


def _name_parts(personal: Personal) -> list[str]:
    parts = []
    for name in personal.names:
        parts += [p for p in re.split(r"[\s\-]+", name) if len(p) >= 3]
    return parts


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _number_pattern(number: str) -> re.Pattern[str]:
    digits = _digits(number)
    return re.compile(r"(?<!\d)" + r"[\s\-–—./№#]*".join(map(re.escape, digits)) + r"(?!\d)")


def anonymise(text: str, personal: Personal) -> str:
    """Return ``text`` without the applicant's identifiers and other personal details."""
    out = text
    for address in personal.addresses:
        if address.strip():
            out = re.sub(re.escape(address.strip()), ADDRESS, out, flags=re.IGNORECASE)
    for number in personal.numbers:
        if _digits(number):
            out = _number_pattern(number).sub(NUMBER, out)
    out = _EMAIL.sub(EMAIL, out)
    out = _URL.sub(lambda m: LINK if _TOKENISH.search(m.group(0)) else m.group(0), out)
    out = _PHONE.sub(PHONE, out)
    out = _STREET.sub(ADDRESS, out)
    out = _FLAT.sub(ADDRESS, out)
    out = _DIGITS.sub(NUMBER, out)
    for part in _name_parts(personal):
        out = _name_pattern(part).sub(NAME, out)
    # Initials beside a removed name: «И. И. [имя скрыто]», «[имя скрыто] И.И.».
    out = re.sub(rf"(?:{_INITIAL}){{1,2}}{re.escape(NAME)}", NAME, out)
    out = re.sub(rf"{re.escape(NAME)}\s(?:{_INITIAL}){{1,2}}", NAME + " ", out)
    return _COLLAPSE.sub(NAME, out)


def leftovers(text: str, personal: Personal) -> list[str]:
    """What of the applicant's identity is still in ``text`` (Russian phrases, empty if none)."""
    found = []
    if any(_name_pattern(p).search(text) for p in _name_parts(personal)):
        found.append("имя заявителя")
    digits = _digits(text)
    for phone in personal.phones:
        tail = _digits(phone)[-10:]
        if len(tail) >= 7 and tail in digits:
            found.append("телефон заявителя")
            break
    lowered = text.lower()
    if any(e and e.lower() in lowered for e in personal.emails) or _EMAIL.search(text):
        found.append("адрес электронной почты")
    if any(a.strip() and a.strip().lower() in lowered for a in personal.addresses):
        found.append("почтовый адрес заявителя")
    if any(_digits(n) and _number_pattern(n).search(text) for n in personal.numbers):
        found.append("номер обращения")
    if _PHONE.search(text):
        found.append("номер телефона")
    return found
