"""System check: the production calendar has the current year and, from October, the next one.

A deadline in a year without calendar data is an error (LEGAL.md §6 rule 23), so a missing
current year is an Error; the Government publishes next year's transfers in the autumn, so from
1 October a missing next year is a Warning (CI runs ``check --fail-level WARNING``).
"""

from __future__ import annotations

from datetime import date

from django.core.checks import CheckMessage, Error, Warning
from django.db import DatabaseError

from priemnaya.core import clock

# From this day of the year on, next year's calendar is expected to be loaded.
WARN_FROM = (10, 1)


def calendar_years_check(app_configs=None, **kwargs) -> list:
    from priemnaya.catalog.calendars import FEDERAL
    from priemnaya.catalog.models import CalendarYear

    today = clock.today()
    try:
        years = set(
            CalendarYear.objects.filter(calendar__code=FEDERAL).values_list("year", flat=True)
        )
    except DatabaseError:
        # Tables not migrated yet (or no database): `migrate` must still run; nothing to say.
        return []
    if not years:
        # The catalog was never loaded (a fresh database): `load_catalog` seeds the calendar.
        return []
    problems: list[CheckMessage] = []
    if today.year not in years:
        problems.append(
            Error(
                f"В производственном календаре нет данных за текущий {today.year} год: "
                "сроки обращений не вычисляются, регистрация отказывает.",
                hint=f"Загрузите год: priemnaya manage calendar_import --year {today.year} "
                "(обновите пакет holidays, если в нём ещё нет переносов этого года).",
                id="catalog.E001",
            )
        )
    following = today.year + 1
    if today >= date(today.year, *WARN_FROM) and following not in years:
        problems.append(
            Warning(
                f"В производственном календаре нет данных за {following} год: с 1 января "
                "регистрация обращений будет отказывать, а сроки, уходящие в него, уже сейчас.",
                hint=f"Обновите пакет holidays и загрузите год: priemnaya manage calendar_import "
                f"--year {following}.",
                id="catalog.W001",
            )
        )
    return problems
