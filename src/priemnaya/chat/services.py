"""Chat rules (SPEC §15): who may join, the bot first, handover to a free operator, closing.

Everything here is synchronous ORM work; consumers call it through database_sync_to_async and
broadcast what it returns (the message is stored before anyone hears of it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, F, Q

from priemnaya.accounts.models import User
from priemnaya.accounts.roles import Role
from priemnaya.attachments.models import Attachment, Purpose
from priemnaya.attachments.services import attachments_forget, attachments_stage
from priemnaya.audit.services import audit_record
from priemnaya.chat import bot
from priemnaya.chat.hours import opens_text, operators_status
from priemnaya.chat.models import (
    OPEN_STATES,
    Chat,
    ChatFile,
    ChatMessage,
    OperatorPresence,
    Side,
    State,
)
from priemnaya.chat.selectors import chat_file
from priemnaya.core import clock
from priemnaya.core.errors import Conflict, NotFound, NotPermitted, ValidationFailed

TEXT_MAX = 4000
COMMENT_MAX = 1000
# Staff who answer chats: the contact centre's operators and those above them.
OPERATOR_ROLES = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMINISTRATOR})
NOT_FOUND = "Чат не найден."
PRESENCE_TTL = timedelta(minutes=3)


def may_operate(user: object) -> bool:
    """Whether the person may answer chats in the operator's console."""
    return bool(getattr(user, "is_authenticated", False) and user.role in OPERATOR_ROLES)  # type: ignore[attr-defined]


def operators_max() -> int:
    """How many chats one operator holds at once before they stop counting as free."""
    return int(getattr(settings, "PRIEMNAYA_CHAT_OPERATOR_MAX", 5))


def _owner(user: User | None) -> User | None:
    return user if user is not None and user.is_authenticated and user.is_citizen else None


def chat_current(*, user: User | None, visitor: str) -> Chat | None:
    """The person's open chat, or their last closed one still waiting for a rating."""
    owner = _owner(user)
    if owner is not None:
        mine = Q(citizen=owner)
        if visitor:
            mine |= Q(citizen__isnull=True, visitor=visitor)
    elif visitor:
        mine = Q(citizen__isnull=True, visitor=visitor)
    else:
        return None
    chats = Chat.objects.filter(mine)
    return (
        chats.filter(state__in=OPEN_STATES).first()
        or chats.filter(state=State.CLOSED, rating__isnull=True).first()
    )


@transaction.atomic
def chat_start(*, user: User | None, visitor: str) -> Chat:
    """Return the person's open chat, or start one with the bot's greeting."""
    owner = _owner(user)
    if owner is None and not visitor:
        raise NotPermitted("Чат доступен после входа или с включёнными cookie.", field="chat")
    current = chat_current(user=user, visitor=visitor)
    if current is not None and current.is_open:
        return current
    chat = Chat.objects.create(citizen=owner, visitor="" if owner else visitor)
    ChatMessage.objects.create(chat=chat, side=Side.BOT, text=bot.GREETING)
    return chat


def chat_for_person(*, chat_id: int, user: User | None, visitor: str) -> Chat:
    """The chat if it is this citizen's (or this visitor session's), else NotFound."""
    owner = _owner(user)
    chat = Chat.objects.filter(pk=chat_id).first()
    if chat is None:
        raise NotFound(NOT_FOUND, field="chat")
    if owner is not None and chat.citizen_id == owner.pk:
        return chat
    if chat.citizen_id is None and visitor and chat.visitor == visitor:
        return chat
    raise NotFound(NOT_FOUND, field="chat")


def chat_for_operator(*, chat_id: int, user: User) -> Chat:
    """A chat an operator may look at: any chat, for people who operate chats."""
    if not may_operate(user):
        raise NotPermitted("Чаты ведут операторы.", field="chat")
    chat = Chat.objects.filter(pk=chat_id).select_related("citizen", "operator").first()
    if chat is None:
        raise NotFound(NOT_FOUND, field="chat")
    return chat


def _text(text: str, *, files: bool) -> str:
    text = (text or "").replace("\x00", "").strip()
    if not text and not files:
        raise ValidationFailed.single("text", "Напишите сообщение или приложите файл.")
    if len(text) > TEXT_MAX:
        raise ValidationFailed.single(
            "text", f"Сообщение длиннее {TEXT_MAX} знаков — разделите его на несколько."
        )
    return text


def _stage(uploads: Sequence[UploadedFile], actor: User | None) -> list:
    return attachments_stage(uploads=uploads, uploaded_by=actor, purpose=Purpose.CHAT)


