"""Relay lag of the journal outbox: commit of an event → handed to a consumer, worker running.

    uv run python bench/outbox_lag.py [--appeals 200] [--rate 20] [--database-url URL]

Starts `priemnaya worker` against a fresh database (SQLite in a temporary folder by default),
files appeals at a steady rate from this process (as the web server would) and reads, for each
journal event, the time from its commit to the moment the probe consumer handled it. Writes
bench/results/outbox_lag-<database>.json with p50, p95, p99 and max in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from fresh import fresh_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--appeals", type=int, default=200)
    parser.add_argument("--rate", type=float, default=20.0, help="appeals per second")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    env = fresh_database(args.database_url)
    worker = subprocess.Popen([sys.executable, "-m", "priemnaya.cli", "worker"], env=env, cwd=ROOT)
    try:
        import django

        django.setup()
        from priemnaya.accounts.models import User
        from priemnaya.appeals import services
        from priemnaya.appeals.models import Event, EventDelivery
        from priemnaya.catalog.services import catalog_load_defaults

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
            now = time.time()
            for event_id in Event.objects.filter(appeal=appeal).values_list("id", flat=True):
                committed[event_id] = now
            time.sleep(max(0.0, 1 / args.rate - (time.monotonic() - started)))
        deadline = time.time() + 30
        handled: dict[int, float] = {}
        while time.time() < deadline and len(handled) < len(committed):
            rows = EventDelivery.objects.filter(
                consumer="probe-app", handled_at__isnull=False
            ).values_list("event_id", "handled_at")
            handled = {event_id: at.timestamp() for event_id, at in rows}
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(15)
    lags = sorted(max(0.0, handled[e] - committed[e]) * 1000 for e in committed if e in handled)
    result = {
        "database": env["DATABASE_URL"].split(":", 1)[0],
        "events": len(committed),
        "handed_on": len(lags),
        "rate_per_second": args.rate,
        "lag_ms": {
            "p50": round(statistics.median(lags), 1),
            "p95": round(lags[int(len(lags) * 0.95) - 1], 1),
            "p99": round(lags[int(len(lags) * 0.99) - 1], 1),
            "max": round(lags[-1], 1),
        },
    }
    out = ROOT / "bench" / "results" / f"outbox_lag-{result['database']}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
