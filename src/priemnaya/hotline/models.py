"""Hotline lines (SPEC §16): number, purpose and the weekly schedule shown on /contacts/."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Weekday(models.IntegerChoices):
    """ISO weekdays, as ``date.isoweekday()`` counts them."""

    MONDAY = 1, "понедельник"
    TUESDAY = 2, "вторник"
    WEDNESDAY = 3, "среда"
    THURSDAY = 4, "четверг"
    FRIDAY = 5, "пятница"
    SATURDAY = 6, "суббота"
    SUNDAY = 7, "воскресенье"


class Line(models.Model):
    """A telephone line of the contact centre: what it is for, how to dial it, when it answers."""

    name = models.CharField("название", max_length=200)
    purpose = models.CharField(
        "назначение", max_length=500, help_text="С какими вопросами звонить на эту линию."
    )
    phone = models.CharField(
        "номер для набора",
        max_length=16,
        unique=True,
        help_text="Как его набирает телефон: +7XXXXXXXXXX (ссылка tel:).",
    )
    phone_display = models.CharField(
        "номер, как он показан",
        max_length=32,
        blank=True,
        help_text="Например, «8 800 555-35-35»; пусто — составить из номера для набора.",
    )
    order = models.PositiveSmallIntegerField("порядок", default=0)
    is_active = models.BooleanField("показывать", default=True)
    works_on_holidays = models.BooleanField(
        "в праздники — по обычному графику",
        default=False,
        help_text="Без отметки в нерабочий праздничный день линия работает по графику "
        "воскресенья (а если в воскресенье она закрыта — не работает).",
    )
    calendar = models.ForeignKey(
        "catalog.Calendar",
        verbose_name="производственный календарь",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Откуда брать праздники; пусто — федеральный календарь.",
    )
    notes = models.TextField(
        "примечание для посетителей",
        blank=True,
        help_text="Показывается на странице контактов под графиком («звонок бесплатный»).",
    )

    class Meta:
        verbose_name = "линия"
        verbose_name_plural = "линии горячей линии"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.phone_display or self.phone})"


class LineHours(models.Model):
    """A line's hours on one weekday; a weekday without a row is a day off for the line.

    ``closes`` at or before ``opens`` ends on the next day: 08:00–00:00 works until midnight,
    20:00–02:00 through the night, 00:00–00:00 around the clock.
    """

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField("день недели", choices=Weekday.choices)
    opens = models.TimeField("с")
    closes = models.TimeField(
        "до", help_text="00:00 — до полуночи; раньше начала — до этого часа следующего дня."
    )

    class Meta:
        verbose_name = "часы работы"
        verbose_name_plural = "график по дням недели"
        ordering = ["weekday"]
        constraints = [
            models.UniqueConstraint(fields=["line", "weekday"], name="hotline_hours_one_per_day"),
            models.CheckConstraint(
                condition=models.Q(weekday__gte=1, weekday__lte=7), name="hotline_hours_weekday"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()}: {self.opens:%H:%M}–{self.closes:%H:%M}"


# ---- the call log, deferred requests and call-backs (issue 13, hotline, second half) ----------


class CallOutcome(models.TextChoices):
    """How a call ended for the caller (SPEC §16); empty while the call goes on or waits."""

    RESOLVED = "resolved", "решено на линии"
    APPEAL = "appeal", "зарегистрировано обращение"
    DEFERRED = "deferred", "отложенное обращение"
    MISSED = "missed", "пропущен"
    DROPPED = "dropped", "сорвался"


class Call(models.Model):
    """A row of the call log: one call as the CTI reported it and as the operator closed it.

    A call the CTI reported for a line we do not know is *parked*: kept with ``parked_reason``
    and shown to supervisors, never dropped.
    """

    cti_id = models.CharField("идентификатор звонка в CTI", max_length=100, unique=True)
    started_at = models.DateTimeField("начало", db_index=True)
    line = models.ForeignKey(
        Line, verbose_name="линия", null=True, blank=True, on_delete=models.PROTECT
    )
    dialled = models.CharField("набранный номер (как прислала CTI)", max_length=64, blank=True)
    caller = models.CharField("номер звонящего (E.164)", max_length=16, blank=True, db_index=True)
    caller_raw = models.CharField("номер звонящего, как прислала CTI", max_length=64, blank=True)
    agent = models.CharField("оператор, как прислала CTI", max_length=200, blank=True)
    operator = models.ForeignKey(
        "accounts.User",
        verbose_name="оператор",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField("ответ", null=True, blank=True)
    ended_at = models.DateTimeField("конец", null=True, blank=True)
    duration = models.PositiveIntegerField("длительность, с", null=True, blank=True)
    topic = models.ForeignKey(
        "catalog.Theme",
        verbose_name="тема",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField("итог", max_length=16, choices=CallOutcome.choices, blank=True)
    appeal = models.ForeignKey(
        "appeals.Appeal",
        verbose_name="обращение",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField("заметка", blank=True)
    parked_reason = models.CharField("отложен CTI: причина", max_length=200, blank=True)
    closed_at = models.DateTimeField("итог записан", null=True, blank=True)

    class Meta:
        verbose_name = "звонок"
        verbose_name_plural = "журнал звонков"
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["operator", "-started_at"], name="hotline_call_operator")]

    def __str__(self) -> str:
        return f"Звонок {self.cti_id}"

    @property
    def is_parked(self) -> bool:
        return bool(self.parked_reason)

    @property
    def state(self) -> str:
        """«ringing», «talking», «ended» — from the CTI's moments."""
        if self.ended_at:
            return "ended"
        return "talking" if self.answered_at else "ringing"


