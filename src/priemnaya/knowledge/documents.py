"""What of an article is searched: title and keywords rank first, then summary and text."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction

from priemnaya.knowledge.models import Article, ArticleStatus
from priemnaya.knowledge.rendering import plain_text
from priemnaya.search.backends import Collection, Document, backend
from priemnaya.search.text import analyse

ARTICLES = Collection("article")


def article_document(article: Article) -> Document:
    return Document(
        id=article.pk,
        head=analyse(f"{article.title} ; {article.keywords}"),
        body=analyse(f"{article.summary}\n{plain_text(article.body)}"),
    )


def articles_reindex(ids: Iterable[int]) -> int:
    """Index these articles if published, forget them otherwise (drafts are never searched)."""
    wanted = set(ids)
    articles = list(Article.objects.filter(pk__in=wanted, status=ArticleStatus.PUBLISHED))
    engine = backend()
    gone = wanted - {a.pk for a in articles}
    if gone:
        engine.remove(ARTICLES, sorted(gone))
    return engine.write(ARTICLES, [article_document(a) for a in articles])


def articles_rebuild(*, clear: bool = False, progress: Callable[[int], None] | None = None) -> int:
    """Index every published article again and forget the rest; return how many."""
    engine = backend()
    with transaction.atomic():
        if clear:
            engine.clear(ARTICLES)
        published = Article.objects.filter(status=ArticleStatus.PUBLISHED)
        total = engine.write(ARTICLES, [article_document(a) for a in published.order_by("id")])
        engine.keep_only(ARTICLES, published.values("id"))
    if progress is not None:
        progress(total)
    return total
