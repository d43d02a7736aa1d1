"""The month × theme × region rollup (what the open-data summary reads) equals a direct count."""

from __future__ import annotations

from datetime import date

import pytest

from priemnaya.analytics.models import MEASURES, DailyRollup, RegionRollup
from priemnaya.analytics.selectors import Filters, rollup_rows
from priemnaya.analytics.services import facts_refresh, rollups_rebuild
from priemnaya.appeals.models import Appeal, EventDelivery
from tests.analytics.lifecycle import direct_count, relay_all, story
from tests.analytics.test_rollups import WHOLE, from_rollups, nonzero

pytestmark = pytest.mark.django_db

REGION_GROUPINGS = [
    ("region",),
    ("month", "region"),
    ("theme", "region"),
    ("month", "theme", "region"),
]


def region_table() -> dict[tuple, dict[str, int]]:
    rows = RegionRollup.objects.values("month", "theme_id", "region", *MEASURES)
    return {
        (row["month"], row["theme_id"], row["region"]): {m: row[m] for m in MEASURES}
        for row in rows
    }


def from_days(group_by: tuple[str, ...], filters: Filters = WHOLE) -> dict[tuple, dict]:
    """The same sums read from the daily rows only (the reading before the region rollup)."""
    totals: dict[tuple, dict[str, int]] = {}
    days = DailyRollup.objects.filter(day__range=(filters.date_from, filters.date_to))
    for row in days.values("day", "theme_id", "region", *MEASURES):
        keys = {
            "month": row["day"].replace(day=1),
            "theme": row["theme_id"],
            "region": row["region"],
        }
        target = totals.setdefault(tuple(keys[g] for g in group_by), dict.fromkeys(MEASURES, 0))
        for m in MEASURES:
            target[m] += row[m]
    return totals


@pytest.fixture
def told(catalog):
    made = story()
    relay_all()
    return made


def test_the_story_spans_several_regions_and_months(told):
    assert len({key[2] for key in region_table()}) >= 2
    assert len({key[0] for key in region_table()}) >= 2


def test_the_region_rollup_equals_a_direct_count(told):
    assert nonzero(region_table()) == nonzero(direct_count(("month", "theme", "region")))


@pytest.mark.parametrize("group_by", REGION_GROUPINGS)
def test_region_groupings_equal_a_direct_count(told, group_by):
    assert nonzero(from_rollups(group_by)) == nonzero(direct_count(group_by))
    assert nonzero(from_rollups(group_by)) == nonzero(from_days(group_by))


@pytest.mark.parametrize("group_by", REGION_GROUPINGS)
def test_part_months_add_days_to_whole_months(told, group_by):
    # 2 March (three appeals registered) is cut off: whole April onwards from the region rows,
    # the rest of March from the days.
    filters = Filters(date(2026, 3, 3), date(2027, 12, 31))
    assert nonzero(from_rollups(group_by, filters)) == nonzero(from_days(group_by, filters))
    whole = from_rollups(group_by)
    assert sum(r["appeals"] for r in from_rollups(group_by, filters).values()) < sum(
        r["appeals"] for r in whole.values()
    )


def test_a_theme_filter_with_region_grouping(told):
    theme = Appeal.objects.exclude(status="draft").values_list("theme_id", flat=True).first()
    filters = Filters(WHOLE.date_from, WHOLE.date_to, theme_ids=frozenset({theme}))
    expected = nonzero(
        {(k[1],): v for k, v in direct_count(("theme", "region")).items() if k[0] == theme}
    )
    assert nonzero(from_rollups(("region",), filters)) == expected


def test_replay_and_rebuild_keep_the_region_rollup(told):
    before = nonzero(region_table())
    EventDelivery.objects.filter(consumer="analytics").update(handled_at=None)
    relay_all()
    facts_refresh(Appeal.objects.values_list("pk", flat=True))
    assert nonzero(region_table()) == before
    rollups_rebuild()
    assert nonzero(region_table()) == before


def test_whole_months_by_region_read_the_region_rows_not_days(told):
    DailyRollup.objects.all().delete()
    rows = rollup_rows(WHOLE, ("month", "region"))
    assert sum(r["appeals"] for r in rows) == direct_count(())[()]["appeals"]


@pytest.mark.parametrize("group_by", [(), ("month",), ("theme", "month"), ("month", "region")])
def test_only_the_asked_measures_are_summed(told, group_by):
    counts = ("appeals", "answered", "answered_on_time", "overdue")
    rows = rollup_rows(WHOLE, group_by, measures=counts)
    assert all(set(row) == {*group_by, *counts} for row in rows)
    full = {tuple(r[g] for g in group_by): r for r in rollup_rows(WHOLE, group_by)}
    for row in rows:
        assert {m: row[m] for m in counts} == {
            m: full[tuple(row[g] for g in group_by)][m] for m in counts
        }


def test_an_unknown_measure_is_refused(told):
    with pytest.raises(ValueError, match="unknown measures"):
        rollup_rows(WHOLE, ("region",), measures=("appeals", "nonsense"))
