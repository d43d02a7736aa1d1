"""Where the worker's CPU goes for one submitted appeal: relay, planning, delivery.

    uv run python bench/worker_profile.py [--appeals 500] [--database-url URL] [--label NAME]
                                          [--phone] [--webhooks N] [--batch N]
                                          [--profile cprofile|none]

Migrates a fresh database (SQLite in a temporary folder unless given a URL), makes the benchmark's
intake citizens (bench/suite/run.py: e-mail confirmed, no phone unless --phone; the appeal carries
the e-mail as its contact) and files N appeals through ``appeal_submit`` with the benchmark's body.
Then it runs, in this one process, what `priemnaya worker` runs on that work until nothing is left:
the journal's outbox relay (``relay_once``), the notification sender (``deliver_once``) and the
webhook sender. E-mail goes where production settings send it without EMAIL_URL (the dev outbox,
files under a temporary PRIEMNAYA_VAR_DIR); --webhooks N adds N endpoints posting to a local
receiver. Settings are the production ones with DEBUG off.

Measured: CPU milliseconds of this process per appeal (time.process_time; the database server's
own CPU is not in it), SQL statements per appeal by step, and a cProfile top list of a second,
profiled run. Writes bench/results/worker_profile-<db>[-<label>].json and prints a summary.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from fresh import fresh_database  # noqa: E402
from intake_profile import _own_functions, _own_top, _recreate_postgres, _top  # noqa: E402

# The benchmark's intake body (bench/suite/run.py, INTAKE_BODY).
BODY = {
    "kind": "request",
    "theme": "tech-login",
    "subject": "Не могу войти в личный кабинет",
    "text": "После ввода пароля страница входа открывается снова. Прошу помочь с доступом.",
    "desired_result": "Восстановить доступ к личному кабинету.",
}
FILERS = 8


class Statements:
    """Count the SQL statements of the default connection, by the step that runs them."""

    def __init__(self) -> None:
        self.step = "other"
        self.counts: dict[str, int] = {}

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.counts[self.step] = self.counts.get(self.step, 0) + 1
        return execute(sql, params, many, context)


def _citizens(phone: bool) -> list[Any]:
    from django.utils import timezone

    from priemnaya.accounts.models import User

    users = []
    for i in range(FILERS):
        user = User.objects.create_user(
            email=f"bench-filer-{i}@bench.example",
            password=None,
            full_name="Замеров Пётр Ильич",
            role="citizen",
        )
        user.email_confirmed_at = timezone.now()
        if phone:
            user.phone = f"+7916000{i:04d}"
            user.phone_confirmed_at = timezone.now()
        user.save()
        users.append(user)
    return users


def _submit(users: list[Any], count: int, tag: str) -> None:
    from priemnaya.appeals.services import AppealInput, appeal_submit

    for i in range(count):
        user = users[i % len(users)]
        appeal_submit(
            actor=user,
            data=AppealInput(**BODY, contact_email=user.email),
            client_token=f"{tag}-{i}",
        )


def _drain(counter: Statements, batch: int) -> dict[str, float]:
    """Run the worker's loops until none has anything left; return CPU seconds by step."""
    from priemnaya.appeals import outbox
    from priemnaya.notifications import sender as notify
    from priemnaya.webhooks import sender as hooks

    cpu = {"relay": 0.0, "notify": 0.0, "webhooks": 0.0}
    steps = (
        ("relay", outbox.relay_once),
        ("notify", lambda: notify.deliver_once(limit=batch)),
        ("webhooks", hooks.deliver_once),
    )
    while True:
        moved = 0
        for name, step in steps:
            counter.step = name
            started = time.process_time()
            moved += step()
            cpu[name] += time.process_time() - started
        if not moved:
            break
    counter.step = "other"
    return cpu


class ThreadStatements:
    """Count SQL statements of every connection (each worker thread has its own), by thread."""

    def __init__(self) -> None:
        import threading

        from django.db.backends import utils

        self.counts: dict[str, int] = {}
        self._lock = threading.Lock()
        original = utils.CursorWrapper._execute_with_wrappers

        def counted(wrapper, sql, params, many, executor):  # type: ignore[no-untyped-def]
            name = threading.current_thread().name.split("-")[0]
            with self._lock:
                self.counts[name] = self.counts.get(name, 0) + 1
            return original(wrapper, sql, params, many, executor)

        utils.CursorWrapper._execute_with_wrappers = counted  # type: ignore[method-assign]


