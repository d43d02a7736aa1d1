"""Reading the knowledge base: public lists, one article, search with snippets, suggestions."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from priemnaya.core.errors import NotFound
from priemnaya.knowledge.documents import ARTICLES
from priemnaya.knowledge.models import Article, ArticleStatus, Section
from priemnaya.knowledge.rendering import plain_text
from priemnaya.search.selectors import any_word_scores, ranked_ids
from priemnaya.search.text import STOP_WORDS, Query, parse_query, stem

SEARCH_LIMIT = 50
SNIPPET_WORDS = 28
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class ArticleHit:
    """A found article: what a list of results shows."""

    id: int
    title: str
    url: str
    snippet: str
    section: str = ""
    updated_at: datetime | None = None
    snippet_html: str = ""  # the snippet as safe HTML (words marked), for pages


def published() -> QuerySet[Article]:
    return Article.objects.filter(status=ArticleStatus.PUBLISHED)


def article_url(article: Article) -> str:
    return reverse("web:help_article", args=[article.section.slug, article.slug])


def may_preview(user: Any) -> bool:
    """Administrators (the editors) see drafts; everyone else gets 404 for them."""
    return bool(user and user.is_authenticated and getattr(user, "role", "") == "administrator")


def sections_with_articles() -> list[Section]:
    """Every section with its published articles (2 queries)."""
    articles = published().order_by("title").only("id", "title", "slug", "summary", "section_id")
    return list(Section.objects.prefetch_related(Prefetch("articles", queryset=articles)))


def popular_articles(limit: int = 6) -> list[Article]:
    return list(
        published().select_related("section").order_by("-helpful_yes", "-published_at")[:limit]
    )


def section_page(slug: str) -> tuple[Section, list[Article]]:
    section = Section.objects.filter(slug=slug).first()
    if section is None:
        raise NotFound("Раздел не найден.")
    return section, list(published().filter(section=section).order_by("title"))


def article_for(*, section_slug: str, slug: str, user: Any = None) -> Article:
    """The article at this address; a draft only for an editor (others: NotFound)."""
    article = (
        Article.objects.select_related("section")
        .filter(slug=slug, section__slug=section_slug)
        .first()
    )
    if article is None or not (article.is_published or may_preview(user)):
        raise NotFound("Статья не найдена.")
    return article


def article_public(article_id: int) -> Article:
    article = published().select_related("section").filter(pk=article_id).first()
    if article is None:
        raise NotFound("Статья не найдена.")
    return article


def related_articles(article: Article, limit: int = 4) -> list[Article]:
    """Published articles sharing a theme with this one (then the same section)."""
    themes = list(article.themes.values_list("pk", flat=True))
    qs = published().exclude(pk=article.pk).select_related("section")
    found = (
        list(qs.filter(themes__in=themes).distinct().order_by("title")[:limit]) if themes else []
    )
    if len(found) < limit:
        seen = [a.pk for a in found]
        found += list(
            qs.filter(section_id=article.section_id)
            .exclude(pk__in=seen)
            .order_by("title")[: limit - len(found)]
        )
    return found


def _stems(query: Query) -> set[str]:
    return {s for phrase in query.phrases for s in phrase}


def snippet(text: str, stems: set[str], *, words: int = SNIPPET_WORDS) -> tuple[str, SafeString]:
    """Return a window of the text around the first matched word: plain, and HTML with <mark>.

    Every piece of the text is escaped; only our <mark> tags are markup.
    """
    matches = list(_WORD.finditer(text))
    if not matches:
        return "", mark_safe("")
    hits = [i for i, m in enumerate(matches) if stem(m.group(0).lower().replace("ё", "е")) in stems]
    first = hits[0] if hits else 0
    start = max(0, first - words // 3)
    end = min(len(matches), start + words)
    begin, finish = matches[start].start(), matches[end - 1].end()
    plain = text[begin:finish]
    html: list[str] = []
    cursor = begin
    for i in hits:
        if not start <= i < end:
            continue
        m = matches[i]
        html.append(escape(text[cursor : m.start()]))
        html.append(f"<mark>{escape(m.group(0))}</mark>")
        cursor = m.end()
    html.append(escape(text[cursor:finish]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(matches) else ""
    plain = " ".join(plain.split())
    return (
        f"{prefix}{plain}{suffix}",
        mark_safe(prefix + " ".join("".join(html).split()) + suffix),  # noqa: S308 — escaped
    )


def _hits(ids: list[int], stems: set[str]) -> list[ArticleHit]:
    rows = {a.pk: a for a in published().select_related("section").filter(pk__in=ids)}
    hits = []
    for pk in ids:
        a = rows.get(pk)
        if a is None:
            continue
        plain, html = snippet(f"{a.summary}\n{plain_text(a.body)}", stems)
        hits.append(
            ArticleHit(
                id=a.pk,
                title=a.title,
                url=article_url(a),
                snippet=plain,
                section=a.section.title,
                updated_at=a.updated_at,
                snippet_html=html,
            )
        )
    return hits


def search_articles(term: str, *, limit: int = 20, offset: int = 0) -> list[ArticleHit]:
    """Published articles matching every word of ``term``: title/keyword matches first, then
    text, newer first within each. ValidationFailed naming «q» for an empty or too long term."""
    query = parse_query(term)
    ids = ranked_ids(ARTICLES, query, within=published(), limit=min(offset + limit, SEARCH_LIMIT))
    return _hits(ids[offset : offset + limit], _stems(query))


def newest_articles(*, limit: int = 20, offset: int = 0) -> tuple[list[ArticleHit], bool]:
    """The newest published articles (their summary as the snippet); and whether more follow."""
    rows = list(
        published()
        .select_related("section")
        .order_by("-published_at", "-id")[offset : offset + limit + 1]
    )
    hits = [
        ArticleHit(
            id=a.pk,
            title=a.title,
            url=article_url(a),
            snippet=a.summary,
            section=a.section.title,
            updated_at=a.updated_at,
            snippet_html=mark_safe(escape(a.summary)),  # noqa: S308 — escaped
        )
        for a in rows[:limit]
    ]
    return hits, len(rows) > limit


# The informative words of a free text taken into a suggestion query.
SUGGEST_WORDS = 6
THEME_BOOST = 1.0


def informative_stems(text: str, limit: int = SUGGEST_WORDS) -> list[str]:
    """The text's stems worth searching for: stop words dropped, the frequent and long first."""
    words = [w.lower().replace("ё", "е") for w in _WORD.findall(text or "")]
    counts: Counter[str] = Counter()
    for word in words:
        if word in STOP_WORDS or len(word) < 3 or word.isdigit() or len(word) > 64:
            continue
        counts[stem(word)] += 1
    ranked = sorted(counts, key=lambda s: (-counts[s], -len(s), s))
    return ranked[:limit]


def article_suggestions(
    text: str, *, theme_code: str | None = None, limit: int = 3
) -> list[ArticleHit]:
    """The most relevant published articles for a free text (an appeal's subject and text).

    Any of the text's informative words may match (rarer words weigh more, title and keywords
    twice); articles linked to ``theme_code`` get a boost. Empty when nothing matches.
    """
    stems = informative_stems(text)
    if not stems or limit <= 0:
        return []
    scores = any_word_scores(ARTICLES, stems, within=published())
    if not scores:
        return []
    if theme_code:
        linked = set(
            published()
            .filter(themes__code=theme_code, pk__in=list(scores))
            .values_list("pk", flat=True)
        )
        for pk in linked:
            scores[pk] += THEME_BOOST
    best = sorted(scores, key=lambda pk: (-scores[pk], -pk))[:limit]
    return _hits(best, set(stems))
