"""Sections, articles (Markdown-like text, rendered safely) and readers' feedback."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from priemnaya.core import clock

COMMENT_MAX = 1000


class Section(models.Model):
    """A heading of the help: articles are grouped under it."""

    title = models.CharField("название", max_length=200)
    slug = models.SlugField("адрес", max_length=80, unique=True)
    order = models.PositiveIntegerField("порядок", default=0)
    description = models.TextField("описание", blank=True)

    class Meta:
        ordering = ["order", "title"]
        verbose_name = "раздел базы знаний"
        verbose_name_plural = "разделы базы знаний"

    def __str__(self) -> str:
        return self.title


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Черновик"
    PUBLISHED = "published", "Опубликована"


class Article(models.Model):
    """A help article; ``version`` grows with each edit (the rendered HTML is cached by it)."""

    section = models.ForeignKey(
        Section, verbose_name="раздел", on_delete=models.PROTECT, related_name="articles"
    )
    title = models.CharField("заголовок", max_length=200)
    slug = models.SlugField("адрес", max_length=100, unique=True)
    summary = models.CharField("кратко", max_length=500, blank=True)
    body = models.TextField("текст (Markdown)")
    keywords = models.CharField("ключевые слова", max_length=500, blank=True)
    themes = models.ManyToManyField(
        "catalog.Theme", verbose_name="темы обращений", blank=True, related_name="articles"
    )
    status = models.CharField(
        "состояние", max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    published_at = models.DateTimeField("опубликована", null=True, blank=True)
    updated_at = models.DateTimeField("обновлена", default=clock.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="автор",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField("версия", default=1)
    helpful_yes = models.PositiveIntegerField("помогла", default=0)
    helpful_no = models.PositiveIntegerField("не помогла", default=0)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="knowledge_art_status_pub")
        ]
        verbose_name = "статья базы знаний"
        verbose_name_plural = "статьи базы знаний"

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED


class ArticleFeedback(models.Model):
    """«Помогла ли статья?»: one vote per browser session per article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    helpful = models.BooleanField("помогла")
    comment = models.TextField("комментарий", max_length=COMMENT_MAX, blank=True)
    # A hash of a random id kept in the browser's session: one vote per browser session.
    session_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "session_hash"], name="knowledge_feedback_once"
            )
        ]
        verbose_name = "отзыв о статье"
        verbose_name_plural = "отзывы о статьях"

    def __str__(self) -> str:
        return f"{'Да' if self.helpful else 'Нет'}: {self.article_id}"


class ArticleEntry(models.Model):
    """An article in the search index (``search_article``; created by migration 0001)."""

    id = models.BigIntegerField(primary_key=True)
    indexed_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "search_article"
        verbose_name = "статья в поисковом индексе"
        verbose_name_plural = "поисковый индекс статей"

    def __str__(self) -> str:
        return f"Статья #{self.id} в индексе"
