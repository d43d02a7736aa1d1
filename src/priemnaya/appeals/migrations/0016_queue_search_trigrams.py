"""Trigram indexes for the queue's ``q`` on PostgreSQL (issue 11).

``q`` matches a substring of the subject or the text (``UPPER(col::text) LIKE UPPER('%…%')``,
what Django's ``icontains`` writes). Without an index that is a scan of every appeal the caller
may see; a GIN index over the trigrams of exactly that expression turns it into a bitmap over the
matching rows. ``CREATE EXTENSION pg_trgm`` needs a superuser (or the extension created by one
beforehand, see docs/deployment.md). SQLite keeps its scan: it is the small-installation database.
The indexes are built CONCURRENTLY, so a live table keeps taking writes while they build.
"""

from django.db import migrations

INDEXES = {
    "appeal_subject_trgm_idx": "UPPER(subject::text)",
    "appeal_text_trgm_idx": "UPPER(text::text)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON appeals_appeal "
            f"USING gin ({expression} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [("appeals", "0015_queue_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
