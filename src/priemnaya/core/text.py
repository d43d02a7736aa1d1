"""Rules for free text that people type: length after trimming, allowed characters."""

from __future__ import annotations

import re
import unicodedata

_LINE_BREAKS = {"\n", "\r"}

# Embeddings, overrides and isolates reorder what a reader sees without changing what is stored
# ("Trojan Source"): an answer could show one sum and mean another. The plain direction marks
# (LRM, RLM, ALM) stay allowed: right-to-left writing needs them and they reorder nothing.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# NUL is refused by PostgreSQL in text and a lone surrogate by every UTF-8 encoder (SQLite, the
# password hasher, JSON out): such a value cannot be stored or echoed at all.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def clean_text(value: str) -> str:
    """Return the text trimmed, NFC-normalised and with Windows line breaks made plain."""
    return unicodedata.normalize("NFC", (value or "").replace("\r\n", "\n")).strip()


def has_unstorable(value: str) -> bool:
    """Return whether the text holds a character no database or encoder accepts (NUL, a surrogate).

    Faces check every incoming string with this before it reaches a query; the fuller rules of
    what people may type are ``text_problem``'s.
    """
    return _UNSTORABLE.search(value) is not None


def text_problem(value: str, *, max_length: int, required: bool = True) -> str | None:
    """Return a Russian description of what is wrong with an already cleaned text, or None."""
    if not value:
        return "Заполните это поле." if required else None
    if len(value) > max_length:
        return f"Не больше {max_length} символов (сейчас {len(value)})."
    for ch in value:
        category = unicodedata.category(ch)
        if category == "Cc" and ch not in _LINE_BREAKS:
            return "Текст содержит недопустимые управляющие символы."
        if category == "Cs" or (category == "Cn" and (ord(ch) & 0xFFFE) == 0xFFFE):
            return "Текст содержит недопустимые символы Юникода."
        if ch in BIDI_CONTROLS:
            return "Текст содержит символы, меняющие направление письма."
    return None
