from __future__ import annotations

from django.conf import settings
from django.db import models


class Department(models.Model):
    """A body or a unit of one; the parent receives escalations."""

    code = models.SlugField("код", max_length=64, unique=True)
    name = models.CharField("название", max_length=300)
    parent = models.ForeignKey(
        "self",
        verbose_name="вышестоящее подразделение",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_quality_control = models.BooleanField("контроль качества", default=False)
    is_active = models.BooleanField("действует", default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="departments",
        verbose_name="сотрудники",
        blank=True,
    )

    class Meta:
        verbose_name = "ведомство / отдел"
        verbose_name_plural = "ведомства и отделы"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A member of staff works appeals of a department; the head reviews its answers."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    department = models.ForeignKey(Department, on_delete=models.CASCADE)
    is_head = models.BooleanField("руководитель", default=False)

    class Meta:
        verbose_name = "сотрудник отдела"
        verbose_name_plural = "сотрудники отделов"
        constraints = [
            models.UniqueConstraint(fields=["user", "department"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.department}"


class Regime(models.TextChoices):
    FZ59 = "fz59", "Обращение по 59-ФЗ"
    MESSAGE = "message", "Сообщение"


class DayUnit(models.TextChoices):
    CALENDAR = "calendar", "календарные дни"
    WORKING = "working", "рабочие дни"


class Kind(models.Model):
    """A kind of appeal (вид обращения) with its regime and default resolution term."""

    code = models.SlugField("код", max_length=32, unique=True)
    name = models.CharField("название", max_length=200)
    description = models.TextField("пояснение", blank=True)
    regime = models.CharField("режим", max_length=16, choices=Regime.choices)
    resolution_days = models.PositiveSmallIntegerField("срок рассмотрения, дней")
    resolution_unit = models.CharField(
        "единица срока", max_length=16, choices=DayUnit.choices, default=DayUnit.WORKING
    )
    first_response_hours = models.PositiveSmallIntegerField(
        "первая реакция, часов", null=True, blank=True
    )
    max_extension_days = models.PositiveSmallIntegerField("наибольшее продление, дней", default=30)
    sort_order = models.PositiveSmallIntegerField("порядок", default=0)
    is_active = models.BooleanField("доступен", default=True)

    class Meta:
        verbose_name = "вид обращения"
        verbose_name_plural = "виды обращений"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    """A node of the theme tree: where appeals on it go and what text pre-fills the form."""

    code = models.SlugField("код", max_length=64, unique=True)
    name = models.CharField("название", max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name="раздел",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    default_department = models.ForeignKey(
        Department, verbose_name="ведомство по умолчанию", on_delete=models.PROTECT
    )
    template_text = models.TextField("шаблон текста", blank=True)
    hint = models.CharField("подсказка", max_length=300, blank=True)
    # Optional appeal fields this theme makes required, e.g. ["service_code"].
    required_fields = models.JSONField("обязательные поля", default=list, blank=True)
    sort_order = models.PositiveSmallIntegerField("порядок", default=0)
    is_active = models.BooleanField("доступна", default=True)

    class Meta:
        verbose_name = "тема"
        verbose_name_plural = "каталог тем"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return f"{self.parent.name} → {self.name}" if self.parent_id and self.parent else self.name
