"""Run background tasks (django-tasks-db) and enqueue the periodic jobs of settings."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Worker

logger = logging.getLogger("priemnaya.worker")


def enqueue_due(last_run: dict[str, float], now: float) -> list[str]:
    """Enqueue every periodic task whose interval has passed; return their paths."""
    enqueued = []
    for path, every in settings.PRIEMNAYA_PERIODIC_TASKS:
        if now - last_run.get(path, 0.0) >= every:
            import_string(path).enqueue()
            last_run[path] = now
            enqueued.append(path)
    return enqueued


class Command(BaseCommand):
    help = "Выполнять фоновые задачи и периодические проверки (авто-закрытие и др.)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument(
            "--once", action="store_true", help="enqueue periodic jobs, run the queue, exit"
        )

    def handle(self, *args, interval: float, once: bool, **options):
        last_run: dict[str, float] = {}
        # The journal's outbox (core imports no app: the relay is named in settings).
        outbox = import_module(settings.PRIEMNAYA_OUTBOX)
        if once:
            enqueue_due(last_run, time.monotonic() + 10**9)
            while outbox.relay_once():
                pass
        else:
            threading.Thread(
                target=self._schedule, args=(last_run,), daemon=True, name="scheduler"
            ).start()
            # The journal's outbox: hands committed events to notifications, webhooks, search.
            threading.Thread(target=outbox.relay_forever, daemon=True, name="outbox").start()
            # Other long-running loops (the notification and webhook senders), named in settings.
            stop = threading.Event()
            for path in settings.PRIEMNAYA_WORKER_LOOPS:
                threading.Thread(
                    target=import_string(path), args=(stop,), daemon=True, name=path
                ).start()
        worker = Worker(
            queue_names=["default"],
            interval=interval,
            batch=once,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=f"{socket.gethostname()}-{os.getpid()}"[:64],
            excluded_queue_names=[],
        )
        if not once:
            worker.configure_signals()
        worker.run()

    def _schedule(self, last_run: dict[str, float]) -> None:
        while True:
            try:
                enqueue_due(last_run, time.monotonic())
            except Exception:
                logger.exception("could not enqueue periodic tasks")
            finally:
                close_old_connections()
            time.sleep(5)
