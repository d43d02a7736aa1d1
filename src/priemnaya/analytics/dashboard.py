"""The dashboard's numbers: who may see which departments, the filters from a request, and
everything the page, the exports and the API show (all read from the rollups)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Sum

from priemnaya.accounts.models import User
from priemnaya.analytics.selectors import (
    Filters,
    buckets_for,
    duration_medians,
    overdue_now,
    rollup_rows,
    top_stems,
    totals,
)
from priemnaya.appeals.permissions import head_department_ids
from priemnaya.appeals.states import Channel, Status
from priemnaya.catalog.models import Department, Kind, Theme
from priemnaya.core import clock
from priemnaya.core.errors import ValidationFailed

__all__ = ["QUERIES", "Dashboard", "Filters", "allowed_departments", "dashboard", "parse_filters"]

# Up to this many days the period chart has a column per day, beyond it one per month.
DAILY_SERIES_MAX_DAYS = 62
MAX_RANGE_DAYS = 20 * 366
PRESETS = {
    "month": "Этот месяц",
    "last_month": "Прошлый месяц",
    "quarter": "Квартал",
    "year": "Год",
}
TOP = 10


def allowed_departments(user: User) -> frozenset[int] | None:
    """Departments the user may see on the dashboard: None for all; empty if none at all."""
    if not user.is_authenticated:
        return frozenset()
    if user.sees_all_departments:
        return None
    return frozenset(head_department_ids(user))


def may_see(user: User) -> bool:
    return allowed_departments(user) != frozenset()


def preset_range(preset: str, today: date) -> tuple[date, date]:
    """The inclusive dates of a preset, up to today."""
    month = today.replace(day=1)
    if preset == "last_month":
        end = month - timedelta(days=1)
        return end.replace(day=1), end
    if preset == "quarter":
        return today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1), today
    if preset == "year":
        return today.replace(month=1, day=1), today
    return month, today


def _date(value: str, name: str, errors: dict[str, list[str]]) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        errors.setdefault(name, []).append(
            f"Дата «{'с' if name == 'from' else 'по'}» — в формате ГГГГ-ММ-ДД, например 2026-03-01."
        )
        return None


def _ids(values: list[str], name: str, label: str, errors: dict[str, list[str]]) -> set[int]:
    found = set()
    for value in values:
        if value == "":
            continue
        if not value.isdigit():
            errors.setdefault(name, []).append(f"{label}: выберите из списка.")
            continue
        found.add(int(value))
    return found


def parse_filters(params: Mapping[str, Any], allowed: frozenset[int] | None) -> Filters:
    """Filters from the query string (from, to, preset, department, kind, channel).

    Raises ValidationFailed naming the field, in Russian; a department outside ``allowed`` is
    refused the same way (a head sees only the departments they head).
    """
    errors: dict[str, list[str]] = {}

    def many(name: str) -> list[str]:
        getlist = getattr(params, "getlist", None)
        raw = getlist(name) if getlist else params.get(name)
        if raw is None:
            return []
        return [str(v) for v in (raw if isinstance(raw, list | tuple) else [raw])]

    today = clock.today()
    preset = str(params.get("preset") or "")
    if preset and preset not in PRESETS:
        errors["preset"] = ["Период: выберите из списка."]
    start, end = preset_range(preset or "month", today)
    raw_from, raw_to = params.get("from"), params.get("to")
    if raw_from and not preset:
        start = _date(str(raw_from), "from", errors) or start
    if raw_to and not preset:
        end = _date(str(raw_to), "to", errors) or end
    if "from" not in errors and "to" not in errors:
        if start > end:
            errors["to"] = ["Дата «по» не может быть раньше даты «с»."]
        elif (end - start).days > MAX_RANGE_DAYS:
            errors["from"] = ["Период — не длиннее 20 лет."]
    departments = _ids(many("department"), "department", "Ведомство", errors)
    known = Department.objects.filter(pk__in=departments).count() if departments else 0
    if departments and known != len(departments):
        errors.setdefault("department", []).append("Ведомство: выберите из списка.")
    elif allowed is not None and departments - allowed:
        errors.setdefault("department", []).append("Вам доступна статистика только ваших ведомств.")
    kinds = _ids(many("kind"), "kind", "Вид обращения", errors)
    if kinds and Kind.objects.filter(pk__in=kinds).count() != len(kinds):
        errors.setdefault("kind", []).append("Вид обращения: выберите из списка.")
    channels = {c for c in many("channel") if c}
    if channels - set(Channel.values):
        errors["channel"] = ["Канал: выберите из списка."]
    if errors:
        raise ValidationFailed(errors)
    scope = departments or (set(allowed) if allowed is not None else None)
    return Filters(
        date_from=start,
        date_to=end,
        department_ids=frozenset(scope) if scope is not None else None,
        kind_ids=frozenset(kinds) or None,
        channels=frozenset(channels) or None,
    )


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _mean(total: int, count: int) -> float | None:
    return total / count if count else None


def ratings(filters: Filters) -> dict[int, int]:
    """How many ratings of each value (1–5) the period's appeals got."""
    rows = (
        buckets_for(filters)
        .filter(measure="rating")
        .values("bucket")
        .annotate(n=Sum("count"))
        .order_by()
    )
    return {row["bucket"]: row["n"] for row in rows if row["n"]}


