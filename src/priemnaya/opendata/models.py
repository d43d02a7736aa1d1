"""Answers published as being of public interest (LEGAL.md §6 rule 16): anonymised copies only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from priemnaya.appeals.models import Answer
from priemnaya.catalog.models import Theme
from priemnaya.core import clock


class PublishedAnswer(models.Model):
    """An anonymised answer shown on /open-data/answers/; never the appeal's number or applicant.

    The original answer stays untouched; the texts here are what staff confirmed after the
    automatic anonymiser. A withdrawn publication is kept (withdrawn_at) for the audit trail.
    """

    answer = models.ForeignKey(
        Answer, verbose_name="ответ", on_delete=models.PROTECT, related_name="publications"
    )
    theme = models.ForeignKey(Theme, verbose_name="тема", on_delete=models.PROTECT)
    public_interest = models.BooleanField("общественно значимый", default=False)
    question = models.TextField("суть вопроса (обезличено)", max_length=2000)
    text = models.TextField("текст ответа (обезличено)", max_length=10000)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="опубликовал",
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField("опубликовано", default=clock.now)
    withdrawn_at = models.DateTimeField("снято с публикации", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="снял с публикации",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "опубликованный ответ"
        verbose_name_plural = "опубликованные ответы"
        ordering = ["-published_at", "-id"]
        constraints = [
            # Rule 16: nothing is published without the flag.
            models.CheckConstraint(
                condition=Q(public_interest=True), name="published_answer_public_interest"
            ),
            models.UniqueConstraint(
                fields=["answer"],
                condition=Q(withdrawn_at__isnull=True),
                name="published_answer_once",
            ),
        ]
        indexes = [
            models.Index(
                fields=["-published_at", "-id"],
                name="published_answer_live_idx",
                condition=Q(withdrawn_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"Опубликованный ответ #{self.pk}"
