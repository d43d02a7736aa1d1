"""The production calendar as data: seeding from `holidays`, loading for deadline arithmetic.

The federal calendar (code ``ru``) is seeded from the pinned ``holidays`` package: holidays of
Art. 112 of the Labour Code, the Government's yearly transfers (days off and working Saturdays)
and the shortened pre-holiday days of Art. 95. A regional calendar adds its own days to its
parent's. Loaded calendars are cached for a short time in the process; an edit clears the cache.
"""

from __future__ import annotations

import time as _time
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from priemnaya.catalog.models import Calendar, CalendarDay, CalendarYear, Department
from priemnaya.core import clock
from priemnaya.core.calendar import STANDARD_HOURS, DayInfo, WorkCalendar
from priemnaya.core.deadlines import BusinessHours

FEDERAL = "ru"
FEDERAL_NAME = "Российская Федерация"
SEED_YEARS = range(2024, 2028)
# A calendar edited in one process reaches the others within this time.
CACHE_SECONDS = 300
_TRANSFER_PREFIX = "Выходной"
# The source of a year or edit made by hand in admin (the loader writes «holidays <version>»).
ADMIN_SOURCE = "администратор"

_cache: dict[str, tuple[float, WorkCalendar]] = {}


@dataclass(frozen=True)
class SeedDay:
    date: date
    working: bool
    hours: int
    note: str


def production_days(year: int) -> list[SeedDay]:
    """Return the days of a year that differ from a plain Monday–Friday week (from `holidays`).

    Shortened days (Art. 95): a working day right before a holiday of Art. 112, and a working
    Saturday that opens a run of days off leading to a holiday (2024-11-02, 2025-11-01).
    """
    import holidays  # imported here: only seeding needs it

    data = holidays.country_holidays("RU", years=[year, year + 1], language="ru")
    days: dict[date, SeedDay] = {}
    for day, name in sorted(data.items()):
        if day.year == year:
            days[day] = SeedDay(day, working=False, hours=0, note=str(name))
    working_weekends = {d for d in data.weekend_workdays if d.year == year}
    for day in sorted(working_weekends):
        days[day] = SeedDay(day, working=True, hours=STANDARD_HOURS, note="Рабочий день (перенос)")

    def off(d: date) -> bool:
        if d in working_weekends:
            return False
        return d in data or d.weekday() >= 5

    def holiday(d: date) -> bool:
        return d in data and not str(data[d]).startswith(_TRANSFER_PREFIX)

    day = date(year, 1, 1)
    while day.year == year:
        if not off(day):
            after = day + timedelta(days=1)
            shortened = holiday(after)
            if not shortened and day in working_weekends:
                run = after
                while off(run) and not holiday(run):
                    run += timedelta(days=1)
                shortened = off(run) and holiday(run)
            if shortened:
                note = days[day].note if day in days else "Предпраздничный день"
                days[day] = SeedDay(day, working=True, hours=STANDARD_HOURS - 1, note=note)
        day += timedelta(days=1)
    return [days[d] for d in sorted(days)]


@transaction.atomic
def calendar_import(year: int, *, code: str = FEDERAL, replace: bool = False) -> int:
    """Load a year of the federal production calendar from `holidays`; return the days written.

    An existing year is left alone unless ``replace`` (an administrator's edits win).
    """
    name = FEDERAL_NAME if code == FEDERAL else code
    calendar, _ = Calendar.objects.get_or_create(code=code, defaults={"name": name})
    existing = CalendarYear.objects.filter(calendar=calendar, year=year).first()
    if existing and not replace:
        return 0
    import holidays

    CalendarDay.objects.filter(calendar=calendar, date__year=year).delete()
    rows = [
        CalendarDay(calendar=calendar, date=d.date, working=d.working, hours=d.hours, note=d.note)
        for d in production_days(year)
    ]
    CalendarDay.objects.bulk_create(rows)
    CalendarYear.objects.update_or_create(
        calendar=calendar,
        year=year,
        defaults={"source": f"holidays {holidays.__version__}", "loaded_at": clock.now()},
    )
    calendar_cache_clear()
    return len(rows)