def series_grain(filters: Filters) -> str:
    days = (filters.date_to - filters.date_from).days + 1
    return "day" if days <= DAILY_SERIES_MAX_DAYS else "month"


def series(filters: Filters) -> list[dict[str, Any]]:
    return rollup_rows(filters, (series_grain(filters),))


def _by(group: str) -> Callable[[Filters], list[dict[str, Any]]]:
    def query(filters: Filters) -> list[dict[str, Any]]:
        return rollup_rows(filters, (group,))

    query.__name__ = f"by_{group}"
    return query


def _overdue(filters: Filters) -> dict[int, int]:
    return overdue_now(filters.department_ids)


#: Every query the page runs (the benchmark times each).
QUERIES: dict[str, Callable[[Filters], Any]] = {
    "totals": totals,
    "by_kind": _by("kind"),
    "by_theme": _by("theme"),
    "by_department": _by("department"),
    "by_channel": _by("channel"),
    "by_status": _by("status"),
    "series": series,
    "medians": duration_medians,
    "ratings": ratings,
    "top_stems": top_stems,
    "overdue_now": _overdue,
}


@dataclass
class Row:
    key: Any
    label: str
    values: dict[str, Any]

    @property
    def appeals(self) -> int:
        return int(self.values.get("appeals", 0))


@dataclass
class Dashboard:
    filters: Filters
    totals: dict[str, int]
    indicators: dict[str, float | None]
    by_kind: list[Row]
    by_theme: list[Row]
    by_department: list[Row]
    by_channel: list[Row]
    by_status: list[Row]
    series: list[Row]
    series_grain: str
    ratings: dict[int, int]
    overdue_by_department: list[Row]
    top_stems: list[tuple[str, int]]
    labels: dict[str, dict[Any, str]] = field(default_factory=dict)

    @property
    def overdue_now(self) -> int:
        return sum(row.appeals for row in self.overdue_by_department)

    @property
    def top_themes(self) -> list[Row]:
        return sorted(self.by_theme, key=lambda r: -r.appeals)[:TOP]


def _names() -> dict[str, dict[Any, str]]:
    return {
        "kind": dict(Kind.objects.values_list("pk", "name")),
        "theme": dict(Theme.objects.values_list("pk", "name")),
        "department": dict(Department.objects.values_list("pk", "name")),
        "channel": dict(Channel.choices),
        "status": dict(Status.choices),
    }


MONTHS = (
    "янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек",
)  # fmt: skip


def period_label(value: date, grain: str) -> str:
    if grain == "day":
        return value.strftime("%d.%m")
    return f"{MONTHS[value.month - 1]} {value.year}"


