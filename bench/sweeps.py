"""Cost of one pass of the deadline sweeps at scale: nothing due, then 1 % due.

    uv run python bench/sweeps.py [--appeals 100000] [--database-url URL]

Fills a fresh database (SQLite in a temporary folder by default) with N open appeals whose
deadlines are spread over the next 30 days and a tenth of them answered long ago and closed,
then times `appeals.sweeps.sweep_deadlines()` (and the auto-close pass) twice: with nothing due,
and after moving 1 % of the open appeals past their deadline. Writes
bench/results/sweeps-<database>.json with the seconds and queries of each pass.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from fresh import fresh_database  # noqa: E402

CHUNK = 5000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--appeals", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--label", default="", help="suffix of the results file, e.g. 1m-before")
    args = parser.parse_args()

    fresh_database(args.database_url)
    import django

    django.setup()
    from django.db import connection

    from priemnaya.accounts.models import User
    from priemnaya.appeals import services, sweeps
    from priemnaya.appeals.models import Appeal
    from priemnaya.appeals.states import Status
    from priemnaya.catalog.services import catalog_load_defaults
    from priemnaya.core import clock
    from priemnaya.core.numbering import compose_number

    catalog_load_defaults()
    citizen = User.objects.create_user(
        email="bench@example.ru", password=None, full_name="Бенч", role="citizen"
    )
    model = services.appeal_submit(
        actor=citizen,
        data=services.AppealInput(
            kind="support",
            theme="tech-login",
            subject="Замер",
            text="Текст замера.",
            contact_email="bench@example.ru",
        ),
    )
    now = clock.now()
    rng = random.Random(7)  # noqa: S311 — a reproducible spread of dates, not a secret
    year = 2000 + int(model.number[:2])
    started = time.monotonic()
    for start in range(0, args.appeals, CHUNK):
        rows = []
        for i in range(start, min(start + CHUNK, args.appeals)):
            copy = Appeal.objects.get(pk=model.pk) if not rows else rows[0]
            row = Appeal(**{f.attname: getattr(copy, f.attname) for f in Appeal._meta.fields})
            row.pk = None
            row.number = compose_number(year, 100_000 + i)
            if i % 10 == 0:  # closed long ago: the bulk of a real database
                row.status = Status.CLOSED
                row.closed_at = now - timedelta(days=200)
            else:
                row.status = rng.choice([Status.REGISTERED, Status.IN_PROGRESS])
                row.due_at = now + timedelta(days=2, seconds=rng.randrange(28 * 86400))
                row.first_response_due_at = row.due_at - timedelta(days=1)
                row.first_response_at = now if row.status == Status.IN_PROGRESS else None
            rows.append(row)
        Appeal.objects.bulk_create(rows)
    filled = time.monotonic() - started
    # Planner statistics, as PostgreSQL's autovacuum keeps them: without them SQLite prefers the
    # plain status index to the partial sweep indexes (docs/decisions.md, «Deadline sweeps»).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    def timed(label: str) -> dict:
        count = [0]

        def counting(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counting):
            began, cpu = time.perf_counter(), time.process_time()
            report = sweeps.sweep_deadlines().as_dict()
            closed = sweeps.sweep_autoclose()
            seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        # CPU seconds of this process (Python and the driver): steadier than the wall time on a
        # shared machine; the database server's time is in the wall time only.
        print(
            f"{label}: {seconds:.3f} s ({cpu:.3f} s CPU here), {count[0]} queries, {report}, "
            f"closed {closed}"
        )
        return {
            "seconds": round(seconds, 4),
            "cpu_seconds": round(cpu, 4),
            "queries": count[0],
            **report,
            "closed": closed,
        }

    idle = timed("nothing due")
    open_ids = list(
        Appeal.objects.filter(status__in=[Status.REGISTERED, Status.IN_PROGRESS]).values_list(
            "pk", flat=True
        )
    )
    due = rng.sample(open_ids, max(1, len(open_ids) // 100))
    for start in range(0, len(due), 500):
        Appeal.objects.filter(pk__in=due[start : start + 500]).update(
            due_at=now - timedelta(hours=1), first_response_due_at=now - timedelta(hours=2)
        )
    busy = timed("1 % due")
    again = timed("rerun")
    result = {
        "database": connection.vendor,
        "appeals": args.appeals,
        "fill_seconds": round(filled, 1),
        "nothing_due": idle,
        "one_percent_due": busy,
        "rerun_after": again,
    }
    name = f"sweeps-{connection.vendor}" + (f"-{args.label}" if args.label else "")
    out = ROOT / "bench" / "results" / f"{name}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(out)


if __name__ == "__main__":
    main()
