"""Time ``search rebuild --clear`` on a loaded database (issue 12: the rebuild's speed).

    uv run python bench/search_rebuild.py --reuse postgres://postgres@127.0.0.1:5432/<db>
    uv run python bench/search_rebuild.py --reuse sqlite:///path/db.sqlite3 --profile

Load the database first with bench/search_latency.py (it prints «база: …»). ``--profile`` runs
the rebuild under cProfile and prints where the time goes. Appends to
bench/results/search_rebuild-<vendor>-<N>.json.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reuse", required=True, help="URL базы с загруженными обращениями")
    parser.add_argument("--workers", type=int, default=None, help="процессов разбора текста")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    os.environ.update(DATABASE_URL=args.reuse, DJANGO_SETTINGS_MODULE="priemnaya.settings_test")
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    import django

    django.setup()
    from django.db import connection

    from priemnaya.appeals.models import Appeal
    from priemnaya.search.documents import appeals_rebuild

    appeals = Appeal.objects.count()
    profile = cProfile.Profile() if args.profile else None
    started = time.monotonic()
    if profile is not None:
        profile.enable()
    total = appeals_rebuild(clear=True, workers=args.workers)
    if profile is not None:
        profile.disable()
    seconds = time.monotonic() - started
    print(f"{connection.vendor}: {total} обращений за {seconds:.1f} с", flush=True)
    if profile is not None:
        pstats.Stats(profile).sort_stats("tottime").print_stats(15)
    out = ROOT / "bench" / "results" / f"search_rebuild-{connection.vendor}-{appeals}.json"
    runs = json.loads(out.read_text("utf-8")) if out.exists() else []
    runs.append(
        {
            "label": args.label,
            "workers": args.workers,
            "appeals": total,
            "seconds": round(seconds, 1),
            "profiled": args.profile,
            "cpus": os.cpu_count(),
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    )
    out.write_text(json.dumps(runs, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