def dashboard(filters: Filters) -> Dashboard:
    """Everything the dashboard shows for the filters."""
    names = _names()
    total = totals(filters)
    medians = duration_medians(filters)
    rated = ratings(filters)

    def rows(group: str, found: list[dict[str, Any]]) -> list[Row]:
        result = [Row(r[group], names[group].get(r[group], str(r[group])), r) for r in found]
        return sorted(result, key=lambda r: (-r.appeals, r.label))

    grain = series_grain(filters)
    period_rows = [Row(r[grain], period_label(r[grain], grain), r) for r in series(filters)]
    overdue = overdue_now(filters.department_ids)
    indicators = {
        "first_response_median": medians["first_response"],
        "first_response_mean": _mean(total["first_response_seconds"], total["first_responses"]),
        "answer_median": medians["answer"],
        "answer_mean": _mean(total["answer_seconds"], total["answered"]),
        "answered_on_time_share": _share(total["answered_on_time"], total["answered"]),
        "closed_within_24h_share": _share(total["closed_within_24h"], total["closed"]),
        "repeat_rate": _share(total["repeats"], total["appeals"]),
        "rating_mean": _mean(total["rating_sum"], total["ratings"]),
        "rating_high_share": _share(rated.get(4, 0) + rated.get(5, 0), sum(rated.values())),
        "overdue_share": _share(total["overdue"], total["appeals"]),
    }
    return Dashboard(
        filters=filters,
        totals=total,
        indicators=indicators,
        by_kind=rows("kind", rollup_rows(filters, ("kind",))),
        by_theme=rows("theme", rollup_rows(filters, ("theme",))),
        by_department=rows("department", rollup_rows(filters, ("department",))),
        by_channel=rows("channel", rollup_rows(filters, ("channel",))),
        by_status=rows("status", rollup_rows(filters, ("status",))),
        series=period_rows,
        series_grain=grain,
        ratings=rated,
        overdue_by_department=sorted(
            (
                Row(pk, names["department"].get(pk, str(pk)), {"appeals": n})
                for pk, n in overdue.items()
            ),
            key=lambda r: (-r.appeals, r.label),
        ),
        top_stems=top_stems(filters),
        labels=names,
    )


def duration_text(seconds: float | None) -> str:
    """A duration for people: «3 ч 20 мин», «4,5 дня»."""
    if seconds is None:
        return "—"
    minutes = seconds / 60
    if minutes < 60:
        return f"{max(1, round(minutes))} мин"
    hours = minutes / 60
    if hours < 48:
        return f"{hours:.1f} ч".replace(".", ",")
    return f"{hours / 24:.1f} дн".replace(".", ",")


def share_text(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %".replace(".", ",")


def summary(board: Dashboard) -> dict[str, Any]:
    """The dashboard's numbers as plain data (the API's body and the exports' source)."""
    f = board.filters

    def listed(rows: list[Row], key: str) -> list[dict[str, Any]]:
        measures = ("answered", "answered_on_time", "overdue")
        return [
            {key: r.key, "name": r.label, "appeals": r.appeals}
            | {m: r.values.get(m, 0) for m in measures}
            for r in rows
        ]

    return {
        "from": f.date_from.isoformat(),
        "to": f.date_to.isoformat(),
        "departments": sorted(f.department_ids) if f.department_ids is not None else None,
        "totals": board.totals,
        "indicators": board.indicators,
        "by_kind": listed(board.by_kind, "kind"),
        "by_theme": listed(board.by_theme, "theme"),
        "by_department": listed(board.by_department, "department"),
        "by_channel": listed(board.by_channel, "channel"),
        "by_status": listed(board.by_status, "status"),
        "series": {
            "grain": board.series_grain,
            "points": [{"period": r.key.isoformat(), "appeals": r.appeals} for r in board.series],
        },
        "ratings": {str(k): v for k, v in sorted(board.ratings.items())},
        "overdue_now": {
            "total": board.overdue_now,
            "by_department": [
                {"department": r.key, "name": r.label, "appeals": r.appeals}
                for r in board.overdue_by_department
            ],
        },
        "top_stems": [{"stem": s, "appeals": n} for s, n in board.top_stems],
    }
