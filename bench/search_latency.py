"""Search latency at scale: top-20 for a rare word, a common word and a miss (issue 12 item 3).

    uv run python bench/search_latency.py --appeals 100000                       # SQLite
    uv run python bench/search_latency.py --appeals 100000 \\
        --database-url postgres://postgres@127.0.0.1:5432/se_bench              # PostgreSQL

Migrates a fresh database (SQLite in a temporary folder; a PostgreSQL database given by URL is
emptied first), loads the catalog and N appeals with their journals, messages and answers from
the suite's generator (bench/suite/generate.py: realistic Russian texts of bench/suite/texts.py),
gives RARE_MATCHES of them a rare word, builds the index with the rebuild command's function
(timed), then times the real selector (``search.selectors.search_page``, what the API and the
pages call) for each shape and scope, RUNS times after a warm-up: p50 and p95 wall time in ms
(the database's time included; the machine is shared, so compare runs made side by side).

Scopes: «all» — a supervisor's search over every appeal (the widest, the issue's shape);
«queue» — the staff queue's default (open appeals only); «own» — a citizen's own appeals;
«all-closed» and «dept-closed» — closed appeals only, everywhere and in the busiest department
(the older appeals: the newest matches are mostly open).
Writes bench/results/search_latency-<sqlite|postgresql>-<N>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from fresh import fresh_database  # noqa: E402
from suite.search_terms import (  # noqa: E402
    MISS_WORD,
    RARE_MATCHES,
    RARE_WORD,
    common_words,
    mark_rare,
)

RUNS = 40


def _empty_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _time(call, runs: int) -> dict[str, Any]:
    call()  # warm-up: caches, prepared plans
    wall: list[float] = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        wall.append((time.perf_counter() - started) * 1000)
    return {
        "p50_ms": round(statistics.median(wall), 2),
        "p95_ms": round(_percentile(wall, 0.95), 2),
        "max_ms": round(max(wall), 2),
        "hits_on_page": len(result.rows) if result is not None else 0,
        "has_next": bool(result and result.has_next),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--appeals", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--reuse",
        default="",
        help="база от прошлого запуска (URL; для SQLite sqlite:///путь): без загрузки и индекса",
    )
    args = parser.parse_args()

    if args.reuse:
        os.environ.update(DATABASE_URL=args.reuse, DJANGO_SETTINGS_MODULE="priemnaya.settings_test")
        sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    else:
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
    from priemnaya.appeals.selectors import AppealFilters, appeals_visible_to, staff_queue
    from priemnaya.catalog.models import Membership
    from priemnaya.search.documents import appeals_rebuild
    from priemnaya.search.selectors import search_appeals, search_page

    rng = random.Random(args.seed)  # noqa: S311 — reproducible data, not a secret
    generated = rebuilt = 0.0
    if not args.reuse:
        call_command("load_catalog")
        started = time.monotonic()
        generate(args.appeals, seed=args.seed, log=lambda line: print(line, flush=True))
        generated = time.monotonic() - started
        mark_rare(rng)
        started = time.monotonic()
        appeals_rebuild(clear=True)
        rebuilt = time.monotonic() - started
        print(f"индекс: {args.appeals} обращений за {rebuilt:.1f} с", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"база: {connection.settings_dict['NAME']}", flush=True)
    rare_ids = list(search_appeals(RARE_WORD, within=Appeal.objects.all(), limit=RARE_MATCHES * 2))
    common = common_words(3000, rng)

    supervisor = User.objects.filter(role="supervisor").first()
    # The citizen with the most appeals (a dozen or so at a million): the longest own list.
    busiest = (
        User.objects.filter(role="citizen")
        .annotate(n=Count("appeals"))
        .order_by("-n", "id")
        .first()
    )
    # The specialist of the department holding the most appeals (as the suite's P3 and P4).
    top = Appeal.objects.values("department_id").annotate(n=Count("id")).order_by("-n").first()
    specialist = (
        Membership.objects.filter(department_id=top["department_id"], user__role="specialist")
        .order_by("user_id")
        .first()
        .user
    )
    closed = AppealFilters(status="closed")
    scopes = {
        "all": lambda: appeals_visible_to(user=supervisor),
        "queue": lambda: staff_queue(user=supervisor, filters=AppealFilters()),
        "own": lambda: appeals_visible_to(user=busiest),
        # Closed appeals are the older ones: the newest matches are mostly open.
        "all-closed": lambda: staff_queue(user=supervisor, filters=closed),
        "dept-closed": lambda: staff_queue(user=specialist, filters=closed),
    }
    shapes = {
        "rare": RARE_WORD,
        "common": common["common"][0],
        "miss": MISS_WORD,
        # A word of the answers only: common overall, absent from open appeals (the queue's).
        "common_in_answers": common["common_in_answers"][0],
    }
    results: dict[str, Any] = {}
    for scope, within in scopes.items():
        for shape, term in shapes.items():
            results[f"{scope}/{shape}"] = _time(
                lambda within=within, term=term: search_page(within(), term=term, size=20),
                args.runs,
            )
            print(scope, shape, results[f"{scope}/{shape}"], flush=True)
    # The last page a query may reach (rank offset 980) of the common word over everything.
    results["all/common/page50"] = _time(
        lambda: search_page(appeals_visible_to(user=supervisor), term=common["common"][0], page=50),
        args.runs,
    )
    print("all common page 50", results["all/common/page50"], flush=True)

    vendor = connection.vendor
    report = {
        "what": "search top-20 latency (search.selectors.search_page), wall ms incl. database",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": vendor,
        "appeals": args.appeals,
        "generate_s": round(generated, 1),
        "rebuild_s": round(rebuilt, 1),
        "runs": args.runs,
        "words": {
            "rare": {"term": RARE_WORD, "matches": len(rare_ids)},
            **{
                name: {"term": word, "share_in_sample": round(share, 3)}
                for name, (word, share) in common.items()
            },
            "miss": {"term": MISS_WORD, "matches": 0},
        },
        "results": results,
    }
    out = ROOT / "bench" / "results" / f"search_latency-{vendor}-{args.appeals}.json"
    if args.reuse and out.exists():
        # Measured again on the same data: keep how long loading and indexing took then.
        earlier = json.loads(out.read_text("utf-8"))
        report["generate_s"] = earlier.get("generate_s", 0.0)
        report["rebuild_s"] = earlier.get("rebuild_s", 0.0)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"→ {out}")


if __name__ == "__main__":
    main()
