"""Walking the audit log's hash chain: `priemnaya audit verify` over many entries.

    uv run python bench/audit_verify.py [--entries 100000] [--appends 2000] [--database-url URL]

Migrates a fresh database (SQLite in a temporary folder by default; with a URL, the database must
be disposable: its audit log is emptied), appends ``--appends`` entries through ``audit_record``
(each its own transaction, timed), writes the rest of the chain in bulk with the same hash, then
times ``chain_verify()`` twice. Writes bench/results/audit_verify-<database>.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from fresh import fresh_database  # noqa: E402


def _guards(connection, on: bool) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            verb = "ENABLE" if on else "DISABLE"
            cursor.execute(
                f"ALTER TABLE audit_auditentry {verb} TRIGGER audit_auditentry_append_only"
            )
            cursor.execute(
                f"ALTER TABLE audit_auditchainhead {verb} TRIGGER audit_auditchainhead_forward"
            )
            if not on:
                cursor.execute("TRUNCATE audit_auditentry, audit_auditchainhead")
        elif not on:
            cursor.execute("DROP TRIGGER IF EXISTS audit_auditchainhead_forward")
            cursor.execute("DELETE FROM audit_auditentry")
            cursor.execute("DELETE FROM audit_auditchainhead")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    fresh_database(args.database_url)

    import django

    django.setup()
    from django.db import connection, transaction

    from priemnaya.audit.chain import chain_verify, entry_fields, entry_hash
    from priemnaya.audit.models import AuditChainHead, AuditEntry
    from priemnaya.audit.services import audit_record
    from priemnaya.core import clock

    _guards(connection, on=False)
    started = time.perf_counter()
    for n in range(args.appends):
        audit_record(action="appeal.viewed", target_type="appeal", target_id=n)
    append_seconds = time.perf_counter() - started

    last = AuditEntry.objects.order_by("-id").first()
    prev = last.hash if last else "0" * 64
    next_id = (last.id if last else 0) + 1
    batch: list = []
    now = clock.now()
    with transaction.atomic():
        while next_id <= args.entries:
            entry = AuditEntry(
                id=next_id,
                at=now,
                actor_id=7,
                actor_role="operator",
                action="appeal.transition",
                target_type="appeal",
                target_id=str(next_id),
                details={"event": "taken", "event_id": next_id, "from": "registered",
                         "status": "in_progress"},
                prev_hash=prev,
            )  # fmt: skip
            entry.hash = entry_hash(prev_hash=prev, entry_id=next_id, fields=entry_fields(entry))
            prev, next_id = entry.hash, next_id + 1
            batch.append(entry)
            if len(batch) == 5000:
                AuditEntry.objects.bulk_create(batch)
                batch = []
        AuditEntry.objects.bulk_create(batch)
        AuditChainHead.objects.update_or_create(
            pk=1, defaults={"last_id": args.entries, "last_hash": prev}
        )
    _guards(connection, on=True)

    walks = []
    for _ in range(2):
        started = time.perf_counter()
        result = chain_verify()
        walks.append(round(time.perf_counter() - started, 2))
        if not result.ok or result.checked != args.entries:
            raise SystemExit(f"unexpected: {result}")
    report = {
        "database": connection.vendor,
        "entries": args.entries,
        "verify_seconds": walks,
        "entries_per_second": round(args.entries / min(walks)),
        "appends": args.appends,
        "appends_per_second": round(args.appends / append_seconds),
    }
    out = ROOT / "bench" / "results" / f"audit_verify-{connection.vendor}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
