"""Hotline lines (SPEC §16): number, purpose and the weekly schedule shown on /contacts/."""

from __future__ import annotations

from django.db import models


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
