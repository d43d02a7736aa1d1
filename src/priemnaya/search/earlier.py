"""The applicant's earlier appeals on the staff appeal page, and which may be repeats (SPEC §12).

«Возможно, повторное»: an earlier appeal of the same applicant within the last 12 months on the
same theme, or with similar text. Similar text is explainable: the stems both appeals share (the
search analysis of ``search.text``) make up at least ``SIMILAR_SHARE`` of the smaller appeal's
stems and there are at least ``SIMILAR_MIN`` of them; the page shows the shared words.

Access: only appeals the staff member may open are listed (with links); the applicant's appeals in
other departments are only counted («ещё N — в других отделах»), never described.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q

from priemnaya.accounts.models import User
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.permissions import staff_department_ids
from priemnaya.appeals.selectors import appeals_visible_to
from priemnaya.appeals.states import OPEN_STATUSES, Status
from priemnaya.search.text import analyse, spellings

LIMIT = 10
WINDOW = timedelta(days=365)
SIMILAR_SHARE = 0.5
SIMILAR_MIN = 3
# How many shared words the reason names.
SHOWN_WORDS = 5


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
    return words_in(f"{appeal.subject} {appeal.text}", stems)


def words_in(text: str, stems: set[str]) -> list[str]:
    """The text's own words (first spelling met) for the given stems, in text order."""
    return list(spellings(text, stems).values())


def shared_stems(mine: set[str], theirs: set[str]) -> set[str]:
    """The stems two texts share when they make them similar (see the module's rule), else {}."""
    shared = mine & theirs
    if len(shared) >= SIMILAR_MIN and len(shared) >= SIMILAR_SHARE * max(
        1, min(len(mine), len(theirs))
    ):
        return shared
    return set()


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
    shared = shared_stems(mine, _stems(earlier))
    similar = bool(shared)
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


# ---- before filing: «уже есть такая проблема» --------------------------------------------------

# The citizen's newest open appeals compared with what they are typing; a person has few.
OWN_OPEN_READ = 50


@dataclass(frozen=True)
class SimilarAppeal:
    appeal: Appeal
    words: list[str]  # the shared words, as the citizen wrote them


def similar_open_appeals(
    *, user: User, subject: str, text: str, limit: int = 3
) -> list[SimilarAppeal]:
    """The citizen's own open appeals on the same problem as a text being typed, most alike first.

    Similar by the repeat rule (``shared_stems``); one query over the newest ``OWN_OPEN_READ``.
    """
    if not user.is_authenticated or not user.is_citizen or limit <= 0:
        return []
    typed = f"{subject} {text}"
    mine = set(analyse(typed).split())
    if len(mine) < SIMILAR_MIN:
        return []
    rows = (
        appeals_visible_to(user=user)
        .select_related(None)
        .filter(applicant=user, status__in=OPEN_STATUSES)
        .order_by("-pk")
        .only("pk", "number", "subject", "text", "status", "registered_at", "created_at")[
            :OWN_OPEN_READ
        ]
    )
    found = []
    for appeal in rows:
        if shared := shared_stems(mine, _stems(appeal)):
            found.append((len(shared), appeal.pk, appeal, shared))
    found.sort(key=lambda row: (-row[0], -row[1]))
    return [
        SimilarAppeal(appeal, words_in(typed, shared)[:SHOWN_WORDS])
        for _, _, appeal, shared in found[:limit]
    ]