def _live(users: list[Any], count: int, rate: float) -> dict[str, Any]:
    """Run the worker's threads as `priemnaya worker` does while this thread files ``count``
    appeals at ``rate`` a second; return the worker threads' CPU and statements per appeal.

    The worker's CPU is the process's minus this (filing) thread's own, so it includes the
    threads' idle polls over the run, as the benchmark's does.
    """
    import threading

    from django.conf import settings
    from django.db import close_old_connections
    from django.utils.module_loading import import_string

    from priemnaya.appeals import outbox

    counter = ThreadStatements()
    # The web server is another process: its commits cannot wake this relay (``outbox.wake``
    # works within a process), so filing here must not either; the relay finds them by polling.
    wake, outbox.wake = outbox.wake, lambda: None
    stop = threading.Event()
    threads = [threading.Thread(target=outbox.relay_forever, kwargs={"stop": stop}, name="outbox")]
    threads += [
        threading.Thread(target=import_string(path), args=(stop,), name=path.split(".")[1])
        for path in settings.PRIEMNAYA_WORKER_LOOPS
    ]
    process0, thread0, wall0 = time.process_time(), time.thread_time(), time.perf_counter()
    for thread in threads:
        thread.start()
    period = 1 / rate
    for i in range(count):
        _submit_one(users[i % len(users)], f"live-{i}")
        close_old_connections()
        delay = wall0 + (i + 1) * period - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
    filed = time.perf_counter() - wall0
    deadline = time.monotonic() + 120
    while any(_pending().values()) and time.monotonic() < deadline:
        time.sleep(0.05)
    drained = time.perf_counter() - wall0
    backends = _worker_backends_cpu()
    stop.set()
    outbox.wake = wake
    outbox.wake()
    for thread in threads:
        thread.join(15)
    worker = (time.process_time() - process0) - (time.thread_time() - thread0)
    submit = [k for k in counter.counts if k == "MainThread"]
    statements = {k: v for k, v in counter.counts.items() if k not in submit}
    return {
        "rate_per_second": rate,
        "filed_seconds": round(filed, 2),
        "drained_seconds": round(drained, 2),
        "worker_cpu_ms_per_appeal": round(worker * 1000 / count, 3),
        "worker_statements_per_appeal": round(sum(statements.values()) / count, 2),
        "worker_statements_per_appeal_by_thread": {
            k: round(v / count, 2) for k, v in sorted(statements.items())
        },
        "left_after_drain": _pending(),
        **(
            {"worker_db_backend_cpu_ms_per_appeal": round(backends * 1000 / count, 3)}
            if backends is not None
            else {}
        ),
    }