class CalendarFileError(ValueError):
    """A line of a calendar file cannot be read; the message names the line and the column."""


_TRUE = {"1", "true", "да", "yes", "рабочий", "р"}
_FALSE = {"0", "false", "нет", "no", "выходной", "в"}


def calendar_rows_from_csv(text: str) -> list[SeedDay]:
    """Read days from a CSV of ``date,working,hours,note`` (a header line first).

    ``date`` is 2028-01-02 or 02.01.2028; ``working`` is 1/0 (да/нет); ``hours`` may be left
    empty: 8 for a working day, 0 for a day off.
    """
    import csv
    import io

    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"date", "working"} - set(reader.fieldnames or [])
    if missing:
        raise CalendarFileError(
            "В первой строке файла нужны столбцы date,working,hours,note; нет: "
            + ", ".join(sorted(missing))
            + "."
        )
    rows: dict[date, SeedDay] = {}
    for line, raw in enumerate(reader, start=2):
        value = (raw.get("date") or "").strip()
        try:
            day = (
                date.fromisoformat(value)
                if "-" in value
                else date(*reversed([int(p) for p in value.split(".")]))
            )
        except (ValueError, TypeError):
            raise CalendarFileError(
                f"Строка {line}: дата «{value}» не читается (нужно 2028-01-02 или 02.01.2028)."
            ) from None
        flag = (raw.get("working") or "").strip().lower()
        if flag not in _TRUE | _FALSE:
            raise CalendarFileError(
                f"Строка {line}: working «{flag}» — укажите 1 (рабочий) или 0 (выходной)."
            )
        working = flag in _TRUE
        hours_text = (raw.get("hours") or "").strip()
        try:
            hours = int(hours_text) if hours_text else (STANDARD_HOURS if working else 0)
        except ValueError:
            raise CalendarFileError(f"Строка {line}: hours «{hours_text}» — не число.") from None
        if not (1 <= hours <= 24 if working else hours == 0):
            raise CalendarFileError(
                f"Строка {line}: у рабочего дня от 1 до 24 часов, у выходного — 0 (дано {hours})."
            )
        if day in rows:
            raise CalendarFileError(f"Строка {line}: дата {day:%d.%m.%Y} уже была в файле.")
        rows[day] = SeedDay(day, working=working, hours=hours, note=(raw.get("note") or "").strip())
    return [rows[d] for d in sorted(rows)]


@dataclass(frozen=True)
class FileImport:
    calendar: Calendar
    created: bool
    written: int
    years: list[int]
    uncovered: list[int]


@transaction.atomic
def calendar_import_days(
    days: list[SeedDay],
    *,
    code: str = FEDERAL,
    parent: str | None = None,
    name: str | None = None,
    source: str = "",
    replace: bool = False,
) -> FileImport:
    """Write days (regional holidays, a late decree) into a calendar, creating it if needed.

    A new calendar with a parent adds its days to the parent's. With ``replace`` the calendar's
    own days of the years in ``days`` are deleted first. Returns what was done; ``uncovered``
    lists years the calendar (or its root) has no year entry for: those still raise
    CalendarMissing until the year is loaded.
    """
    found = Calendar.objects.filter(code=code).first()
    created = found is None
    if found is not None:
        calendar = found
    else:
        parent_row = None
        if parent:
            parent_row = Calendar.objects.filter(code=parent).first()
            if parent_row is None:
                raise CalendarFileError(f"Нет календаря «{parent}», на котором основан новый.")
        default_name = FEDERAL_NAME if code == FEDERAL else code
        calendar = Calendar.objects.create(code=code, name=name or default_name, parent=parent_row)
    years = sorted({d.date.year for d in days})
    if replace:
        CalendarDay.objects.filter(calendar=calendar, date__year__in=years).delete()
    for d in days:
        CalendarDay.objects.update_or_create(
            calendar=calendar,
            date=d.date,
            defaults={"working": d.working, "hours": d.hours, "note": d.note},
        )
    root = calendar
    while root.parent is not None:
        root = root.parent
    covered = set(
        CalendarYear.objects.filter(calendar=root, year__in=years).values_list("year", flat=True)
    )
    if source:
        for row in CalendarYear.objects.filter(calendar=calendar, year__in=years):
            if source not in row.source:
                row.source = f"{row.source}; {source}" if row.source else source
                row.save(update_fields=["source"])
    calendar_cache_clear()
    return FileImport(
        calendar=calendar,
        created=created,
        written=len(days),
        years=years,
        uncovered=[y for y in years if y not in covered],
    )


