"""Reading chats: messages as the protocol sends them, the operator's queue and chats."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from priemnaya.accounts.models import User
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.selectors import appeals_visible_to
from priemnaya.attachments.models import Attachment
from priemnaya.chat.models import OPEN_STATES, Chat, ChatFile, ChatMessage, Side, State
from priemnaya.core.errors import NotFound
from priemnaya.knowledge.selectors import article_url, published

HISTORY_MAX = 500
APPEALS_BESIDE = 10


def author_name(message: ChatMessage) -> str:
    """How a message's author is shown: «Бот», «Оператор Мария», «Вы»-neutral «Заявитель»."""
    if message.side == Side.OPERATOR and message.author is not None:
        parts = (message.author.full_name or "").split()
        return "Оператор " + (parts[1] if len(parts) > 1 else (parts[0] if parts else ""))
    return Side(message.side).label


def _articles(ids: set[int]) -> dict[int, dict[str, Any]]:
    rows = published().select_related("section").filter(pk__in=ids) if ids else []
    return {a.pk: {"id": a.pk, "title": a.title, "url": article_url(a)} for a in rows}


def _files(message_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    rows = ChatFile.objects.filter(message_id__in=message_ids).select_related(
        "attachment", "message"
    )
    for f in rows:
        a = f.attachment
        url = reverse("web:chat_file", kwargs={"chat_id": f.message.chat_id, "attachment_id": a.pk})
        out.setdefault(f.message_id, []).append(
            {"id": a.pk, "name": a.name, "size": a.size, "url": url}
        )
    return out


def _shown(message: ChatMessage) -> str:
    """The text as a page shows it: a bot's «• title — link» lines become the links list."""
    if not message.articles:
        return message.text
    return "\n".join(line for line in message.text.splitlines() if not line.startswith("• "))


def messages_payload(messages: Iterable[ChatMessage]) -> list[dict[str, Any]]:
    """The protocol's message objects (docs/chat.md, «Протокол»), in the order given."""
    messages = list(messages)
    ids = {i for m in messages for i in (m.articles or [])}
    articles = _articles(ids)
    files = _files([m.pk for m in messages])
    out = []
    for m in messages:
        out.append(
            {
                "id": m.pk,
                "chat": m.chat_id,
                "side": m.side,
                "author": author_name(m),
                "text": m.text,
                "shown": _shown(m),
                "created_at": timezone.localtime(m.created_at).isoformat(),
                "read": m.read_at is not None,
                "articles": [articles[i] for i in (m.articles or []) if i in articles],
                "files": files.get(m.pk, []),
            }
        )
    return out


def chat_messages(chat: Chat, *, after: int = 0) -> list[ChatMessage]:
    """The chat's messages after ``after`` (all: 0), oldest first, at most HISTORY_MAX."""
    qs = chat.messages.filter(pk__gt=after).select_related("author").order_by("created_at", "id")
    return list(qs[:HISTORY_MAX])


def chat_payload(chat: Chat) -> dict[str, Any]:
    """The chat's state as the protocol sends it."""
    return {
        "id": chat.pk,
        "state": chat.state,
        "state_label": State(chat.state).label,
        "operator": chat.operator_id,
        "rating": chat.rating,
        "can_rate": chat.state == State.CLOSED and chat.rating is None,
        "appeal": chat.appeal.display_number if chat.appeal_id and chat.appeal else None,
    }


def applicant_label(chat: Chat) -> str:
    """Who is chatting, for the operator: the account's name or «Посетитель (без входа)»."""
    return chat.citizen.full_name if chat.citizen_id and chat.citizen else "Посетитель (без входа)"


def queue() -> QuerySet[Chat]:
    """Chats waiting for an operator, the longest waiting first."""
    return (
        Chat.objects.filter(state=State.WAITING)
        .select_related("citizen")
        .order_by("waiting_since", "id")
    )


def operator_chats(user: User) -> QuerySet[Chat]:
    """The operator's chats under way."""
    return (
        Chat.objects.filter(operator=user, state=State.OPERATOR)
        .select_related("citizen", "appeal")
        .order_by("waiting_since", "id")
    )


def queue_payload() -> list[dict[str, Any]]:
    return [
        {
            "id": c.pk,
            "who": applicant_label(c),
            "since": timezone.localtime(c.waiting_since).isoformat(),
        }
        for c in queue()
        if c.waiting_since
    ]


def applicant_appeals(chat: Chat, *, viewer: User) -> list[Appeal]:
    """The chatting citizen's appeals the operator may open, newest first."""
    if chat.citizen_id is None:
        return []
    return list(
        appeals_visible_to(user=viewer)
        .filter(applicant_id=chat.citizen_id)
        .order_by("-created_at")[:APPEALS_BESIDE]
    )


def open_chats_count() -> int:
    return Chat.objects.filter(state__in=OPEN_STATES).count()


def chat_file(chat: Chat, attachment_id: int) -> Attachment:
    """A file of this chat's messages, else NotFound."""
    row = (
        ChatFile.objects.filter(message__chat=chat, attachment_id=attachment_id)
        .select_related("attachment")
        .first()
    )
    if row is None:
        raise NotFound("Файл не найден.", field="attachment")
    return row.attachment