def _worker_backends_cpu() -> float | None:
    """CPU seconds of the PostgreSQL backends of the worker's threads (every backend of this
    database but the filing thread's own), read from /proc; None on SQLite or if unreadable.

    The threads keep their connections (CONN_MAX_AGE), so their backends live the whole run.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        )
        pids = [row[0] for row in cursor.fetchall()]
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _submit_one(user: Any, token: str) -> None:
    from priemnaya.appeals.services import AppealInput, appeal_submit

    appeal_submit(
        actor=user, data=AppealInput(**BODY, contact_email=user.email), client_token=token
    )


def _pending() -> dict[str, int]:
    from priemnaya.appeals.models import Event, EventDelivery
    from priemnaya.notifications.models import Notification, State
    from priemnaya.webhooks.models import Delivery, DeliveryState

    return {
        "events_undispatched": Event.objects.filter(dispatched_at__isnull=True).count(),
        "deliveries_unhandled": EventDelivery.objects.filter(handled_at__isnull=True).count(),
        "notifications_pending": Notification.objects.filter(state=State.PENDING).count(),
        "webhooks_pending": Delivery.objects.filter(state=DeliveryState.PENDING).count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--appeals", type=int, default=500)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--label", default="")
    parser.add_argument("--phone", action="store_true", help="the citizens have a phone too")
    parser.add_argument("--webhooks", type=int, default=0, help="webhook endpoints to deliver to")
    parser.add_argument("--batch", type=int, default=200, help="the notification sender's batch")
    parser.add_argument("--profile", choices=["cprofile", "none"], default="cprofile")
    parser.add_argument(
        "--live-rate",
        type=float,
        default=80.0,
        help="appeals a second filed while the worker's threads run (0: skip the live run)",
    )
    args = parser.parse_args()

    if args.database_url.startswith("postgres"):
        _recreate_postgres(args.database_url)
    fresh_database(args.database_url)
    # Production settings, as `priemnaya worker` runs them in the benchmark (bench/suite/run.py).
    var = Path(tempfile.mkdtemp(prefix="priemnaya-worker-profile-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="priemnaya.settings",
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789abcdef",  # noqa: S106
        PRIEMNAYA_VAR_DIR=str(var),
        PRIEMNAYA_RATE_APPEALS="100000000/h",
        PRIEMNAYA_RATE_APPEALS_USER="100000000/h",
    )
    os.environ.pop("EMAIL_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if settings.DEBUG:
        raise SystemExit("measure with DEBUG off")
    from priemnaya.catalog.services import catalog_load_defaults

    catalog_load_defaults()
    users = _citizens(args.phone)
    sink = None
    if args.webhooks:
        from tests.receivers import Sink

        from priemnaya.webhooks.models import Endpoint

        sink = Sink.start("webhook", var)
        for i in range(args.webhooks):
            Endpoint.objects.create(
                name=f"bench-{i}", url=f"http://127.0.0.1:{sink.port}/hook", secret="s" * 32
            )
    counter = Statements()
    connection.execute_wrappers.append(counter)
    try:
        # Warm up: imports, template compilation, connections.
        _submit(users, 20, "warm")
        _drain(counter, args.batch)
        counter.counts.clear()

        _submit(users, args.appeals, "run")
        counter.counts.clear()
        wall = time.perf_counter()
        cpu = _drain(counter, args.batch)
        wall = time.perf_counter() - wall
        statements = dict(counter.counts)
        left = _pending()

        result: dict[str, Any] = {
            "database": connection.vendor,
            "appeals": args.appeals,
            "phone": args.phone,
            "webhook_endpoints": args.webhooks,
            "email_backend": settings.EMAIL_BACKEND,
            "tasks_backend": settings.TASKS["default"]["BACKEND"],
            "python": sys.version.split()[0],
            "note": "one process; CPU of this process only (not the database server's); "
            "the machine is shared",
            "cpu_ms_per_appeal": round(sum(cpu.values()) * 1000 / args.appeals, 3),
            "cpu_ms_per_appeal_by_step": {
                k: round(v * 1000 / args.appeals, 3) for k, v in cpu.items()
            },
            "wall_ms_per_appeal": round(wall * 1000 / args.appeals, 3),
            "statements_per_appeal": round(sum(statements.values()) / args.appeals, 3),
            "statements_per_appeal_by_step": {
                k: round(v / args.appeals, 3) for k, v in statements.items()
            },
            "left_after_drain": left,
        }
        if args.profile == "cprofile":
            _submit(users, args.appeals, "prof")
            profile = cProfile.Profile()
            profile.enable()
            _drain(counter, args.batch)
            profile.disable()
            result["profile_own_by_package"] = _own_top(profile)
            result["profile_top_own"] = _own_functions(profile, 25)
            result["profile_top_cumulative"] = _top(profile, 40)
        if args.live_rate:
            connection.execute_wrappers.remove(counter)
            result["live"] = _live(users, args.appeals, args.live_rate)
    finally:
        if sink is not None:
            sink.stop()
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    suffix = f"-{args.label}" if args.label else ""
    path = out / f"worker_profile-{connection.vendor}{suffix}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(
        f"{result['database']}: {result['cpu_ms_per_appeal']:.3f} ms CPU/appeal "
        f"{result['cpu_ms_per_appeal_by_step']}; "
        f"{result['statements_per_appeal']:.2f} statements/appeal "
        f"{result['statements_per_appeal_by_step']}; left {left}"
    )
    if "live" in result:
        print(f"live: {result['live']}")
    for row in result.get("profile_own_by_package", [])[:10]:
        print(f"      own {row['own_share']:6.1%}  {row['package']}")
    for row in result.get("profile_top_own", [])[:15]:
        print(f"      fn  {row['own_share']:6.1%}  {row['function']}  x{row['calls']}")
    for row in result.get("profile_top_cumulative", [])[:40]:
        print(f"      cum {row['cumulative_share']:6.1%}  {row['function']}")
    print(f"-> {path}")


if __name__ == "__main__":
    main()
