"""The search index's own tables (the text itself lives in database-specific columns)."""

from __future__ import annotations

from django.db import models

from priemnaya.core import clock


class AppealEntry(models.Model):
    """An appeal in the search index: ``id`` is the appeal's id.

    PostgreSQL adds ``head_tsv`` and ``all_tsv`` (GIN-indexed) to this table; SQLite keeps the
    text in the FTS5 table ``search_appeal_fts`` (migration 0001). No foreign key: the index is a
    projection, rebuilt from the appeals at will.
    """

    id = models.BigIntegerField(primary_key=True)
    indexed_at = models.DateTimeField(default=clock.now)
    # Whether the appeal is open (registered, in progress, needs info): set on each write and by
    # the indexer on status events, so that an open queue's search skips closed appeals' matches.
    is_open = models.BooleanField(default=True, db_default=True)

    class Meta:
        db_table = "search_appeal"
        verbose_name = "обращение в поисковом индексе"
        verbose_name_plural = "поисковый индекс обращений"

    def __str__(self) -> str:
        return f"Обращение #{self.id} в индексе"


class SuggestModel(models.Model):
    """A trained theme suggester (search.suggest): every process loads the newest row by id.

    ``blob`` is the pickle of our own trained object, written only by ``suggest.train`` and read
    only from this table.
    """

    created_at = models.DateTimeField(default=clock.now)
    samples = models.PositiveIntegerField("примеров", default=0)
    metrics = models.JSONField("метрики", default=dict)
    blob = models.BinaryField("модель")

    class Meta:
        db_table = "search_suggest_model"
        verbose_name = "модель подсказки темы"
        verbose_name_plural = "модели подсказки темы"

    def __str__(self) -> str:
        return f"Модель подсказки темы v{self.pk}"
