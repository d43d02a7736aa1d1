from __future__ import annotations

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from priemnaya.core.deadlines import LastDay, Unit


class Calendar(models.Model):
    """A production calendar: the federal one, or a region's that adds its own days to it."""

    code = models.SlugField("код", max_length=32, unique=True)
    name = models.CharField("название", max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name="основан на",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="Региональный календарь берёт дни основного и добавляет свои.",
    )

    class Meta:
        verbose_name = "производственный календарь"
        verbose_name_plural = "производственные календари"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CalendarYear(models.Model):
    """A year the calendar has data for: without it every deadline in that year is an error."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField("год")
    source = models.CharField("источник", max_length=200, blank=True)
    loaded_at = models.DateTimeField("загружен", null=True, blank=True)

    class Meta:
        verbose_name = "год календаря"
        verbose_name_plural = "годы календаря"
        ordering = ["calendar", "year"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "year"], name="calendar_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.calendar.code}: {self.year}"


class CalendarDay(models.Model):
    """A day that differs from a plain Monday–Friday week: a holiday, a transferred day off, a
    working Saturday or a shortened pre-holiday day."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="days")
    date = models.DateField("дата")
    working = models.BooleanField("рабочий день")
    hours = models.PositiveSmallIntegerField("рабочих часов", default=0)
    note = models.CharField("примечание", max_length=200, blank=True)

    class Meta:
        verbose_name = "день календаря"
        verbose_name_plural = "дни календаря"
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="calendar_day_unique"),
            models.CheckConstraint(
                condition=Q(working=False, hours=0) | Q(working=True, hours__gte=1, hours__lte=24),
                name="calendar_day_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}: {'рабочий' if self.working else 'выходной'}"


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
    # First-line operators route what no rule could (the «Нераспределённые» queue).
    is_first_line = models.BooleanField("первая линия", default=False)
    region = models.CharField("регион (код)", max_length=8, blank=True)
    timezone = models.CharField(
        "часовой пояс", max_length=64, default="Europe/Moscow", help_text="Например, Asia/Omsk."
    )
    opens_at = models.TimeField("начало рабочего дня", default=time(9, 0))
    closes_at = models.TimeField("конец рабочего дня", default=time(18, 0))
    calendar = models.ForeignKey(
        Calendar,
        verbose_name="производственный календарь",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="Пусто — федеральный.",
    )
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


class TermUnit(models.TextChoices):
    CALENDAR_DAYS = Unit.CALENDAR_DAYS.value, "календарных дней"
    WORKING_DAYS = Unit.WORKING_DAYS.value, "рабочих дней"
    WORKING_HOURS = Unit.WORKING_HOURS.value, "рабочих часов"
    WORKING_MINUTES = Unit.WORKING_MINUTES.value, "рабочих минут"


class LastDayRule(models.TextChoices):
    PRECEDING = LastDay.PRECEDING.value, "на предшествующий рабочий день"
    NEXT = LastDay.NEXT.value, "на следующий рабочий день (ст. 193 ГК РФ)"


class Approver(models.TextChoices):
    HEAD = "head", "руководитель отдела или уполномоченный (супервизор)"
    STAFF = "staff", "любой сотрудник отдела"


class BreachAction(models.TextChoices):
    NOTIFY = "notify", "уведомить сотрудников"
    ESCALATE = "escalate", "уведомить и эскалировать"


class Kind(models.Model):
    """A kind of appeal (вид обращения) and its regime; its terms come from a Policy."""

    code = models.SlugField("код", max_length=32, unique=True)
    name = models.CharField("название", max_length=200)
    description = models.TextField("пояснение", blank=True)
    regime = models.CharField("режим", max_length=16, choices=Regime.choices)
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
    # None: no department is obvious — appeals wait for a first-line operator to route them.
    default_department = models.ForeignKey(
        Department,
        verbose_name="ведомство по умолчанию",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
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


# No term of SPEC §5 goes beyond 90 days, extensions included («complex cases»).
LONGEST_TERM_DAYS = 90


class Policy(models.Model):
    """A deadline policy (SPEC §5): the regime, the targets and what happens around them."""

    code = models.SlugField("код", max_length=32, unique=True)
    name = models.CharField("название", max_length=200)
    regime = models.CharField("режим", max_length=16, choices=Regime.choices)
    first_response_value = models.PositiveSmallIntegerField("первая реакция", null=True, blank=True)
    first_response_unit = models.CharField(
        "единица первой реакции",
        max_length=16,
        choices=TermUnit.choices,
        default=TermUnit.WORKING_HOURS,
    )
    resolution_value = models.PositiveSmallIntegerField("срок ответа")
    resolution_unit = models.CharField(
        "единица срока ответа", max_length=16, choices=TermUnit.choices
    )
    last_day = models.CharField(
        "последний день нерабочий — перенос",
        max_length=16,
        choices=LastDayRule.choices,
        default=LastDayRule.PRECEDING,
    )
    pause_on_needs_info = models.BooleanField("срок стоит на уточнении", default=True)
    # SPEC §12: the department head reviews an answer before it is issued.
    answer_review = models.BooleanField("ответ проверяет руководитель", default=False)
    max_extensions = models.PositiveSmallIntegerField("продлений не больше", default=1)
    max_extension_value = models.PositiveSmallIntegerField(
        "продление не больше (в единицах срока)", default=30
    )
    extension_approver = models.CharField(
        "продлевает", max_length=16, choices=Approver.choices, default=Approver.HEAD
    )
    breach_action = models.CharField(
        "при нарушении срока",
        max_length=16,
        choices=BreachAction.choices,
        default=BreachAction.ESCALATE,
    )
    warn_before_hours = models.PositiveSmallIntegerField(
        "предупредить исполнителя за, часов", default=24
    )
    registration_days = models.PositiveSmallIntegerField(
        "регистрация после поступления, дней", null=True, blank=True
    )
    redirect_days = models.PositiveSmallIntegerField(
        "переадресация после регистрации, дней", null=True, blank=True
    )
    autoclose_days = models.PositiveSmallIntegerField("автозакрытие после ответа, дней", default=10)
    is_default = models.BooleanField("по умолчанию", default=False)

    class Meta:
        verbose_name = "политика сроков"
        verbose_name_plural = "политики сроков"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="policy_one_default"
            ),
            models.CheckConstraint(
                condition=Q(resolution_value__gte=1), name="policy_resolution_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        unit = Unit(self.resolution_unit) if self.resolution_unit else None
        if unit is not None and not unit.is_days:
            raise ValidationError({"resolution_unit": "Срок ответа задаётся в днях."})
        if self.resolution_value and self.resolution_value > LONGEST_TERM_DAYS:
            raise ValidationError(
                {"resolution_value": f"Срок ответа не может превышать {LONGEST_TERM_DAYS} дней."}
            )
        total = (self.resolution_value or 0) + self.max_extensions * self.max_extension_value
        if total > LONGEST_TERM_DAYS:
            raise ValidationError(
                {
                    "max_extension_value": "Срок с продлениями не может превышать "
                    f"{LONGEST_TERM_DAYS} дней."
                }
            )

    @property
    def unit(self) -> Unit:
        return Unit(self.resolution_unit)


class PolicyAssignment(models.Model):
    """Which policy a kind, a theme or their pair gets; the most specific one wins."""

    kind = models.ForeignKey(
        Kind, verbose_name="вид", null=True, blank=True, on_delete=models.CASCADE
    )
    theme = models.ForeignKey(
        Theme, verbose_name="тема", null=True, blank=True, on_delete=models.CASCADE
    )
    policy = models.ForeignKey(Policy, verbose_name="политика", on_delete=models.PROTECT)

    class Meta:
        verbose_name = "назначение политики"
        verbose_name_plural = "назначения политик"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "theme"],
                condition=Q(kind__isnull=False, theme__isnull=False),
                name="policy_assignment_pair_unique",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(theme__isnull=True),
                name="policy_assignment_kind_unique",
            ),
            models.UniqueConstraint(
                fields=["theme"],
                condition=Q(kind__isnull=True),
                name="policy_assignment_theme_unique",
            ),
            models.CheckConstraint(
                condition=Q(kind__isnull=False) | Q(theme__isnull=False),
                name="policy_assignment_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind or 'любой вид'} / {self.theme or 'любая тема'} → {self.policy}"


class RoutingRule(models.Model):
    """One ordered routing rule: the first active rule that matches sends the appeal."""

    order = models.PositiveIntegerField("порядок", default=100)
    name = models.CharField("название", max_length=200)
    is_active = models.BooleanField("действует", default=True)
    kind = models.ForeignKey(
        Kind, verbose_name="вид", null=True, blank=True, on_delete=models.CASCADE
    )
    theme = models.ForeignKey(
        Theme, verbose_name="тема", null=True, blank=True, on_delete=models.CASCADE
    )
    service_code = models.CharField("код госуслуги", max_length=64, blank=True)
    keywords = models.TextField(
        "ключевые слова",
        blank=True,
        help_text="Через запятую; сравниваются по основам слов (любая форма подходит).",
    )
    region = models.CharField("регион (код)", max_length=8, blank=True)
    department = models.ForeignKey(
        Department, verbose_name="направить в", on_delete=models.PROTECT, related_name="+"
    )
    priority = models.PositiveSmallIntegerField("приоритет", null=True, blank=True)

    class Meta:
        verbose_name = "правило маршрутизации"
        verbose_name_plural = "правила маршрутизации"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name
