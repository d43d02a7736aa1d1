"""The production calendar and deadline previews (public): what integrations and the console's
letter intake use to show a due date before registering (SPEC §5, LEGAL.md §6 rules 2, 3, 19, 22).
"""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema

from priemnaya.appeals.deadlines import deadline_preview
from priemnaya.catalog.calendars import FEDERAL, work_calendar
from priemnaya.catalog.models import Calendar, Regime
from priemnaya.catalog.policies import PolicyMissing, policy_for
from priemnaya.catalog.selectors import kinds_active, themes_active
from priemnaya.core.calendar import SATURDAY, STANDARD_HOURS, CalendarMissing
from priemnaya.core.deadlines import LastDay
from priemnaya.core.errors import NotFound, ServiceUnavailable, ValidationFailed

router = Router(tags=["calendar"])

# The API names the 59-FZ regime `appeal59` (as ПОС does); the catalog stores it as `fz59`.
API_REGIMES = {"appeal59": Regime.FZ59, "message": Regime.MESSAGE}
REGIME_NAMES = {value: name for name, value in API_REGIMES.items()}
MAX_TERM = 90


class CalendarDayOut(Schema):
    date: date
    working: bool
    hours: int
    note: str


class CalendarYearOut(Schema):
    year: int
    working_days: int
    days: list[CalendarDayOut]


class DeadlinePreviewOut(Schema):
    due_date: date
    policy: str | None
    regime: str
    term: int
    unit: str
    last_day: str
    registered: date


def _plain(day: date) -> tuple[bool, int]:
    return (True, STANDARD_HOURS) if day.weekday() < SATURDAY else (False, 0)


@router.get("/calendar/{year}", auth=None, response=CalendarYearOut)
def calendar_year(request: HttpRequest, year: int, calendar: str = FEDERAL):
    """The days of a year that differ from a plain Monday–Friday week (holidays, transferred days
    off, working Saturdays, shortened days) and the number of working days. `calendar` is a
    regional calendar's code (default `ru`, the federal one)."""
    if calendar != FEDERAL and not Calendar.objects.filter(code=calendar).exists():
        raise NotFound(f"Календаря «{calendar}» нет.", field="calendar")
    cal = work_calendar(calendar)
    if not cal.covers(year):
        raise NotFound(
            f"В производственном календаре нет данных за {year} год.",
            field="year",
            code="not_found",
        )
    days = [
        {"date": day, "working": info.working, "hours": info.hours, "note": info.note}
        for day, info in sorted(cal.days.items())
        if day.year == year and (info.working, info.hours) != _plain(day)
    ]
    return {"year": year, "working_days": cal.working_days_in(year), "days": days}


def _date(value: str | None, field: str) -> date:
    if not value:
        raise ValidationFailed.single(field, "Укажите дату регистрации в виде ГГГГ-ММ-ДД.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed.single(
            field, f"Дата «{value}» не читается: нужен вид ГГГГ-ММ-ДД, например 2026-02-20."
        ) from None


@router.get("/deadlines/preview", auth=None, response=DeadlinePreviewOut)
def preview(
    request: HttpRequest,
    registered: str | None = None,
    kind: str | None = None,
    theme: str | None = None,
    regime: str | None = None,
    term: str | None = None,
    last_day: str | None = None,
):
    """The due day of an appeal registered on `registered` (federal calendar): either by `kind`
    (and optionally `theme`) — the policy they select — or by an explicit `regime`
    (`appeal59` — calendar days, `message` — working days), `term` (1–90) and `last_day`
    (`preceding` by default, or `next`, Civil Code art. 193). A year without calendar data
    → 422 on `registered`."""
    day = _date(registered, "registered")
    by_policy = kind is not None or theme is not None
    explicit = regime is not None or term is not None or last_day is not None
    if by_policy and explicit:
        raise ValidationFailed.single(
            "regime", "Укажите либо kind и theme, либо regime, term и last_day — не оба способа."
        )
    if not by_policy and not explicit:
        raise ValidationFailed.single(
            "kind", "Укажите kind (и theme) или regime и term, чтобы рассчитать срок."
        )
    try:
        if by_policy:
            result = deadline_preview(registered=day, policy=_policy(kind, theme))
        else:
            result = deadline_preview(registered=day, **_explicit(regime, term, last_day))
    except CalendarMissing as exc:
        raise ValidationFailed.single("registered", str(exc)) from None
    return {
        "due_date": result.due_date,
        "policy": result.policy.code if result.policy else None,
        "regime": REGIME_NAMES.get(Regime(result.regime), result.regime),
        "term": result.term,
        "unit": result.unit,
        "last_day": result.last_day,
        "registered": result.registered,
    }


def _policy(kind_code: str | None, theme_code: str | None):
    if not kind_code:
        raise ValidationFailed.single("kind", "Укажите kind: срок зависит от вида обращения.")
    kind = kinds_active().filter(code=kind_code).first()
    if kind is None:
        raise ValidationFailed.single("kind", f"Вида обращения «{kind_code}» нет.")
    theme = None
    if theme_code:
        theme = themes_active().filter(code=theme_code).first()
        if theme is None:
            raise ValidationFailed.single("theme", f"Темы «{theme_code}» нет.")
    try:
        return policy_for(kind, theme)
    except PolicyMissing as exc:
        raise ServiceUnavailable(str(exc)) from None


def _explicit(regime: str | None, term: str | None, last_day: str | None) -> dict:
    if regime not in API_REGIMES:
        raise ValidationFailed.single(
            "regime", "Укажите regime: appeal59 (59-ФЗ, календарные дни) или message (рабочие дни)."
        )
    if term is None or not term.strip().isdigit() or not 1 <= int(term) <= MAX_TERM:
        raise ValidationFailed.single("term", f"Укажите term — целое число от 1 до {MAX_TERM}.")
    if last_day is not None and last_day not in {r.value for r in LastDay}:
        raise ValidationFailed.single(
            "last_day",
            "Укажите last_day: preceding (предыдущий рабочий день) или next (следующий).",
        )
    return {
        "regime": API_REGIMES[regime],
        "term": int(term),
        "last_day": last_day or LastDay.PRECEDING.value,
    }
