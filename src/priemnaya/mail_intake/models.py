"""Inbound e-mail: every accepted message is stored raw before anything else is done with it."""

from __future__ import annotations

from django.db import models

from priemnaya.appeals.presenters import format_date
from priemnaya.core import clock


class State(models.TextChoices):
    NEW = "new", "Ожидает обработки"
    PROCESSED = "processed", "Обработано"
    PARKED = "parked", "Отложено"
    IGNORED = "ignored", "Пропущено"


class Outcome(models.TextChoices):
    CREATED = "created", "Создано обращение"
    JOINED = "joined", "Добавлено к обращению"
    NONE = "", "—"


class InboundMessage(models.Model):
    """One message our SMTP endpoint said 250 to: the raw bytes and what became of them."""

    # The Message-ID header as sent (empty without one): a repeat with the same id is ignored.
    message_id = models.CharField("Message-ID", max_length=998, blank=True)
    mail_from = models.CharField("отправитель (конверт)", max_length=320, blank=True)
    rcpt_to = models.CharField("получатель (конверт)", max_length=1000, blank=True)
    sender = models.CharField("отправитель (From)", max_length=320, blank=True)
    subject = models.CharField("тема", max_length=500, blank=True)
    size = models.PositiveIntegerField("размер, байт", default=0)
    raw = models.BinaryField("письмо целиком")
    received_at = models.DateTimeField("получено", default=clock.now)
    state = models.CharField("состояние", max_length=16, choices=State.choices, default=State.NEW)
    reason = models.TextField("причина", blank=True)
    # Refused attachments and other remarks that did not stop the message from being used.
    remarks = models.TextField("замечания", blank=True)
    outcome = models.CharField(
        "результат", max_length=16, choices=Outcome.choices, blank=True, default=""
    )
    appeal = models.ForeignKey(
        "appeals.Appeal",
        verbose_name="обращение",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    auto_answered = models.BooleanField("отправлен автоответ", default=False)
    processed_at = models.DateTimeField("обработано", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("попыток обработки", default=0)

    class Meta:
        verbose_name = "входящее письмо"
        verbose_name_plural = "входящие письма"
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["message_id"], name="inbound_message_id_idx"),
            models.Index(fields=["state", "received_at"], name="inbound_state_idx"),
            models.Index(fields=["sender", "received_at"], name="inbound_sender_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.sender or self.mail_from}: {self.subject}"


class IdentityMethod(models.TextChoices):
    """How an operator established who wrote, before registering a 59-FZ appeal (SPEC §6)."""

    IN_PERSON = "in_person", "Личный приём: документ, удостоверяющий личность"
    CONFIRMED_ACCOUNT = "account", "Подтверждённая учётная запись на портале (вход по паролю)"
    CALL_BACK = "call_back", "Звонок на телефон, подтверждённый в учётной записи"
    SIGNED = "signed", "Письмо подписано электронной подписью заявителя"


class IdentityCheck(models.Model):
    """The record of how the sender of an e-mailed request was identified (SPEC §6)."""

    appeal = models.OneToOneField(
        "appeals.Appeal",
        verbose_name="обращение по 59-ФЗ",
        on_delete=models.PROTECT,
        related_name="+",
    )
    request = models.ForeignKey(
        "appeals.Appeal",
        verbose_name="запрос по e-mail",
        on_delete=models.PROTECT,
        related_name="+",
    )
    method = models.CharField(
        "как установлена личность", max_length=16, choices=IdentityMethod.choices
    )
    details = models.TextField("подробности проверки")
    checked_by = models.ForeignKey(
        "accounts.User", verbose_name="проверил", on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField("когда", default=clock.now)

    class Meta:
        verbose_name = "проверка личности"
        verbose_name_plural = "проверки личности"

    def __str__(self) -> str:
        return f"{self.get_method_display()} ({format_date(self.checked_at)})"
