"""Answers' legal side: drafts under a head's review, and signed renditions of issued answers.

``appeals.Answer`` is the issued answer itself (append-only). Here live

* ``AnswerDraft`` — an answer prepared by an executor that waits for the department head's
  review before it is issued, when the appeal's policy asks for review (SPEC §12);
* ``Rendition`` — the issued answer rendered as PDF, JSON or XML, byte for byte as the applicant
  downloads it, with its detached signature (SPEC §10) and the verification code printed in it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from priemnaya.appeals.states import NoAnswerGround, Outcome
from priemnaya.core import clock


class DraftState(models.TextChoices):
    PENDING = "pending", "На проверке"
    APPROVED = "approved", "Утверждён и выдан"
    RETURNED = "returned", "Возвращён на доработку"


class AnswerDraft(models.Model):
    """An answer waiting for the head's review; issuing it creates the ``appeals.Answer``."""

    appeal = models.ForeignKey(
        "appeals.Appeal", on_delete=models.PROTECT, related_name="answer_drafts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="исполнитель",
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField("результат", max_length=16, choices=Outcome.choices)
    legal_ground = models.CharField(
        "основание", max_length=32, choices=NoAnswerGround.choices, blank=True
    )
    text = models.TextField("текст ответа")
    crime_report = models.BooleanField("сообщение о противоправном деянии", default=False)
    forward_to = models.CharField("направить в", max_length=300, blank=True)
    contacts_readable = models.BooleanField("фамилия и адрес читаются", default=True)
    no_new_arguments = models.BooleanField("нет новых доводов", default=False)
    decision = models.TextField("решение руководителя", blank=True)
    state = models.CharField(
        "состояние", max_length=16, choices=DraftState.choices, default=DraftState.PENDING
    )
    submitted_at = models.DateTimeField("направлен на проверку", default=clock.now)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="проверил",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("проверен", null=True, blank=True)
    review_comment = models.TextField("замечания руководителя", blank=True)
    answer = models.OneToOneField(
        "appeals.Answer",
        verbose_name="выданный ответ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="draft",
    )

    class Meta:
        verbose_name = "проект ответа"
        verbose_name_plural = "проекты ответов"
        ordering = ["-submitted_at", "-id"]
        constraints = [
            # One draft at a time waits for review per appeal.
            models.UniqueConstraint(
                fields=["appeal"], condition=Q(state="pending"), name="answer_draft_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"Проект ответа на {self.appeal} ({self.get_state_display()})"


class RenditionFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    JSON = "json", "JSON"
    XML = "xml", "XML"


class Rendition(models.Model):
    """An issued answer in one format, exactly as downloaded, and its detached signature."""

    answer = models.ForeignKey(
        "appeals.Answer", on_delete=models.PROTECT, related_name="renditions"
    )
    format = models.CharField("формат", max_length=8, choices=RenditionFormat.choices)
    content = models.BinaryField("содержимое")
    sha256 = models.CharField("SHA-256", max_length=64)
    # The verification code printed in every rendition of the same answer (the same for all).
    code = models.CharField("код проверки", max_length=32, db_index=True)
    # ``answers.signing.Signature`` as JSON: algorithm, key id and the signature itself.
    signature = models.TextField("подпись")
    algorithm = models.CharField("алгоритм", max_length=32)
    key_id = models.CharField("ключ", max_length=32)
    created_at = models.DateTimeField("создан", default=clock.now)

    class Meta:
        verbose_name = "экземпляр ответа"
        verbose_name_plural = "экземпляры ответов"
        constraints = [
            models.UniqueConstraint(fields=["answer", "format"], name="rendition_one_per_format")
        ]

    def __str__(self) -> str:
        return f"{self.answer} — {self.format}"


class ResponseTemplate(models.Model):
    """A canned response (шаблон ответа): text with placeholders the operator starts from.

    ``body`` is user-edited text: it is only ever filled in by ``answers.canned.fill`` (a
    whitelist of placeholders), never by a template engine.
    """

    title = models.CharField("название", max_length=200)
    body = models.TextField("текст", max_length=5000)
    themes = models.ManyToManyField(
        "catalog.Theme",
        verbose_name="темы",
        blank=True,
        related_name="+",
        help_text="Пусто — шаблон подходит для всех тем. Тема-раздел охватывает свои подтемы.",
    )
    kinds = models.ManyToManyField(
        "catalog.Kind",
        verbose_name="виды обращений",
        blank=True,
        related_name="+",
        help_text="Пусто — для всех видов.",
    )
    active = models.BooleanField("действует", default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="изменил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("изменён", default=clock.now)

    class Meta:
        verbose_name = "шаблон ответа"
        verbose_name_plural = "шаблоны ответов"
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title
