"""Sections, articles, feedback, and the articles' search index (``search_article``).

The index is a collection of the search app (search/backends/base.py): PostgreSQL adds two
tsvector columns with GIN indexes, SQLite an FTS5 table ``search_article_fts``.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import priemnaya.core.clock

POSTGRES = [
    "ALTER TABLE search_article ADD COLUMN head_tsv tsvector, ADD COLUMN all_tsv tsvector",
    "CREATE INDEX search_article_head_gin ON search_article USING gin (head_tsv) "
    "WITH (fastupdate = off)",
    "CREATE INDEX search_article_all_gin ON search_article USING gin (all_tsv) "
    "WITH (fastupdate = off)",
]
SQLITE = [
    "CREATE VIRTUAL TABLE search_article_fts USING fts5("
    "head, everything, tokenize = 'unicode61 remove_diacritics 0')",
]


def create(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS search_article_fts")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("catalog", "0004_policy_answer_review"),
    ]

    operations = [
        migrations.CreateModel(
            name="Section",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=200, verbose_name="название")),
                ("slug", models.SlugField(max_length=80, unique=True, verbose_name="адрес")),
                ("order", models.PositiveIntegerField(default=0, verbose_name="порядок")),
                ("description", models.TextField(blank=True, verbose_name="описание")),
            ],
            options={
                "verbose_name": "раздел базы знаний",
                "verbose_name_plural": "разделы базы знаний",
                "ordering": ["order", "title"],
            },
        ),
        migrations.CreateModel(
            name="Article",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=200, verbose_name="заголовок")),
                ("slug", models.SlugField(max_length=100, unique=True, verbose_name="адрес")),
                ("summary", models.CharField(blank=True, max_length=500, verbose_name="кратко")),
                ("body", models.TextField(verbose_name="текст (Markdown)")),
                ("keywords", models.CharField(blank=True, max_length=500, verbose_name="ключевые слова")),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "Черновик"), ("published", "Опубликована")],
                        default="draft",
                        max_length=16,
                        verbose_name="состояние",
                    ),
                ),
                ("published_at", models.DateTimeField(blank=True, null=True, verbose_name="опубликована")),
                ("updated_at", models.DateTimeField(default=priemnaya.core.clock.now, verbose_name="обновлена")),
                ("version", models.PositiveIntegerField(default=1, verbose_name="версия")),
                ("helpful_yes", models.PositiveIntegerField(default=0, verbose_name="помогла")),
                ("helpful_no", models.PositiveIntegerField(default=0, verbose_name="не помогла")),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="автор",
                    ),
                ),
                (
                    "section",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="articles",
                        to="knowledge.section",
                        verbose_name="раздел",
                    ),
                ),
                (
                    "themes",
                    models.ManyToManyField(
                        blank=True, related_name="articles", to="catalog.theme", verbose_name="темы обращений"
                    ),
                ),
            ],
            options={
                "verbose_name": "статья базы знаний",
                "verbose_name_plural": "статьи базы знаний",
                "ordering": ["-published_at", "-id"],
                "indexes": [models.Index(fields=["status", "-published_at"], name="knowledge_art_status_pub")],
            },
        ),
        migrations.CreateModel(
            name="ArticleFeedback",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("helpful", models.BooleanField(verbose_name="помогла")),
                ("comment", models.TextField(blank=True, max_length=1000, verbose_name="комментарий")),
                ("session_hash", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField(default=priemnaya.core.clock.now)),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="feedback",
                        to="knowledge.article",
                    ),
                ),
            ],
            options={
                "verbose_name": "отзыв о статье",
                "verbose_name_plural": "отзывы о статьях",
                "constraints": [
                    models.UniqueConstraint(fields=("article", "session_hash"), name="knowledge_feedback_once")
                ],
            },
        ),
        migrations.CreateModel(
            name="ArticleEntry",
            fields=[
                ("id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("indexed_at", models.DateTimeField(default=priemnaya.core.clock.now)),
            ],
            options={
                "verbose_name": "статья в поисковом индексе",
                "verbose_name_plural": "поисковый индекс статей",
                "db_table": "search_article",
            },
        ),
        migrations.RunPython(create, drop),
    ]
