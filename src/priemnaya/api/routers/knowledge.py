"""The knowledge base, public (issue 12): published articles, searched or newest first."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Query, Router, Schema

from priemnaya.api.schemas import ErrorOut
from priemnaya.core.errors import ValidationFailed
from priemnaya.knowledge.rendering import article_html
from priemnaya.knowledge.selectors import (
    SEARCH_LIMIT,
    article_public,
    article_url,
    newest_articles,
    search_articles,
)
from priemnaya.search.selectors import RankCursor, rank_cursor_decode

router = Router(tags=["knowledge"])
PAGE_SIZE = 20
ERRORS = {404: ErrorOut, 422: ErrorOut}


class ArticleHitOut(Schema):
    id: int
    title: str
    url: str = Field(description="адрес статьи на сайте")
    snippet: str = Field(description="отрывок текста с найденными словами (простой текст)")
    section: str
    updated_at: datetime | None


class ArticlePageOut(Schema):
    items: list[ArticleHitOut]
    page: int = Field(description="номер страницы при ?page=; 0 — страница по курсору after")
    has_next: bool
    next: str | None = Field(None, description="курсор следующей страницы для ?after=")


class ArticleOut(Schema):
    id: int
    title: str
    url: str
    section: str
    summary: str
    keywords: str
    html: str = Field(description="текст статьи в HTML (безопасный: без скриптов и сырого HTML)")
    published_at: datetime | None
    updated_at: datetime
    version: int


class ArticleFilters(Schema):
    q: str = Field("", description="слова для поиска (все должны найтись), до 500 символов")
    page: int = Field(1, ge=1, le=1000)
    after: str = Field("", description="курсор из поля next предыдущего ответа")


@router.get("/articles", auth=None, response={200: ArticlePageOut} | ERRORS)
def article_list(request, filters: Query[ArticleFilters]):
    """List published articles: matching `q` (best first), or without it newest first."""
    start = rank_cursor_decode(filters.after) if filters.after else (filters.page - 1) * PAGE_SIZE
    number = 0 if filters.after else filters.page
    if "q" in request.GET:
        if start >= SEARCH_LIMIT:
            raise ValidationFailed.single(
                "page", f"Показываются первые {SEARCH_LIMIT} найденных статей: уточните запрос."
            )
        found = search_articles(filters.q, limit=PAGE_SIZE + 1, offset=start)
        hits, has_next = found[:PAGE_SIZE], len(found) > PAGE_SIZE
    else:
        hits, has_next = newest_articles(limit=PAGE_SIZE, offset=start)
    return {
        "items": [
            {
                "id": h.id,
                "title": h.title,
                "url": request.build_absolute_uri(h.url),
                "snippet": h.snippet,
                "section": h.section,
                "updated_at": h.updated_at,
            }
            for h in hits
        ],
        "page": number,
        "has_next": has_next,
        "next": RankCursor(start + PAGE_SIZE).encode() if has_next else None,
    }


@router.get("/articles/{article_id}", auth=None, response={200: ArticleOut} | ERRORS)
def article_detail(request, article_id: int):
    """One published article with its text as safe HTML (drafts: 404)."""
    a = article_public(article_id)
    return {
        "id": a.pk,
        "title": a.title,
        "url": request.build_absolute_uri(article_url(a)),
        "section": a.section.title,
        "summary": a.summary,
        "keywords": a.keywords,
        "html": article_html(a.pk, a.version, a.body),
        "published_at": a.published_at,
        "updated_at": a.updated_at,
        "version": a.version,
    }