def calendar_seed() -> int:
    """Make sure the federal calendar has the seeded years; return how many were loaded."""
    return sum(bool(calendar_import(year)) for year in SEED_YEARS)


def calendar_cache_clear() -> None:
    _cache.clear()


@receiver(post_save, sender=Calendar)
@receiver(post_delete, sender=Calendar)
@receiver(post_save, sender=CalendarYear)
@receiver(post_delete, sender=CalendarYear)
@receiver(post_save, sender=CalendarDay)
@receiver(post_delete, sender=CalendarDay)
def _calendar_changed(**kwargs) -> None:
    # An edit (admin, shell, import) must reach the next deadline computed in this process.
    calendar_cache_clear()


def calendar_year_touch(calendar: Calendar, year: int) -> None:
    """Record on a year's source that an administrator changed its days (for audit)."""
    row = CalendarYear.objects.filter(calendar=calendar, year=year).first()
    if row is None or ADMIN_SOURCE in row.source:
        return
    row.source = f"{row.source}; правки: {ADMIN_SOURCE}" if row.source else ADMIN_SOURCE
    row.save(update_fields=["source"])


def _load(calendar: Calendar) -> WorkCalendar:
    chain: list[Calendar] = []
    node: Calendar | None = calendar
    while node is not None and node not in chain:
        chain.append(node)
        node = node.parent
    root = chain[-1]
    years = set(CalendarYear.objects.filter(calendar=root).values_list("year", flat=True))
    days: dict[date, DayInfo] = {}
    # The parent first, so the region's own days override it.
    for item in reversed(chain):
        for d in CalendarDay.objects.filter(calendar=item).only("date", "working", "hours", "note"):
            days[d.date] = DayInfo(working=d.working, hours=d.hours, note=d.note)
    return WorkCalendar.of(years, days, name=calendar.name)


def work_calendar(code: str | None = None) -> WorkCalendar:
    """Return a calendar by code (the federal one by default), from the cache when fresh.

    A calendar not in the database is empty: every day of it raises CalendarMissing.
    """
    code = code or FEDERAL
    hit = _cache.get(code)
    if hit is not None and _time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    calendar = Calendar.objects.select_related("parent").filter(code=code).first()
    loaded = _load(calendar) if calendar else WorkCalendar.of([], name=code)
    _cache[code] = (_time.monotonic(), loaded)
    return loaded


def department_calendar(department: Department) -> WorkCalendar:
    code = department.calendar.code if department.calendar_id and department.calendar else None
    return work_calendar(code)


def department_hours(department: Department) -> BusinessHours:
    """Return the department's working time; an unknown zone falls back to the service's."""
    try:
        zone = ZoneInfo(department.timezone or settings.TIME_ZONE)
    except (ValueError, KeyError):
        zone = ZoneInfo(settings.TIME_ZONE)
    return BusinessHours(zone=zone, opens=department.opens_at, closes=department.closes_at)


def service_hours() -> BusinessHours:
    """The service's own working time: for previews and terms not tied to a department."""
    return BusinessHours(zone=ZoneInfo(settings.TIME_ZONE))
