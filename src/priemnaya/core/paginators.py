"""A Django admin paginator that does not count a big table row by row.

The admin's change list asks its paginator for ``count`` to draw the page links; on a table of a
million appeals ``SELECT COUNT(*)`` reads the whole table (or a whole index) on every page view.
On PostgreSQL the planner already knows about how many rows a query returns (from the table's
statistics, ``pg_class.reltuples`` for the unfiltered table): past a few thousand that estimate is
shown instead — the page links are approximate, the rows on each page are exact. A small result
is counted exactly. SQLite has no such estimate and counts.
"""

from __future__ import annotations

import json
from functools import cached_property

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections

# Below this estimate counting is cheap and the exact number is shown.
EXACT_BELOW = 10_000


def planner_rows(queryset) -> int | None:
    """The planner's estimate of the rows ``queryset`` returns; None off PostgreSQL."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = queryset.order_by().query.sql_with_params()
    except EmptyResultSet:  # .none(): nothing to ask the planner about
        return 0
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """Counts exactly below ``EXACT_BELOW`` rows, trusts the planner's estimate above it."""

    @cached_property
    def count(self) -> int:
        estimate = planner_rows(self.object_list)
        if estimate is None or estimate < EXACT_BELOW:
            return super().count
        return estimate
