"""Live chat (SPEC §15): a conversation of a citizen or a visitor with the bot and an operator."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from priemnaya.core import clock


class State(models.TextChoices):
    BOT = "bot", "С ботом"
    WAITING = "waiting", "Ждёт оператора"
    OPERATOR = "operator", "С оператором"
    CLOSED = "closed", "Завершён"


OPEN_STATES = (State.BOT, State.WAITING, State.OPERATOR)


class Side(models.TextChoices):
    CITIZEN = "citizen", "Заявитель"
    BOT = "bot", "Бот"
    OPERATOR = "operator", "Оператор"
    SYSTEM = "system", "Система"


class Chat(models.Model):
    """One conversation; a signed-in citizen's, or an anonymous visitor's by a session token."""

    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="заявитель",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chats",
    )
    # A random token kept in the visitor's session (not the session key, which changes at sign-in).
    visitor = models.CharField("посетитель", max_length=64, blank=True, db_index=True)
    state = models.CharField("состояние", max_length=16, choices=State.choices, default=State.BOT)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="оператор",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="operated_chats",
    )
    created_at = models.DateTimeField("начат", default=clock.now)
    waiting_since = models.DateTimeField("ждёт оператора с", null=True, blank=True)
    closed_at = models.DateTimeField("завершён", null=True, blank=True)
    rating = models.PositiveSmallIntegerField("оценка", null=True, blank=True)
    rating_comment = models.CharField("отзыв", max_length=1000, blank=True)
    appeal = models.ForeignKey(
        "appeals.Appeal",
        verbose_name="обращение",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Open citizen sockets now: with none, an operator's reply becomes an e-mail notice.
    citizen_connections = models.PositiveIntegerField(default=0)
    # The last «оператор ответил» e-mail: one per absence, not one per message.
    notified_at = models.DateTimeField("уведомлён об ответе", null=True, blank=True)

    class Meta:
        verbose_name = "чат"
        verbose_name_plural = "чаты"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "waiting_since"], name="chat_queue_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="chat_rating_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"Чат №{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state != State.CLOSED


class ChatMessage(models.Model):
    """One message; bot messages keep the ids of the knowledge-base articles they cite."""

    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="messages")
    side = models.CharField("кто", max_length=16, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("текст", blank=True)
    created_at = models.DateTimeField("отправлено", default=clock.now)
    # Read by the other side (the citizen for bot/operator messages, the operator for citizen's).
    read_at = models.DateTimeField("прочитано", null=True, blank=True)
    articles = models.JSONField("статьи базы знаний", default=list, blank=True)

    class Meta:
        verbose_name = "сообщение чата"
        verbose_name_plural = "сообщения чата"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_side_display()}: {self.text[:40]}"


class ChatFile(models.Model):
    """A file of a chat message, stored and checked by the attachments app (up to 3 a message)."""

    message = models.ForeignKey(ChatMessage, on_delete=models.CASCADE, related_name="files")
    attachment = models.OneToOneField(
        "attachments.Attachment", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "файл сообщения чата"
        verbose_name_plural = "файлы сообщений чата"

    def __str__(self) -> str:
        return f"Файл {self.attachment_id} сообщения {self.message_id}"


class OperatorPresence(models.Model):
    """How many console sockets an operator has open now: «free» operators are among these."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_presence"
    )
    connections = models.PositiveIntegerField(default=0)
    seen_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = "оператор в чате"
        verbose_name_plural = "операторы в чате"

    def __str__(self) -> str:
        return f"{self.user_id}: {self.connections}"
