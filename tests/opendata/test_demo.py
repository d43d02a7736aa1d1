"""The open-data demo: some cells shown, some withheld, two published answers, loaded once."""

from __future__ import annotations

from django.core.cache import cache

from priemnaya.demo.loader import load_accounts
from priemnaya.demo.opendata import load_open_data
from priemnaya.opendata.models import PublishedAnswer
from priemnaya.opendata.source import Filters, rollup_rows
from priemnaya.opendata.summary import build_summary, default_period
from tests.opendata.factories_opendata import settle


def test_the_demo_shows_some_cells_and_withholds_others(catalog):
    cache.clear()
    users = load_accounts()
    made = load_open_data(users)
    assert made > 40
    assert load_open_data(users) == 0
    settle()
    period = default_period()
    data = build_summary(period, min_cell=5)
    cells = [r["appeals"] for r in data["by_theme"] + data["by_region"]]
    assert any(c is None for c in cells)
    assert any(c is not None and c >= 5 for c in cells)
    # Late answers were flagged by the deadline sweep first, as in production.
    late = rollup_rows(Filters(date_from=period.date_from, date_to=period.date_to), ())[0]
    assert late["overdue"] > 0
    assert late["answered"] - late["answered_on_time"] == late["overdue"]
    assert PublishedAnswer.objects.filter(withdrawn_at__isnull=True).count() == 2
    for published in PublishedAnswer.objects.all():
        assert "@" not in published.text
        assert "916" not in published.text
