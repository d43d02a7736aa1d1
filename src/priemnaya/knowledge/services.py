"""Writing the knowledge base: editing, publishing (indexed in the same transaction), votes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.text import slugify

from priemnaya.audit.services import audit_record
from priemnaya.catalog.models import Theme
from priemnaya.core import clock
from priemnaya.core.errors import ValidationFailed
from priemnaya.knowledge.documents import articles_reindex
from priemnaya.knowledge.models import COMMENT_MAX, Article, ArticleFeedback, ArticleStatus, Section

ALREADY_VOTED = "Вы уже ответили, помогла ли эта статья. Спасибо!"


@dataclass(frozen=True)
class ArticleData:
    """What the editor submits."""

    title: str
    section: Section
    summary: str
    body: str
    keywords: str
    themes: list[Theme]
    slug: str = ""


def _slug_for(title: str, wanted: str, exclude: int | None) -> str:
    others = Article.objects.exclude(pk=exclude) if exclude is not None else Article.objects.all()
    base = slugify(wanted or title, allow_unicode=False) or "statya"
    base = base[:90]
    slug, n = base, 1
    while others.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check(data: ArticleData) -> None:
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = ["Укажите заголовок статьи."]
    if not data.body.strip():
        errors["body"] = ["Напишите текст статьи."]
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def article_save(*, actor: Any, data: ArticleData, article: Article | None = None) -> Article:
    """Create or edit an article (a new one is a draft); a published one is re-indexed at once."""
    _check(data)
    created = article is None
    if article is None:
        article = Article(author=actor, status=ArticleStatus.DRAFT, version=1)
    else:
        article.version = F("version") + 1
    article.title = data.title.strip()
    article.section = data.section
    article.summary = data.summary.strip()
    article.body = data.body
    article.keywords = data.keywords.strip()
    article.slug = _slug_for(article.title, data.slug or article.slug, article.pk)
    article.updated_at = clock.now()
    article.save()
    article.refresh_from_db(fields=["version"])
    article.themes.set(data.themes)
    audit_record(
        action="knowledge.article_created" if created else "knowledge.article_edited",
        actor=actor,
        target_type="knowledge.article",
        target_id=article.pk,
        details={"version": article.version},
    )
    # In the same transaction as the edit: the index never shows text that was rolled back.
    if article.is_published:
        articles_reindex([article.pk])
    return article


@transaction.atomic
def article_publish(*, actor: Any, article: Article) -> Article:
    """Publish (or re-publish) the article and index it."""
    now = clock.now()
    Article.objects.filter(pk=article.pk).update(
        status=ArticleStatus.PUBLISHED,
        published_at=article.published_at or now,
        updated_at=now,
    )
    article.refresh_from_db(fields=["status", "published_at", "updated_at"])
    audit_record(
        action="knowledge.article_published",
        actor=actor,
        target_type="knowledge.article",
        target_id=article.pk,
        details={"version": article.version},
    )
    articles_reindex([article.pk])
    return article


@transaction.atomic
def article_unpublish(*, actor: Any, article: Article) -> Article:
    """Return the article to drafts and take it out of search."""
    Article.objects.filter(pk=article.pk).update(status=ArticleStatus.DRAFT)
    article.refresh_from_db(fields=["status"])
    audit_record(
        action="knowledge.article_unpublished",
        actor=actor,
        target_type="knowledge.article",
        target_id=article.pk,
        details={"version": article.version},
    )
    articles_reindex([article.pk])
    return article


def session_hash(browser: str) -> str:
    return hashlib.sha256(f"knowledge:{browser}".encode()).hexdigest()


def feedback_record(
    *, article: Article, helpful: bool, comment: str, session_key: str
) -> ArticleFeedback:
    """Count one vote of this browser session; a second raises ValidationFailed («helpful»)."""
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed.single(
            "comment", f"Комментарий длиннее {COMMENT_MAX} символов: сократите его."
        )
    if not article.is_published:
        raise ValidationFailed.single("helpful", "Статья не опубликована.")
    try:
        with transaction.atomic():
            vote = ArticleFeedback.objects.create(
                article=article,
                helpful=helpful,
                comment=comment.replace("\x00", ""),
                session_hash=session_hash(session_key),
            )
            counter = "helpful_yes" if helpful else "helpful_no"
            Article.objects.filter(pk=article.pk).update(**{counter: F(counter) + 1})
    except IntegrityError:
        raise ValidationFailed.single("helpful", ALREADY_VOTED) from None
    return vote
