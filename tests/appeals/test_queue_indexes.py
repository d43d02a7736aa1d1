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


def _explain(sql: str, params, *settings: str) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in settings:
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
def test_a_cursor_page_starts_inside_the_index(catalog):
    # The page after a cursor is a range of the index from the cursor's key, not a scan from
    # the start with the earlier rows thrown away.
    from datetime import UTC, datetime

    from priemnaya.appeals.paging import queue_order

    user = factories.make_supervisor()
    qs = queue_order(staff_queue(user=user, filters=AppealFilters(status="closed")))
    key = datetime(2026, 1, 1, tzinfo=UTC)
    dated = qs.filter(due_at__gte=key).exclude(due_at=key, id__lte=5)[:21]
    sql, params = dated.query.get_compiler(using="default").as_sql()
    plan = _explain(sql, params, "enable_seqscan", "enable_sort", "enable_incremental_sort")
    assert "appeal_status_due_idx" in plan, plan
    assert "due_at >=" in plan, plan
    assert "Sort" not in plan, plan


@pytest.mark.postgres
def test_q_is_served_by_the_trigram_indexes(catalog):
    # The indexes are on exactly the expression icontains writes: UPPER(col::text).
    from priemnaya.appeals.models import Appeal
    from priemnaya.appeals.selectors import appeal_search_q

    qs = Appeal.objects.filter(appeal_search_q("газоснабжение"))
    sql, params = qs.query.get_compiler(using="default").as_sql()
    plan = _explain(sql, params, "enable_seqscan", "enable_indexscan")
    assert "appeal_subject_trgm_idx" in plan, plan
    assert "appeal_text_trgm_idx" in plan, plan


@pytest.mark.postgres
def test_the_queue_counts_index_covers_every_column_they_read(catalog):
    # An index-only scan needs every column of the count in the index (the plan itself depends
    # on table statistics an empty test table does not have; bench/queue_plans.py shows it).
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'appeal_open_counts_idx'")
        (definition,) = cursor.fetchone()
    for column in ("department_id", "due_at", "paused_at", "policy_id", "unrouted", "status"):
        assert column in definition, definition
    assert "INCLUDE" in definition, definition
    assert "WHERE" in definition, definition
