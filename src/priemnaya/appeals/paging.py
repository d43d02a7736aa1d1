"""Keyset pagination of the appeal lists: a page after an opaque cursor, not after an OFFSET.

An OFFSET makes the database read and throw away every row before the page, so page 5,000 of
the closed appeals costs what the whole list costs. A cursor names the last row shown by its
sort key, and the next page starts right there in the index.

Two orders are paged this way:
- the staff queue, ``due_at`` ascending with appeals without a due date last, then ``id``;
- the applicant's own appeals, newest first: ``created_at`` and ``id`` descending.

The cursor is base64url of ``<order>:<key>:<id>``; it only positions the page. The queryset it
is applied to already holds every visibility rule, so a forged cursor can move within what the
caller may see and nowhere else; a malformed one is a 422 naming the parameter.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from django.db.models import F, Q, QuerySet

from priemnaya.appeals.models import Appeal
from priemnaya.core.errors import ValidationFailed

Order = Literal["due", "created"]

# Offsets past this page read too much to be served: the API refuses them naming `page` and
# points at the cursor; the pages of the site only ever link by cursor.
MAX_OFFSET_PAGE = 500
CURSOR_FIELD = "after"
CURSOR_BROKEN = "Курсор страницы повреждён: передайте значение поля next из предыдущего ответа."
PAGE_TOO_DEEP = (
    f"Страницы дальше {MAX_OFFSET_PAGE}-й по номеру не отдаются: листайте курсором "
    "(параметр after со значением поля next предыдущего ответа)."
)


def queue_order(qs: QuerySet[Appeal]) -> QuerySet[Appeal]:
    """The staff queue's order: soonest due first, appeals without a due date last (both DBs)."""
    return qs.order_by(F("due_at").asc(nulls_last=True), "id")


def own_order(qs: QuerySet[Appeal]) -> QuerySet[Appeal]:
    return qs.order_by("-created_at", "-id")


@dataclass(frozen=True)
class Cursor:
    order: Order
    key: datetime | None  # due_at or created_at of the last row shown; None: no due date
    pk: int

    def encode(self) -> str:
        key = self.key.isoformat() if self.key is not None else ""
        raw = f"{self.order}:{key}:{self.pk}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_after(row: Appeal, order: Order) -> str:
    key = row.due_at if order == "due" else row.created_at
    return Cursor(order, key, row.pk).encode()


def cursor_decode(value: str, order: Order, *, field: str = CURSOR_FIELD) -> Cursor:
    """Return the cursor in ``value`` or raise ValidationFailed naming ``field``."""
    try:
        padded = value + "=" * (-len(value) % 4)
        raw = base64.urlsafe_b64decode(padded.encode("ascii")).decode()
        kind, rest = raw.split(":", 1)
        key, pk = rest.rsplit(":", 1)  # the key is an ISO date-time, colons and all
        parsed = datetime.fromisoformat(key) if key else None
        number = int(pk)
        if parsed is not None:
            if parsed.tzinfo is None:
                raise ValueError("a naive date-time")
            parsed = parsed.astimezone(UTC)  # year 1 at +14:00 is before any date-time
    except (ValueError, OverflowError, UnicodeError, binascii.Error, TypeError):
        raise ValidationFailed.single(field, CURSOR_BROKEN) from None
    # A created_at is never empty; a cursor of the other list is a wrong cursor here; an id
    # past 64 bits would overflow the query.
    if kind != order or not 0 < number < 2**63 or (order == "created" and parsed is None):
        raise ValidationFailed.single(field, CURSOR_BROKEN)
    return Cursor(order, parsed, number)


@dataclass(frozen=True)
class Page:
    rows: list[Appeal]
    has_next: bool
    next_cursor: str  # empty on the last page


def _finish(rows: list[Appeal], size: int, order: Order) -> Page:
    has_next = len(rows) > size
    rows = rows[:size]
    return Page(rows, has_next, cursor_after(rows[-1], order) if has_next else "")


def keyset_page(qs: QuerySet[Appeal], *, order: Order, after: str, size: int) -> Page:
    """One page of ``qs`` (already filtered by visibility) after the cursor, in ``order``.

    The comparison is written as ``key >= k AND (key > k OR id > i)``: the first half is a range
    the index starts at, the second drops the few rows that share the key. Appeals without a
    due date come after every dated one; once the dated ones run out the page is topped up from
    them in a second query (only then).
    """
    ordered = queue_order(qs) if order == "due" else own_order(qs)
    if not after:
        return _finish(list(ordered[: size + 1]), size, order)
    cursor = cursor_decode(after, order)
    if order == "created":
        older = ordered.filter(created_at__lte=cursor.key).filter(
            Q(created_at__lt=cursor.key) | Q(id__lt=cursor.pk)
        )
        return _finish(list(older[: size + 1]), size, order)
    undated = ordered.filter(due_at__isnull=True)
    if cursor.key is None:
        return _finish(list(undated.filter(id__gt=cursor.pk)[: size + 1]), size, order)
    dated = ordered.filter(due_at__gte=cursor.key).filter(
        Q(due_at__gt=cursor.key) | Q(id__gt=cursor.pk)
    )
    rows = list(dated[: size + 1])
    if len(rows) <= size:
        rows += list(undated[: size + 1 - len(rows)])
    return _finish(rows, size, order)


def offset_page(qs: QuerySet[Appeal], *, order: Order, page: int, size: int) -> Page:
    """Page ``page`` by OFFSET (the API's ``?page=``), with the cursor to go on from it."""
    ordered = queue_order(qs) if order == "due" else own_order(qs)
    page = max(page, 1)
    if page > MAX_OFFSET_PAGE:
        raise ValidationFailed.single("page", PAGE_TOO_DEEP)
    start = (page - 1) * size
    return _finish(list(ordered[start : start + size + 1]), size, order)
