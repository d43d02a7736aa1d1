"""Articles' Markdown-like text to HTML: raw HTML off, only safe links, cached per version."""

from __future__ import annotations

import hashlib
import re

from django.core.cache import cache
from markdown_it import MarkdownIt

# Links may go to the web, mail, a phone, or within the site; nothing else (no javascript:,
# data:, vbscript:, file:).
_SAFE_LINK = re.compile(r"^(https?://|mailto:|tel:|/(?!/)|#)", re.IGNORECASE)
CACHE_SECONDS = 24 * 3600


def _validate_link(url: str) -> bool:
    # Control characters and spaces are how «java\tscript:» hides: refuse them outright.
    if any(ord(c) < 33 for c in url):
        return False
    return bool(_SAFE_LINK.match(url))


def _engine() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    # Pictures would load from elsewhere (and the CSP forbids it): alt text only is not worth it.
    md.disable("image")
    md.validateLink = _validate_link  # type: ignore[method-assign]
    return md


_md = _engine()


def render_markdown(text: str) -> str:
    """Return safe HTML for the text (everything the text holds as HTML comes out escaped)."""
    return _md.render(text or "")


def plain_text(text: str) -> str:
    """Return the text without Markdown marks (for snippets and the index)."""
    tokens = _md.parse(text or "")
    parts: list[str] = []
    for token in tokens:
        if token.type == "inline" and token.children:
            # A line break inside a paragraph is a space: «при\nрегистрации» is two words.
            parts.append(
                "".join(
                    " " if c.type in {"softbreak", "hardbreak"} else c.content
                    for c in token.children
                    if c.type in {"text", "code_inline", "softbreak", "hardbreak"}
                )
            )
        elif token.type in {"fence", "code_block"}:
            parts.append(token.content)
    return "\n".join(p for p in parts if p)


def article_html(article_id: int, version: int, body: str) -> str:
    """The article's HTML, rendered once per version (the cache key carries the version)."""
    # The text's digest too: a reused id (SQLite after a delete, a restored backup) or a shared
    # cache between databases must never serve another text's HTML.
    digest = hashlib.sha256((body or "").encode()).hexdigest()[:16]
    key = f"knowledge:html:{article_id}:{version}:{digest}"
    html = cache.get(key)
    if html is None:
        html = render_markdown(body)
        cache.set(key, html, CACHE_SECONDS)
    return html
