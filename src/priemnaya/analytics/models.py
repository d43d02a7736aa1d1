"""Pre-aggregated statistics of appeals, kept from the journal (see docs/analytics.md).

Cohort semantics: every measure counts the appeals *registered* on a day (the Moscow local date),
in their current state. An appeal's contribution is kept in ``AppealFact``; when the appeal
changes, the consumer subtracts the old contribution from the rollups and adds the new one, so
the rollups always equal a direct count over the appeals table.
"""

from __future__ import annotations

from django.db import models

#: The integer measures of every rollup row (other code sums them by name).
MEASURES: tuple[str, ...] = (
    "appeals",
    "first_responses",
    "first_response_seconds",
    "answered",
    "answered_on_time",
    "answer_seconds",
    "closed",
    "closed_within_24h",
    "repeats",
    "ratings",
    "rating_sum",
    "overdue",
    "overdue_open",
    "outcome_resolved",
    "outcome_rejected",
    "outcome_clarify",
    "outcome_no_answer",
    "outcome_forwarded",
)


class Span(models.TextChoices):
    DAY = "d", "день"
    MONTH = "m", "месяц"
    YEAR = "y", "год"


class Measures(models.Model):
    appeals = models.IntegerField(default=0)
    first_responses = models.IntegerField(default=0)
    first_response_seconds = models.BigIntegerField(default=0)
    answered = models.IntegerField(default=0)
    answered_on_time = models.IntegerField(default=0)
    answer_seconds = models.BigIntegerField(default=0)
    closed = models.IntegerField(default=0)
    closed_within_24h = models.IntegerField(default=0)
    repeats = models.IntegerField(default=0)
    ratings = models.IntegerField(default=0)
    rating_sum = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)
    overdue_open = models.IntegerField(default=0)
    outcome_resolved = models.IntegerField(default=0)
    outcome_rejected = models.IntegerField(default=0)
    outcome_clarify = models.IntegerField(default=0)
    outcome_no_answer = models.IntegerField(default=0)
    outcome_forwarded = models.IntegerField(default=0)

    class Meta:
        abstract = True


class AppealFact(Measures):
    """One registered appeal's current contribution to the rollups (its dimensions and measures)."""

    # No foreign key: statistics outlive any later change of the appeals table's rows.
    appeal_id = models.BigIntegerField(primary_key=True)
    day = models.DateField()
    month = models.DateField()
    year = models.DateField()
    kind_id = models.IntegerField()
    theme_id = models.IntegerField()
    department_id = models.IntegerField()
    channel = models.CharField(max_length=16)
    region = models.CharField(max_length=8)
    status = models.CharField(max_length=16)
    # Log-spaced duration buckets (see analytics/facts.py), NULL when there is no duration yet.
    first_response_bucket = models.SmallIntegerField(null=True)
    answer_bucket = models.SmallIntegerField(null=True)
    # The subject's stems, space-separated (the search analyser), for «typical difficulties».
    stems = models.TextField(blank=True)

    class Meta:
        verbose_name = "вклад обращения в статистику"
        verbose_name_plural = "вклады обращений в статистику"

    def __str__(self) -> str:
        return f"факт обращения {self.appeal_id}"


class DailyRollup(Measures):
    """Measures of the appeals registered on ``day`` with these dimensions (the full grain)."""

    day = models.DateField()
    kind_id = models.IntegerField()
    theme_id = models.IntegerField()
    department_id = models.IntegerField()
    channel = models.CharField(max_length=16)
    region = models.CharField(max_length=8)
    status = models.CharField(max_length=16)

    class Meta:
        verbose_name = "суточная сводка"
        verbose_name_plural = "суточные сводки"
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "day",
                    "kind_id",
                    "theme_id",
                    "department_id",
                    "channel",
                    "region",
                    "status",
                ],
                name="analytics_daily_grain",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.status}: {self.appeals}"


class PeriodRollup(Measures):
    """The same measures for a whole month or year, without the region (fewer, narrower rows).

    Long ranges read these instead of hundreds of days; a filter or grouping by region reads the
    daily rows.
    """

    span = models.CharField(max_length=1, choices=Span.choices)
    start = models.DateField()
    kind_id = models.IntegerField()
    theme_id = models.IntegerField()
    department_id = models.IntegerField()
    channel = models.CharField(max_length=16)
    status = models.CharField(max_length=16)

    class Meta:
        verbose_name = "сводка за период"
        verbose_name_plural = "сводки за период"
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "span",
                    "start",
                    "kind_id",
                    "theme_id",
                    "department_id",
                    "channel",
                    "status",
                ],
                name="analytics_period_grain",
            )
        ]

    def __str__(self) -> str:
        return f"{self.span}{self.start} {self.status}: {self.appeals}"


class RegionRollup(Measures):
    """The measures of a whole month by theme and region only (no kind, department, channel or
    status): what a region grouping without those filters reads — the public open-data summary —
    instead of every day of the range (a hundred times fewer rows at a million appeals)."""

    month = models.DateField()
    theme_id = models.IntegerField()
    region = models.CharField(max_length=8)

    class Meta:
        verbose_name = "месячная сводка по региону"
        verbose_name_plural = "месячные сводки по регионам"
        constraints = [
            models.UniqueConstraint(
                fields=["month", "theme_id", "region"], name="analytics_region_grain"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.region}: {self.appeals}"


class DurationBucket(models.Model):
    """How many appeals took a duration within a bucket: the distribution behind the medians."""

    span = models.CharField(max_length=1, choices=Span.choices)
    start = models.DateField()
    kind_id = models.IntegerField()
    department_id = models.IntegerField()
    channel = models.CharField(max_length=16)
    # "first_response" or "answer" (log-spaced buckets), or "rating" (bucket = the rating 1–5).
    measure = models.CharField(max_length=16)
    bucket = models.SmallIntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = "распределение длительностей"
        verbose_name_plural = "распределения длительностей"
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "span",
                    "start",
                    "kind_id",
                    "department_id",
                    "channel",
                    "measure",
                    "bucket",
                ],
                name="analytics_bucket_grain",
            )
        ]

    def __str__(self) -> str:
        return f"{self.span}{self.start} {self.measure}[{self.bucket}]: {self.count}"


class DepartmentBucket(models.Model):
    """The same distributions by department only: what a dashboard without kind or channel
    filters reads (twenty times fewer rows than ``DurationBucket`` over a long range)."""

    span = models.CharField(max_length=1, choices=Span.choices)
    start = models.DateField()
    department_id = models.IntegerField()
    measure = models.CharField(max_length=16)
    bucket = models.SmallIntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = "распределение по ведомству"
        verbose_name_plural = "распределения по ведомствам"
        constraints = [
            models.UniqueConstraint(
                fields=["span", "start", "department_id", "measure", "bucket"],
                name="analytics_department_bucket_grain",
            )
        ]

    def __str__(self) -> str:
        return f"{self.span}{self.start} {self.department_id} {self.measure}[{self.bucket}]"


class StemCount(models.Model):
    """How many subjects of the period contained a stem (typical difficulties)."""

    span = models.CharField(max_length=1, choices=Span.choices)
    start = models.DateField()
    kind_id = models.IntegerField()
    department_id = models.IntegerField()
    channel = models.CharField(max_length=16)
    stem = models.CharField(max_length=64)
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = "частота основы слова"
        verbose_name_plural = "частоты основ слов"
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "span",
                    "start",
                    "kind_id",
                    "department_id",
                    "channel",
                    "stem",
                ],
                name="analytics_stem_grain",
            )
        ]

    def __str__(self) -> str:
        return f"{self.span}{self.start} {self.stem}: {self.count}"
