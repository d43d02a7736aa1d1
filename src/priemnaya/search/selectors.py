"""Search for the faces: ranked ids of appeals within what the caller may see and filtered.

Relevance is where the words are: documents whose head (number, contacts, applicant's name,
subject) holds every word come first, then those that hold them anywhere (text, public messages,
answers); within each, newer first (larger id). Both databases compute exactly this order.
Results are served up to ``RESULT_CAP``: a query matching more is refined, not paged through.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from django.db.models import QuerySet
from django.db.models.expressions import Col
from django.db.models.lookups import Exact, In
from django.db.models.sql.where import AND, WhereNode

from priemnaya.appeals.models import Appeal
from priemnaya.appeals.paging import Page
from priemnaya.appeals.states import OPEN_STATUSES
from priemnaya.core.errors import ValidationFailed
from priemnaya.search.backends import Collection, backend
from priemnaya.search.backends.common import small_ids
from priemnaya.search.documents import APPEALS
from priemnaya.search.text import Query, parse_query

RESULT_CAP = 1000
TOO_DEEP = (
    f"Показываются первые {RESULT_CAP} найденных обращений: уточните запрос "
    "(добавьте слово или фильтр)."
)
CURSOR_BROKEN = "Курсор страницы повреждён: передайте значение поля next из предыдущего ответа."


def holds_open_only(within: QuerySet[Appeal]) -> bool:
    """Return whether ``within``'s filter admits open appeals only (a status among the open
    ones, ANDed with the rest): then closed appeals' matches need not be checked."""

    def restricts(node: WhereNode) -> bool:
        if node.negated or node.connector != AND:
            return False
        for child in node.children:
            if isinstance(child, WhereNode):
                if restricts(child):
                    return True
            elif (
                isinstance(child, Exact | In)
                and isinstance(child.lhs, Col)
                and child.lhs.target.model is Appeal
                and child.lhs.target.name == "status"
                and not isinstance(child.rhs, QuerySet)
            ):
                values = [child.rhs] if isinstance(child, Exact) else list(child.rhs)
                if values and all(v in OPEN_STATUSES for v in values):
                    return True
        return False

    return within.model is Appeal and restricts(within.query.where)


def ranked_ids(
    collection: Collection,
    query: Query,
    *,
    within: QuerySet | None,
    limit: int,
    open_only: bool = False,
) -> list[int]:
    """Return up to ``limit`` ids: head matches newest first, then the other matches."""
    engine = backend()
    among = small_ids(within) if within is not None else None
    found = engine.newest(
        collection,
        query,
        head_only=True,
        within=within,
        among=among,
        limit=limit,
        open_only=open_only,
    )
    if len(found) >= limit:
        return found
    rest = engine.newest(
        collection,
        query,
        head_only=False,
        within=within,
        among=among,
        limit=limit + len(found),
        open_only=open_only,
    )
    seen = set(found)
    return found + [i for i in rest if i not in seen][: limit - len(found)]


def search_appeals(term: str, *, within: QuerySet[Appeal], limit: int = 20) -> list[int]:
    """Return the ids of the appeals of ``within`` that match ``term``, best first.

    ``within`` holds visibility and the list's filters (its order is ignored). Raise
    ValidationFailed naming «q» for a query with nothing to search for or too long.
    """
    return ranked_ids(
        APPEALS,
        parse_query(term),
        within=within,
        limit=min(limit, RESULT_CAP),
        open_only=holds_open_only(within),
    )


@dataclass(frozen=True)
class RankCursor:
    """Where a page of search results starts: an offset into the ranking (not a keyset)."""

    offset: int

    def encode(self) -> str:
        return base64.urlsafe_b64encode(f"rank:{self.offset}".encode()).decode().rstrip("=")


def rank_cursor_decode(value: str, *, field: str = "after") -> int:
    try:
        raw = base64.urlsafe_b64decode((value + "=" * (-len(value) % 4)).encode("ascii")).decode()
        kind, offset = raw.split(":", 1)
        number = int(offset)
    except (ValueError, UnicodeError, binascii.Error):
        raise ValidationFailed.single(field, CURSOR_BROKEN) from None
    if kind != "rank" or not 0 <= number <= RESULT_CAP:
        raise ValidationFailed.single(field, CURSOR_BROKEN)
    return number


def search_page(
    qs: QuerySet[Appeal], *, term: str, page: int = 1, after: str = "", size: int = 20
) -> Page:
    """One page of the appeals of ``qs`` matching ``term``, in rank order.

    Paged by rank offset: ``after`` is the previous page's ``next``, or ``page`` counts from 1.
    """
    start = rank_cursor_decode(after) if after else (max(page, 1) - 1) * size
    if start >= RESULT_CAP:
        raise ValidationFailed.single("after" if after else "page", TOO_DEEP)
    end = min(start + size, RESULT_CAP)
    ids = ranked_ids(
        APPEALS,
        parse_query(term),
        within=qs,
        limit=min(end + 1, RESULT_CAP),
        open_only=holds_open_only(qs),
    )
    wanted = ids[start:end]
    rows = {a.pk: a for a in qs.filter(pk__in=wanted).order_by()} if wanted else {}
    ordered = [rows[pk] for pk in wanted if pk in rows]
    has_next = len(ids) > end
    return Page(ordered, has_next, RankCursor(end).encode() if has_next else "")


def any_word_scores(
    collection: Collection,
    stems: list[str],
    *,
    within: QuerySet | None = None,
    per_word: int = 50,
    head_weight: float = 2.0,
) -> dict[int, float]:
    """Score documents matching ANY of the stems (the backends' queries need every word).

    Each stem is searched alone (everywhere, then in the head); a match weighs the stem's rarity
    (``1 / matches``, an IDF of sorts: a word every document holds says little), times
    ``head_weight`` when the head holds it. Meant for a handful of stems over a small collection
    (help articles): ``within`` is read once (1 query; none more if it is empty), then at most two
    queries per stem.
    """
    engine = backend()
    among = small_ids(within) if within is not None else None
    if among is not None and not among:
        return {}
    scores: dict[int, float] = {}
    for stem in stems:
        query = Query(((stem,),))
        every = engine.newest(
            collection, query, head_only=False, within=within, among=among, limit=per_word
        )
        if not every:
            continue
        weight = 1.0 / len(every)
        head = set(
            engine.newest(
                collection, query, head_only=True, within=within, among=every, limit=per_word
            )
        )
        for doc in every:
            scores[doc] = scores.get(doc, 0.0) + weight * (head_weight if doc in head else 1.0)
    return scores
