"""One question per appeal (issue 12 item 5, SPEC §6): spot a text that asks unrelated questions.

A text is cut into pieces — its numbered or bulleted items, else its paragraphs, else its
sentences; a piece with fewer than ``MIN_STEMS`` informative words joins its neighbour. Each
piece is put to the theme suggester; neighbours on the same theme merge. The split is offered
only when at least two parts remain, each confidently on its own theme: several questions on one
theme are one appeal. Offered, never forced: ``appeal_split_into_drafts`` makes drafts the
citizen checks and sends one by one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from django.db import transaction

from priemnaya.accounts.models import User
from priemnaya.appeals.inputs import AppealInput
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.services import appeal_draft_save
from priemnaya.search import suggest
from priemnaya.search.text import analyse

MIN_STEMS = 3
MAX_PARTS = 5
SUBJECT_MAX = 200
_ITEM = re.compile(r"(?m)^[ \t]*(?:\d{1,2}[.)]|[-•*—–])[ \t]+")
_PARAGRAPH = re.compile(r"\n[ \t]*\n+|\n")
_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=\S)")


@dataclass(frozen=True)
class Part:
    text: str
    theme: str  # code
    theme_name: str
    confidence: float

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)

    @property
    def subject(self) -> str:
        """The part's first sentence, shortened to fit «Кратко, о чём обращение»."""
        first = _SENTENCE.split(self.text.strip(), maxsplit=1)[0].strip().rstrip(".!?…")
        first = re.sub(r"\s+", " ", first)
        if len(first) <= SUBJECT_MAX:
            return first
        return first[: SUBJECT_MAX - 1].rsplit(" ", 1)[0] + "…"


def _pieces(text: str) -> list[str]:
    for cut in (_ITEM, _PARAGRAPH, _SENTENCE):
        pieces = [p.strip() for p in cut.split(text) if p.strip()]
        if len(pieces) >= 2:
            return pieces
    return [text.strip()] if text.strip() else []


def _informative(piece: str) -> int:
    return len(set(analyse(piece).split()))


def _merge_short(pieces: list[str]) -> list[str]:
    """Join each piece with too few words to the one before it (the first, to the one after)."""
    out: list[str] = []
    carry = ""
    for piece in pieces:
        piece = f"{carry} {piece}".strip() if carry else piece
        carry = ""
        if _informative(piece) >= MIN_STEMS:
            out.append(piece)
        elif out:
            out[-1] = f"{out[-1]} {piece}"
        else:
            carry = piece
    if carry:
        out.append(carry)
    return out


def question_parts(text: str) -> list[Part]:
    """Return the text's parts on different themes when it asks unrelated questions, else []."""
    if not (text or "").strip() or len(text) > suggest.TEXT_MAX:
        return []
    pieces = _merge_short(_pieces(text))
    if len(pieces) < 2:
        return []
    parts: list[Part] = []
    for piece in pieces:
        found = suggest.best(piece)
        if found is None:
            return []  # a piece the model cannot place: no honest offer to make
        if parts and parts[-1].theme == found.theme:
            last = parts[-1]
            parts[-1] = replace(
                last,
                text=f"{last.text}\n{piece}",
                confidence=max(last.confidence, found.confidence),
            )
            continue
        parts.append(Part(piece, found.theme, found.theme_name, found.confidence))
    if len(parts) < 2 or len({p.theme for p in parts}) < 2 or len(parts) > MAX_PARTS:
        return []
    return parts


def appeal_split_into_drafts(*, actor: User, data: AppealInput, parts: list[Part]) -> list[Appeal]:
    """Save one draft per part (its text, its suggested theme, the form's kind and contacts).

    All or none: a part the rules refuse leaves no drafts behind.
    """
    with transaction.atomic():
        return [
            appeal_draft_save(
                actor=actor,
                data=replace(data, theme=part.theme, subject=part.subject, text=part.text),
            )
            for part in parts
        ]
