"""Text analysis shared by documents and queries: the same tokens on SQLite and PostgreSQL.

Both databases receive text already analysed here: NFKC, lower case, «ё» → «е», everything that
is not a letter or a digit turned into a space, appeal numbers and phone numbers brought to one
form, Russian Snowball stems (PyStemmer, the algorithm of PostgreSQL's ``russian`` dictionary),
PostgreSQL's Russian stop words and one-character tokens dropped. The databases then only split
on spaces (FTS5 ``unicode61``, PostgreSQL ``simple``), so a word is found on both or on neither.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import Stemmer

from priemnaya.core.contacts import ContactInvalid, normalize_phone
from priemnaya.core.errors import ValidationFailed
from priemnaya.core.numbering import MalformedNumber, normalize_number

STOP_WORDS = frozenset(
    line.strip()
    for line in (Path(__file__).parent / "data" / "russian.stop").read_text("utf-8").splitlines()
    if line.strip()
)

# Longer tokens are not words (hashes, glued text): PostgreSQL refuses tokens over 2047 bytes.
MAX_TOKEN = 64
# An appeal number with separators: 26-0001234-9, 26 0001234 9, № 26.0001234.9.
_NUMBER = re.compile(r"(?<![\w])\d{2}[\s\-–—./]*\d{7}[\s\-–—./]*\d(?![\w])")
# Something that may be a phone: a run of digits, spaces, brackets and dashes of 10–11 digits.
_PHONE = re.compile(r"(?<![\w+])\+?[78]?[\s\-(]*\d{3}[\s\-)]*\d{3}[\s\-]*\d{2}[\s\-]*\d{2}(?![\w])")
_NOT_WORD = re.compile(r"[^\w]|_", re.UNICODE)

_stemmer = Stemmer.Stemmer("russian")


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """Return the Snowball Russian stem of a lower-case word (digits and Latin pass through)."""
    return _stemmer.stemWord(word)


_SPELLED = re.compile(r"[^\W_]+", re.UNICODE)


def spellings(text: str, stems: set[str]) -> dict[str, str]:
    """The first spelling (lower case, «ё» as «е») of each of ``stems`` met in the text, in text
    order: what a person reads instead of a stem («кодом», not «код»)."""
    found: dict[str, str] = {}
    for word in _SPELLED.findall(text.lower().replace("ё", "е")):
        if word in STOP_WORDS:
            continue
        s = stem(word)
        if s in stems and s not in found:
            found[s] = word
    return found


def _clean(text: str) -> str:
    # «№» would become «No» under NFKC: it is only a sign, never a word. Control characters
    # (NUL included) need nothing here: like every other non-word character they end as spaces.
    text = (text or "").replace("№", " ")
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def _numbers_joined(text: str) -> str:
    """Write appeal numbers and phone numbers as digits only, so any spelling finds them."""

    def number(match: re.Match[str]) -> str:
        try:
            return f" {normalize_number(match.group(0))} "
        except MalformedNumber:
            return match.group(0)

    def phone(match: re.Match[str]) -> str:
        try:
            return f" {normalize_phone(match.group(0)).lstrip('+')} "
        except ContactInvalid:
            return match.group(0)

    return _PHONE.sub(phone, _NUMBER.sub(number, text))


def _words(chunk: str) -> list[str]:
    """Return the stems of one chunk of text in order, stop words and single letters dropped."""
    chunk = _NOT_WORD.sub(" ", chunk.lower().replace("ё", "е"))
    stems = []
    for word in chunk.split():
        if word in STOP_WORDS or len(word) > MAX_TOKEN:
            continue
        stemmed = stem(word)
        if len(stemmed) > 1:
            stems.append(stemmed)
    return stems


def analyse(text: str) -> str:
    """Return a document's text as space-separated stems, ready for either database."""
    return " ".join(_words(_numbers_joined(_clean(text))))


def phone_forms(phone: str) -> list[str]:
    """Return the tokens a stored phone (+7XXXXXXXXXX) is found by: with and without the 7."""
    digits = "".join(c for c in phone if c.isdigit())
    return [digits, digits[1:]] if len(digits) == 11 else ([digits] if digits else [])


# A query: at most this many characters and words (a longer one is a pasted text, not a query).
MAX_QUERY_CHARS = 500
MAX_QUERY_WORDS = 16
EMPTY_QUERY = "Введите слово (от двух букв) или номер обращения."
LONG_QUERY = (
    f"Слишком длинный запрос: не больше {MAX_QUERY_CHARS} символов и {MAX_QUERY_WORDS} слов."
)


@dataclass(frozen=True)
class Query:
    """What to find: every phrase (a run of adjacent stems, often one stem) must be present."""

    phrases: tuple[tuple[str, ...], ...]

    @property
    def words(self) -> int:
        return sum(len(p) for p in self.phrases)


def parse_query(term: str, *, field: str = "q") -> Query:
    """Return the query in ``term`` or raise ValidationFailed naming ``field``.

    Words in «"…"» form a phrase (adjacent, in order); so do the parts of one word joined by
    punctuation (an e-mail address, «Санкт-Петербург»). Any other character is a separator, so
    nothing typed reaches the databases' query syntax.
    """
    if len(term or "") > MAX_QUERY_CHARS:
        raise ValidationFailed.single(field, LONG_QUERY)
    text = _numbers_joined(_clean(term))
    phrases: list[tuple[str, ...]] = []
    seen: set[tuple[str, ...]] = set()
    # Odd parts lie between double quotes (an unclosed quote runs to the end).
    for index, part in enumerate(re.split(r"[\"«»“”„]", text)):
        chunks = [part] if index % 2 else part.split()
        for chunk in chunks:
            stems = tuple(_words(chunk))
            if stems and stems not in seen:
                seen.add(stems)
                phrases.append(stems)
    query = Query(tuple(phrases))
    if not query.phrases:
        raise ValidationFailed.single(field, EMPTY_QUERY)
    if query.words > MAX_QUERY_WORDS:
        raise ValidationFailed.single(field, LONG_QUERY)
    return query
