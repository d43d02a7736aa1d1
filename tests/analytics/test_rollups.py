"""Rollups kept from the journal equal a direct count over the appeals table."""

from __future__ import annotations

from datetime import date

import pytest

from priemnaya.analytics.models import AppealFact, DailyRollup, PeriodRollup
from priemnaya.analytics.selectors import Filters, duration_medians, rollup_rows, top_stems
from priemnaya.analytics.services import facts_refresh, rollups_rebuild
from priemnaya.appeals.models import Appeal, EventDelivery
from tests.analytics.lifecycle import direct_count, relay_all, story

pytestmark = pytest.mark.django_db

GROUPINGS = [
    (),
    ("day",),
    ("month",),
    ("department", "status"),
    ("kind", "channel", "region"),
    ("theme", "month"),
    ("day", "department", "kind", "theme", "channel", "region", "status"),
]
WHOLE = Filters(date_from=date(2025, 1, 1), date_to=date(2027, 12, 31))


def from_rollups(group_by: tuple[str, ...], filters: Filters = WHOLE) -> dict[tuple, dict]:
    rows = rollup_rows(filters, group_by)
    return {
        tuple(row[g] for g in group_by): {k: v for k, v in row.items() if k not in group_by}
        for row in rows
    }


def nonzero(counts: dict[tuple, dict]) -> dict[tuple, dict]:
    return {key: row for key, row in counts.items() if any(row.values())}


@pytest.fixture
def told(catalog):
    made = story()
    relay_all()
    return made


def test_the_story_covers_every_measure(told):
    total = direct_count(())[()]
    for measure in (
        "closed_within_24h",
        "answered_on_time",
        "overdue",
        "repeats",
        "ratings",
        "outcome_resolved",
        "outcome_rejected",
    ):
        assert total[measure] > 0, measure
    assert total["appeals"] == 6  # the draft does not count
    assert Appeal.objects.filter(status="draft").exists()


@pytest.mark.parametrize("group_by", GROUPINGS)
def test_rollups_equal_a_direct_count(told, group_by):
    assert nonzero(from_rollups(group_by)) == nonzero(direct_count(group_by))


def test_the_day_is_the_moscow_date_of_registration(told):
    # registered 23:30 MSK on 2 March = 20:30 UTC: counted on 3 March? no — on 2 March (Moscow).
    rows = from_rollups(("day",), Filters(date(2026, 3, 2), date(2026, 3, 2)))
    assert rows[(date(2026, 3, 2),)]["appeals"] == 3


def test_a_filtered_period_counts_only_its_days(told):
    march = Filters(date(2026, 3, 1), date(2026, 3, 31))
    assert from_rollups((), march)[()]["appeals"] == 5
    april = Filters(date(2026, 4, 1), date(2026, 4, 30))
    assert from_rollups((), april)[()]["appeals"] == 1
    redirected = told["redirected"]
    services_only = Filters(
        march.date_from, march.date_to, department_ids=frozenset({redirected.department_id})
    )
    assert from_rollups((), services_only)[()]["appeals"] == 1


def test_replaying_the_events_changes_nothing(told):
    before = from_rollups(GROUPINGS[-1])
    EventDelivery.objects.filter(consumer="analytics").update(handled_at=None)
    relay_all()
    facts_refresh(Appeal.objects.values_list("pk", flat=True))
    assert from_rollups(GROUPINGS[-1]) == before


def test_rebuild_gives_the_same_numbers(told):
    before = {g: nonzero(from_rollups(g)) for g in GROUPINGS}
    medians = duration_medians(WHOLE)
    stems = top_stems(WHOLE)
    assert rollups_rebuild() == 6
    assert AppealFact.objects.count() == 6
    assert {g: nonzero(from_rollups(g)) for g in GROUPINGS} == before
    assert duration_medians(WHOLE) == medians
    assert top_stems(WHOLE) == stems
    assert rollups_rebuild() == 6  # again: idempotent
    assert {g: nonzero(from_rollups(g)) for g in GROUPINGS} == before


def test_long_ranges_read_month_and_year_rows(told):
    assert PeriodRollup.objects.filter(span="y").exists()
    # A whole year read from the year rows equals the days summed.
    year = Filters(date(2026, 1, 1), date(2026, 12, 31))
    by_days = rollup_rows(year, ("day",))
    assert rollup_rows(year, ())[0]["appeals"] == sum(r["appeals"] for r in by_days)
    assert DailyRollup.objects.exists()


def test_medians_are_within_the_bucket_resolution(told):
    answered = Appeal.objects.filter(answered_at__isnull=False).order_by("pk")
    seconds = sorted((a.answered_at - a.registered_at).total_seconds() for a in answered)
    exact = seconds[(len(seconds) - 1) // 2]
    median = duration_medians(WHOLE)["answer"]
    assert median is not None
    assert abs(median - exact) <= 0.1 * exact


def test_subject_stems_are_counted(told):
    stems = dict(top_stems(WHOLE))
    assert stems["войт"] >= 3  # «войти» in three subjects
    assert "не" not in stems  # stop words are left out


def test_overdue_now_counts_flagged_open_appeals(told):
    from datetime import timedelta

    from priemnaya.analytics.selectors import overdue_now
    from priemnaya.appeals.services.sweeps import appeal_flag_overdue
    from priemnaya.core import clock

    assert overdue_now(None) == {}
    open_one = told["redirected"]
    open_one.refresh_from_db()
    with clock.travel_to(open_one.due_at + timedelta(minutes=1)):
        appeal_flag_overdue(appeal=open_one, escalate=False)
    relay_all()
    assert overdue_now(None) == {open_one.department_id: 1}
    assert overdue_now(frozenset({open_one.department_id + 1000})) == {}


def test_both_distributions_agree(told):
    # All the story's appeals are of one kind: the by-department rows and the full ones agree.
    from priemnaya.analytics.dashboard import ratings

    kind = Appeal.objects.exclude(status="draft").values_list("kind_id", flat=True).distinct()
    assert len(kind) == 1
    by_kind = Filters(WHOLE.date_from, WHOLE.date_to, kind_ids=frozenset(kind))
    assert duration_medians(by_kind) == duration_medians(WHOLE)
    assert ratings(by_kind) == ratings(WHOLE) == {1: 1, 5: 1}
    rollups_rebuild()
    assert duration_medians(by_kind) == duration_medians(WHOLE)
    assert ratings(by_kind) == ratings(WHOLE)
