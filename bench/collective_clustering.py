"""Collective issues: the console's suggested clusters at scale (issue 14 item 3).

    uv run python bench/collective_clustering.py --appeals 100000                 # SQLite
    uv run python bench/collective_clustering.py --appeals 100000 \\
        --database-url postgres://postgres@127.0.0.1:5432/co_bench               # PostgreSQL

Migrates a fresh database (a PostgreSQL database given by URL is emptied first), loads the catalog
and N appeals from the suite's generator (bench/suite/generate.py), then times the real selector
(``collective.selectors.cluster_suggestions``, what /console/collective/ calls) for a supervisor
(every department) and for the busiest department's staff, RUNS times after a warm-up: p50 and
p95 wall time in ms. The selector reads at most ``READ_LIMIT`` open appeals of the last 90 days,
so its cost is bounded whatever N is. Writes bench/results/collective_clustering-<db>-<N>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from fresh import fresh_database  # noqa: E402

RUNS = 20


def _empty_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def _time(call, runs: int) -> dict:
    call()
    wall, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        wall.append((time.perf_counter() - started) * 1000)
    ordered = sorted(wall)
    return {
        "p50_ms": round(statistics.median(wall), 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 1),
        "clusters": len(result or []),
        "appeals_in_clusters": sum(len(c.appeals) for c in result or []),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--appeals", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.database_url:
        _empty_postgres(args.database_url)
    fresh_database(args.database_url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from bench.suite.generate import generate
    from priemnaya.accounts.models import User
    from priemnaya.appeals.models import Appeal
    from priemnaya.catalog.models import Membership
    from priemnaya.collective.selectors import READ_LIMIT, WINDOW_DAYS, cluster_suggestions
    from priemnaya.core import clock

    call_command("load_catalog")
    generate(args.appeals, seed=args.seed, log=lambda line: print(line, flush=True))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    newest = Appeal.objects.order_by("-registered_at").values_list("registered_at", flat=True)[0]
    supervisor = User.objects.filter(role="supervisor").first()
    busiest = (
        Membership.objects.values("department_id")
        .annotate(n=Count("department__appeals"))
        .order_by("-n")
        .first()
    )
    member = Membership.objects.filter(department_id=busiest["department_id"]).first().user
    results = {}
    # The generator's history ends at its own «now»: the window is measured from there.
    with clock.travel_to(newest):
        for name, user in (("supervisor", supervisor), ("department", member)):
            results[name] = _time(lambda u=user: cluster_suggestions(user=u), args.runs)
            print(name, results[name], flush=True)
    out = {
        "appeals": args.appeals,
        "database": connection.vendor,
        "read_limit": READ_LIMIT,
        "window_days": WINDOW_DAYS,
        "runs": args.runs,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "results": results,
    }
    path = (
        ROOT
        / "bench"
        / "results"
        / f"collective_clustering-{connection.vendor}-{args.appeals}.json"
    )
    path.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(path)
    os._exit(0)


if __name__ == "__main__":
    main()