def message_post(
    *,
    chat: Chat,
    side: str,
    author: User | None,
    text: str,
    uploads: Sequence[UploadedFile] = (),
) -> list[ChatMessage]:
    """Store a citizen's or operator's message (files checked by the attachments rules).

    Returns what to broadcast, in order: the message, then the bot's answer while the chat is
    with the bot. An operator's reply to a citizen with no open socket plans an e-mail notice.
    """
    text = _text(text, files=bool(uploads))
    staged = _stage(uploads, author) if uploads else []
    try:
        with transaction.atomic():
            chat = Chat.objects.select_for_update().get(pk=chat.pk)
            if not chat.is_open:
                raise Conflict("Чат завершён — начните новый.", field="chat")
            if side == Side.OPERATOR and chat.operator_id != getattr(author, "pk", None):
                raise NotPermitted("Этот чат ведёт другой оператор.", field="chat")
            message = ChatMessage.objects.create(chat=chat, side=side, author=author, text=text)
            ChatFile.objects.bulk_create(ChatFile(message=message, attachment=a) for a in staged)
            out = [message]
            if side == Side.CITIZEN and chat.state == State.BOT and text:
                answer = bot.reply_to(text)
                out.append(
                    ChatMessage.objects.create(
                        chat=chat, side=Side.BOT, text=answer.text, articles=answer.article_ids
                    )
                )
            if side == Side.OPERATOR:
                _notice_if_offline(chat)
    except BaseException:
        attachments_forget(staged)
        raise
    return out


def _notice_if_offline(chat: Chat) -> None:
    """Plan one «Оператор ответил в чате» e-mail per absence of the citizen (chat locked)."""
    if chat.citizen_id is None or chat.citizen_connections > 0 or chat.notified_at is not None:
        return
    Chat.objects.filter(pk=chat.pk).update(notified_at=clock.now())
    from priemnaya.chat.tasks import operator_replied

    transaction.on_commit(lambda: operator_replied.enqueue(chat.pk))


def _free_operator() -> User | None:
    """An operator with the console open and fewer chats than the limit, the least busy first."""
    # A console pings every minute: a count left by a process that died goes stale here.
    online = OperatorPresence.objects.filter(
        connections__gt=0,
        seen_at__gte=clock.now() - PRESENCE_TTL,
        user__is_active=True,
        user__role__in=OPERATOR_ROLES,
    ).values_list("user_id", flat=True)
    load = (
        User.objects.filter(pk__in=list(online))
        .annotate(held=Count("operated_chats", filter=Q(operated_chats__state=State.OPERATOR)))
        .filter(held__lt=operators_max())
        .order_by("held", "pk")
    )
    return load.first()


def operator_first_name(user: User) -> str:
    """«Мария» from «Иванова Мария Петровна»: operators introduce themselves by first name."""
    parts = (user.full_name or "").split()
    return parts[1] if len(parts) > 1 else (parts[0] if parts else "Оператор")


def handover(*, chat: Chat) -> list[ChatMessage]:
    """«Соединить с оператором»: a free operator within hours, else the queue; outside hours
    the bot says when operators open and offers to file an appeal."""
    with transaction.atomic():
        chat = Chat.objects.select_for_update().get(pk=chat.pk)
        if chat.state != State.BOT:
            if chat.state == State.CLOSED:
                raise Conflict("Чат завершён — начните новый.", field="chat")
            return []
        status = operators_status()
        if not status.open_now:
            text = (
                f"Сейчас операторы не работают. {opens_text(status)}. Я продолжу отвечать из "
                "базы знаний, а вопрос, который требует проверки, можно оформить обращением: "
                f"{bot.absolute('/cabinet/new/')}"
            )
            return [ChatMessage.objects.create(chat=chat, side=Side.BOT, text=text)]
        now = clock.now()
        operator = _free_operator()
        if operator is None:
            chat.state, chat.waiting_since = State.WAITING, now
            chat.save(update_fields=["state", "waiting_since"])
            ahead = Chat.objects.filter(state=State.WAITING, waiting_since__lt=now).count()
            text = (
                "Соединяю с оператором. Все операторы сейчас заняты; "
                f"вы в очереди: {ahead + 1}. Оператор ответит здесь же."
            )
            return [ChatMessage.objects.create(chat=chat, side=Side.SYSTEM, text=text)]
        chat.state, chat.operator, chat.waiting_since = State.OPERATOR, operator, now
        chat.save(update_fields=["state", "operator", "waiting_since"])
        text = f"Оператор {operator_first_name(operator)} подключился к чату."
        return [ChatMessage.objects.create(chat=chat, side=Side.SYSTEM, text=text)]


