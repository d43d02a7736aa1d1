"""Personal data (152-FZ): subjects' requests, the breach register and its alerts."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

from priemnaya.core import clock

# RKN notices after a breach is detected (152-FZ art. 21 p.3.1; LEGAL.md §6 rule 25).
FIRST_NOTICE = timedelta(hours=24)
SECOND_NOTICE = timedelta(hours=72)


class RequestKind(models.TextChoices):
    ACCESS = "access", "Доступ к персональным данным"
    RECTIFY = "rectify", "Уточнение персональных данных"
    ERASE = "erase", "Удаление (уничтожение) персональных данных"
    WITHDRAW = "withdraw", "Отзыв согласия на обработку"


class RequestState(models.TextChoices):
    OPEN = "open", "На рассмотрении"
    ANSWERED = "answered", "Дан ответ"


class SubjectRequest(models.Model):
    """A data subject's request (152-FZ arts. 14, 20): due in 10 working days, once +5."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="subject_requests"
    )
    kind = models.CharField("вид запроса", max_length=16, choices=RequestKind.choices)
    text = models.TextField("что просит заявитель", max_length=2000, blank=True)
    state = models.CharField(
        "состояние", max_length=16, choices=RequestState.choices, default=RequestState.OPEN
    )
    created_at = models.DateTimeField("подан", default=clock.now)
    # Local dates (the service's zone): the answer is due by the end of this day.
    original_due_on = models.DateField("первоначальный срок")
    due_on = models.DateField("срок ответа")
    extended_at = models.DateTimeField("срок продлён", null=True, blank=True)
    extension_reason = models.TextField("причина продления", blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # How the citizen was told of the extension: "email", "sms" or "" (no confirmed contact).
    extension_notice = models.CharField("уведомление о продлении", max_length=8, blank=True)
    answer = models.TextField("ответ", blank=True)
    answered_at = models.DateTimeField("ответ дан", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "запрос субъекта ПДн"
        verbose_name_plural = "запросы субъектов ПДн"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["due_on", "id"], name="subject_request_open_idx", condition=Q(state="open")
            )
        ]

    def __str__(self) -> str:
        return f"Запрос №{self.pk} ({self.get_kind_display()})"

    @property
    def is_overdue(self) -> bool:
        return self.state == RequestState.OPEN and self.due_on < clock.today()


class BreachCategory(models.TextChoices):
    IDENTITY = "identity", "ФИО и реквизиты личности"
    CONTACTS = "contacts", "Контакты (e-mail, телефон, адрес)"
    APPEALS = "appeals", "Тексты обращений и ответов"
    CREDENTIALS = "credentials", "Учётные данные (пароли, токены)"
    TECHNICAL = "technical", "Технические данные (IP-адреса, сеансы)"
    OTHER = "other", "Другое"


class Breach(models.Model):
    """An incident with personal data: RKN notices due 24 h and 72 h after detection."""

    detected_at = models.DateTimeField("обнаружен")
    description = models.TextField("что произошло", max_length=5000)
    categories = models.JSONField("категории данных", default=list, blank=True)
    subjects_estimate = models.PositiveIntegerField("примерно субъектов", default=0)
    notice_24h_due = models.DateTimeField("срок уведомления за 24 часа")
    notice_24h_sent_at = models.DateTimeField("уведомление направлено", null=True, blank=True)
    notice_72h_due = models.DateTimeField("срок сообщения о расследовании")
    notice_72h_sent_at = models.DateTimeField("результаты направлены", null=True, blank=True)
    closed_at = models.DateTimeField("закрыт", null=True, blank=True)
    created_at = models.DateTimeField("внесён", default=clock.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "инцидент с ПДн"
        verbose_name_plural = "реестр инцидентов с ПДн"
        ordering = ["-detected_at", "-id"]

    def __str__(self) -> str:
        return f"Инцидент с ПДн №{self.pk}"


class Deadline(models.TextChoices):
    FIRST = "24h", "уведомление РКН (24 часа)"
    SECOND = "72h", "результаты расследования (72 часа)"


class AlertKind(models.TextChoices):
    SOON = "soon", "скоро срок"
    OVERDUE = "overdue", "срок прошёл"


class BreachAlert(models.Model):
    """One alert sent about one deadline of one breach: never sent twice."""

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="alerts")
    deadline = models.CharField(max_length=8, choices=Deadline.choices)
    kind = models.CharField(max_length=8, choices=AlertKind.choices)
    sent_at = models.DateTimeField(default=clock.now)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "оповещение об инциденте"
        verbose_name_plural = "оповещения об инцидентах"
        constraints = [
            models.UniqueConstraint(fields=["breach", "deadline", "kind"], name="breach_alert_once")
        ]

    def __str__(self) -> str:
        return f"{self.breach_id} {self.deadline} {self.kind}"
