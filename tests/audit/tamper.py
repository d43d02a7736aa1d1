"""What a DBA can do and the application cannot: switch off the log's guards, write raw SQL."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection

from priemnaya.audit.models import AuditEntry

TRIGGERS = {
    "audit_auditentry": "audit_auditentry_append_only",
    "audit_auditchainhead": "audit_auditchainhead_forward",
}


def guards_off() -> None:
    """Disable (PostgreSQL) or drop (SQLite) the append-only triggers, as a DBA could.

    Inside a test's transaction: the rollback at the end of the test restores them.
    """
    with connection.cursor() as cursor:
        for table, trigger in TRIGGERS.items():
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")


@contextmanager
def tampering():
    guards_off()
    yield


def raw_update(entry_id: int, **values) -> None:
    """UPDATE one entry's columns by SQL (the ORM's update would do the same)."""
    AuditEntry.objects.filter(pk=entry_id).update(**values)


def raw_delete(*ids: int) -> None:
    AuditEntry.objects.filter(pk__in=ids).delete()


def row(entry_id: int) -> dict:
    """An entry's stored columns (without its id)."""
    values = AuditEntry.objects.filter(pk=entry_id).values().get()
    values.pop("id")
    return values
