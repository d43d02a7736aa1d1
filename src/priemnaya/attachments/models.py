"""Files given with appeals, clarifications, chat messages and answers (SPEC §7).

The content lives in the configured storage under a random ``key``; the row keeps what the file
was called (sanitised), what it turned out to be, its size and SHA-256. A file is uploaded first
(``appeal`` empty: staged by its uploader, e.g. while a form shows upload progress) and bound to
an appeal, a message or an answer when the form is submitted; staged files nobody bound are
removed by a sweep.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from priemnaya.core import clock


class Purpose(models.TextChoices):
    APPEAL = "appeal", "К обращению"
    ADDITION = "addition", "Дополнение к обращению"
    ANSWER = "answer", "К ответу"
    CHAT = "chat", "В чате"


class Attachment(models.Model):
    """One stored file; bound to at most one appeal (and then maybe a message or an answer)."""

    key = models.CharField("ключ в хранилище", max_length=64, unique=True, editable=False)
    name = models.CharField("имя файла", max_length=255)
    content_type = models.CharField("тип содержимого", max_length=100)
    size = models.PositiveIntegerField("размер, байт")
    sha256 = models.CharField("SHA-256", max_length=64)
    purpose = models.CharField("назначение", max_length=16, choices=Purpose.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="загрузил",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("загружен", default=clock.now)
    # Bound when the form that carried the file is submitted; NULL while staged.
    appeal = models.ForeignKey(
        "appeals.Appeal",
        verbose_name="обращение",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    message = models.ForeignKey(
        "appeals.Message",
        verbose_name="сообщение",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    answer = models.ForeignKey(
        "appeals.Answer",
        verbose_name="ответ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    # An answer waiting for the head's review carries its files until it is issued.
    answer_draft = models.ForeignKey(
        "answers.AnswerDraft",
        verbose_name="проект ответа",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )

    class Meta:
        verbose_name = "вложение"
        verbose_name_plural = "вложения"
        ordering = ["uploaded_at", "id"]
        indexes = [
            # The sweep of staged files nobody bound.
            models.Index(
                fields=["uploaded_at"],
                name="attachment_staged_idx",
                condition=Q(appeal__isnull=True, answer_draft__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.name
