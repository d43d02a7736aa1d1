"""The chat bot: answers from the published knowledge base, citing the articles it uses.

No outside model: the same search as «помощь до подачи» (knowledge.article_suggestions) picks
up to three articles; the reply names each by title with its link.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from priemnaya.knowledge.selectors import ArticleHit, article_suggestions

ARTICLES_MAX = 3
GREETING = (
    "Здравствуйте! Я бот Приёмной. Напишите вопрос — я поищу ответ в базе знаний. "
    "Чтобы поговорить с человеком, нажмите «Соединить с оператором»."
)
NOTHING_FOUND = (
    "Не нашёл ответа в базе знаний. Попробуйте сформулировать вопрос иначе или нажмите "
    "«Соединить с оператором»."
)
FOUND = "Возможно, ответ есть в этих статьях базы знаний:"
FOUND_TAIL = "Если это не помогло, нажмите «Соединить с оператором»."


@dataclass(frozen=True)
class BotReply:
    text: str
    article_ids: list[int]


def absolute(url: str) -> str:
    """The site's address in front of a path, so a transcript's links work outside the page."""
    return settings.PRIEMNAYA_SITE_URL.rstrip("/") + url


def reply_to(question: str) -> BotReply:
    """Return the bot's answer to a citizen's message: articles found, or a way on."""
    hits: list[ArticleHit] = article_suggestions(question, limit=ARTICLES_MAX)
    if not hits:
        return BotReply(NOTHING_FOUND, [])
    lines = [FOUND, *(f"• {h.title} — {absolute(h.url)}" for h in hits), FOUND_TAIL]
    return BotReply("\n".join(lines), [h.id for h in hits])
