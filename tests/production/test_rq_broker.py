"""PRIEMNAYA_TASKS_BROKER=rq: the same tasks API on RQ in a real Redis (127.0.0.1:6379, db 14).

Tasks are enqueued through django-tasks (``task.enqueue()``), land in Redis, are run by the
worker of `priemnaya worker` (``run_worker --once`` here: rq's burst mode) and report their
results through the tasks API. The shared schedule holds with this broker too: several
schedulers enqueue each periodic job once per interval into Redis. Skipped when no Redis answers.
"""

from __future__ import annotations

import fcntl
import socket
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from django.core.management import call_command
from django_tasks import task_backends
from django_tasks.base import TaskResultStatus

from priemnaya.core.management.commands.run_worker import enqueue_due, tasks_broker
from priemnaya.ops.metrics import task_queue_depth
from tests.production import periodic_probe

REDIS = "redis://127.0.0.1:6379/14"


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379"),
    pytest.mark.django_db,
    # The tests share Redis db 14 and its "default" queue (RQ's queue names are global to a db).
    pytest.mark.xdist_group("rq_broker"),
]


@pytest.fixture
def rq(settings):
    # Redis db 14 and its "default" queue are shared by every xdist worker (RQ's queue names are
    # global to a db): one test's burst worker ran another's job and its FLUSHDB dropped the
    # other's queue. An exclusive lock on a file every worker sees runs these tests one at a time.
    with (Path(tempfile.gettempdir()) / "priemnaya-tests-redis-db14.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield from _rq(settings)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _rq(settings):
    client = redis.Redis.from_url(REDIS)
    client.flushdb()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": REDIS, "DEFAULT_TIMEOUT": 60}}
    settings.PRIEMNAYA_PERIODIC_TASKS = [
        ("tests.production.periodic_probe.minutely", 60),
        ("tests.production.periodic_probe.slow", 600),
    ]
    periodic_probe.RUNS.clear()
    yield client
    periodic_probe.RUNS.clear()
    client.flushdb()
    client.close()


def test_tasks_go_through_redis_and_report_their_results(rq, settings):
    settings.PRIEMNAYA_PERIODIC_TASKS = []  # only the task enqueued here
    assert tasks_broker() == "rq"
    backend = task_backends["default"]
    assert type(backend).__name__ == "RQBackend"

    result = periodic_probe.minutely.enqueue()

    # Waiting in Redis, not run yet: the web process only enqueues.
    assert periodic_probe.RUNS == []
    assert task_queue_depth() == {"default": 1}
    assert backend.get_result(result.id).status == TaskResultStatus.READY

    call_command("run_worker", once=True)

    assert periodic_probe.RUNS == ["minutely"]
    assert task_queue_depth() == {"default": 0}
    done = backend.get_result(result.id)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.return_value == "minutely"


def test_periodic_jobs_reach_redis_once_per_interval_from_many_schedulers(rq):
    start = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)
    schedulers, minutes = 4, 20
    for second in range(0, minutes * 60, 5):
        for n in range(schedulers):
            enqueue_due(start + timedelta(seconds=second + n))

    # 20 minutely runs and 2 of the ten-minute job wait in the queue, none twice.
    assert task_queue_depth() == {"default": minutes + minutes // 10}
    call_command("run_worker", once=True)
    # --once enqueues each job once more itself (a manual run), then drains the queue.
    assert periodic_probe.RUNS.count("minutely") == minutes + 1
    assert periodic_probe.RUNS.count("slow") == minutes // 10 + 1
