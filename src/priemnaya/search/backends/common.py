"""What both backends share: chunking writes and restricting hits to a queryset."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

T = TypeVar("T")

WRITE_CHUNK = 500
# A queryset of at most this many rows (a citizen's own appeals, «мои») is searched row by row
# from its side; a larger one (a department's queue) from the index's side, newest first.
SMALL_WITHIN = 1000


def chunks(items: Iterable[T], size: int = WRITE_CHUNK) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def small_ids(within: QuerySet) -> list[int] | None:
    """Return the primary keys of ``within`` if there are few of them, else None (1 query)."""
    ids = list(within.order_by().values_list("pk", flat=True)[: SMALL_WITHIN + 1])
    return ids if len(ids) <= SMALL_WITHIN else None


def exists_in(within: QuerySet, outer_id: str) -> tuple[str, tuple]:
    """Return ``EXISTS (…)``: the row of ``within`` whose pk is the outer column ``outer_id``."""
    # outer_id is a column name from our code, never input.
    probe = within.filter(pk=RawSQL(outer_id, ())).order_by().values("pk")  # noqa: S611
    sql, params = probe.query.sql_with_params()
    return f"EXISTS ({sql})", tuple(params)