class CtiEvent(models.Model):
    """Each CTI event taken once: a repeated delivery of call_id + event changes nothing."""

    cti_id = models.CharField(max_length=100)
    event = models.CharField(max_length=32)
    received_at = models.DateTimeField(auto_now_add=True)
    payload = models.JSONField(default=dict)

    class Meta:
        verbose_name = "событие CTI"
        verbose_name_plural = "события CTI"
        constraints = [
            models.UniqueConstraint(fields=["cti_id", "event"], name="hotline_cti_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.cti_id}"


class DeferredStatus(models.TextChoices):
    WAITING = "waiting", "ждёт звонка"
    TAKEN = "taken", "взято вторым уровнем"
    DONE = "done", "закрыто"


class DeferredResult(models.TextChoices):
    RESOLVED = "resolved", "перезвонили — решено"
    APPEAL = "appeal", "зарегистрировано обращение"


class DeferredRequest(models.Model):
    """A question the first line could not answer: the second line calls back within 8 working
    hours (SPEC §16)."""

    call = models.OneToOneField(
        Call, verbose_name="звонок", on_delete=models.PROTECT, related_name="deferred"
    )
    phone = models.CharField("номер для звонка", max_length=16)
    caller_name = models.CharField("как обращаться", max_length=200, blank=True)
    question = models.TextField("вопрос")
    topic = models.ForeignKey(
        "catalog.Theme", verbose_name="тема", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("создано")
    created_by = models.ForeignKey(
        "accounts.User", verbose_name="принял", on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField("срок", db_index=True)
    callback_at = models.DateTimeField("перезвонить")
    status = models.CharField(
        "состояние", max_length=16, choices=DeferredStatus.choices, default=DeferredStatus.WAITING
    )
    taken_by = models.ForeignKey(
        "accounts.User",
        verbose_name="второй уровень",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    taken_at = models.DateTimeField("взято", null=True, blank=True)
    result = models.CharField("итог", max_length=16, choices=DeferredResult.choices, blank=True)
    done_at = models.DateTimeField("закрыто", null=True, blank=True)
    appeal = models.ForeignKey(
        "appeals.Appeal",
        verbose_name="обращение",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "отложенное обращение"
        verbose_name_plural = "отложенные обращения"
        ordering = ["due_at", "id"]

    def __str__(self) -> str:
        return f"Отложенное обращение #{self.pk}"


class CallbackAttempt(models.Model):
    """One call-back of the second line: reached and resolved, or not reached."""

    request = models.ForeignKey(DeferredRequest, on_delete=models.CASCADE, related_name="attempts")
    at = models.DateTimeField("когда")
    by = models.ForeignKey(
        "accounts.User", verbose_name="кто звонил", on_delete=models.PROTECT, related_name="+"
    )
    reached = models.BooleanField("дозвонился")
    note = models.TextField("заметка", blank=True)

    class Meta:
        verbose_name = "обратный звонок"
        verbose_name_plural = "обратные звонки"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        result = "дозвонился" if self.reached else "не дозвонился"
        return f"{result} {timezone.localtime(self.at):%d.%m %H:%M}"
