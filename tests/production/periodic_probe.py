"""Periodic tasks for the schedule tests: each run is recorded, in memory and in Redis if asked."""

from __future__ import annotations

import os
import threading

from django_tasks import task

RUNS: list[str] = []
_lock = threading.Lock()


def _record(name: str) -> str:
    with _lock:
        RUNS.append(name)
    # Under the RQ broker the task runs in a worker process: it counts in Redis for the test.
    url = os.environ.get("PRIEMNAYA_PROBE_REDIS_URL")
    if url:
        import redis

        redis.Redis.from_url(url).rpush("priemnaya-probe-runs", name)
    return name


@task()
def minutely() -> str:
    return _record("minutely")


@task()
def slow() -> str:
    return _record("slow")
