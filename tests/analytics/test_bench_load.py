"""The benchmark's generated appeals (a few thousand, PostgreSQL): the set-based rebuild equals a
direct count, and every query the dashboard makes runs on them."""

from __future__ import annotations

from datetime import date

import pytest

from priemnaya.analytics import dashboard
from priemnaya.analytics.selectors import Filters, rollup_rows
from priemnaya.analytics.services import rollups_rebuild
from tests.analytics.lifecycle import direct_count

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

N = 3000


def test_the_bench_data_rebuilds_to_the_direct_count(catalog):
    from bench import analytics_dashboard as bench

    loaded = bench._setup(N)
    assert sum(loaded["spread"].values()) == N
    assert rollups_rebuild() == N
    whole = Filters(date(2000, 1, 1), date(2100, 12, 31))
    for group_by in [(), ("month",), ("department", "status"), ("kind", "channel", "region")]:
        rows = {
            tuple(r[g] for g in group_by): {k: v for k, v in r.items() if k not in group_by}
            for r in rollup_rows(whole, group_by)
        }
        expected = direct_count(group_by)
        assert {k: v for k, v in rows.items() if any(v.values())} == expected
    for name, query in dashboard.QUERIES.items():
        assert query(whole) is not None, name
