"""Periodic jobs run once per interval however many workers' schedulers look at the schedule.

Every `priemnaya worker` runs a scheduler thread; they share one row per job in the database
(core.leases.schedule_claim). Here several schedulers tick at their own phases over several
intervals, then several threads race for the same due slot: each job is enqueued exactly once per
interval, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta

import pytest

from priemnaya.core.leases import schedule_claim
from priemnaya.core.management.commands.run_worker import SCHEDULER_TICK, enqueue_due
from tests.production import periodic_probe

JOBS = [
    ("tests.production.periodic_probe.minutely", 60),
    ("tests.production.periodic_probe.slow", 600),
]
# A grid-aligned start: slots of both jobs begin here.
START = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)


@pytest.fixture
def probe(settings):
    settings.PRIEMNAYA_PERIODIC_TASKS = JOBS
    periodic_probe.RUNS.clear()
    yield periodic_probe.RUNS
    periodic_probe.RUNS.clear()


def _ticks(schedulers: int, seconds: float, seed: int) -> list[datetime]:
    """Every tick of every scheduler over ``seconds``, each scheduler at its own phase, in order."""
    rng = random.Random(seed)
    ticks = []
    for _ in range(schedulers):
        t = rng.uniform(0, SCHEDULER_TICK)
        while t < seconds:
            ticks.append(START + timedelta(seconds=t))
            # Schedulers drift: a tick comes a little late now and then.
            t += SCHEDULER_TICK + rng.uniform(0, 0.5)
    return sorted(ticks)


@pytest.mark.django_db
@pytest.mark.parametrize("schedulers", [1, 3, 7])
def test_each_job_is_enqueued_once_per_interval_by_many_schedulers(probe, schedulers):
    minutes = 30
    claimed = []
    for now in _ticks(schedulers, minutes * 60, seed=schedulers):
        claimed += [(path, now) for path in enqueue_due(now)]

    assert probe.count("minutely") == minutes
    assert probe.count("slow") == minutes // 10
    # One run in each slot of its grid, never two in one and none skipped.
    runs = [now.replace(second=0, microsecond=0) for path, now in claimed if "minutely" in path]
    assert runs == [START + timedelta(minutes=m) for m in range(minutes)]
    slow = [now.replace(second=0, microsecond=0) for path, now in claimed if "slow" in path]
    assert [t - timedelta(minutes=t.minute % 10) for t in slow] == [
        START + timedelta(minutes=m) for m in range(0, minutes, 10)
    ]


@pytest.mark.django_db
def test_a_schedule_left_behind_runs_once_not_once_per_missed_slot(probe):
    assert enqueue_due(START) == [path for path, _ in JOBS]
    # Every worker was down for five hours: the jobs run once when one comes back.
    back = START + timedelta(hours=5, minutes=3)
    assert enqueue_due(back) == [path for path, _ in JOBS]
    assert enqueue_due(back + timedelta(seconds=5)) == []
    # And keep to their grid: the next minutely slot is 05:04, the next slow one 05:10.
    assert enqueue_due(START + timedelta(hours=5, minutes=4)) == [JOBS[0][0]]
    assert enqueue_due(START + timedelta(hours=5, minutes=10)) == [JOBS[0][0], JOBS[1][0]]
    assert probe == ["minutely", "slow", "minutely", "slow", "minutely", "minutely", "slow"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_schedulers_racing_for_one_slot_enqueue_it_once(probe):
    """Threads with their own database connections claim the same due slots at once.

    PostgreSQL only: the suite's SQLite database is in memory with a shared cache, where a second
    writer fails with «table is locked» at once instead of waiting; a file database (the demo's)
    serialises writers by its lock and busy timeout, and the interleaved schedulers above cover it.
    """
    threads, rounds = 6, 5
    barrier = threading.Barrier(threads)
    won: list[list[str]] = [[] for _ in range(rounds)]
    errors: list[BaseException] = []

    def scheduler() -> None:
        from django.db import connection

        try:
            for r in range(rounds):
                barrier.wait(timeout=30)
                won[r] += enqueue_due(START + timedelta(minutes=r, seconds=1))
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()
        finally:
            connection.close()

    workers = [threading.Thread(target=scheduler) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert errors == []
    # Round 0 runs both jobs; each later minute only the minutely one — once, by one thread.
    assert sorted(won[0]) == sorted(path for path, _ in JOBS)
    assert [sorted(w) for w in won[1:]] == [[JOBS[0][0]]] * (rounds - 1)
    assert sorted(probe) == sorted(["slow"] + ["minutely"] * rounds)


@pytest.mark.django_db
def test_a_claim_is_a_compare_and_swap_on_the_read_slot():
    every = timedelta(minutes=1)
    assert schedule_claim("job", every=every, now=START) is True
    assert schedule_claim("job", every=every, now=START + timedelta(seconds=59)) is False
    assert schedule_claim("job", every=every, now=START + timedelta(seconds=60)) is True
    assert schedule_claim("job", every=every, now=START + timedelta(seconds=61)) is False
