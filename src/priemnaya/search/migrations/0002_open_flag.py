"""The open flag of an indexed appeal, and (PostgreSQL) GIN indexes of open appeals only.

An open queue's search reads the matches of open appeals from the partial indexes: a word common
in closed appeals (an answer's wording) no longer means reading every one of its matches.
"""

from django.db import migrations, models

OPEN = ("registered", "in_progress", "needs_info")
POSTGRES = [
    "CREATE INDEX search_appeal_head_open_gin ON search_appeal USING gin (head_tsv) "
    "WITH (fastupdate = off) WHERE is_open",
    "CREATE INDEX search_appeal_all_open_gin ON search_appeal USING gin (all_tsv) "
    "WITH (fastupdate = off) WHERE is_open",
]


def fill(apps, schema_editor):
    # Entries already indexed take their appeal's status (a projection: no foreign key).
    schema_editor.execute(
        "UPDATE search_appeal SET is_open = EXISTS (SELECT 1 FROM appeals_appeal a "
        "WHERE a.id = search_appeal.id AND a.status IN (%s, %s, %s))",
        OPEN,
    )
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES:
            schema_editor.execute(sql)


def unfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in ("head", "all"):
            schema_editor.execute(f"DROP INDEX IF EXISTS search_appeal_{name}_open_gin")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("appeals", "0019_partial_link_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="appealentry",
            name="is_open",
            field=models.BooleanField(db_default=True, default=True),
        ),
        migrations.RunPython(fill, unfill),
    ]