def chat_take(*, chat_id: int, operator: User) -> tuple[Chat, list[ChatMessage]]:
    """An operator takes a chat from the queue (or from the bot); another's chat is refused."""
    if not may_operate(operator):
        raise NotPermitted("Чаты ведут операторы.", field="chat")
    with transaction.atomic():
        chat = Chat.objects.select_for_update().filter(pk=chat_id).first()
        if chat is None:
            raise NotFound(NOT_FOUND, field="chat")
        if chat.state == State.OPERATOR and chat.operator_id == operator.pk:
            return chat, []
        if chat.state == State.OPERATOR:
            raise Conflict("Этот чат уже ведёт другой оператор.", field="chat")
        if chat.state == State.CLOSED:
            raise Conflict("Чат уже завершён.", field="chat")
        chat.state, chat.operator = State.OPERATOR, operator
        chat.save(update_fields=["state", "operator"])
        text = f"Оператор {operator_first_name(operator)} подключился к чату."
        message = ChatMessage.objects.create(chat=chat, side=Side.SYSTEM, text=text)
        audit_record(actor=operator, action="chat.take", target_type="chat", target_id=chat.pk)
    return chat, [message]


def chat_close(*, chat: Chat, side: str, actor: User | None) -> list[ChatMessage]:
    """End the chat (either side); the citizen is then asked to rate it."""
    with transaction.atomic():
        chat = Chat.objects.select_for_update().get(pk=chat.pk)
        if not chat.is_open:
            return []
        if side == Side.OPERATOR and chat.operator_id != getattr(actor, "pk", None):
            raise NotPermitted("Этот чат ведёт другой оператор.", field="chat")
        chat.state, chat.closed_at = State.CLOSED, clock.now()
        chat.save(update_fields=["state", "closed_at"])
        who = "Оператор завершил чат." if side == Side.OPERATOR else "Вы завершили чат."
        text = f"{who} Оцените, пожалуйста, разговор от 1 до 5."
        return [ChatMessage.objects.create(chat=chat, side=Side.SYSTEM, text=text)]


def chat_rate(*, chat: Chat, rating: object, comment: str = "") -> Chat:
    """The citizen's 1–5 rating of a finished chat, once."""
    try:
        value = int(str(rating))
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise ValidationFailed.single("rating", "Оценка — число от 1 до 5.")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed.single("comment", f"Отзыв длиннее {COMMENT_MAX} знаков.")
    with transaction.atomic():
        chat = Chat.objects.select_for_update().get(pk=chat.pk)
        if chat.is_open:
            raise Conflict("Оценить чат можно после его завершения.", field="rating")
        if chat.rating is not None:
            raise Conflict("Этот чат уже оценён.", field="rating")
        chat.rating, chat.rating_comment = value, comment
        chat.save(update_fields=["rating", "rating_comment"])
    return chat


def mark_read(*, chat: Chat, reader: str, up_to: int) -> int:
    """Mark the other side's messages up to ``up_to`` read; return how many became read."""
    others = [Side.CITIZEN] if reader == Side.OPERATOR else [Side.BOT, Side.OPERATOR, Side.SYSTEM]
    return ChatMessage.objects.filter(
        chat=chat, side__in=others, pk__lte=up_to, read_at__isnull=True
    ).update(read_at=clock.now())


def citizen_connected(chat: Chat, delta: int) -> None:
    """Count the citizen's open sockets; coming back makes the next offline reply notify again."""
    if delta > 0:
        Chat.objects.filter(pk=chat.pk).update(
            citizen_connections=F("citizen_connections") + 1, notified_at=None
        )
    else:
        Chat.objects.filter(pk=chat.pk, citizen_connections__gt=0).update(
            citizen_connections=F("citizen_connections") - 1
        )


def operator_connected(user: User, delta: int) -> None:
    """Count an operator's open console sockets (free operators are those with one)."""
    presence, _ = OperatorPresence.objects.get_or_create(user=user)
    if delta > 0:
        OperatorPresence.objects.filter(pk=presence.pk).update(
            connections=F("connections") + 1, seen_at=clock.now()
        )
    else:
        OperatorPresence.objects.filter(pk=presence.pk, connections__gt=0).update(
            connections=F("connections") - 1, seen_at=clock.now()
        )


def operator_seen(user: User) -> None:
    """The console's heartbeat: the operator is still there."""
    OperatorPresence.objects.filter(user=user).update(seen_at=clock.now())


def operator_file(*, chat: Chat, attachment_id: int, operator: User) -> Attachment:
    """A file of the chat opened by an operator: someone's document, so the opening is audited."""
    attachment = chat_file(chat, attachment_id)
    audit_record(
        actor=operator,
        action="chat.file_downloaded",
        target_type="attachment",
        target_id=attachment_id,
        details={"chat": chat.pk},
    )
    return attachment
