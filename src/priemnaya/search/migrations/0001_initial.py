"""The appeals' search index: a table on both databases, with the text stored per database.

PostgreSQL: two tsvector columns on ``search_appeal`` with GIN indexes (fastupdate off: a
pending list would be scanned by every query until vacuum). SQLite: an FTS5 table.
"""

from django.db import migrations, models

import priemnaya.core.clock

POSTGRES = [
    "ALTER TABLE search_appeal ADD COLUMN head_tsv tsvector, ADD COLUMN all_tsv tsvector",
    "CREATE INDEX search_appeal_head_gin ON search_appeal USING gin (head_tsv) "
    "WITH (fastupdate = off)",
    "CREATE INDEX search_appeal_all_gin ON search_appeal USING gin (all_tsv) "
    "WITH (fastupdate = off)",
]
SQLITE = [
    "CREATE VIRTUAL TABLE search_appeal_fts USING fts5("
    "head, everything, tokenize = 'unicode61 remove_diacritics 0')",
]


def create(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS search_appeal_fts")


class Migration(migrations.Migration):
    initial = True

    dependencies: list = []

    operations = [
        migrations.CreateModel(
            name="AppealEntry",
            fields=[
                ("id", models.BigIntegerField(primary_key=True, serialize=False)),
                (
                    "indexed_at",
                    models.DateTimeField(default=priemnaya.core.clock.now),
                ),
            ],
            options={
                "verbose_name": "обращение в поисковом индексе",
                "verbose_name_plural": "поисковый индекс обращений",
                "db_table": "search_appeal",
            },
        ),
        migrations.RunPython(create, drop),
    ]
