"""The applicant's earlier appeals on the staff appeal page, and which may be repeats (SPEC §12).

«Возможно, повторное»: an earlier appeal of the same applicant within the last 12 months on the
same theme, or with similar text. Similar text is explainable: the stems both appeals share (the
search analysis of ``search.text``) make up at least ``SIMILAR_SHARE`` of the smaller appeal's
stems and there are at least ``SIMILAR_MIN`` of them; the page shows the shared words.

Access: only appeals the staff member may open are listed (with links); the applicant's appeals in
other departments are only counted («ещё N — в других отделах»), never described.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q

from priemnaya.accounts.models import User
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.permissions import staff_department_ids
from priemnaya.appeals.selectors import appeals_visible_to
from priemnaya.appeals.states import Status
from priemnaya.search.text import STOP_WORDS, analyse, stem

LIMIT = 10
WINDOW = timedelta(days=365)
SIMILAR_SHARE = 0.5
SIMILAR_MIN = 3
# How many shared words the reason names.
SHOWN_WORDS = 5
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class EarlierAppeal:
    appeal: Appeal
    repeat: bool
    reason: str  # why it may be a repeat, in Russian; "" when it is not marked


@dataclass(frozen=True)
class EarlierAppeals:
    items: list[EarlierAppeal]
    more: bool  # more of them visible than listed (the queue filtered by applicant shows all)
    hidden: int  # the applicant's appeals in departments this member does not work
    applicant_id: int | None = None
    total: int = field(default=0)


def _same_applicant(appeal: Appeal) -> Q | None:
    """The applicant's appeals: by account, or for phone and letter ones by their contacts."""
    if appeal.applicant_id:
        return Q(applicant_id=appeal.applicant_id)
    contacts = Q()
    if appeal.contact_email:
        contacts |= Q(contact_email__iexact=appeal.contact_email)
    if appeal.contact_phone:
        contacts |= Q(contact_phone=appeal.contact_phone)
    return (Q(applicant__isnull=True) & contacts) if contacts else None


def _stems(appeal: Appeal) -> set[str]:
    return set(analyse(f"{appeal.subject} {appeal.text}").split())


def _words_for(appeal: Appeal, stems: set[str]) -> list[str]:
    """The appeal's own words (first spelling met) for the given stems, in text order."""
    found: dict[str, str] = {}
    for word in _WORD.findall(f"{appeal.subject} {appeal.text}".lower().replace("ё", "е")):
        if word in STOP_WORDS:
            continue
        s = stem(word)
        if s in stems and s not in found:
            found[s] = word
    return list(found.values())


def repeat_reason(
    current: Appeal, earlier: Appeal, *, current_stems: set[str] | None = None
) -> str:
    """Return why ``earlier`` may be repeated by ``current`` («совпадают тема и слова: …») or ""."""
    if current.repeat_of_id == earlier.pk:
        return "заявитель указал его как повторяемое"
    now = current.registered_at or current.created_at
    then = earlier.registered_at or earlier.created_at
    # Only what came before, and within the last 12 months of it, can be repeated.
    if then > now or then < now - WINDOW:
        return ""
    mine = current_stems if current_stems is not None else _stems(current)
    theirs = _stems(earlier)
    shared = mine & theirs
    similar = len(shared) >= SIMILAR_MIN and len(shared) >= SIMILAR_SHARE * max(
        1, min(len(mine), len(theirs))
    )
    words = ", ".join(_words_for(current, shared)[:SHOWN_WORDS])
    same_theme = current.theme_id == earlier.theme_id
    if same_theme and similar:
        return f"совпадают тема и слова: {words}"
    if similar:
        return f"совпадают слова: {words}"
    if same_theme:
        return "совпадает тема"
    return ""


def earlier_appeals(*, appeal: Appeal, user: User) -> EarlierAppeals:
    """Return the applicant's other appeals the user may open, newest first, with repeat marks.

    One query for the listed appeals; for staff of some departments one more counts the rest.
    """
    same = _same_applicant(appeal)
    if same is None:
        return EarlierAppeals(items=[], more=False, hidden=0)
    listed = list(
        appeals_visible_to(user=user)
        .filter(same)
        .exclude(pk=appeal.pk)
        .order_by("-registered_at", "-pk")
        .only(
            "pk", "number", "subject", "text", "status", "theme__name", "theme_id",
            "kind__name", "department__name", "registered_at", "created_at",
        )[: LIMIT + 1]
    )  # fmt: skip
    hidden = 0
    if not user.sees_all_departments:
        hidden = (
            Appeal.objects.filter(same)
            .exclude(pk=appeal.pk)
            .exclude(status=Status.DRAFT)
            .exclude(department_id__in=staff_department_ids(user))
            .count()
        )
    more, listed = len(listed) > LIMIT, listed[:LIMIT]
    mine = _stems(appeal)
    reasons = [repeat_reason(appeal, a, current_stems=mine) for a in listed]
    items = [EarlierAppeal(a, bool(r), r) for a, r in zip(listed, reasons, strict=True)]
    return EarlierAppeals(
        items=items,
        more=more,
        hidden=hidden,
        applicant_id=appeal.applicant_id,
        total=len(listed) + hidden,
    )
