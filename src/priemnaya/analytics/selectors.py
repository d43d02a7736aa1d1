"""Reading the statistics: sums of the rollups for a period and filters (never the appeals table,
except the small «overdue now» count over open appeals).

A period is read as whole calendar years and months from ``PeriodRollup`` plus the remaining
days from ``DailyRollup``, so a range of three years reads a few dozen rows per cell, not a
thousand days. A grouping or filter by region reads whole months from ``RegionRollup`` (month ×
theme × region) when nothing else but the theme is grouped or filtered — the open-data summary —
and days otherwise (the period rows keep no region).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from priemnaya.analytics.facts import bucket_seconds
from priemnaya.analytics.models import (
    MEASURES,
    DailyRollup,
    DepartmentBucket,
    DurationBucket,
    PeriodRollup,
    RegionRollup,
    StemCount,
)

#: The groupings ``RegionRollup`` can answer (with no kind, department or channel filter).
REGION_GROUPS = frozenset({"month", "theme", "region"})
GROUPS = ("day", "month", "kind", "theme", "department", "channel", "region", "status")
_COLUMN = {
    "kind": "kind_id",
    "theme": "theme_id",
    "department": "department_id",
    "channel": "channel",
    "region": "region",
    "status": "status",
}

__all__ = [
    "GROUPS",
    "MEASURES",
    "Filters",
    "duration_medians",
    "overdue_now",
    "rollup_rows",
    "top_stems",
]


@dataclass(frozen=True)
class Filters:
    """What to count: registration dates (inclusive, Moscow local) and dimension filters."""

    date_from: date
    date_to: date  # inclusive, Moscow local dates
    department_ids: frozenset[int] | None = None  # None = all
    kind_ids: frozenset[int] | None = None
    channels: frozenset[str] | None = None
    theme_ids: frozenset[int] | None = None
    regions: frozenset[str] | None = None


@dataclass(frozen=True)
class Segments:
    """A period cut into whole years, whole months and the days left over."""

    years: tuple[date, ...]
    months: tuple[date, ...]
    days: tuple[tuple[date, date], ...]  # inclusive ranges


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def segments(
    date_from: date, date_to: date, *, years: bool = True, months: bool = True
) -> Segments:
    """Cut [date_from, date_to] into the fewest rollup periods (years, months, days)."""
    found_years: list[date] = []
    found_months: list[date] = []
    days: list[tuple[date, date]] = []
    cursor = date_from
    while cursor <= date_to:
        if years and cursor.month == 1 and cursor.day == 1 and date(cursor.year, 12, 31) <= date_to:
            found_years.append(cursor)
            cursor = date(cursor.year + 1, 1, 1)
        elif months and cursor.day == 1 and _month_end(cursor) <= date_to:
            found_months.append(cursor)
            cursor = _month_end(cursor) + timedelta(days=1)
        else:
            end = min(_month_end(cursor), date_to)
            if days and days[-1][1] + timedelta(days=1) == cursor:
                days[-1] = (days[-1][0], end)
            else:
                days.append((cursor, end))
            cursor = end + timedelta(days=1)
    return Segments(tuple(found_years), tuple(found_months), tuple(days))


def _dimension_q(filters: Filters, *, region: bool = True) -> Q:
    q = Q()
    if filters.department_ids is not None:
        q &= Q(department_id__in=filters.department_ids)
    if filters.kind_ids is not None:
        q &= Q(kind_id__in=filters.kind_ids)
    if filters.channels is not None:
        q &= Q(channel__in=filters.channels)
    if region and filters.theme_ids is not None:
        q &= Q(theme_id__in=filters.theme_ids)
    if region and filters.regions is not None:
        q &= Q(region__in=filters.regions)
    return q


def _period_q(parts: Segments) -> Q:
    """Rows of a table with (span, start) for the segments' years, months and days."""
    q = Q(pk__in=[])
    if parts.years:
        q |= Q(span="y", start__in=parts.years)
    if parts.months:
        q |= Q(span="m", start__in=parts.months)
    for first, last in parts.days:
        q |= Q(span="d", start__range=(first, last))
    return q


def _validate(filters: Filters, group_by: tuple[str, ...]) -> None:
    unknown = set(group_by) - set(GROUPS)
    if unknown:
        raise ValueError(f"unknown grouping: {sorted(unknown)}")
    if filters.date_from > filters.date_to:
        raise ValueError("date_from is after date_to")


def _grouped(
    qs: QuerySet,
    names: tuple[str, ...],
    columns: dict[str, Any],
    measures: tuple[str, ...] = MEASURES,
) -> list[dict]:
    if not names:
        # One row of sums (values() with no fields would group by every column).
        found = qs.aggregate(**{m: Sum(m) for m in measures})
        return [{m: found[m] or 0 for m in measures}] if found[measures[0]] is not None else []
    annotations = {f"_g_{n}": columns[n] for n in names if not isinstance(columns[n], str)}
    if annotations:
        qs = qs.annotate(**annotations)
    fields = [columns[n] if isinstance(columns[n], str) else f"_g_{n}" for n in names]
    rows = qs.values(*fields).annotate(**{f"_s_{m}": Sum(m) for m in measures}).order_by()
    result = []
    for row in rows:
        item = {n: row[f] for n, f in zip(names, fields, strict=True)}
        item.update({m: row[f"_s_{m}"] or 0 for m in measures})
        result.append(item)
    return result


