"""The public open-data summary: counts and deadline shares by theme, territory and month.

Only aggregates of appeals registered in whole calendar months; every count passes the
small-cell rules of ``suppression`` before it leaves this module. The result is cached per period,
threshold and data version, so a burst of anonymous requests reads the database once.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max

from priemnaya.appeals.models import Event
from priemnaya.catalog.models import Theme
from priemnaya.catalog.regions import REGIONS
from priemnaya.core import clock
from priemnaya.core.errors import ValidationFailed
from priemnaya.opendata.source import Filters, rollup_rows
from priemnaya.opendata.suppression import Cell, Table, share, suppress_table

COUNTS: tuple[str, ...] = ("appeals", "answered", "answered_on_time", "overdue")
SHARES: dict[str, tuple[str, str]] = {
    # share → (numerator, denominator), both counts of the same row.
    "deadline_kept_share": ("answered_on_time", "answered"),
    "overdue_share": ("overdue", "appeals"),
}
LABELS = {
    "appeals": "Поступило обращений",
    "answered": "Дан ответ",
    "answered_on_time": "Ответ в срок",
    "overdue": "Срок нарушен",
    "deadline_kept_share": "Доля ответов в срок, %",
    "overdue_share": "Доля с нарушением срока, %",
}
NO_REGION = "Регион не указан"
MONTHS = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
]
MAX_YEARS = 5
CACHE_SECONDS = 300


@dataclass(frozen=True)
class Period:
    """Whole calendar months: from the first day of one to the last day of another."""

    date_from: date
    date_to: date


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _twelve_months_to(end: date) -> date:
    """The first day of the twelve-month span that ends with the month of ``end``."""
    return date(end.year, 1, 1) if end.month == 12 else date(end.year - 1, end.month + 1, 1)


def default_period(today: date | None = None) -> Period:
    """The last twelve full months before the current one."""
    today = today or clock.today()
    end = date.fromordinal(today.replace(day=1).toordinal() - 1)
    return Period(_twelve_months_to(end), end)


EARLIEST = date(2000, 1, 1)
LATEST = date(2999, 12, 31)


def _parse(value: str, field: str) -> date:
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationFailed.single(
            field, f"Дата «{value}» не читается: нужен вид ГГГГ-ММ-ДД, например 2026-01-31."
        ) from None
    if not EARLIEST <= day <= LATEST:
        raise ValidationFailed.single(field, "Укажите дату между 2000 и 2999 годами.")
    return day


def period_parse(raw_from: str | None, raw_to: str | None) -> Period:
    """Read ``from`` and ``to`` (ISO dates, both optional) and widen them to whole months."""
    default = default_period()
    start = _parse(raw_from, "from") if raw_from else None
    end = _parse(raw_to, "to") if raw_to else None
    if start is None and end is None:
        return default
    if start is None:
        assert end is not None  # noqa: S101 — one of the two is given
        start = _twelve_months_to(end)
    if end is None:
        end = max(start, default.date_to)
    if start > end:
        raise ValidationFailed.single("from", "Начало периода позже его конца (to).")
    start, end = start.replace(day=1), _month_end(end)
    if (end.year - start.year) * 12 + end.month - start.month + 1 > MAX_YEARS * 12:
        raise ValidationFailed.single("to", f"Период длиннее {MAX_YEARS} лет: сократите его.")
    return Period(start, end)


def month_label(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def _key(value: Any) -> str:
    if isinstance(value, date):
        return value.strftime("%Y-%m")
    return "" if value is None else str(value)


def _grouped(rows: Iterable[dict[str, Any]], dimension: str) -> dict[str, dict[str, int]]:
    sums: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for row in rows:
        target = sums[_key(row[dimension])]
        for column in COUNTS:
            target[column] += int(row.get(column, 0) or 0)
    return dict(sums)


def _monthly_small(rows: Iterable[dict[str, Any]], dimension: str, min_cell: int):
    """Per row key, the columns with a small count in some single month (suppression rule 1)."""
    flagged: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        for column in COUNTS:
            value = int(row.get(column, 0) or 0)
            if 0 < value < min_cell:
                flagged[_key(row[dimension])].add(column)
    return flagged


def _cells(row: dict[str, Cell]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in COUNTS:
        out[column] = row[column].value
        out[f"{column}_suppressed"] = row[column].suppressed
    for name, (num, den) in SHARES.items():
        value = share(row[num], row[den])
        out[name] = float(value) if isinstance(value, Decimal) else None
        out[f"{name}_suppressed"] = value is None and bool(
            row[num].suppressed or row[den].suppressed
        )
    return out


def _names(dimension: str, keys: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Row key → (code, name) as published."""
    if dimension == "theme":
        ids = [int(k) for k in keys if k]
        themes = Theme.objects.filter(pk__in=ids).values_list("pk", "code", "name")
        return {str(pk): (code, name) for pk, code, name in themes}
    if dimension == "region":
        return {k: (k, REGIONS.get(k, NO_REGION) if k else NO_REGION) for k in keys}
    return {k: (k, month_label(date.fromisoformat(k + "-01"))) for k in keys}


