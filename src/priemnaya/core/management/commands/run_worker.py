"""Run background tasks and enqueue the periodic jobs of settings.

The tasks run from the broker settings.TASKS names: the embedded database queue (django-tasks-db,
the default) or RQ on Redis (``PRIEMNAYA_TASKS_BROKER=rq``, django-tasks-rq). Beside them each
worker runs the journal's outbox relay, the sender loops of settings.PRIEMNAYA_WORKER_LOOPS and a
scheduler thread; the schedulers of all workers share one schedule in the database
(``core.leases.schedule_claim``), so each periodic job is enqueued once per interval however many
workers run.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.module_loading import import_string

from priemnaya.core.leases import schedule_claim

logger = logging.getLogger("priemnaya.worker")

# Seconds between two looks of a scheduler at the shared schedule: a job runs at most this late.
SCHEDULER_TICK = 5.0


def enqueue_due(now: datetime | None = None) -> list[str]:
    """Enqueue every periodic task whose slot has come and that no other scheduler claimed."""
    enqueued = []
    for path, every in settings.PRIEMNAYA_PERIODIC_TASKS:
        if schedule_claim(path, every=timedelta(seconds=every), now=now):
            # Claimed, then enqueued: if the broker refuses, this interval's run is lost (logged
            # by the caller) and the next slot runs as usual — the jobs are sweeps that catch up.
            import_string(path).enqueue()
            enqueued.append(path)
    return enqueued


def enqueue_all() -> list[str]:
    """Enqueue every periodic task now, schedule or not (``--once``: tests, a manual run)."""
    for path, _every in settings.PRIEMNAYA_PERIODIC_TASKS:
        import_string(path).enqueue()
    return [path for path, _every in settings.PRIEMNAYA_PERIODIC_TASKS]


def tasks_broker() -> str:
    """Return «rq» when the tasks backend is django-tasks-rq, else «db» (the embedded queue)."""
    backend = settings.TASKS["default"]["BACKEND"]
    return "rq" if backend.startswith("django_tasks_rq.") else "db"


def _worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"[:64]


def _db_worker(*, interval: float, once: bool) -> None:
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=list(settings.TASKS["default"].get("QUEUES", ["default"])),
        interval=interval,
        batch=once,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=_worker_id(),
        excluded_queue_names=[],
    )
    if not once:
        worker.configure_signals()
    worker.run()


def _rq_worker(*, once: bool) -> None:
    from django_rq.queues import get_queues
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    class TaskWorker(SimpleWorker):
        """Runs each job in this process, with fresh database connections around it.

        Not rq's forking Worker: this process also runs the outbox relay and sender threads,
        and forking a threaded process may copy a lock another thread holds.
        """

        def execute_job(self, job: Any, queue: Any) -> Any:
            close_old_connections()
            try:
                return super().execute_job(job, queue)
            finally:
                close_old_connections()

    names = list(settings.TASKS["default"].get("QUEUES", ["default"]))
    queues = get_queues(*names, job_class=Job)
    worker = TaskWorker(
        queues,
        connection=queues[0].connection,
        job_class=Job,
        queue_class=type(queues[0]),
        name=f"{_worker_id()}-{time.time():.0f}",
    )
    # Without rq's scheduler: it runs in a process rq forks from this threaded one, which outlives
    # a worker killed with SIGKILL. Priemnaya defers no task (no run_after); its periodic jobs
    # come from the shared schedule above.
    level = logging.getLevelName(logging.getLogger().getEffectiveLevel())
    worker.work(burst=once, logging_level=level)


class Command(BaseCommand):
    help = "Выполнять фоновые задачи и периодические проверки (авто-закрытие и др.)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument(
            "--once", action="store_true", help="enqueue periodic jobs, run the queue, exit"
        )

    def handle(self, *args, interval: float, once: bool, **options):
        # The journal's outbox (core imports no app: the relay is named in settings).
        outbox = import_module(settings.PRIEMNAYA_OUTBOX)
        if once:
            enqueue_all()
            while outbox.relay_once():
                pass
        else:
            threading.Thread(target=self._schedule, daemon=True, name="scheduler").start()
            # The journal's outbox: hands committed events to notifications, webhooks, search.
            threading.Thread(target=outbox.relay_forever, daemon=True, name="outbox").start()
            # Other long-running loops (the notification and webhook senders), named in settings.
            stop = threading.Event()
            for path in settings.PRIEMNAYA_WORKER_LOOPS:
                threading.Thread(
                    target=import_string(path), args=(stop,), daemon=True, name=path
                ).start()
        if tasks_broker() == "rq":
            _rq_worker(once=once)
        else:
            _db_worker(interval=interval, once=once)

    def _schedule(self) -> None:
        while True:
            try:
                enqueue_due()
            except Exception:
                logger.exception("could not enqueue periodic tasks")
            finally:
                close_old_connections()
            time.sleep(SCHEDULER_TICK)
