"""The console queue reads its indexes in queue order (issue 11): no sort of the whole status.

With sorting and sequential scans priced out, a plan still sorts if no index matches the
queue's ORDER BY (due_at, id) — say a changed null ordering or a dropped index.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from priemnaya.appeals.selectors import AppealFilters, page_of, staff_queue
from tests import factories


def _plan(user, **filters) -> str:
    qs = staff_queue(user=user, filters=AppealFilters(**filters))
    page_of(qs, page=1, size=20)  # the queue is readable as the faces read it
    sql, params = qs[:21].query.get_compiler(using="default").as_sql()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("who", "filters", "index"),
    [
        ("supervisor", {}, "appeal_open_due_idx"),
        ("supervisor", {"status": "closed"}, "appeal_status_due_idx"),
        ("specialist", {}, "appeal_open_due_idx"),
        ("specialist", {"status": "withdrawn"}, "appeal_status_due_idx"),
    ],
)
def test_queue_shapes_read_an_index_in_queue_order(catalog, who, filters, index):
    user = factories.make_supervisor() if who == "supervisor" else factories.make_specialist()
    plan = _plan(user, **filters)
    assert index in plan, plan
    assert "Sort" not in plan, plan