def rollup_rows(
    filters: Filters, group_by: tuple[str, ...], *, measures: tuple[str, ...] = MEASURES
) -> list[dict[str, Any]]:
    """Sum every measure (or only ``measures``) grouped by ``group_by`` ⊆ GROUPS.

    Each dict has the group keys (ids/codes; ``day`` and ``month`` as dates, ``month`` the first
    of the month) plus the measures. Department 0 never occurs (every appeal has one).
    """
    _validate(filters, group_by)
    unknown = set(measures) - set(MEASURES)
    if unknown or not measures:
        raise ValueError(f"unknown measures: {sorted(unknown)}")
    by_region = "region" in group_by or filters.regions is not None
    # Whole months by region, or by month (a month's region rows are fewer than its period rows
    # at any size: at most themes × regions), when no filter needs the other dimensions.
    region_months = (
        (by_region or "month" in group_by)
        and set(group_by) <= REGION_GROUPS
        and filters.department_ids is None
        and filters.kind_ids is None
        and filters.channels is None
    )
    parts = segments(
        filters.date_from,
        filters.date_to,
        years=not by_region and "day" not in group_by and "month" not in group_by,
        months=region_months or (not by_region and "day" not in group_by),
    )
    dims = _dimension_q(filters)
    daily_columns: dict[str, Any] = {"day": "day", "month": TruncMonth("day"), **_COLUMN}
    period_columns: dict[str, Any] = {"month": "start", **_COLUMN}
    results: list[dict[str, Any]] = []
    if parts.days:
        days_q = Q(pk__in=[])
        for first, last in parts.days:
            days_q |= Q(day__range=(first, last))
        days = DailyRollup.objects.filter(days_q & dims)
        results += _grouped(days, group_by, daily_columns, measures)
    if region_months and parts.months:
        region = RegionRollup.objects.filter(month__in=parts.months)
        columns = {"month": "month", **_COLUMN}
        results += _grouped(region.filter(dims), group_by, columns, measures)
    elif parts.years or parts.months:
        period = PeriodRollup.objects.filter(_period_q(Segments(parts.years, parts.months, ())))
        results += _grouped(period.filter(dims), group_by, period_columns, measures)
    merged: dict[tuple, dict[str, Any]] = {}
    for row in results:
        if isinstance(row.get("month"), date) and row["month"].day != 1:
            row["month"] = row["month"].replace(day=1)
        key = tuple(row[n] for n in group_by)
        if key in merged:
            for m in measures:
                merged[key][m] += row[m]
        else:
            merged[key] = row
    return [merged[key] for key in sorted(merged, key=_sort_key)]


def _sort_key(key: tuple) -> tuple:
    return tuple((value is None, str(value)) for value in key)


def totals(filters: Filters) -> dict[str, int]:
    """Every measure summed over the filters."""
    rows = rollup_rows(filters, ())
    return rows[0] if rows else dict.fromkeys(MEASURES, 0)


def _narrow_q(filters: Filters) -> Q:
    """The filters the distributions and stems keep (no theme, no region)."""
    return _dimension_q(filters, region=False)


def duration_medians(filters: Filters) -> dict[str, float | None]:
    """Median seconds to first response and to answer, read from the bucket distributions.

    Within ±9 % (see analytics/facts.py); theme and region filters are not applied (the
    distributions are kept by department, kind and channel).
    """
    _validate(filters, ())
    rows = (
        buckets_for(filters)
        .exclude(measure="rating")
        .values("measure", "bucket")
        .annotate(n=Sum("count"))
        .order_by()
    )
    histograms: dict[str, dict[int, int]] = defaultdict(dict)
    for row in rows:
        if row["n"]:
            histograms[row["measure"]][row["bucket"]] = row["n"]
    return {
        measure: _median(histograms.get(measure, {})) for measure in ("first_response", "answer")
    }


def buckets_for(filters: Filters) -> QuerySet:
    """The distribution rows for the period: by department alone unless kind or channel filter."""
    parts = segments(filters.date_from, filters.date_to)
    if filters.kind_ids is None and filters.channels is None:
        q = _period_q(parts)
        if filters.department_ids is not None:
            q &= Q(department_id__in=filters.department_ids)
        return DepartmentBucket.objects.filter(q)
    return DurationBucket.objects.filter(_period_q(parts) & _narrow_q(filters))


def _median(histogram: dict[int, int]) -> float | None:
    total = sum(histogram.values())
    if total <= 0:
        return None
    middle = (total + 1) // 2  # the lower median when the count is even
    seen = 0
    for bucket in sorted(histogram):
        seen += histogram[bucket]
        if seen >= middle:
            return bucket_seconds(bucket)
    return bucket_seconds(max(histogram))


def top_stems(filters: Filters, limit: int = 15) -> list[tuple[str, int]]:
    """The stems most often found in the subjects of the period's appeals, with their counts."""
    _validate(filters, ())
    parts = segments(filters.date_from, filters.date_to)
    rows = (
        StemCount.objects.filter(_period_q(parts) & _narrow_q(filters))
        .values("stem")
        .annotate(n=Sum("count"))
        .filter(n__gt=0)
        .order_by("-n", "stem")[:limit]
    )
    return [(row["stem"], row["n"]) for row in rows]


def overdue_now(department_ids: frozenset[int] | None) -> dict[int, int]:
    """Open appeals whose deadline is missed right now, by department.

    Read from the rollups' ``overdue_open`` over every year (a few thousand rows), not from the
    appeals table: an appeal is counted once the deadline sweep has flagged it (``breached_at``)
    and while it stays open. At a million appeals with tens of thousands of open ones the count
    over the appeals table took 0.4 s (bench/analytics_dashboard.py).
    """
    qs = PeriodRollup.objects.filter(span="y", overdue_open__gt=0)
    if department_ids is not None:
        qs = qs.filter(department_id__in=department_ids)
    rows = qs.values("department_id").annotate(n=Sum("overdue_open")).order_by()
    return {row["department_id"]: row["n"] for row in rows if row["n"]}
