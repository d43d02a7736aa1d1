"""Rules for free text that people type: length after trimming, allowed characters."""

from __future__ import annotations

import unicodedata

_LINE_BREAKS = {"\n", "\r"}


def clean_text(value: str) -> str:
    """Return the text trimmed, NFC-normalised and with Windows line breaks made plain."""
    return unicodedata.normalize("NFC", (value or "").replace("\r\n", "\n")).strip()


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
    return None