def data_version() -> int:
    """The journal's last event id: every change of an appeal writes one (an indexed max)."""
    return Event.objects.aggregate(last=Max("id"))["last"] or 0


def summary_rows(filters: Filters, group_by: tuple[str, ...]) -> list[dict[str, Any]]:
    """The rollups' sums of just the published counts (four measures, not all eighteen)."""
    return rollup_rows(filters, group_by, measures=COUNTS)


def build_summary(
    period: Period,
    *,
    min_cell: int,
    rows: Callable[[Filters, tuple[str, ...]], list[dict[str, Any]]] = summary_rows,
) -> dict[str, Any]:
    """Compute the suppressed summary of ``period`` (no cache)."""
    filters = Filters(date_from=period.date_from, date_to=period.date_to)
    by_month = rows(filters, ("month",))
    tables: dict[str, Table] = {}
    for dimension in ("theme", "region"):
        monthly = rows(filters, ("month", dimension))
        tables[dimension] = suppress_table(
            _grouped(monthly, dimension),
            COUNTS,
            min_cell=min_cell,
            monthly_small=_monthly_small(monthly, dimension, min_cell),
        )
    tables["month"] = suppress_table(_grouped(by_month, "month"), COUNTS, min_cell=min_cell)
    # One grand total for all three tables: a total withheld in one is withheld in all.
    totals: dict[str, Cell] = {}
    for column in COUNTS:
        cells = [t.totals[column] for t in tables.values()]
        withheld = next((c for c in cells if c.suppressed), None)
        totals[column] = withheld or cells[0]
    out: dict[str, Any] = {
        "period": {"from": period.date_from.isoformat(), "to": period.date_to.isoformat()},
        "min_cell": min_cell,
        "total": _cells(totals),
    }
    for dimension, name in (("theme", "by_theme"), ("region", "by_region"), ("month", "by_month")):
        table = tables[dimension]
        names = _names(dimension, table.rows)
        published = []
        for key, row in table.rows.items():
            code, label = names.get(key, (key, key))
            published.append({"code": code, "name": label, **_cells(row)})
        if dimension == "month":
            published.sort(key=lambda r: r["code"])
        else:
            published.sort(key=lambda r: (-(r["appeals"] or 0), r["name"]))
        out[name] = published
    return out


def summary(period: Period) -> dict[str, Any]:
    """The published summary of ``period``, from the cache when the data have not changed."""
    min_cell = settings.PRIEMNAYA_OPEN_DATA_MIN_CELL
    key = f"opendata:summary:{period.date_from}:{period.date_to}:{min_cell}:{data_version()}"
    found = cache.get(key)
    if found is None:
        found = build_summary(period, min_cell=min_cell)
        cache.set(key, found, CACHE_SECONDS)
    return found
