"""Relay lag of notifications: an event's commit → its e-mail's first send attempt, worker running.

    uv run python bench/notify_lag.py [--appeals 200] [--rate 20] [--database-url URL]

Starts `priemnaya worker` (outbox relay → planner → sender loops) against a fresh database, files
appeals at a steady rate from this process (as the web server would) and reads, for each
registration, the time from its commit to the first delivery attempt of the confirmation e-mail
(and, as ``planned_ms``, to the planner's handling of it).
A local SMTP server (aiosmtpd storing into a Maildir, its own process) takes the messages.
Writes bench/results/notify_lag-<database>.json with p50, p95, p99 and max.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from fresh import fresh_database  # noqa: E402
from tests.receivers import Sink  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--appeals", type=int, default=200)
    parser.add_argument("--rate", type=float, default=20.0, help="appeals per second")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    smtp = Sink.start("smtp", Path(tempfile.mkdtemp(prefix="priemnaya-lag-")))
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{smtp.port}"
    env = fresh_database(args.database_url)
    worker = subprocess.Popen([sys.executable, "-m", "priemnaya.cli", "worker"], env=env, cwd=ROOT)
    try:
        import django

        django.setup()
        from priemnaya.accounts.models import User
        from priemnaya.appeals import services
        from priemnaya.appeals.models import EventDelivery
        from priemnaya.catalog.services import catalog_load_defaults
        from priemnaya.notifications.models import DeliveryAttempt

        catalog_load_defaults()
        citizen = User.objects.create_user(
            email="bench@example.ru", password=None, full_name="Бенч", role="citizen"
        )
        committed: dict[int, float] = {}
        for n in range(args.appeals):
            started = time.monotonic()
            appeal = services.appeal_submit(
                actor=citizen,
                data=services.AppealInput(
                    kind="support",
                    theme="tech-login",
                    subject=f"Замер {n}",
                    text="Текст замера.",
                    contact_email="bench@example.ru",
                ),
            )
            committed[appeal.pk] = time.time()
            time.sleep(max(0.0, 1 / args.rate - (time.monotonic() - started)))
        deadline = time.time() + 60
        first: dict[int, float] = {}
        while time.time() < deadline and len(first) < len(committed):
            rows = DeliveryAttempt.objects.filter(
                notification__channel="email", notification__event__type="registered"
            ).values_list("notification__appeal_id", "at")
            first = {}
            for appeal_id, at in rows:
                first[appeal_id] = min(first.get(appeal_id, at.timestamp()), at.timestamp())
            time.sleep(0.2)
        planned = {
            appeal_id: at.timestamp()
            for appeal_id, at in EventDelivery.objects.filter(
                consumer="notifications", event__type="registered", handled_at__isnull=False
            ).values_list("event__appeal_id", "handled_at")
        }
    finally:
        worker.terminate()
        worker.wait(15)
        smtp.stop()
    lags = sorted(max(0.0, first[a] - committed[a]) * 1000 for a in committed if a in first)
    to_plan = sorted(max(0.0, planned[a] - committed[a]) * 1000 for a in committed if a in planned)
    result = {
        "database": env["DATABASE_URL"].split(":", 1)[0],
        "events": len(committed),
        "attempted": len(lags),
        "rate_per_second": args.rate,
        "lag_ms": {
            "p50": round(statistics.median(lags), 1),
            "p95": round(lags[int(len(lags) * 0.95) - 1], 1),
            "p99": round(lags[int(len(lags) * 0.99) - 1], 1),
            "max": round(lags[-1], 1),
        },
        "planned_ms": {
            "p50": round(statistics.median(to_plan), 1),
            "p99": round(to_plan[int(len(to_plan) * 0.99) - 1], 1),
        },
    }
    out = ROOT / "bench" / "results" / f"notify_lag-{result['database']}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
